/* Kernels of the fast evaluator (eval_fast.h), written once with GCC vector
 * extensions over a block of FE_B images and compiled per ISA: this file
 * alone is the x86-64 baseline ("generic") family; eval_fast_avx2.c and
 * eval_fast_avx512.c include it under a target pragma. Activations are
 * [feature][FE_B images]; a "row" is one feature of every image in the
 * block. Nothing here can overflow: eval_fast.c only selects a lane type the
 * range analysis proves wide enough (so plain wrapping vector arithmetic is
 * exact). */
#ifndef FE_SFX
#include "eval_fast.h"

#include <string.h>

#define FE_SFX generic
#define FE_B 16
#endif

#define FE_CAT_(a, b) a##_##b
#define FE_CAT(a, b) FE_CAT_(a, b)
#define FE_FN(name) FE_CAT(name, FE_SFX)

typedef int32_t FE_FN(r32) __attribute__((vector_size(FE_B * 4)));
typedef int64_t FE_FN(r64) __attribute__((vector_size(FE_B * 8)));

/* div(v, d) of docs/model-format.md: floor, or floor((v + floor(d/2)) / d),
 * computed as q + (r >= d - floor(d/2)) so that nothing can overflow. */
typedef struct FE_FN(fe_div) {
    int64_t d, thr;
    int shift; /* -1: d is not a power of two */
    int half_up;
} FE_FN(fe_div);

static FE_FN(fe_div) FE_FN(mk_div)(int64_t d, uint32_t rnd)
{
    FE_FN(fe_div) v = {d, d - d / 2, -1, rnd == ZKB_ROUND_HALF_UP};
    if ((d & (d - 1)) == 0)
        for (v.shift = 0; (INT64_C(1) << v.shift) != d; v.shift++)
            ;
    return v;
}

static inline int64_t FE_FN(div1)(const FE_FN(fe_div) * v, int64_t x)
{
    int64_t q = x / v->d, r = x % v->d;
    if (r < 0) {
        q -= 1;
        r += v->d;
    }
    return q + (v->half_up && r >= v->thr);
}

