/* The fast batched fixed-point evaluator: lane type from the range analysis,
 * kernel family from the CPU, blocks of images on threads. See eval_int.h. */
#include "fast_int.h"

#include <stdlib.h>
#include <string.h>

#define FE_ALIGN 256

static int cpu_isa(void)
{
#ifdef ZKBI_FAST_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vnni") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi2"))
        return ZKBI_FAST_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi2"))
        return ZKBI_FAST_ISA_AVX2;
#endif
    return ZKBI_FAST_ISA_GENERIC;
}

const char *zkbi_fast_isa_name(int isa)
{
    return isa == ZKBI_FAST_ISA_AVX512 ? "avx512" : isa == ZKBI_FAST_ISA_AVX2 ? "avx2" : "generic";
}

void zkbi_fast_free(zkbi_fast *f)
{
    if (!f)
        return;
    if (f->L)
        for (uint32_t i = 0; i < f->n_layers; i++) {
            free(f->L[i].w);
            free(f->L[i].b);
            free(f->L[i].wp);
        }
    free(f->L);
    free(f);
}

static int fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

typedef unsigned __int128 fe_u128;
#define FE_SAT ((((fe_u128)1) << 127) - 1)

static fe_u128 sat_add(fe_u128 a, fe_u128 b)
{
    return a >= FE_SAT || b >= FE_SAT || a > FE_SAT - b ? FE_SAT : a + b;
}

static fe_u128 sat_mul(fe_u128 a, fe_u128 b)
{
    if (a == 0 || b == 0)
        return 0;
    return a >= FE_SAT || b >= FE_SAT || a > FE_SAT / b ? FE_SAT : a * b;
}

static uint64_t mag(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Largest |div(v, d)| over |v| <= A, as range.c. */
static fe_u128 div_mag(fe_u128 A, uint64_t d, uint32_t rnd)
{
    if (A >= FE_SAT)
        return FE_SAT;
    if (rnd == ZKB_ROUND_FLOOR)
        return (A + d - 1) / d;
    fe_u128 h = d / 2, pos = (A + h) / d, neg = A > h ? (A - h + d - 1) / d : 0;
    return pos > neg ? pos : neg;
}

/* Per layer, the analytic bounds of range.c (|b| + sum |w| bound(x), divided
 * as the evaluator divides; relu, pad2d and pools keep or divide their
 * input's bound): acc[i] bounds every partial sum of layer i, out[i] its outputs.
 * Returns 0, or -1 when out of memory. */
static int layer_bounds(const zkbi_qmodel *qm, uint64_t in_bound, fe_u128 *acc, fe_u128 *out)
{
    fe_u128 *cur = malloc(2 * qm->max_act * sizeof *cur), *nxt = cur ? cur + qm->max_act : NULL;
    if (!cur)
        return -1;
    for (uint64_t k = 0; k < qm->n_in; k++)
        cur[k] = in_bound;
    const uint64_t S = (uint64_t)qm->scale;
    const uint32_t rnd = qm->quant.rounding;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        fe_u128 a_mx = 0, o_mx = 0;
        if (s->op == ZKB_OP_DENSE) {
            for (uint64_t o = 0; o < s->out_w; o++) {
                fe_u128 A = mag(Q->b[o]);
                for (uint64_t k = 0; k < s->in_w; k++)
                    A = sat_add(A, sat_mul(mag(Q->w[o * s->in_w + k]), cur[k]));
                nxt[o] = div_mag(A, S, rnd);
                a_mx = A > a_mx ? A : a_mx;
                o_mx = nxt[o] > o_mx ? nxt[o] : o_mx;
            }
        } else if (s->op == ZKB_OP_CONV2D || s->op == ZKB_OP_AVGPOOL2D ||
                   s->op == ZKB_OP_MAXPOOL2D) {
            const int conv = s->op == ZKB_OP_CONV2D, mx = s->op == ZKB_OP_MAXPOOL2D;
            const uint64_t IC = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;
            const uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
            for (uint64_t oc = 0; oc < s->out_c; oc++)
                for (uint64_t oy = 0; oy < OH; oy++)
                    for (uint64_t ox = 0; ox < OW; ox++) {
                        fe_u128 A = conv ? mag(Q->b[oc]) : 0;
                        for (uint64_t ic = 0; ic < (conv ? IC : 1); ic++)
                            for (uint64_t ky = 0; ky < KH; ky++)
                                for (uint64_t kx = 0; kx < KW; kx++) {
                                    fe_u128 v = cur[((conv ? ic : oc) * H + oy * SH + ky) * W +
                                                    ox * SW + kx];
                                    if (conv)
                                        A = sat_add(A, sat_mul(mag(Q->w[((oc * IC + ic) * KH + ky) *
                                                                        KW + kx]), v));
                                    else
                                        A = mx ? (v > A ? v : A) : sat_add(A, v);
                                }
                        fe_u128 v = mx ? A : div_mag(A, conv ? S : KH * KW, rnd);
                        nxt[(oc * OH + oy) * OW + ox] = v;
                        a_mx = A > a_mx ? A : a_mx;
                        o_mx = v > o_mx ? v : o_mx;
                    }
        } else if (s->op == ZKB_OP_PAD2D) { /* the bound is kept; the border is exactly 0 */
            uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
            for (uint64_t k = 0; k < n; k++)
                a_mx = cur[k] > a_mx ? cur[k] : a_mx;
            o_mx = a_mx;
            zkbi_pad2d_forward(s, cur, nxt, sizeof *cur);
        } else { /* relu, flatten */
            uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
            for (uint64_t k = 0; k < n; k++)
                a_mx = cur[k] > a_mx ? cur[k] : a_mx;
            acc[i] = out[i] = a_mx;
            continue;
        }
        acc[i] = a_mx;
        out[i] = o_mx;
        fe_u128 *t = cur;
        cur = nxt;
        nxt = t;
    }
    free(cur < nxt ? cur : nxt);
    return 0;
}

