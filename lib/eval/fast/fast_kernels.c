/* Kernels of the fast evaluator (eval_int.h), written once with GCC vector
 * extensions over a block of FE_B images and compiled per ISA: this file
 * alone is the x86-64 baseline ("generic") family; fast_avx2.c and
 * fast_avx512.c include it under a target pragma. Activations are
 * [feature][FE_B images]; a "row" is one feature of every image in the
 * block. Nothing here can overflow: fast.c only selects a lane type the
 * range analysis proves wide enough (so plain wrapping vector arithmetic is
 * exact). */
#ifndef FE_SFX
#include "fast_int.h"

#include <string.h>

#define FE_SFX generic
#define FE_VB 16 /* bytes of a native vector register */
#endif

#define FE_CAT_(a, b) a##_##b
#define FE_CAT(a, b) FE_CAT_(a, b)
#define FE_FN(name) FE_CAT(name, FE_SFX)

/* One row = one native vector: FE_VB / 4 images on the int32 path, FE_VB / 8 on
 * the int64 path (wider generic vectors would live in memory, not registers). */
#define FE_B32 (FE_VB / 4)
#define FE_B64 (FE_VB / 8)
typedef int32_t FE_FN(r32) __attribute__((vector_size(FE_VB)));
typedef int64_t FE_FN(r64) __attribute__((vector_size(FE_VB)));
typedef int64_t FE_FN(r64w) __attribute__((vector_size(FE_VB * 2))); /* wide layers */

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

/* The block's float images into rows: x_q = round_half_away(x * S), exactly
 * as zkbi_quantize_input_fast (x * S is exact in double; |x * S| < 2^62 within
 * the bound), FE_VB / 8 features of one image at a time in SIMD, then stored
 * into the rows lane b. nzflag[i]: feature i is non-zero in some image. */
typedef float FE_FN(vfq) __attribute__((vector_size(FE_VB / 2)));
typedef double FE_FN(vdq) __attribute__((vector_size(FE_VB)));
typedef int64_t FE_FN(viq) __attribute__((vector_size(FE_VB)));
#define FE_QN (FE_VB / 8)

static void FE_FN(quant_in)(const zkbi_fast *f, const float *xf, size_t n, void *rows, int lane32,
                            int B, void *orv_, unsigned char *nzflag)
{
    typedef FE_FN(vdq) VD;
    typedef FE_FN(viq) VI;
    const uint64_t n_in = f->n_in, nv = n_in / FE_QN;
    const double S = (double)f->scale;
    int32_t *r32 = rows;
    int64_t *r64 = rows;
    VI *orv = orv_;
    const VI zero = {0};
    for (uint64_t c = 0; c < nv; c++)
        orv[c] = zero;
    memset(nzflag, 0, n_in);
    if (lane32 && f->qm->quant.scheme == ZKB_QUANT_POW2) {
        /* int32 path, S = 2^k: x * S is exact in float and |x * S| < 2^31, so the
         * same rounding in float32 lanes (twice as many per vector) */
        typedef float VF __attribute__((vector_size(FE_VB)));
        typedef int32_t VJ __attribute__((vector_size(FE_VB)));
        const uint64_t n32 = n_in / (FE_VB / 4);
        VJ *oj = orv_;
        const VJ zj = {0};
        const float Sf = (float)f->scale;
        /* feature chunk outer, image inner: the chunk's rows fill up in L1 */
        for (uint64_t c = 0; c < n32; c++) {
            VJ o = zj;
            int32_t *dst = r32 + c * (FE_VB / 4) * (uint64_t)B;
            for (size_t b = 0; b < n; b++) {
                VF p;
                const float *src = xf + b * n_in + c * (FE_VB / 4);
                __builtin_prefetch(src + 8 * 16); /* 8 cache lines ahead in this image */
                memcpy(&p, src, sizeof p);
                p *= Sf;
                VJ r = __builtin_convertvector(p, VJ);
                VF fr = p - __builtin_convertvector(r, VF);
                r = r - (VJ)(fr >= 0.5f) + (VJ)(fr <= -0.5f);
                o |= r;
                for (int k = 0; k < FE_VB / 4; k++)
                    dst[(uint64_t)k * (uint64_t)B + b] = r[k];
            }
            oj[c] = o;
        }
        for (size_t b = 0; b < n; b++) {
            const float *xi = xf + b * n_in;
            for (uint64_t i = n32 * (FE_VB / 4); i < n_in; i++) {
                double p = (double)xi[i] * S;
                int64_t r = (int64_t)p;
                double fr = p - (double)r;
                int64_t v = r + (fr >= 0.5) - (fr <= -0.5);
                nzflag[i] |= v != 0;
                r32[i * (uint64_t)B + b] = (int32_t)v;
            }
        }
        for (uint64_t c = 0; c < n32; c++)
            for (int k = 0; k < FE_VB / 4; k++)
                nzflag[c * (FE_VB / 4) + (uint64_t)k] = oj[c][k] != 0;
        return;
    }
    for (size_t b = 0; b < n; b++) {
        const float *xi = xf + b * n_in;
        for (uint64_t c = 0; c < nv; c++) {
            FE_FN(vfq) xv;
            memcpy(&xv, xi + c * FE_QN, sizeof xv);
            VD p = __builtin_convertvector(xv, VD) * S;
            VI r = __builtin_convertvector(p, VI);
            VD fr = p - __builtin_convertvector(r, VD);
            r = r - (VI)(fr >= 0.5) + (VI)(fr <= -0.5);
            orv[c] |= r;
            for (int k = 0; k < FE_QN; k++) {
                uint64_t i = c * FE_QN + (uint64_t)k;
                if (lane32)
                    r32[i * (uint64_t)B + b] = (int32_t)r[k];
                else
                    r64[i * (uint64_t)B + b] = r[k];
            }
        }
        for (uint64_t i = nv * FE_QN; i < n_in; i++) {
            double p = (double)xi[i] * S;
            int64_t r = (int64_t)p;
            double fr = p - (double)r;
            int64_t v = r + (fr >= 0.5) - (fr <= -0.5);
            nzflag[i] |= v != 0;
            if (lane32)
                r32[i * (uint64_t)B + b] = (int32_t)v;
            else
                r64[i * (uint64_t)B + b] = v;
        }
    }
    for (uint64_t c = 0; c < nv; c++)
        for (int k = 0; k < FE_QN; k++)
            nzflag[c * FE_QN + (uint64_t)k] = orv[c][k] != 0;
}

