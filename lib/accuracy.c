/* Accuracy loss of fixed-point inference: the float and the fixed-point
 * reference evaluators over a dataset, on all cores, with results that do
 * not depend on the thread count (each sample's classes are stored, then
 * counted in sample order). See docs/accuracy.md. */
#include "accuracy.h"
#include "dataset.h"
#include "eval_fast.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 64         /* samples per work item */
#define THREADS_MAX 64u
#define CLS_OVERFLOW (-1) /* fixed class of a sample that overflowed */

/* ---- shared helpers ------------------------------------------------------------ */

uint32_t zkbi_eval_threads(uint32_t requested, size_t work)
{
    uint32_t t = requested;
    if (t == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        t = n > 0 ? (uint32_t)(n < (long)THREADS_MAX ? n : (long)THREADS_MAX) : 1;
    }
    if (t > THREADS_MAX)
        t = THREADS_MAX;
    if (work < t)
        t = (uint32_t)(work ? work : 1);
    return t ? t : 1;
}

typedef struct pb_shared {
    atomic_size_t next;
    size_t n_blocks;
    zkbi_block_fn fn;
    void *arg;
} pb_shared;

typedef struct pb_worker {
    pb_shared *sh;
    uint32_t tid;
} pb_worker;

static void *pb_run(void *p)
{
    pb_worker *w = p;
    for (;;) {
        size_t b = atomic_fetch_add(&w->sh->next, 1);
        if (b >= w->sh->n_blocks)
            break;
        w->sh->fn(w->sh->arg, b, w->tid);
    }
    return NULL;
}

int zkbi_parallel_blocks(size_t n_blocks, uint32_t threads, zkbi_block_fn fn, void *arg)
{
    if (threads == 0)
        threads = 1;
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    pb_shared sh;
    atomic_init(&sh.next, 0);
    sh.n_blocks = n_blocks;
    sh.fn = fn;
    sh.arg = arg;
    pb_worker w[THREADS_MAX];
    pthread_t tid[THREADS_MAX];
    int started[THREADS_MAX] = {0};
    uint32_t n_started = 0;
    for (uint32_t t = 0; t < threads; t++) {
        w[t].sh = &sh;
        w[t].tid = t;
        if (t > 0 && pthread_create(&tid[t], NULL, pb_run, &w[t]) == 0) {
            started[t] = 1;
            n_started++;
        }
    }
    pb_run(&w[0]);
    for (uint32_t t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    return threads > 1 && n_started == 0 ? -1 : 0;
}

zkb_status zkbi_quantize_input_fast(const zkb_quant *q, int64_t S, const float *x, size_t n,
                                    int64_t *x_q)
{
    const double s = (double)S;
    for (size_t i = 0; i < n; i++) {
        double p = (double)x[i] * s; /* exact: 24-bit mantissa times 2^k or 5^k * 2^k, k <= 9 */
        if (fabs(p) < 0x1p62) {
            /* round half away from zero without a libm call: r = trunc(p), and
             * p - r is exact (r is a multiple of ulp(p) when |p| >= 1) */
            int64_t r = (int64_t)p;
            double f = p - (double)r;
            x_q[i] = r + (f >= 0.5) - (f <= -0.5);
        } else {
            zkb_status st = zkbi_quant_value(q, x[i], 1, &x_q[i]);
            if (st != ZKB_OK)
                return st;
        }
    }
    return ZKB_OK;
}

uint32_t zkbi_argmax_f(const float *v, size_t n)
{
    uint32_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = (uint32_t)i;
    return best;
}

uint32_t zkbi_argmax_i(const int64_t *v, size_t n)
{
    uint32_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = (uint32_t)i;
    return best;
}

zkb_status zkbi_dataset_from_arrays(const char *name, const char *split, const float *x,
                                    const int32_t *y, size_t count, uint32_t c, uint32_t h,
                                    uint32_t w, uint32_t classes, zkb_dataset **out, char *err,
                                    size_t errlen)
{
    if (!out || !name || (count && (!x || !y)) || !c || !h || !w || !classes) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer or zero size)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    if (!split)
        split = "test";
    if (strlen(name) >= sizeof((zkb_dataset *)0)->name ||
        strlen(split) >= sizeof((zkb_dataset *)0)->split) {
        zkbi_errf(err, errlen, "dataset name or split too long");
        return ZKB_ERR_INVALID_ARG;
    }
    uint64_t feat = (uint64_t)c * h * w;
    if (feat > ZKBI_ACT_MAX || (count && feat > SIZE_MAX / sizeof(float) / count)) {
        zkbi_errf(err, errlen, "dataset too large");
        return ZKB_ERR_OVERFLOW;
    }
    for (size_t i = 0; i < count; i++)
        if (y[i] < 0 || (uint32_t)y[i] >= classes) {
            zkbi_errf(err, errlen, "label %zu is %" PRId32 ", not in 0..%" PRIu32, i, y[i],
                      classes - 1);
            return ZKB_ERR_INVALID_ARG;
        }
    zkb_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        goto nomem;
    snprintf(ds->name, sizeof ds->name, "%s", name);
    snprintf(ds->split, sizeof ds->split, "%s", split);
    ds->count = count;
    ds->features = (size_t)feat;
    ds->c = c;
    ds->h = h;
    ds->w = w;
    ds->classes = classes;
    ds->x = malloc(count ? count * ds->features * sizeof *ds->x : 1);
    ds->y = malloc(count ? count * sizeof *ds->y : 1);
    if (!ds->x || !ds->y)
        goto nomem;
    if (count) {
        memcpy(ds->x, x, count * ds->features * sizeof *ds->x);
        memcpy(ds->y, y, count * sizeof *ds->y);
    }
    *out = ds;
    return ZKB_OK;
nomem:
    zkb_dataset_free(ds);
    zkbi_errf(err, errlen, "out of memory");
    return ZKB_ERR_NOMEM;
}