zkb_status zkbi_fast_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_path, int isa,
                       zkbi_fast **out)
{
    *out = NULL;
    zkbi_fast *f = calloc(1, sizeof *f);
    if (!f)
        return ZKB_ERR_NOMEM;
    f->qm = qm;
    f->n_layers = qm->n_layers;
    f->n_in = qm->n_in;
    f->n_out = qm->n_out;
    f->max_act = qm->max_act;
    f->scale = qm->scale;
    f->rnd = qm->quant.rounding;
    f->bits = zkbi_range_bound_bits(qm, in_bound);
    if (f->bits == 0) {
        free(f);
        return ZKB_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < qm->n_layers; i++)
        if (qm->layers[i].shape.op == ZKB_OP_DENSE && qm->layers[i].shape.in_w > f->max_dense_in)
            f->max_dense_in = qm->layers[i].shape.in_w;
    f->first_dense = qm->n_layers;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        uint32_t op = qm->layers[i].shape.op;
        if (op == ZKB_OP_DENSE)
            f->first_dense = i;
        if (op != ZKB_OP_FLATTEN)
            break;
    }
    /* The int32 path needs the input and every activation within int32;
     * a layer whose accumulator bound (or a weight or bias) does not fit
     * int32 is then "wide" (int64 accumulators). Otherwise int64 lanes
     * throughout when the widest bound fits int64 (bits counts the sign). */
    size_t nl = qm->n_layers ? qm->n_layers : 1;
    fe_u128 *acc = malloc(nl * sizeof *acc), *outb = malloc(nl * sizeof *outb);
    f->L = calloc(nl, sizeof *f->L);
    if (!acc || !outb || !f->L || layer_bounds(qm, in_bound, acc, outb) != 0) {
        free(acc);
        free(outb);
        goto nomem;
    }
    int acts32 = in_bound <= INT32_MAX;
    fe_u128 in_b = in_bound; /* bound of layer i's input */
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        f->L[i].pairs_ok = in_b <= INT16_MAX;
        in_b = outb[i];
        int params32 = 1;
        for (uint64_t k = 0; k < Q->d.n_weights && params32; k++)
            params32 = fits32(Q->w[k]);
        for (uint64_t k = 0; k < Q->d.n_bias && params32; k++)
            params32 = fits32(Q->b[k]);
        acts32 &= outb[i] <= INT32_MAX;
        f->L[i].wide = (acc[i] > INT32_MAX || !params32) && Q->shape.op != ZKB_OP_MAXPOOL2D &&
                       Q->shape.op != ZKB_OP_RELU && Q->shape.op != ZKB_OP_FLATTEN &&
                       Q->shape.op != ZKB_OP_PAD2D;
    }
    free(acc);
    free(outb);
    f->path = f->bits > 64 ? ZKBI_FAST_NONE : acts32 ? ZKBI_FAST_I32 : ZKBI_FAST_I64;
    if (f->path > max_path)
        f->path = max_path < 0 ? 0 : max_path;
    for (uint32_t i = 0; i < qm->n_layers; i++)
        if (f->path != ZKBI_FAST_I32)
            f->L[i].wide = 0;
        else
            f->n_wide += (uint32_t)f->L[i].wide;
    int have = cpu_isa();
    f->isa = isa == ZKBI_FAST_ISA_AUTO || isa > have ? have : isa;
    switch (f->isa) {
#ifdef ZKBI_FAST_X86
    case ZKBI_FAST_ISA_AVX512:
        f->block = zkbi_fast_images_avx512(f->path);
        break;
    case ZKBI_FAST_ISA_AVX2:
        f->block = zkbi_fast_images_avx2(f->path);
        break;
#endif
    default:
        f->isa = ZKBI_FAST_ISA_GENERIC;
        f->block = zkbi_fast_images_generic(f->path);
    }
    if (f->path == ZKBI_FAST_NONE) {
        *out = f;
        return ZKB_OK;
    }
    const size_t path_lane = f->path == ZKBI_FAST_I32 ? 4 : 8;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        zkbi_fast_layer *L = &f->L[i];
        const size_t lane = L->wide ? 8 : path_lane;
        int int16ok;
        L->s = Q->shape;
        L->s.weights = NULL;
        L->s.bias = NULL;
        if (Q->shape.op != ZKB_OP_DENSE && Q->shape.op != ZKB_OP_CONV2D)
            continue;
        uint64_t nw = Q->d.n_weights, nb = Q->d.n_bias;
        L->w = malloc((nw ? nw : 1) * lane);
        L->b = malloc((nb ? nb : 1) * lane);
        if (!L->w || !L->b)
            goto nomem;
        /* transposed so that consecutive outputs' weights of one input are adjacent:
         * dense [units][in] -> [in][units]; conv [oc][ic*kh*kw] -> [ic*kh*kw][oc] */
        uint64_t rows = Q->shape.op == ZKB_OP_DENSE ? Q->shape.out_w : Q->shape.out_c;
        uint64_t cols = rows ? nw / rows : 0;
        for (uint64_t r = 0; r < rows; r++)
            for (uint64_t c = 0; c < cols; c++) {
                int64_t v = Q->w[r * cols + c];
                if (lane == 4)
                    ((int32_t *)L->w)[c * rows + r] = (int32_t)v;
                else
                    ((int64_t *)L->w)[c * rows + r] = v;
            }
        /* VNNI weight pairs: int32 path, AVX-512 family, int16 input and weights */
        int16ok = L->pairs_ok && !L->wide && lane == 4 && f->isa == ZKBI_FAST_ISA_AVX512 &&
                  Q->shape.op == ZKB_OP_DENSE;
        for (uint64_t k = 0; k < nw && int16ok; k++)
            int16ok = Q->w[k] >= INT16_MIN && Q->w[k] <= INT16_MAX;
        if (int16ok) {
            uint64_t np = (cols + 1) / 2;
            f->n_pairs++;
            if (!(L->wp = calloc(np * rows, sizeof *L->wp)))
                goto nomem;
            for (uint64_t r = 0; r < rows; r++)
                for (uint64_t c = 0; c < cols; c++) {
                    uint32_t v = (uint32_t)(uint16_t)(int16_t)Q->w[r * cols + c];
                    L->wp[(c / 2) * rows + r] |= (int32_t)(c % 2 ? v << 16 : v);
                }
        }
        for (uint64_t k = 0; k < nb; k++) {
            if (lane == 4)
                ((int32_t *)L->b)[k] = (int32_t)Q->b[k];
            else
                ((int64_t *)L->b)[k] = Q->b[k];
        }
    }
    *out = f;
    return ZKB_OK;
