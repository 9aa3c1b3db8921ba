/* The float reference forward pass: float32 activations between layers,
 * sums (dense, conv2d, avgpool2d) accumulated in double and rounded to float
 * once per output value; then, in zkb_model_eval_float only, the model's
 * output function (softmax, log_softmax, sigmoid). */
#include "eval_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void dense(const zkbi_layer *L, const float *x, float *y)
{
    uint64_t n_in = L->d.in_w, units = L->d.out_w;
    for (uint64_t o = 0; o < units; o++) {
        const float *w = L->w + o * n_in;
        double acc = L->b[o];
        for (uint64_t i = 0; i < n_in; i++)
            acc += (double)w[i] * (double)x[i];
        y[o] = (float)acc;
    }
}

static void conv2d(const zkbi_layer *L, const float *x, float *y)
{
    const zkb_layer_desc *s = &L->d;
    uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;
    uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    for (uint64_t oc = 0; oc < OC; oc++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                double acc = L->b[oc];
                for (uint64_t ic = 0; ic < IC; ic++) {
                    const float *w = L->w + (oc * IC + ic) * KH * KW;
                    const float *xin = x + ic * H * W + oy * SH * W + ox * SW;
                    for (uint64_t ky = 0; ky < KH; ky++)
                        for (uint64_t kx = 0; kx < KW; kx++)
                            acc += (double)w[ky * KW + kx] * (double)xin[ky * W + kx];
                }
                y[(oc * OH + oy) * OW + ox] = (float)acc;
            }
}

static void pool(const zkbi_layer *L, const float *x, float *y, int is_max)
{
    const zkb_layer_desc *s = &L->d;
    uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    for (uint64_t c = 0; c < C; c++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                const float *xin = x + c * H * W + oy * SH * W + ox * SW;
                double acc = 0;
                float mx = xin[0];
                for (uint64_t ky = 0; ky < KH; ky++)
                    for (uint64_t kx = 0; kx < KW; kx++) {
                        float v = xin[ky * W + kx];
                        acc += v;
                        if (v > mx)
                            mx = v;
                    }
                y[(c * OH + oy) * OW + ox] = is_max ? mx : (float)(acc / (double)(KH * KW));
            }
}

zkb_status zkbi_model_eval_float(const zkb_model *m, const float *x, size_t n_in, float *out,
                                 size_t n_out, char *err, size_t errlen)
{
    if (!m || (n_in && !x) || (n_out && !out)) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    uint64_t want_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    if (n_in != want_in || n_out != m->classes) {
        zkbi_errf(err, errlen, "the model takes %" PRIu64 " inputs and gives %" PRIu32
                  " outputs, not %zu and %zu", want_in, m->classes, n_in, n_out);
        return ZKB_ERR_INVALID_ARG;
    }
    float *buf = malloc(2 * m->max_act * sizeof *buf);
    if (!buf) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    float *cur = buf, *nxt = buf + m->max_act;
    memcpy(cur, x, n_in * sizeof *cur);
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkbi_layer *L = &m->layers[i];
        uint64_t n = (uint64_t)L->d.in_c * L->d.in_h * L->d.in_w;
        switch (L->d.op) {
        case ZKB_OP_DENSE:
            dense(L, cur, nxt);
            break;
        case ZKB_OP_CONV2D:
            conv2d(L, cur, nxt);
            break;
        case ZKB_OP_AVGPOOL2D:
            pool(L, cur, nxt, 0);
            break;
        case ZKB_OP_MAXPOOL2D:
            pool(L, cur, nxt, 1);
            break;
        case ZKB_OP_RELU:
            for (uint64_t k = 0; k < n; k++)
                cur[k] = cur[k] > 0 ? cur[k] : 0.0f;
            continue;
        case ZKB_OP_FLATTEN:
            continue;
        case ZKB_OP_PAD2D:
            zkbi_pad2d_forward(&L->d, cur, nxt, sizeof *cur);
            break;
        default:
            free(buf);
            zkbi_errf(err, errlen, "layer %" PRIu32 ": unknown op %" PRIu32, i, L->d.op);
            return ZKB_ERR_INTERNAL;
        }
        float *t = cur;
        cur = nxt;
        nxt = t;
    }
    memcpy(out, cur, n_out * sizeof *out);
    free(buf);
    return ZKB_OK;
}

/* ---- output functions ------------------------------------------------------------ */

static double max_of(const float *v, size_t n)
{
    double mx = v[0];
    for (size_t i = 1; i < n; i++)
        mx = v[i] > mx ? v[i] : mx;
    return mx;
}

/* sum_i exp(v[i] - mx): every term in (0, 1], the largest exactly 1 */
static double sum_exp(const float *v, size_t n, double mx)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += exp((double)v[i] - mx);
    return s;
}

/* 1 / (1 + e^-x) without overflowing e^-x for very negative x */
static double sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

void zkbi_apply_output_fn(uint32_t fn, float *v, size_t n)
{
    if (n == 0 || fn == ZKB_OUTPUT_LOGITS)
        return;
    if (fn == ZKB_OUTPUT_SIGMOID) {
        for (size_t i = 0; i < n; i++)
            v[i] = (float)sigmoid(v[i]);
        return;
    }
    double mx = max_of(v, n), s = sum_exp(v, n, mx), log_s = log(s);
    for (size_t i = 0; i < n; i++)
        v[i] = fn == ZKB_OUTPUT_SOFTMAX ? (float)(exp((double)v[i] - mx) / s)
                                        : (float)((double)v[i] - mx - log_s);
}

zkb_status zkb_model_eval_float(zkb_model *m, const float *in, size_t n_in, float *out,
                                size_t n_out)
{
    if (!m)
        return ZKB_ERR_INVALID_ARG;
    m->err[0] = '\0';
    zkb_status st = zkbi_model_eval_float(m, in, n_in, out, n_out, m->err, sizeof m->err);
    if (st == ZKB_OK)
        zkbi_apply_output_fn(m->output_fn, out, n_out);
    return st;
}
