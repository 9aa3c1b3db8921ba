/* Quantization: the zkb_quant scheme, exact rounding of values to fixed
 * point, the quantized model image (zkbi_qmodel). See docs/model-format.md,
 * "Fixed-point semantics". */
#include "model_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define QUANT_V1_SIZE (offsetof(zkb_quant, rounding) + sizeof(uint32_t))

void zkb_quant_default(zkb_quant *q)
{
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->struct_size = sizeof *q;
    q->scheme = ZKB_QUANT_POW2;
    q->scale = 8;
    q->rounding = ZKB_ROUND_HALF_UP;
}

zkb_status zkbi_quant_check(const zkb_quant *q, char *err, size_t errlen)
{
    if (!q) {
        zkbi_errf(err, errlen, "no quantization parameters");
        return ZKB_ERR_INVALID_ARG;
    }
    if (q->struct_size < QUANT_V1_SIZE) {
        zkbi_errf(err, errlen, "zkb_quant.struct_size %" PRIu32 " is too small (want %zu)",
                  q->struct_size, sizeof(zkb_quant));
        return ZKB_ERR_INVALID_ARG;
    }
    switch (q->scheme) {
    case ZKB_QUANT_POW2:
        if (q->scale > 30) {
            zkbi_errf(err, errlen, "pow2 scale %" PRIu32 " is not in 0..30", q->scale);
            return ZKB_ERR_INVALID_ARG;
        }
        break;
    case ZKB_QUANT_POW10:
        if (q->scale > 9) {
            zkbi_errf(err, errlen, "pow10 scale %" PRIu32 " is not in 0..9", q->scale);
            return ZKB_ERR_INVALID_ARG;
        }
        break;
    case ZKB_QUANT_EZKL: {
        uint32_t in = ZKB_QUANT_EZKL_INPUT(q->scale), par = ZKB_QUANT_EZKL_PARAM(q->scale);
        uint32_t mult = ZKB_QUANT_EZKL_MULT(q->scale);
        if ((q->scale >> 24) != 0 || in > 30 || par > 30 || mult < 1) {
            zkbi_errf(err, errlen,
                      "ezkl scale 0x%08" PRIx32 ": input %" PRIu32 ", param %" PRIu32
                      " (each 0..30), rebase multiplier %" PRIu32 " (1..255)",
                      q->scale, in, par, mult);
            return ZKB_ERR_INVALID_ARG;
        }
        break;
    }
    default:
        zkbi_errf(err, errlen,
                  "unknown quantization scheme %" PRIu32 " (pow2 = 1, pow10 = 2, ezkl = 3)", q->scheme);
        return ZKB_ERR_INVALID_ARG;
    }
    if (q->rounding != ZKB_ROUND_HALF_UP && q->rounding != ZKB_ROUND_FLOOR) {
        zkbi_errf(err, errlen, "unknown rounding mode %" PRIu32 " (half_up = 0, floor = 1)",
                  q->rounding);
        return ZKB_ERR_INVALID_ARG;
    }
    return ZKB_OK;
}

zkb_status zkb_quant_check(const zkb_quant *q, char *err, size_t errcap)
{
    return zkbi_quant_check(q, err, errcap); /* a NULL err is fine */
}

static uint32_t scale_exp(const zkb_quant *q)
{
    return q->scheme == ZKB_QUANT_EZKL ? ZKB_QUANT_EZKL_INPUT(q->scale) : q->scale;
}

int64_t zkbi_quant_scale_factor(const zkb_quant *q)
{
    int64_t s = 1;
    uint32_t base = q->scheme == ZKB_QUANT_POW10 ? 10 : 2;
    for (uint32_t i = 0; i < scale_exp(q); i++)
        s *= base;
    return s;
}

/* round_half_away_from_zero(v * 2^p2 * 5^p5), exactly: v = mant * 2^e with
 * an integer mant < 2^53, and mant * 5^p5 < 2^95 for p5 <= 18. */