/* ---- the fast evaluator ------------------------------------------------------------- */

/* Used only when the analytic bound (range.c) of every layer holds for the
 * inputs evaluated: every partial sum of a layer is then a sub-sum of the
 * terms that bound adds up in magnitude, so nothing can overflow and the
 * integers are those of zkbi_qmodel_eval whatever the order of the
 * additions. Below 2^53 the same integers are exact in double, which the
 * compiler can put in SIMD registers. Dense layers skip zero inputs (most
 * MNIST pixels); convolutions become one dot product per filter over a
 * copied window (im2col). */

/* div(v, d) of docs/model-format.md; a shift when d = 2^shift (GCC and Clang
 * shift negative values arithmetically), else a division. */
typedef struct divider {
    int64_t d, half;
    int shift; /* -1: not a power of two */
    uint32_t rnd;
} divider;

static divider make_divider(int64_t d, uint32_t rnd)
{
    divider v = {d, d / 2, -1, rnd};
    if ((d & (d - 1)) == 0)
        for (v.shift = 0; (INT64_C(1) << v.shift) != d; v.shift++)
            ;
    return v;
}

static inline int64_t div_by(const divider *v, int64_t x)
{
    int64_t q, r;
    if (v->shift >= 0) {
        q = x >> v->shift;
        r = x & (v->d - 1);
    } else {
        q = x / v->d;
        r = x % v->d;
        if (r < 0) {
            q -= 1;
            r += v->d;
        }
    }
    return q + (v->rnd == ZKB_ROUND_HALF_UP && r >= v->d - v->half);
}

/* Element types: int64_t (mode 1) and double (mode 2). The conv2d and pool
 * code is written once per type through this macro. */
