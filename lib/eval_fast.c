/* The fast batched fixed-point evaluator: lane type from the range analysis,
 * kernel family from the CPU, blocks of images on threads. See eval_fast.h. */
#include "eval_fast.h"
#include "accuracy.h"

#include <stdlib.h>
#include <string.h>

#define FE_ALIGN 256

static int cpu_isa(void)
{
#ifdef ZKBI_FE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi2"))
        return ZKBI_FE_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi2"))
        return ZKBI_FE_ISA_AVX2;
#endif
    return ZKBI_FE_ISA_GENERIC;
}

const char *zkbi_fe_isa_name(int isa)
{
    return isa == ZKBI_FE_ISA_AVX512 ? "avx512" : isa == ZKBI_FE_ISA_AVX2 ? "avx2" : "generic";
}

void zkbi_fe_free(zkbi_fe *f)
{
    if (!f)
        return;
    if (f->L)
        for (uint32_t i = 0; i < f->n_layers; i++) {
            free(f->L[i].w);
            free(f->L[i].b);
        }
    free(f->L);
    free(f);
}

static int fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

zkb_status zkbi_fe_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_path, int isa,
                       zkbi_fe **out)
{
    *out = NULL;
    zkbi_fe *f = calloc(1, sizeof *f);
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
    f->first_dense = qm->n_layers;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        uint32_t op = qm->layers[i].shape.op;
        if (op == ZKB_OP_DENSE)
            f->first_dense = i;
        if (op != ZKB_OP_FLATTEN)
            break;
    }
    /* bits counts the sign: 32 bits hold [-(2^31 - 1), 2^31 - 1] */
    int params32 = 1;
    for (uint32_t i = 0; i < qm->n_layers && params32; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        for (uint64_t k = 0; k < Q->d.n_weights && params32; k++)
            params32 = fits32(Q->w[k]);
        for (uint64_t k = 0; k < Q->d.n_bias && params32; k++)
            params32 = fits32(Q->b[k]);
    }
    for (uint32_t i = 0; i < qm->n_layers; i++)
        if (qm->layers[i].shape.op == ZKB_OP_DENSE && qm->layers[i].shape.in_w > f->max_dense_in)
            f->max_dense_in = qm->layers[i].shape.in_w;
    f->path = f->bits <= 32 && params32 ? ZKBI_FE_I32 : f->bits <= 64 ? ZKBI_FE_I64 : ZKBI_FE_NONE;
    if (f->path > max_path)
        f->path = max_path < 0 ? 0 : max_path;
    int have = cpu_isa();
    f->isa = isa == ZKBI_FE_ISA_AUTO || isa > have ? have : isa;
    switch (f->isa) {
#ifdef ZKBI_FE_X86
    case ZKBI_FE_ISA_AVX512:
        f->block = zkbi_fe_images_avx512();
        break;
    case ZKBI_FE_ISA_AVX2:
        f->block = zkbi_fe_images_avx2();
        break;
#endif
    default:
        f->isa = ZKBI_FE_ISA_GENERIC;
        f->block = zkbi_fe_images_generic();
    }
    if (f->path == ZKBI_FE_NONE) {
        *out = f;
        return ZKB_OK;
    }
    size_t lane = f->path == ZKBI_FE_I32 ? 4 : 8;
    f->L = calloc(qm->n_layers ? qm->n_layers : 1, sizeof *f->L);
    if (!f->L)
        goto nomem;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        zkbi_fe_layer *L = &f->L[i];
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
    zkbi_fe_free(f);
    return ZKB_ERR_NOMEM;
}

int zkbi_fe_path(const zkbi_fe *f)
{
    return f ? f->path : ZKBI_FE_NONE;
}

int zkbi_fe_isa(const zkbi_fe *f)
{
    return f ? f->isa : ZKBI_FE_ISA_GENERIC;
}

uint32_t zkbi_fe_bound_bits(const zkbi_fe *f)
{
    return f ? f->bits : 0;
}

size_t zkbi_fe_block_images(const zkbi_fe *f)
{
    return f->block;
}

size_t zkbi_fe_scratch_bytes(const zkbi_fe *f)
{
    size_t lane = f->path == ZKBI_FE_I32 ? 4 : 8;
    size_t rows = 2 * (size_t)f->max_act * f->block * lane;
    size_t nz = ((size_t)f->max_dense_in + 1) * sizeof(uint32_t) + (size_t)f->n_in;
    size_t total = rows + nz;
    return (total + FE_ALIGN - 1) / FE_ALIGN * FE_ALIGN;
}

void *zkbi_fe_scratch_alloc(const zkbi_fe *f)
{
    return aligned_alloc(FE_ALIGN, zkbi_fe_scratch_bytes(f));
}

void zkbi_fe_eval_block(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, void *scratch)
{
    switch (f->isa) {
#ifdef ZKBI_FE_X86
    case ZKBI_FE_ISA_AVX512:
        zkbi_fe_block_avx512(f, xf, xq, n, out, scratch);
        return;
    case ZKBI_FE_ISA_AVX2:
        zkbi_fe_block_avx2(f, xf, xq, n, out, scratch);
        return;
#endif
    default:
        zkbi_fe_block_generic(f, xf, xq, n, out, scratch);
    }
}

typedef struct fe_job {
    const zkbi_fe *f;
    const float *xf;
    const int64_t *xq;
    size_t n;
    int64_t *out;
    void **scr;
} fe_job;

static void fe_block(void *arg, size_t block, uint32_t tid)
{
    fe_job *J = arg;
    size_t B = J->f->block, lo = block * B, k = J->n - lo < B ? J->n - lo : B;
    zkbi_fe_eval_block(J->f, J->xf ? J->xf + lo * J->f->n_in : NULL,
                       J->xq ? J->xq + lo * J->f->n_in : NULL, k, J->out + lo * J->f->n_out,
                       J->scr[tid]);
}

zkb_status zkbi_fe_eval(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, uint32_t threads)
{
    size_t n_blocks = (n + f->block - 1) / f->block;
    uint32_t nt = zkbi_eval_threads(threads, n_blocks);
    void *scr[64] = {0};
    zkb_status st = ZKB_OK;
    for (uint32_t t = 0; t < nt; t++)
        if (!(scr[t] = zkbi_fe_scratch_alloc(f)))
            st = ZKB_ERR_NOMEM;
    if (st == ZKB_OK && n_blocks) {
        fe_job J = {f, xf, xq, n, out, scr};
        zkbi_parallel_blocks(n_blocks, nt, fe_block, &J);
    }
    for (uint32_t t = 0; t < nt; t++)
        free(scr[t]);
    return st;
}