#ifdef FE_HAVE_VNNI
/* Dense layer of the int32 path with int16 operands (L->wp set by fast.c
 * only when the layer's input bound and its weights fit int16 and its
 * accumulator bound fits int32): consecutive input features are packed in
 * pairs, (x[2j+1] << 16) | (x[2j] & 0xffff) per image, and VPDPWSSD adds
 * x[2j] w[2j] + x[2j+1] w[2j+1] to every image's int32 accumulator (the
 * products are exact and, within the bound, no sum wraps). pairs_mac writes
 * the raw accumulators of the pairs listed in nz; the caller divides. */
static void FE_FN(pairs_mac)(const zkbi_fast_layer *L, const __m512i *P, const uint32_t *nz,
                             uint64_t n_nz, __m512i *y)
{
    const uint64_t units = L->s.out_w;
    const int32_t *wp = L->wp, *b = L->b;
    uint64_t o = 0;
    for (; o + 8 <= units; o += 8) {
        __m512i a0 = _mm512_set1_epi32(b[o]), a1 = _mm512_set1_epi32(b[o + 1]);
        __m512i a2 = _mm512_set1_epi32(b[o + 2]), a3 = _mm512_set1_epi32(b[o + 3]);
        __m512i a4 = _mm512_set1_epi32(b[o + 4]), a5 = _mm512_set1_epi32(b[o + 5]);
        __m512i a6 = _mm512_set1_epi32(b[o + 6]), a7 = _mm512_set1_epi32(b[o + 7]);
        for (uint64_t k = 0; k < n_nz; k++) {
            const __m512i v = P[nz[k]];
            const int32_t *w = wp + nz[k] * units + o;
            a0 = _mm512_dpwssd_epi32(a0, v, _mm512_set1_epi32(w[0]));
            a1 = _mm512_dpwssd_epi32(a1, v, _mm512_set1_epi32(w[1]));
            a2 = _mm512_dpwssd_epi32(a2, v, _mm512_set1_epi32(w[2]));
            a3 = _mm512_dpwssd_epi32(a3, v, _mm512_set1_epi32(w[3]));
            a4 = _mm512_dpwssd_epi32(a4, v, _mm512_set1_epi32(w[4]));
            a5 = _mm512_dpwssd_epi32(a5, v, _mm512_set1_epi32(w[5]));
            a6 = _mm512_dpwssd_epi32(a6, v, _mm512_set1_epi32(w[6]));
            a7 = _mm512_dpwssd_epi32(a7, v, _mm512_set1_epi32(w[7]));
        }
        y[o] = a0, y[o + 1] = a1, y[o + 2] = a2, y[o + 3] = a3;
        y[o + 4] = a4, y[o + 5] = a5, y[o + 6] = a6, y[o + 7] = a7;
    }
    for (; o + 4 <= units; o += 4) {
        __m512i a0 = _mm512_set1_epi32(b[o]), a1 = _mm512_set1_epi32(b[o + 1]);
        __m512i a2 = _mm512_set1_epi32(b[o + 2]), a3 = _mm512_set1_epi32(b[o + 3]);
        for (uint64_t k = 0; k < n_nz; k++) {
            const __m512i v = P[nz[k]];
            const int32_t *w = wp + nz[k] * units + o;
            a0 = _mm512_dpwssd_epi32(a0, v, _mm512_set1_epi32(w[0]));
            a1 = _mm512_dpwssd_epi32(a1, v, _mm512_set1_epi32(w[1]));
            a2 = _mm512_dpwssd_epi32(a2, v, _mm512_set1_epi32(w[2]));
            a3 = _mm512_dpwssd_epi32(a3, v, _mm512_set1_epi32(w[3]));
        }
        y[o] = a0, y[o + 1] = a1, y[o + 2] = a2, y[o + 3] = a3;
    }
    for (; o + 2 <= units; o += 2) {
        __m512i a0 = _mm512_set1_epi32(b[o]), a1 = _mm512_set1_epi32(b[o + 1]);
        for (uint64_t k = 0; k < n_nz; k++) {
            const __m512i v = P[nz[k]];
            const int32_t *w = wp + nz[k] * units + o;
            a0 = _mm512_dpwssd_epi32(a0, v, _mm512_set1_epi32(w[0]));
            a1 = _mm512_dpwssd_epi32(a1, v, _mm512_set1_epi32(w[1]));
        }
        y[o] = a0, y[o + 1] = a1;
    }
    for (; o < units; o++) {
        __m512i a0 = _mm512_set1_epi32(b[o]), a1 = _mm512_setzero_si512();
        uint64_t k = 0;
        for (; k + 1 < n_nz; k += 2) {
            a0 = _mm512_dpwssd_epi32(a0, P[nz[k]], _mm512_set1_epi32(wp[nz[k] * units + o]));
            a1 = _mm512_dpwssd_epi32(a1, P[nz[k + 1]],
                                     _mm512_set1_epi32(wp[nz[k + 1] * units + o]));
        }
        if (k < n_nz)
            a0 = _mm512_dpwssd_epi32(a0, P[nz[k]], _mm512_set1_epi32(wp[nz[k] * units + o]));
        y[o] = _mm512_add_epi32(a0, a1);
    }
}