#define FASTQ_LAYERS(T, SFX, DOT)                                                              \
    static void conv_##SFX(const zkb_layer_desc *s, const T *w, const T *b, const T *x, T *y,  \
                           const divider *dv, T *col)                                          \
    {                                                                                          \
        uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;                                       \
        uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;                                  \
        uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;       \
        uint64_t K = IC * KH * KW;                                                             \
        for (uint64_t oy = 0; oy < OH; oy++)                                                   \
            for (uint64_t ox = 0; ox < OW; ox++) {                                             \
                T *c = col;                                                                    \
                for (uint64_t ic = 0; ic < IC; ic++)                                           \
                    for (uint64_t ky = 0; ky < KH; ky++) {                                     \
                        memcpy(c, x + ic * H * W + (oy * SH + ky) * W + ox * SW,               \
                               KW * sizeof *c);                                                \
                        c += KW;                                                               \
                    }                                                                          \
                for (uint64_t oc = 0; oc < OC; oc++)                                           \
                    y[(oc * OH + oy) * OW + ox] =                                              \
                        (T)div_by(dv, (int64_t)DOT(w + oc * K, col, K, b[oc]));                \
            }                                                                                  \
    }                                                                                          \
                                                                                               \
    static void pool_##SFX(const zkb_layer_desc *s, const T *x, T *y, uint32_t rnd, int is_max)\
    {                                                                                          \
        uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;         \
        uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;       \
        const divider dv = make_divider((int64_t)(KH * KW), rnd);                              \
        for (uint64_t c = 0; c < C; c++)                                                       \
            for (uint64_t oy = 0; oy < OH; oy++)                                               \
                for (uint64_t ox = 0; ox < OW; ox++) {                                         \
                    const T *xin = x + c * H * W + oy * SH * W + ox * SW;                      \
                    T acc = xin[0];                                                            \
                    for (uint64_t ky = 0; ky < KH; ky++)                                       \
                        for (uint64_t kx = 0; kx < KW; kx++) {                                 \
                            T v = xin[ky * W + kx];                                            \
                            if (ky == 0 && kx == 0)                                            \
                                continue;                                                      \
                            if (is_max)                                                        \
                                acc = v > acc ? v : acc;                                       \
                            else                                                               \
                                acc += v;                                                      \
                        }                                                                      \
                    y[(c * OH + oy) * OW + ox] = is_max ? acc : (T)div_by(&dv, (int64_t)acc);  \
                }                                                                              \
    }

static inline int64_t dot_i(const int64_t *w, const int64_t *x, uint64_t n, int64_t acc)
{
    int64_t a1 = 0, a2 = 0, a3 = 0;
    uint64_t i = 0;
    for (; i + 3 < n; i += 4) {
        acc += w[i] * x[i];
        a1 += w[i + 1] * x[i + 1];
        a2 += w[i + 2] * x[i + 2];
        a3 += w[i + 3] * x[i + 3];
    }
    for (; i < n; i++)
        acc += w[i] * x[i];
    return acc + a1 + a2 + a3;
}

typedef double v2d __attribute__((vector_size(16)));

static inline v2d load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline double dot_d(const double *w, const double *x, uint64_t n, double acc)
{
    v2d s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0}, s3 = {0, 0};
    uint64_t i = 0;
    for (; i + 7 < n; i += 8) {
        s0 += load2(w + i) * load2(x + i);
        s1 += load2(w + i + 2) * load2(x + i + 2);
        s2 += load2(w + i + 4) * load2(x + i + 4);
        s3 += load2(w + i + 6) * load2(x + i + 6);
    }
    v2d t = (s0 + s1) + (s2 + s3);
    for (; i < n; i++)
        acc += w[i] * x[i];
    return acc + (t[0] + t[1]);
}

/* Mode 2 dense: wt is the transposed weight matrix [n_in][units]; every
 * non-zero input adds its scaled row to the accumulators (SIMD over units). */
static void dense_dt(const double *wt, const double *b, uint64_t n_in, uint64_t units,
                     const double *x, double *y, const divider *dv)
{
    memcpy(y, b, units * sizeof *y);
    for (uint64_t i = 0; i < n_in; i++) {
        const double a = x[i];
        if (a == 0)
            continue;
        const double *wr = wt + i * units;
        const v2d av = {a, a};
        uint64_t o = 0;
        for (; o + 3 < units; o += 4) {
            v2d y0 = load2(y + o) + av * load2(wr + o);
            v2d y1 = load2(y + o + 2) + av * load2(wr + o + 2);
            memcpy(y + o, &y0, sizeof y0);
            memcpy(y + o + 2, &y1, sizeof y1);
        }
        for (; o < units; o++)
            y[o] += a * wr[o];
    }
    for (uint64_t o = 0; o < units; o++)
        y[o] = (double)div_by(dv, (int64_t)y[o]);
}