nomem:
    zkbi_fast_free(f);
    return ZKB_ERR_NOMEM;
}

int zkbi_fast_path(const zkbi_fast *f)
{
    return f ? f->path : ZKBI_FAST_NONE;
}

uint32_t zkbi_fast_pair_layers(const zkbi_fast *f)
{
    return f ? f->n_pairs : 0;
}

uint32_t zkbi_fast_wide_layers(const zkbi_fast *f)
{
    return f ? f->n_wide : 0;
}

int zkbi_fast_isa(const zkbi_fast *f)
{
    return f ? f->isa : ZKBI_FAST_ISA_GENERIC;
}

uint32_t zkbi_fast_bound_bits(const zkbi_fast *f)
{
    return f ? f->bits : 0;
}

size_t zkbi_fast_block_images(const zkbi_fast *f)
{
    return f->block;
}

size_t zkbi_fast_scratch_bytes(const zkbi_fast *f)
{
    size_t lane = f->path == ZKBI_FAST_I32 ? 4 : 8;
    size_t rows = (2 * (size_t)f->max_act + f->max_dense_in / 2 + 1) * f->block * lane;
    /* dense input list, input flags (padded to 64), quant_in's per-feature ORs */
    size_t nz = ((size_t)f->max_dense_in + 1) * sizeof(uint32_t) + (((size_t)f->n_in + 64) & ~(size_t)63) +
                ((size_t)f->n_in + 2) * 64;
    size_t total = rows + nz;
    return (total + FE_ALIGN - 1) / FE_ALIGN * FE_ALIGN;
}