static int FE_FN(dense_pairs)(const zkbi_fast_layer *L, const void *xin, void *yout, void *pbuf,
                              uint32_t *nz, const unsigned char *nzflag)
{
    const uint64_t n_in = L->s.in_w, np = (n_in + 1) / 2;
    const __m512i *x = xin;
    __m512i *P = pbuf;
    const __m512i lo16 = _mm512_set1_epi32(0xffff);
    uint64_t n_nz = 0;
    for (uint64_t j = 0; j < np; j++) {
        uint64_t i0 = 2 * j, i1 = 2 * j + 1;
        __m512i x1 = i1 < n_in ? x[i1] : _mm512_setzero_si512();
        P[j] = _mm512_or_si512(_mm512_and_si512(x[i0], lo16), _mm512_slli_epi32(x1, 16));
        nz[n_nz] = (uint32_t)j;
        n_nz += !nzflag || nzflag[i0] || (i1 < n_in && nzflag[i1]);
    }
    FE_FN(pairs_mac)(L, P, nz, n_nz, yout);
    return 1;
}

/* 16x16 int32 transpose in registers: r[i][j] -> r[j][i]. Unpacks give the
 * 4x4 transposes inside each 128-bit lane; two rounds of 128-bit shuffles
 * move the lanes into place. */