/* Mode 1 dense: a sparse input (MNIST: most pixels are 0) is packed first. */
static void dense_i(const int64_t *w, const int64_t *b, uint64_t n_in, uint64_t units,
                    const int64_t *x, int64_t *y, const divider *dv, int64_t *idx, int64_t *xv)
{
    uint64_t nz = 0;
    for (uint64_t i = 0; i < n_in; i++)
        if (x[i] != 0) {
            idx[nz] = (int64_t)i;
            xv[nz++] = x[i];
        }
    if (nz * 4 < n_in * 3) {
        for (uint64_t o = 0; o < units; o++) {
            const int64_t *wr = w + o * n_in;
            int64_t a0 = b[o], a1 = 0;
            uint64_t j = 0;
            for (; j + 1 < nz; j += 2) {
                a0 += wr[idx[j]] * xv[j];
                a1 += wr[idx[j + 1]] * xv[j + 1];
            }
            if (j < nz)
                a0 += wr[idx[j]] * xv[j];
            y[o] = div_by(dv, a0 + a1);
        }
        return;
    }
    for (uint64_t o = 0; o < units; o++)
        y[o] = div_by(dv, dot_i(w + o * n_in, x, n_in, b[o]));
}

FASTQ_LAYERS(int64_t, i, dot_i)
FASTQ_LAYERS(double, d, dot_d)

struct zkbi_fastq {
    const zkbi_qmodel *qm;
    uint32_t n_layers;
    int mode;      /* 0 none, 1 int64, 2 double */
    double **wd;   /* mode 2: per layer, weights and biases as doubles */
    double **bd;
    uint64_t col;  /* largest in_c * kh * kw of a conv2d */
};

void zkbi_fastq_free(zkbi_fastq *f)
{
    if (!f)
        return;
    if (f->wd)
        for (uint32_t i = 0; i < f->n_layers; i++) {
            free(f->wd[i]);
            free(f->bd[i]);
        }
    free(f->wd);
    free(f->bd);
    free(f);
}

zkb_status zkbi_fastq_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_mode,
                          zkbi_fastq **out)
{
    *out = NULL;
    zkbi_fastq *f = calloc(1, sizeof *f);
    if (!f)
        return ZKB_ERR_NOMEM;
    f->qm = qm;
    f->n_layers = qm->n_layers;
    uint32_t bits = zkbi_range_bound_bits(qm, in_bound);
    if (bits == 0) {
        free(f);
        return ZKB_ERR_NOMEM;
    }
    /* bits counts the sign: magnitudes below 2^53 are exact doubles */
    f->mode = bits <= 54 ? 2 : bits <= 64 ? 1 : 0;
    if (f->mode > max_mode)
        f->mode = max_mode;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkb_layer_desc *s = &qm->layers[i].shape;
        uint64_t k = (uint64_t)s->in_c * s->kernel_h * s->kernel_w;
        if (s->op == ZKB_OP_CONV2D && k > f->col)
            f->col = k;
    }
    if (f->mode == 2) {
        f->wd = calloc(qm->n_layers ? qm->n_layers : 1, sizeof *f->wd);
        f->bd = calloc(qm->n_layers ? qm->n_layers : 1, sizeof *f->bd);
        if (!f->wd || !f->bd)
            goto nomem;
        for (uint32_t i = 0; i < qm->n_layers; i++) {
            const zkbi_qlayer *Q = &qm->layers[i];
            if (!Q->d.n_weights)
                continue;
            f->wd[i] = malloc(Q->d.n_weights * sizeof(double));
            f->bd[i] = malloc((Q->d.n_bias ? Q->d.n_bias : 1) * sizeof(double));
            if (!f->wd[i] || !f->bd[i])
                goto nomem;
            if (Q->shape.op == ZKB_OP_DENSE) { /* transposed: [in][units] */
                uint64_t n_in = Q->shape.in_w, units = Q->shape.out_w;
                for (uint64_t o = 0; o < units; o++)
                    for (uint64_t k = 0; k < n_in; k++)
                        f->wd[i][k * units + o] = (double)Q->w[o * n_in + k];
            } else {
                for (uint64_t k = 0; k < Q->d.n_weights; k++)
                    f->wd[i][k] = (double)Q->w[k];
            }
            for (uint64_t k = 0; k < Q->d.n_bias; k++)
                f->bd[i][k] = (double)Q->b[k];
        }
    }
    *out = f;
    return ZKB_OK;
nomem:
    zkbi_fastq_free(f);
    return ZKB_ERR_NOMEM;
}

int zkbi_fastq_mode(const zkbi_fastq *f)
{
    return f ? f->mode : 0;
}

size_t zkbi_fastq_scratch(const zkbi_fastq *f)
{
    /* cur, nxt, packed nonzero values, their indices (int64), im2col window;
     * doubles and int64 have the same size */
    return (size_t)(4 * f->qm->max_act + f->col);
}