static zkb_status scale_round(double v, int p2, int p5, int64_t *out)
{
    if (!isfinite(v))
        return ZKB_ERR_INVALID_ARG;
    if (v == 0) {
        *out = 0;
        return ZKB_OK;
    }
    int e;
    double f = frexp(fabs(v), &e); /* [0.5, 1) */
    uint64_t mant = (uint64_t)ldexp(f, 53);
    unsigned __int128 p = mant, mag;
    for (int i = 0; i < p5; i++)
        p *= 5;
    int sh = e - 53 + p2;
    if (sh >= 0) {
        if (sh >= 64 || (p >> (64 - sh)) != 0)
            return ZKB_ERR_OVERFLOW;
        mag = p << sh;
    } else {
        int s = -sh;
        if (s >= 100) {
            mag = 0; /* p < 2^95: below 1/2 */
        } else {
            unsigned __int128 one = 1;
            mag = p >> s;
            if ((p & ((one << s) - 1)) >= (one << (s - 1)))
                mag++;
        }
    }
    unsigned __int128 lim = (unsigned __int128)INT64_MAX;
    if (v < 0) {
        if (mag > lim + 1)
            return ZKB_ERR_OVERFLOW;
        *out = mag == lim + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        if (mag > lim)
            return ZKB_ERR_OVERFLOW;
        *out = (int64_t)mag;
    }
    return ZKB_OK;
}

zkb_status zkbi_quant_value(const zkb_quant *q, double v, int k, int64_t *out)
{
    int p2 = q->scheme == ZKB_QUANT_EZKL ? (int)scale_exp(q) : (int)q->scale * k;
    int p5 = q->scheme == ZKB_QUANT_POW10 ? p2 : 0;
    return scale_round(v, p2, p5, out);
}

zkb_status zkb_quantize_input(const zkb_quant *q, const float *x, size_t n, int64_t *x_q)
{
    if (zkbi_quant_check(q, NULL, 0) != ZKB_OK)
        return ZKB_ERR_INVALID_ARG;
    if (n && (!x || !x_q))
        return ZKB_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        zkb_status st = zkbi_quant_value(q, x[i], 1, &x_q[i]);
        if (st != ZKB_OK)
            return st;
    }
    return ZKB_OK;
}

int64_t zkbi_div_half_away(int64_t v, int64_t d)
{
    /* What ezkl computes: (v as f64 / d as f64).round(), round() being half
     * away from zero. Exact while |v| <= 2^53 and d is a power of two (the
     * rebase); the same double operations otherwise. */
    if (d == 1)
        return v;
    return (int64_t)round((double)v / (double)d);
}

int64_t zkbi_div_round(int64_t v, int64_t d, uint32_t rounding)
{
    int64_t q = v / d, r = v % d;
    if (r < 0) { /* C truncates towards zero: make it a floor division */
        q -= 1;
        r += d;
    }
    /* v = q*d + r, 0 <= r < d. floor((v + h) / d) = q + (r + h >= d), h = floor(d/2) */
    if (rounding == ZKB_ROUND_HALF_UP && r >= d - d / 2)
        q += 1;
    return q;
}

/* ---- quantized model ---------------------------------------------------------------- */

void zkbi_qmodel_free(zkbi_qmodel *qm)
{
    if (!qm)
        return;
    if (qm->layers)
        for (uint32_t i = 0; i < qm->n_layers; i++) {
            free(qm->layers[i].w);
            free(qm->layers[i].b);
        }
    free(qm->layers);
    free(qm->layer_ptrs);
    free(qm);
}

const zkb_qmodel_desc *zkbi_qmodel_desc(const zkbi_qmodel *qm)
{
    return qm ? &qm->desc : NULL;
}

/* k: S^k for pow2/pow10; e2: the exponent of 2 for the ezkl scheme. */
static zkb_status quant_array(const zkb_quant *q, const float *x, uint64_t n, int k, int e2,
                              int64_t **out, uint32_t layer, const char *what, char *err,
                              size_t errlen)
{
    const int ezkl = q->scheme == ZKB_QUANT_EZKL;
    *out = NULL;
    if (n == 0)
        return ZKB_OK;
    int64_t *a = malloc(n * sizeof *a);
    if (!a) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        zkb_status st = ezkl ? scale_round(x[i], e2, 0, &a[i]) : zkbi_quant_value(q, x[i], k, &a[i]);
        if (st != ZKB_OK && ezkl) {
            zkbi_errf(err, errlen, "layer %" PRIu32 ": %s %" PRIu64 " = %g does not fit int64 at scale 2^%d",
                      layer, what, i, (double)x[i], e2);
        } else if (st != ZKB_OK) {
            zkbi_errf(err, errlen,
                      "layer %" PRIu32 ": %s %" PRIu64 " = %g does not fit int64 at scale %s^%" PRIu32
                      "%s",
                      layer, what, i, (double)x[i],
                      q->scheme == ZKB_QUANT_POW10 ? "10" : "2", q->scale, k == 2 ? " squared" : "");
        }
        if (st != ZKB_OK) {
            free(a);
            return st == ZKB_ERR_INVALID_ARG ? ZKB_ERR_INVALID_ARG : ZKB_ERR_OVERFLOW;
        }
    }
    *out = a;
    return ZKB_OK;
}