static inline void FE_FN(transpose16)(__m512i r[16])
{
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int g = 0; g < 16; g += 4) {
        r[g] = _mm512_unpacklo_epi64(t[g], t[g + 2]);
        r[g + 1] = _mm512_unpackhi_epi64(t[g], t[g + 2]);
        r[g + 2] = _mm512_unpacklo_epi64(t[g + 1], t[g + 3]);
        r[g + 3] = _mm512_unpackhi_epi64(t[g + 1], t[g + 3]);
    }
    /* now r[4g + c], 128-bit lane L = column 4L + c of rows 4g..4g+3 */
    for (int c = 0; c < 4; c++) {
        t[c] = _mm512_shuffle_i32x4(r[c], r[4 + c], 0x88);
        t[4 + c] = _mm512_shuffle_i32x4(r[c], r[4 + c], 0xdd);
        t[8 + c] = _mm512_shuffle_i32x4(r[8 + c], r[12 + c], 0x88);
        t[12 + c] = _mm512_shuffle_i32x4(r[8 + c], r[12 + c], 0xdd);
    }
    for (int c = 0; c < 4; c++) {
        r[c] = _mm512_shuffle_i32x4(t[c], t[8 + c], 0x88);
        r[8 + c] = _mm512_shuffle_i32x4(t[c], t[8 + c], 0xdd);
        r[4 + c] = _mm512_shuffle_i32x4(t[4 + c], t[12 + c], 0x88);
        r[12 + c] = _mm512_shuffle_i32x4(t[4 + c], t[12 + c], 0xdd);
    }
}

/* round_half_away(x * S) of 16 floats, S = 2^k (x * S exact, within int32) */
static inline __m512i FE_FN(quant16)(__m512 x, __m512 S)
{
    const __m512 p = _mm512_mul_ps(x, S);
    __m512i r = _mm512_cvttps_epi32(p);
    const __m512 fr = _mm512_sub_ps(p, _mm512_cvtepi32_ps(r));
    const __m512i one = _mm512_set1_epi32(1);
    r = _mm512_mask_add_epi32(r, _mm512_cmp_ps_mask(fr, _mm512_set1_ps(0.5f), _CMP_GE_OQ), r, one);
    return _mm512_mask_sub_epi32(r, _mm512_cmp_ps_mask(fr, _mm512_set1_ps(-0.5f), _CMP_LE_OQ), r,
                                 one);
}

/* The block's float images straight into the int16 pairs of the first dense
 * layer (when it runs on pairs and S = 2^k): per image, 32 features are
 * quantized and narrowed to int16 (they fit: the layer's input bound does),
 * which is one 512-bit row of 16 pairs; 16 images' rows transposed in
 * registers give 16 pair rows of the block. Lists the pairs that are non-zero
 * in some image in nz; returns their count. */
static uint64_t FE_FN(quant_pairs)(const zkbi_fast *f, const float *xf, size_t n, __m512i *P,
                                   uint32_t *nz)
{
    const uint64_t n_in = f->n_in, np = (n_in + 1) / 2;
    const __m512 S = _mm512_set1_ps((float)f->scale);
    uint64_t n_nz = 0;
    for (uint64_t c = 0; c < n_in; c += 32) {
        const uint64_t left = n_in - c;
        const __mmask16 m0 = left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1);
        const __mmask16 m1 = left >= 32 ? 0xffff : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        __m512i r[16];
        for (size_t b = 0; b < 16; b++) {
            if (b >= n) {
                r[b] = _mm512_setzero_si512();
                continue;
            }
            const float *src = xf + b * n_in + c;
            /* the next block's images (contiguous after this one's): its
             * strided reads here would defeat the hardware prefetcher */
            __builtin_prefetch(src + 16 * n_in);
            __builtin_prefetch(src + 16 * n_in + 16);
            __m512i q0 = FE_FN(quant16)(_mm512_maskz_loadu_ps(m0, src), S);
            __m512i q1 = FE_FN(quant16)(_mm512_maskz_loadu_ps(m1, src + 16), S);
            r[b] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi32_epi16(q0)),
                                      _mm512_cvtepi32_epi16(q1), 1);
        }
        FE_FN(transpose16)(r);
        const uint64_t j0 = c / 2, nj = np - j0 < 16 ? np - j0 : 16;
        for (uint64_t j = 0; j < nj; j++) {
            P[j0 + j] = r[j];
            nz[n_nz] = (uint32_t)(j0 + j);
            n_nz += _mm512_test_epi32_mask(r[j], r[j]) != 0;
        }
    }
    return n_nz;
}

/* The first dense layer from float images on pairs: 1 when done (raw
 * accumulators in y), 0 when this block does not qualify. */