void zkbi_fastq_eval(const zkbi_fastq *f, const int64_t *x_q, int64_t *scratch, int64_t *out)
{
    const zkbi_qmodel *qm = f->qm;
    const uint64_t A = qm->max_act;
    const divider dv = make_divider(qm->scale, qm->quant.rounding);
    const uint32_t rnd = qm->quant.rounding;
    int64_t *idx = scratch + 3 * A;
    if (f->mode == 1) {
        int64_t *cur = scratch, *nxt = cur + A, *xv = nxt + A, *col = idx + A;
        memcpy(cur, x_q, qm->n_in * sizeof *cur);
        for (uint32_t i = 0; i < qm->n_layers; i++) {
            const zkbi_qlayer *Q = &qm->layers[i];
            const zkb_layer_desc *s = &Q->shape;
            if (s->op == ZKB_OP_DENSE)
                dense_i(Q->w, Q->b, s->in_w, s->out_w, cur, nxt, &dv, idx, xv);
            else if (s->op == ZKB_OP_CONV2D)
                conv_i(s, Q->w, Q->b, cur, nxt, &dv, col);
            else if (s->op == ZKB_OP_AVGPOOL2D || s->op == ZKB_OP_MAXPOOL2D)
                pool_i(s, cur, nxt, rnd, s->op == ZKB_OP_MAXPOOL2D);
            else {
                if (s->op == ZKB_OP_RELU)
                    for (uint64_t k = 0, n = (uint64_t)s->in_c * s->in_h * s->in_w; k < n; k++)
                        cur[k] = cur[k] > 0 ? cur[k] : 0;
                continue;
            }
            int64_t *t = cur;
            cur = nxt;
            nxt = t;
        }
        memcpy(out, cur, qm->n_out * sizeof *out);
        return;
    }
    /* mode 2: the same in double; scratch is reused as double storage */
    double *base = (double *)(void *)scratch;
    double *cur = base, *nxt = cur + A, *col = base + 4 * A;
    for (uint64_t k = 0; k < qm->n_in; k++)
        cur[k] = (double)x_q[k];
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        if (s->op == ZKB_OP_DENSE)
            dense_dt(f->wd[i], f->bd[i], s->in_w, s->out_w, cur, nxt, &dv);
        else if (s->op == ZKB_OP_CONV2D)
            conv_d(s, f->wd[i], f->bd[i], cur, nxt, &dv, col);
        else if (s->op == ZKB_OP_AVGPOOL2D || s->op == ZKB_OP_MAXPOOL2D)
            pool_d(s, cur, nxt, rnd, s->op == ZKB_OP_MAXPOOL2D);
        else {
            if (s->op == ZKB_OP_RELU)
                for (uint64_t k = 0, n = (uint64_t)s->in_c * s->in_h * s->in_w; k < n; k++)
                    cur[k] = cur[k] > 0 ? cur[k] : 0;
            continue;
        }
        double *t = cur;
        cur = nxt;
        nxt = t;
    }
    for (uint64_t k = 0; k < qm->n_out; k++)
        out[k] = (int64_t)cur[k];
}

/* ---- the evaluation ------------------------------------------------------------------- */

typedef struct acc_scratch {
    float *fout;   /* classes */
    int64_t *x_q;  /* features */
    int64_t *qout; /* classes */
    void *buf;     /* zkbi_fe_scratch_bytes, aligned */
    int64_t *bout; /* BLOCK * classes logits of the fast evaluator */
    zkb_status st;
    char err[ZKBI_ERR_LEN];
} acc_scratch;

typedef struct acc_job {
    const zkb_model *m;
    zkbi_qmodel **qm; /* n_q; NULL when the model cannot be quantized */
    zkbi_fe **fast;    /* n_q; set when no sample can overflow (eval_fast.h) */
    size_t n_q;
    const float *x;
    size_t features;
    uint32_t classes;
    size_t n;
    int32_t *float_cls; /* n */
    int32_t *fixed_cls; /* n_q * n */
    acc_scratch *scr;   /* one per thread */
    atomic_int failed;
} acc_job;