zkb_status zkbi_qmodel_new(const zkb_model *m, const zkb_quant *q, zkbi_qmodel **out, char *err,
                           size_t errlen)
{
    zkb_status st;
    if (!out)
        return ZKB_ERR_INVALID_ARG;
    *out = NULL;
    if (!m) {
        zkbi_errf(err, errlen, "no model");
        return ZKB_ERR_INVALID_ARG;
    }
    if ((st = zkbi_quant_check(q, err, errlen)) != ZKB_OK)
        return st;
    zkbi_qmodel *qm = calloc(1, sizeof *qm);
    if (!qm)
        goto nomem;
    qm->quant = *q;
    qm->quant.struct_size = sizeof qm->quant;
    qm->scale = zkbi_quant_scale_factor(q);
    const int ezkl = q->scheme == ZKB_QUANT_EZKL;
    /* ezkl: the scale of the current activation, and the rebase target G */
    int32_t cur = (int32_t)scale_exp(q), sp = (int32_t)ZKB_QUANT_EZKL_PARAM(q->scale);
    const int32_t G = (cur > sp ? cur : sp) * (int32_t)ZKB_QUANT_EZKL_MULT(q->scale);
    qm->n_layers = m->n_layers;
    qm->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    qm->n_out = m->classes;
    qm->max_act = m->max_act;
    if (m->n_layers) {
        qm->layers = calloc(m->n_layers, sizeof *qm->layers);
        qm->layer_ptrs = calloc(m->n_layers, sizeof *qm->layer_ptrs);
        if (!qm->layers || !qm->layer_ptrs)
            goto nomem;
    }
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkbi_layer *L = &m->layers[i];
        zkbi_qlayer *Q = &qm->layers[i];
        qm->layer_ptrs[i] = &Q->d;
        Q->shape = L->d;
        Q->shape.weights = NULL;
        Q->shape.bias = NULL;
        Q->d.struct_size = sizeof Q->d;
        Q->d.op = L->d.op;
        int32_t bias_e = 0;
        Q->in_scale = Q->out_scale = cur;
        if (ezkl && (L->d.op == ZKB_OP_DENSE || L->d.op == ZKB_OP_CONV2D)) {
            /* the product is at cur + sp; above G it is divided back to G. A
             * conv2d bias joins the product (at cur + sp); a dense one (an ONNX
             * Gemm: einsum, then add) is added after the division, quantized
             * at the divided scale. */
            int32_t e = cur + sp;
            if (e > 62) { /* G is larger: the scales add up past int64 */
                zkbi_errf(err, errlen, "layer %" PRIu32 ": ezkl scale 2^%d does not fit int64", i, (int)e);
                zkbi_qmodel_free(qm);
                return ZKB_ERR_OVERFLOW;
            }
            Q->shift = e > G ? (uint32_t)(e - G) : 0;
            Q->out_scale = e - (int32_t)Q->shift;
            Q->bias_after = L->d.op == ZKB_OP_DENSE;
            bias_e = Q->bias_after ? Q->out_scale : e;
            cur = Q->out_scale;
        }
        if ((st = quant_array(q, L->w, L->d.n_weights, 1, sp, &Q->w, i, "weight", err, errlen)) !=
                ZKB_OK ||
            (st = quant_array(q, L->b, L->d.n_bias, 2, bias_e, &Q->b, i, "bias", err, errlen)) !=
                ZKB_OK) {
            zkbi_qmodel_free(qm);
            return st;
        }
        Q->d.weights = Q->w;
        Q->d.n_weights = L->d.n_weights;
        Q->d.bias = Q->b;
        Q->d.n_bias = L->d.n_bias;
        if (ezkl)
            Q->d.rescale_divisor = Q->shift ? (int64_t)1 << Q->shift : 0;
        else if (L->d.op == ZKB_OP_DENSE || L->d.op == ZKB_OP_CONV2D)
            Q->d.rescale_divisor = qm->scale;
        if (L->d.op == ZKB_OP_AVGPOOL2D)
            Q->d.pool_divisor = (int64_t)L->d.kernel_h * L->d.kernel_w;
    }
    qm->out_scale = cur;
    qm->desc.struct_size = sizeof qm->desc;
    qm->desc.n_layers = qm->n_layers;
    qm->desc.quant = &qm->quant;
    qm->desc.scale_factor = qm->scale;
    qm->desc.layers = qm->layer_ptrs;
    *out = qm;
    return ZKB_OK;
nomem:
    zkbi_qmodel_free(qm);
    zkbi_errf(err, errlen, "out of memory");
    return ZKB_ERR_NOMEM;
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