/* The layer code, once per lane type T (row type R). */
#define FE_LAYERS(T, R, TS)                                                                    \
    /* *y = div(*a) per lane (pointers: rows are not passed by value) */                        \
    static inline void FE_FN(div_##TS)(const FE_FN(fe_div) * v, R *y, const R *a)               \
    {                                                                                           \
        if (v->shift >= 0) {                                                                    \
            R q = *a >> v->shift;                                                               \
            if (v->half_up)                                                                     \
                q -= (R)((*a & (T)(v->d - 1)) >= (T)v->thr);                                    \
            *y = q;                                                                             \
            return;                                                                             \
        }                                                                                       \
        for (int l = 0; l < FE_B; l++)                                                          \
            (*y)[l] = (T)FE_FN(div1)(v, (int64_t)(*a)[l]);                                      \
    }                                                                                           \
                                                                                                \
    static void FE_FN(dense_##TS)(const zkbi_fe_layer *L, const R *x, R *y,                     \
                                  const FE_FN(fe_div) * dv, uint32_t *nz,          \
                                  const unsigned char *nzflag)                       \
    {                                                                                           \
        const uint64_t n_in = L->s.in_w, units = L->s.out_w;                                    \
        const T *wt = L->w, *b = L->b;                                                          \
        const R zero = {0};                                                                     \
        uint64_t n_nz = 0;                                                                     \
        if (nzflag) /* the block's input: features that are non-zero in some image */         \
            for (uint64_t i = 0; i < n_in; i++)                                                \
                nz[n_nz] = (uint32_t)i, n_nz += nzflag[i] != 0;                                \
        else                                                                                   \
            for (uint64_t i = 0; i < n_in; i++)                                                \
                nz[n_nz++] = (uint32_t)i;                                                      \
        uint64_t o = 0;                                                                         \
        for (; o + 4 <= units; o += 4) {                                                        \
            R a0 = zero + b[o], a1 = zero + b[o + 1], a2 = zero + b[o + 2], a3 = zero + b[o + 3]; \
            for (uint64_t j = 0; j < n_nz; j++) {                                               \
                const R v = x[nz[j]];                                                           \
                const T *w = wt + nz[j] * units + o;                                            \
                a0 += w[0] * v;                                                                 \
                a1 += w[1] * v;                                                                 \
                a2 += w[2] * v;                                                                 \
                a3 += w[3] * v;                                                                 \
            }                                                                                   \
            FE_FN(div_##TS)(dv, &y[o], &a0);                                                    \
            FE_FN(div_##TS)(dv, &y[o + 1], &a1);                                                \
            FE_FN(div_##TS)(dv, &y[o + 2], &a2);                                                \
            FE_FN(div_##TS)(dv, &y[o + 3], &a3);                                                \
        }                                                                                       \
        for (; o + 2 <= units; o += 2) {                                                        \
            R a0 = zero + b[o], a1 = zero + b[o + 1];                                           \
            for (uint64_t j = 0; j < n_nz; j++) {                                               \
                const R v = x[nz[j]];                                                           \
                const T *w = wt + nz[j] * units + o;                                            \
                a0 += w[0] * v;                                                                 \
                a1 += w[1] * v;                                                                 \
            }                                                                                   \
            FE_FN(div_##TS)(dv, &y[o], &a0);                                                    \
            FE_FN(div_##TS)(dv, &y[o + 1], &a1);                                                \
        }                                                                                       \
        for (; o < units; o++) {                                                                \
            R a0 = zero + b[o];                                                                 \
            for (uint64_t j = 0; j < n_nz; j++)                                                 \
                a0 += wt[nz[j] * units + o] * x[nz[j]];                                         \
            FE_FN(div_##TS)(dv, &y[o], &a0);                                                    \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    static void FE_FN(conv_##TS)(const zkbi_fe_layer *L, const R *x, R *y,                      \
                                 const FE_FN(fe_div) * dv)                                      \
    {                                                                                           \
        const zkb_layer_desc *s = &L->s;                                                        \
        const uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;                                  \
        const uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;                             \
        const uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;  \
        const T *wt = L->w, *b = L->b;                                                          \
        const R zero = {0};                                                                     \
        for (uint64_t oy = 0; oy < OH; oy++)                                                    \
            for (uint64_t ox = 0; ox < OW; ox++) {                                              \
                const R *xb = x + oy * SH * W + ox * SW;                                        \
                R *yb = y + oy * OW + ox;                                                       \
                uint64_t oc = 0;                                                                \
                for (; oc + 4 <= OC; oc += 4) {                                                 \
                    R a0 = zero + b[oc], a1 = zero + b[oc + 1], a2 = zero + b[oc + 2],          \
                      a3 = zero + b[oc + 3];                                                    \
                    const T *w = wt + oc;                                                       \
                    for (uint64_t ic = 0; ic < IC; ic++)                                        \
                        for (uint64_t ky = 0; ky < KH; ky++) {                                  \
                            const R *xr = xb + (ic * H + ky) * W;                               \
                            for (uint64_t kx = 0; kx < KW; kx++, w += OC) {                     \
                                const R v = xr[kx];                                             \
                                a0 += w[0] * v;                                                 \
                                a1 += w[1] * v;                                                 \
                                a2 += w[2] * v;                                                 \
                                a3 += w[3] * v;                                                 \
                            }                                                                   \
                        }                                                                       \
                    FE_FN(div_##TS)(dv, &yb[oc * OH * OW], &a0);                                \
                    FE_FN(div_##TS)(dv, &yb[(oc + 1) * OH * OW], &a1);                          \
                    FE_FN(div_##TS)(dv, &yb[(oc + 2) * OH * OW], &a2);                          \
                    FE_FN(div_##TS)(dv, &yb[(oc + 3) * OH * OW], &a3);                          \
                }                                                                               \
                for (; oc + 2 <= OC; oc += 2) {                                                 \
                    R a0 = zero + b[oc], a1 = zero + b[oc + 1];                                 \
                    const T *w = wt + oc;                                                       \
                    for (uint64_t ic = 0; ic < IC; ic++)                                        \
                        for (uint64_t ky = 0; ky < KH; ky++) {                                  \
                            const R *xr = xb + (ic * H + ky) * W;                               \
                            for (uint64_t kx = 0; kx < KW; kx++, w += OC) {                     \
                                const R v = xr[kx];                                             \
                                a0 += w[0] * v;                                                 \
                                a1 += w[1] * v;                                                 \
                            }                                                                   \
                        }                                                                       \
                    FE_FN(div_##TS)(dv, &yb[oc * OH * OW], &a0);                                \
                    FE_FN(div_##TS)(dv, &yb[(oc + 1) * OH * OW], &a1);                          \
                }                                                                               \
                for (; oc < OC; oc++) {                                                         \
                    R a0 = zero + b[oc];                                                        \
                    const T *w = wt + oc;                                                       \
                    for (uint64_t ic = 0; ic < IC; ic++)                                        \
                        for (uint64_t ky = 0; ky < KH; ky++) {                                  \
                            const R *xr = xb + (ic * H + ky) * W;                               \
                            for (uint64_t kx = 0; kx < KW; kx++, w += OC)                       \
                                a0 += w[0] * xr[kx];                                            \
                        }                                                                       \
                    FE_FN(div_##TS)(dv, &yb[oc * OH * OW], &a0);                                \
                }                                                                               \
            }                                                                                   \
    }                                                                                           \
                                                                                                \
    static void FE_FN(pool_##TS)(const zkbi_fe_layer *L, const R *x, R *y, uint32_t rnd,        \
                                 int is_max)                                                    \
    {                                                                                           \
        const zkb_layer_desc *s = &L->s;                                                        \
        const uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;     \
        const uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;  \
        const FE_FN(fe_div) dv = FE_FN(mk_div)((int64_t)(KH * KW), rnd);                        \
        for (uint64_t c = 0; c < C; c++)                                                        \
            for (uint64_t oy = 0; oy < OH; oy++)                                                \
                for (uint64_t ox = 0; ox < OW; ox++) {                                          \
                    const R *xin = x + c * H * W + oy * SH * W + ox * SW;                       \
                    R acc = xin[0];                                                             \
                    for (uint64_t ky = 0; ky < KH; ky++)                                        \
                        for (uint64_t kx = ky == 0; kx < KW; kx++) {                            \
                            const R v = xin[ky * W + kx];                                       \
                            if (is_max) {                                                       \
                                R gt = (R)(v > acc);                                            \
                                acc = (v & gt) | (acc & ~gt);                                   \
                            } else {                                                            \
                                acc += v;                                                       \
                            }                                                                   \
                        }                                                                       \
                    if (is_max)                                                                 \
                        y[(c * OH + oy) * OW + ox] = acc;                                       \
                    else                                                                        \
                        FE_FN(div_##TS)(&dv, &y[(c * OH + oy) * OW + ox], &acc);                \
                }                                                                               \
    }                                                                                           \
                                                                                                \
    static void FE_FN(block_##TS)(const zkbi_fe *f, const float *xf, const int64_t *xq,         \
                                  size_t n, int64_t *out, void *scratch)                        \
    {                                                                                           \
        const uint64_t A = f->max_act;                                                          \
        R *cur = scratch, *nxt = cur + A;                                                       \
        uint32_t *nz = (uint32_t *)(void *)(nxt + A);                                           \
        const uint64_t n_in = f->n_in;                                                          \
        const double S = (double)f->scale;                                                      \
        if (n < FE_B)                                                                           \
            memset(cur, 0, n_in * sizeof *cur);                                                 \
        for (size_t b = 0; b < n; b++)                                                          \
            if (xf) {                                                                           \
                const float *xi = xf + b * n_in;                                                \
                for (uint64_t i = 0; i < n_in; i++) {                                           \
                    /* zkbi_quantize_input_fast: |p| < 2^62 within the bound */                 \
                    double p = (double)xi[i] * S;                                               \
                    int64_t r = (int64_t)p;                                                     \
                    double fr = p - (double)r;                                                  \
                    cur[i][b] = (T)(r + (fr >= 0.5) - (fr <= -0.5));                            \
                }                                                                               \
            } else {                                                                            \
                const int64_t *xi = xq + b * n_in;                                              \
                for (uint64_t i = 0; i < n_in; i++)                                             \
                    cur[i][b] = (T)xi[i];                                                       \
            }                                                                                   \
        const FE_FN(fe_div) dv = FE_FN(mk_div)(f->scale, f->rnd);                               \
        const R zero = {0};                                                                     \
        for (uint32_t li = 0; li < f->n_layers; li++) {                                         \
            const zkbi_fe_layer *L = &f->L[li];                                                 \
            switch (L->s.op) {                                                                  \
            case ZKB_OP_DENSE:                                                                  \
                FE_FN(dense_##TS)(L, cur, nxt, &dv, nz, li == f->first_dense ? nzflag : NULL); \
                break;                                                                          \
            case ZKB_OP_CONV2D:                                                                 \
                FE_FN(conv_##TS)(L, cur, nxt, &dv);                                             \
                break;                                                                          \
            case ZKB_OP_AVGPOOL2D:                                                              \
            case ZKB_OP_MAXPOOL2D:                                                              \
                FE_FN(pool_##TS)(L, cur, nxt, f->rnd, L->s.op == ZKB_OP_MAXPOOL2D);             \
                break;                                                                          \
            case ZKB_OP_RELU: {                                                                 \
                uint64_t k = (uint64_t)L->s.in_c * L->s.in_h * L->s.in_w;                       \
                for (uint64_t i = 0; i < k; i++)                                                \
                    cur[i] &= (R)(cur[i] > zero);                                               \
                continue;                                                                       \
            }                                                                                   \
            default: /* flatten: [c][h][w] rows are already in flat order */                    \
                continue;                                                                       \
            }                                                                                   \
            R *t = cur;                                                                         \
            cur = nxt;                                                                          \
            nxt = t;                                                                            \
        }                                                                                       \
        for (size_t b = 0; b < n; b++)                                                          \
            for (uint64_t o = 0; o < f->n_out; o++)                                             \
                out[b * f->n_out + o] = (int64_t)cur[o][b];                                     \
    }

FE_LAYERS(int32_t, FE_FN(r32), i32)
FE_LAYERS(int64_t, FE_FN(r64), i64)

size_t FE_FN(zkbi_fe_images)(void)
{
    return FE_B;
}

void FE_FN(zkbi_fe_block)(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,
                          int64_t *out, void *scratch)
{
    if (f->path == ZKBI_FE_I32)
        FE_FN(block_i32)(f, xf, xq, n, out, scratch);
    else
        FE_FN(block_i64)(f, xf, xq, n, out, scratch);
}