static void acc_block(void *arg, size_t block, uint32_t tid)
{
    acc_job *J = arg;
    acc_scratch *S = &J->scr[tid];
    if (atomic_load(&J->failed))
        return;
    size_t lo = block * BLOCK, hi = lo + BLOCK < J->n ? lo + BLOCK : J->n;
    zkb_status st;
    for (size_t i = lo; i < hi; i++) {
        st = zkbi_model_eval_float(J->m, J->x + i * J->features, J->features, S->fout, J->classes,
                                   S->err, sizeof S->err);
        if (st != ZKB_OK)
            goto fail;
        J->float_cls[i] = (int32_t)zkbi_argmax_f(S->fout, J->classes);
    }
    /* quantization-major: one quantized model's weights stay in cache over the block */
    for (size_t k = 0; k < J->n_q; k++) {
        const zkbi_qmodel *qm = J->qm[k];
        int32_t *cls = J->fixed_cls + k * J->n;
        for (size_t i = lo; i < hi; i++) {
            if (!qm) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (J->fast[k]) { /* the whole block at once; same integers */
                const zkbi_fe *f = J->fast[k];
                size_t B = zkbi_fe_block_images(f);
                for (size_t j = i; j < hi; j += B) {
                    size_t cnt = hi - j < B ? hi - j : B;
                    zkbi_fe_eval_block(f, J->x + j * J->features, NULL, cnt, S->bout, S->buf);
                    for (size_t t = 0; t < cnt; t++)
                        cls[j + t] = (int32_t)zkbi_argmax_i(S->bout + t * J->classes, J->classes);
                }
                break;
            }
            const float *x = J->x + i * J->features;
            st = zkbi_quantize_input_fast(&qm->quant, qm->scale, x, J->features, S->x_q);
            if (st == ZKB_ERR_OVERFLOW) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (st != ZKB_OK) {
                zkbi_errf(S->err, sizeof S->err, "sample %zu: an input value is not finite", i);
                goto fail;
            }
            st = zkbi_qmodel_eval(qm, S->x_q, J->features, S->qout, J->classes, S->err,
                                  sizeof S->err);
            if (st == ZKB_ERR_OVERFLOW) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (st != ZKB_OK)
                goto fail;
            cls[i] = (int32_t)zkbi_argmax_i(S->qout, J->classes);
        }
    }
    return;
fail:
    if (S->st == ZKB_OK)
        S->st = st;
    atomic_store(&J->failed, 1);
}

static zkb_status fail(zkb_model *m, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static zkb_status fail(zkb_model *m, zkb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    return st;
}

static double pct(uint64_t a, uint64_t n)
{
    return n ? 100.0 * (double)a / (double)n : 0.0;
}

/* Checks shared with range.c are repeated there; these are the accuracy ones. */
static zkb_status check_pair(zkb_model *m, const zkb_dataset *ds)
{
    uint64_t n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    if (ds->features != n_in)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "dataset %s has %zu features per sample ([%" PRIu32 ", %" PRIu32 ", %" PRIu32
                    "]) but model '%s' takes %" PRIu64 " ([%" PRIu32 ", %" PRIu32 ", %" PRIu32 "])",
                    ds->name, ds->features, ds->c, ds->h, ds->w, m->name ? m->name : "", n_in,
                    m->in_c, m->in_h, m->in_w);
    if (ds->classes != m->classes)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "dataset %s has %" PRIu32 " classes but model '%s' has %" PRIu32, ds->name,
                    ds->classes, m->name ? m->name : "", m->classes);
    return ZKB_OK;
}

#define QUANT_V1_SIZE ((uint32_t)sizeof(zkb_quant))