void *zkbi_fast_scratch_alloc(const zkbi_fast *f)
{
    return aligned_alloc(FE_ALIGN, zkbi_fast_scratch_bytes(f));
}

void zkbi_fast_eval_block(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, void *scratch)
{
    switch (f->isa) {
#ifdef ZKBI_FAST_X86
    case ZKBI_FAST_ISA_AVX512:
        zkbi_fast_block_avx512(f, xf, xq, n, out, scratch);
        return;
    case ZKBI_FAST_ISA_AVX2:
        zkbi_fast_block_avx2(f, xf, xq, n, out, scratch);
        return;
#endif
    default:
        zkbi_fast_block_generic(f, xf, xq, n, out, scratch);
    }
}

typedef struct fe_job {
    const zkbi_fast *f;
    const float *xf;
    const int64_t *xq;
    size_t n;
    int64_t *out;
    void **scr;
} fe_job;

/* Work items of FE_CHUNK blocks: fewer hand-offs for small models. */
#define FE_CHUNK 4

static void fe_block(void *arg, size_t item, uint32_t tid)
{
    fe_job *J = arg;
    size_t B = J->f->block;
    for (size_t lo = item * B * FE_CHUNK, end = lo + B * FE_CHUNK; lo < end && lo < J->n; lo += B) {
        size_t k = J->n - lo < B ? J->n - lo : B;
        zkbi_fast_eval_block(J->f, J->xf ? J->xf + lo * J->f->n_in : NULL,
                           J->xq ? J->xq + lo * J->f->n_in : NULL, k, J->out + lo * J->f->n_out,
                           J->scr[tid]);
    }
}

zkb_status zkbi_fast_eval(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, uint32_t threads)
{
    size_t n_blocks = (n + f->block * FE_CHUNK - 1) / (f->block * FE_CHUNK);
    uint32_t nt = zkbi_thread_count(threads, n_blocks);
    void *scr[64] = {0};
    zkb_status st = ZKB_OK;
    for (uint32_t t = 0; t < nt; t++)
        if (!(scr[t] = zkbi_fast_scratch_alloc(f)))
            st = ZKB_ERR_NOMEM;
    if (st == ZKB_OK && n_blocks) {
        fe_job J = {f, xf, xq, n, out, scr};
        zkbi_parallel_for(n_blocks, nt, fe_block, &J);
    }
    for (uint32_t t = 0; t < nt; t++)
        free(scr[t]);
    return st;
}