static int FE_FN(first_pairs)(const zkbi_fast *f, const float *xf, size_t n, void *y, void *pbuf,
                              uint32_t *nz)
{
    if (f->block != 16 || f->first_dense >= f->n_layers || !f->L[f->first_dense].wp ||
        f->qm->quant.scheme != ZKB_QUANT_POW2)
        return 0;
    uint64_t n_nz = FE_FN(quant_pairs)(f, xf, n, pbuf, nz);
    FE_FN(pairs_mac)(&f->L[f->first_dense], pbuf, nz, n_nz, y);
    return 1;
}
#else
static int FE_FN(dense_pairs)(const zkbi_fast_layer *L, const void *xin, void *yout, void *pbuf,
                              uint32_t *nz, const unsigned char *nzflag)
{
    (void)L, (void)xin, (void)yout, (void)pbuf, (void)nz, (void)nzflag;
    return 0; /* no VNNI kernel in this family */
}

static int FE_FN(first_pairs)(const zkbi_fast *f, const float *xf, size_t n, void *y, void *pbuf,
                              uint32_t *nz)
{
    (void)f, (void)xf, (void)n, (void)y, (void)pbuf, (void)nz;
    return 0;
}
#endif

/* The layer code, once per lane type T (row type R). */
#define FE_LAYERS(T, R, TS, FE_B)                                                                    \
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
    static void FE_FN(dense_##TS)(const zkbi_fast_layer *L, const R *x, R *y,                     \
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
    static void FE_FN(conv_##TS)(const zkbi_fast_layer *L, const R *x, R *y,                      \
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
    static void FE_FN(pool_##TS)(const zkbi_fast_layer *L, const R *x, R *y, uint32_t rnd,        \
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
    static void FE_FN(block_##TS)(const zkbi_fast *f, const float *xf, const int64_t *xq,         \
                                  size_t n, int64_t *out, void *scratch)                        \
    {                                                                                           \
        const uint64_t A = f->max_act;                                                          \
        R *cur = scratch, *nxt = cur + A;                                                       \
        const uint64_t n_in = f->n_in;                                                          \
        R *pairs = nxt + A; /* dense_pairs: max_dense_in / 2 + 1 rows */                        \
        void *orv = pairs + f->max_dense_in / 2 + 1; /* aligned: whole vectors */               \
        uint32_t *nz = (uint32_t *)(void *)((char *)orv + (n_in + 2) * 64);                     \
        unsigned char *nzflag = (unsigned char *)(nz + f->max_dense_in + 1);                    \
        const FE_FN(fe_div) dv = FE_FN(mk_div)(f->scale, f->rnd);                               \
        uint32_t li0 = 0;                                                                       \
        if (sizeof(T) == 4 && xf && FE_FN(first_pairs)(f, xf, n, nxt, pairs, nz)) {             \
            for (uint64_t o = 0; o < f->L[f->first_dense].s.out_w; o++)                         \
                FE_FN(div_##TS)(&dv, &nxt[o], &nxt[o]);                                         \
            R *t = cur;                                                                         \
            cur = nxt;                                                                          \
            nxt = t;                                                                            \
            li0 = f->first_dense + 1;                                                           \
        } else if (n < FE_B) {                                                                  \
            memset(cur, 0, n_in * sizeof *cur);                                                 \
        }                                                                                       \
        if (li0) {                                                                              \
        } else if (xf) {                                                                        \
            FE_FN(quant_in)(f, xf, n, cur, sizeof(T) == 4, FE_B, orv, nzflag);                  \
        } else {                                                                                \
            memset(nzflag, 0, n_in);                                                            \
            for (size_t b = 0; b < n; b++) {                                                    \
                const int64_t *xi = xq + b * n_in;                                              \
                for (uint64_t i = 0; i < n_in; i++)                                             \
                    cur[i][b] = (T)xi[i], nzflag[i] |= xi[i] != 0;                              \
            }                                                                                   \
        }                                                                                       \
        const R zero = {0};                                                                     \
        for (uint32_t li = li0; li < f->n_layers; li++) {                                       \
            const zkbi_fast_layer *L = &f->L[li];                                                 \
            if (sizeof(T) == 4 && L->wide) {                                                                      \
                FE_FN(wide)(L, cur, nxt, &dv, f->rnd);                          \
                R *t = cur;                                                                     \
                cur = nxt;                                                                      \
                nxt = t;                                                                        \
                continue;                                                                       \
            }                                                                                   \
            switch (L->s.op) {                                                                  \
            case ZKB_OP_DENSE:                                                                  \
                if (sizeof(T) == 4 && L->wp &&                                                  \
                    FE_FN(dense_pairs)(L, cur, nxt, pairs, nz,                                  \
                                       li == f->first_dense ? nzflag : NULL)) {                 \
                    for (uint64_t o = 0; o < L->s.out_w; o++)                                   \
                        FE_FN(div_##TS)(&dv, &nxt[o], &nxt[o]);                                 \
                    break;                                                                      \
                }                                                                               \
                FE_FN(dense_##TS)(L, cur, nxt, &dv, nz, li == f->first_dense ? nzflag : NULL);  \
                break;                                                                          \
            case ZKB_OP_CONV2D:                                                                 \
                FE_FN(conv_##TS)(L, cur, nxt, &dv);                                             \
                break;                                                                          \
            case ZKB_OP_AVGPOOL2D:                                                              \
            case ZKB_OP_MAXPOOL2D:                                                              \
                FE_FN(pool_##TS)(L, cur, nxt, f->rnd, L->s.op == ZKB_OP_MAXPOOL2D);             \
                break;                                                                          \
            case ZKB_OP_PAD2D: /* a row of zero lanes around the image's rows */                \
                zkbi_pad2d_forward(&L->s, cur, nxt, sizeof *cur);                               \
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

static void FE_FN(wide)(const zkbi_fast_layer *L, const void *xin, void *yout,
                        const FE_FN(fe_div) * dv, uint32_t rnd);
FE_LAYERS(int64_t, FE_FN(r64), i64, FE_B64)
FE_LAYERS(int32_t, FE_FN(r32), i32, FE_B32)

/* A "wide" layer of the int32 path: int32 activations in and out (their
 * bounds fit), int64 accumulators and weights (the layer's accumulator bound
 * or a weight does not fit int32). One output at a time, divided lane by lane:
 * such layers are rare and small (the last dense layer of a deep model). */
static void FE_FN(wide)(const zkbi_fast_layer *L, const void *xin, void *yout,
                        const FE_FN(fe_div) * dv, uint32_t rnd)
{
    typedef FE_FN(r32) R32;
    typedef FE_FN(r64w) R64;
    const zkb_layer_desc *s = &L->s;
    const int64_t *wt = L->w, *b = L->b;
    const R32 *x = xin;
    R32 *y = yout;
    const R64 zero = {0};
#define FE_X(k) __builtin_convertvector(x[k], R64)
#define FE_Y(k, d, acc)                                                                        \
    for (int l = 0; l < FE_B32; l++)                                                           \
        y[k][l] = (int32_t)FE_FN(div1)(d, acc[l])
    if (s->op == ZKB_OP_DENSE) {
        const uint64_t n_in = s->in_w, units = s->out_w;
        for (uint64_t o = 0; o < units; o++) {
            R64 acc = zero + b[o];
            for (uint64_t i = 0; i < n_in; i++)
                acc += wt[i * units + o] * FE_X(i);
            FE_Y(o, dv, acc);
        }
        return;
    }
    const uint64_t IC = s->in_c, H = s->in_h, W = s->in_w, OC = s->out_c, OH = s->out_h,
                   OW = s->out_w;
    const uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    const FE_FN(fe_div) pdv = FE_FN(mk_div)((int64_t)(KH * KW), rnd);
    const int conv = s->op == ZKB_OP_CONV2D;
    for (uint64_t oc = 0; oc < OC; oc++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                R64 acc = zero + (conv ? b[oc] : 0);
                for (uint64_t ic = 0; ic < (conv ? IC : 1); ic++)
                    for (uint64_t ky = 0; ky < KH; ky++)
                        for (uint64_t kx = 0; kx < KW; kx++) {
                            uint64_t xi = ((conv ? ic : oc) * H + oy * SH + ky) * W + ox * SW + kx;
                            if (conv)
                                acc += wt[((ic * KH + ky) * KW + kx) * OC + oc] * FE_X(xi);
                            else
                                acc += FE_X(xi);
                        }
                FE_Y((oc * OH + oy) * OW + ox, conv ? dv : &pdv, acc);
            }
#undef FE_X
#undef FE_Y
}

size_t FE_FN(zkbi_fast_images)(int path)
{
    return path == ZKBI_FAST_I32 ? FE_B32 : FE_B64;
}

void FE_FN(zkbi_fast_block)(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,
                          int64_t *out, void *scratch)
{
    if (f->path == ZKBI_FAST_I32)
        FE_FN(block_i32)(f, xf, xq, n, out, scratch);
    else
        FE_FN(block_i64)(f, xf, xq, n, out, scratch);
}