zkb_status zkb_eval_accuracy_multi(zkb_model *m, const zkb_quant *q, size_t n_q, zkb_dataset *ds,
                                   size_t max_samples, uint32_t threads, zkb_accuracy *out)
{
    if (!m)
        return ZKB_ERR_INVALID_ARG;
    m->err[0] = '\0';
    if (!q || !ds || !out || n_q == 0)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "zkb_eval_accuracy: model, quantizations, dataset and out are required");
    uint32_t q_stride = q->struct_size, out_stride = out->struct_size;
    if (q_stride < QUANT_V1_SIZE || q_stride % 4)
        return fail(m, ZKB_ERR_INVALID_ARG, "zkb_quant.struct_size %" PRIu32 " is not valid",
                    q_stride);
    if (out_stride < sizeof(zkb_accuracy) || out_stride % 8)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "zkb_accuracy.struct_size %" PRIu32 " is not valid (want %zu)", out_stride,
                    sizeof(zkb_accuracy));
    if (n_q > SIZE_MAX / out_stride || n_q > SIZE_MAX / q_stride || n_q > 4096)
        return fail(m, ZKB_ERR_INVALID_ARG, "too many quantizations (%zu; at most 4096)", n_q);
    zkb_quant *qs = malloc(n_q * sizeof *qs);
    if (!qs)
        return fail(m, ZKB_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n_q; k++) {
        memcpy(&qs[k], (const char *)q + k * q_stride, sizeof qs[k]);
        char e[256];
        zkb_status st = zkbi_quant_check(&qs[k], e, sizeof e);
        if (st != ZKB_OK) {
            free(qs);
            return n_q > 1 ? fail(m, st, "quantization %zu: %s", k, e) : fail(m, st, "%s", e);
        }
    }
    zkb_status st = check_pair(m, ds);
    if (st != ZKB_OK) {
        free(qs);
        return st;
    }

    size_t n = ds->count;
    if (max_samples && max_samples < n)
        n = max_samples;
    acc_job J;
    memset(&J, 0, sizeof J);
    J.m = m;
    J.n_q = n_q;
    J.x = ds->x;
    J.features = ds->features;
    J.classes = m->classes;
    J.n = n;
    atomic_init(&J.failed, 0);
    size_t n_blocks = (n + BLOCK - 1) / BLOCK;
    uint32_t nt = zkbi_eval_threads(threads, n_blocks);
    int32_t *st_k = calloc(n_q, sizeof *st_k);
    J.qm = calloc(n_q, sizeof *J.qm);
    J.fast = calloc(n_q, sizeof *J.fast);
    J.float_cls = malloc((n ? n : 1) * sizeof *J.float_cls);
    if (!n || n_q <= SIZE_MAX / sizeof(int32_t) / n)
        J.fixed_cls = malloc((n ? n : 1) * n_q * sizeof(int32_t));
    J.scr = calloc(nt, sizeof *J.scr);
    if (!st_k || !J.qm || !J.fast || !J.float_cls || !J.fixed_cls || !J.scr) {
        st = fail(m, ZKB_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t t = 0; t < nt; t++) {
        J.scr[t].fout = malloc(J.classes * sizeof(float));
        J.scr[t].x_q = malloc((J.features ? J.features : 1) * sizeof(int64_t));
        J.scr[t].qout = malloc(J.classes * sizeof(int64_t));
        if (!J.scr[t].fout || !J.scr[t].x_q || !J.scr[t].qout) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    for (size_t k = 0; k < n_q; k++) {
        char e[ZKBI_ERR_LEN];
        zkb_status qst = zkbi_qmodel_new(m, &qs[k], &J.qm[k], e, sizeof e);
        if (qst == ZKB_ERR_OVERFLOW) {
            st_k[k] = ZKB_ERR_OVERFLOW;
            fail(m, ZKB_OK, "%s", e); /* kept for the caller; the call still succeeds */
        } else if (qst != ZKB_OK) {
            st = fail(m, qst, "%s", e);
            goto done;
        }
    }

    /* The largest |x| of the samples evaluated; round() is monotone, so its
     * quantization bounds every |x_q| (ZKB_ERR_OVERFLOW: no fast path). */
    double x_max = 0;
    for (size_t i = 0; i < n * J.features; i++) {
        double v = fabs((double)J.x[i]);
        if (v > x_max || v != v)
            x_max = v;
    }
    size_t scratch = 0;
    for (size_t k = 0; k < n_q; k++) {
        int64_t b;
        if (!J.qm[k] || qs[k].scheme == ZKB_QUANT_EZKL || /* its own evaluator, eval_ezkl.c */
            !isfinite(x_max) || zkbi_quant_value(&qs[k], x_max, 1, &b) != ZKB_OK)
            continue;
        if (zkbi_fe_new(J.qm[k], (uint64_t)b, ZKBI_FE_I32, ZKBI_FE_ISA_AUTO, &J.fast[k]) != ZKB_OK) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (zkbi_fe_path(J.fast[k]) == ZKBI_FE_NONE) {
            zkbi_fe_free(J.fast[k]);
            J.fast[k] = NULL;
            continue;
        }
        if (zkbi_fe_scratch_bytes(J.fast[k]) > scratch)
            scratch = zkbi_fe_scratch_bytes(J.fast[k]);
    }
    for (uint32_t t = 0; t < nt && scratch; t++)
        if (!(J.scr[t].buf = aligned_alloc(256, scratch)) ||
            !(J.scr[t].bout = malloc((size_t)BLOCK * J.classes * sizeof(int64_t)))) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }

    zkbi_parallel_blocks(n_blocks, nt, acc_block, &J);
    if (atomic_load(&J.failed)) {
        for (uint32_t t = 0; t < nt; t++)
            if (J.scr[t].st != ZKB_OK) {
                st = fail(m, J.scr[t].st, "%s", J.scr[t].err);
                goto done;
            }
        st = fail(m, ZKB_ERR_INTERNAL, "evaluation failed");
        goto done;
    }

    uint64_t float_correct = 0;
    for (size_t i = 0; i < n; i++)
        float_correct += J.float_cls[i] == ds->y[i];
    for (size_t k = 0; k < n_q; k++) {
        zkb_accuracy a;
        memset(&a, 0, sizeof a);
        a.struct_size = out_stride;
        a.status = st_k[k];
        a.samples = n;
        a.float_correct = float_correct;
        const int32_t *cls = J.fixed_cls + k * n;
        for (size_t i = 0; i < n; i++) {
            if (cls[i] == CLS_OVERFLOW) {
                a.overflowed++;
                a.differ++;
                continue;
            }
            a.fixed_correct += cls[i] == ds->y[i];
            a.differ += cls[i] != J.float_cls[i];
        }
        a.float_acc = pct(a.float_correct, n);
        a.fixed_acc = pct(a.fixed_correct, n);
        a.loss_points = a.float_acc - a.fixed_acc;
        a.differ_pct = pct(a.differ, n);
        memcpy((char *)out + k * out_stride, &a, sizeof a);
    }
    st = ZKB_OK;
done:
    if (J.fast) /* before the quantized models they point to */
        for (size_t k = 0; k < n_q; k++)
            zkbi_fe_free(J.fast[k]);
    if (J.qm)
        for (size_t k = 0; k < n_q; k++)
            zkbi_qmodel_free(J.qm[k]);
    if (J.scr)
        for (uint32_t t = 0; t < nt; t++) {
            free(J.scr[t].fout);
            free(J.scr[t].x_q);
            free(J.scr[t].qout);
            free(J.scr[t].buf);
            free(J.scr[t].bout);
        }
    free(J.scr);
    free(J.qm);
    free(J.fast);
    free(J.float_cls);
    free(J.fixed_cls);
    free(st_k);
    free(qs);
    return st;
}

zkb_status zkb_eval_accuracy(zkb_model *m, const zkb_quant *q, zkb_dataset *ds,
                             size_t max_samples, uint32_t threads, zkb_accuracy *out)
{
    return zkb_eval_accuracy_multi(m, q, 1, ds, max_samples, threads, out);
}

/* ---- which dataset a model is for ------------------------------------------------------- */

static const char *known_dataset(const char *s)
{
    static const char *const names[] = {"mnist", "mnist14", "heart", "heart_std"};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return NULL;
}

const char *zkb_eval_default_dataset(const zkb_model *m)
{
    if (!m)
        return NULL;
    const char *found = NULL;
    if (m->metadata) {
        cJSON *meta = cJSON_Parse(m->metadata);
        if (meta) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(meta, "dataset");
            if (cJSON_IsString(d))
                found = known_dataset(d->valuestring);
            if (!found) {
                const cJSON *ts = cJSON_GetObjectItemCaseSensitive(meta, "train_set");
                const cJSON *nm = cJSON_GetObjectItemCaseSensitive(ts, "name");
                if (cJSON_IsString(nm))
                    found = known_dataset(nm->valuestring);
            }
            cJSON_Delete(meta);
        }
    }
    if (found)
        return found;
    if (m->in_c == 1 && m->in_h == 28 && m->in_w == 28)
        return "mnist";
    if (m->in_c == 1 && m->in_h == 14 && m->in_w == 14)
        return "mnist14";
    if ((uint64_t)m->in_c * m->in_h * m->in_w == 18)
        return "heart";
    return NULL;
}
