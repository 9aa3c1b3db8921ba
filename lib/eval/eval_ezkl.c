/* The ezkl scheme's forward pass (ZKB_QUANT_EZKL; docs/ezkl.md, "The ezkl
 * scheme"): what ezkl 23's witness computes for our exported ONNX graphs.
 * Scales are powers of two tracked per layer (quant.c sets each layer's
 * shift and bias scale); every division rounds half away from zero as
 * ezkl's does; all arithmetic is checked int64. */
#include "eval_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define OVF(a) __builtin_expect(!!(a), 0)

/* y = div(b + sum w x) (conv2d), or div(sum w x) + b (dense). */
static int finish(const zkbi_qlayer *Q, int64_t acc, int64_t b, int64_t *y)
{
    if (!Q->bias_after && OVF(__builtin_add_overflow(acc, b, &acc)))
        return -1;
    if (Q->shift)
        acc = zkbi_div_half_away(acc, (int64_t)1 << Q->shift);
    if (Q->bias_after && OVF(__builtin_add_overflow(acc, b, &acc)))
        return -1;
    *y = acc;
    return 0;
}

static int dense(const zkbi_qlayer *Q, const int64_t *x, int64_t *y)
{
    uint64_t n_in = Q->shape.in_w, units = Q->shape.out_w;
    for (uint64_t o = 0; o < units; o++) {
        const int64_t *w = Q->w + o * n_in;
        int64_t acc = 0, t;
        for (uint64_t i = 0; i < n_in; i++)
            if (OVF(__builtin_mul_overflow(w[i], x[i], &t)) ||
                OVF(__builtin_add_overflow(acc, t, &acc)))
                return -1;
        if (finish(Q, acc, Q->b[o], &y[o]))
            return -1;
    }
    return 0;
}

static int conv2d(const zkbi_qlayer *Q, const int64_t *x, int64_t *y)
{
    const zkb_layer_desc *s = &Q->shape;
    uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;
    uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    for (uint64_t oc = 0; oc < OC; oc++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                int64_t acc = 0, t;
                for (uint64_t ic = 0; ic < IC; ic++) {
                    const int64_t *w = Q->w + (oc * IC + ic) * KH * KW;
                    const int64_t *xin = x + ic * H * W + oy * SH * W + ox * SW;
                    for (uint64_t ky = 0; ky < KH; ky++)
                        for (uint64_t kx = 0; kx < KW; kx++)
                            if (OVF(__builtin_mul_overflow(w[ky * KW + kx], xin[ky * W + kx], &t)) ||
                                OVF(__builtin_add_overflow(acc, t, &acc)))
                                return -1;
                }
                if (finish(Q, acc, Q->b[oc], &y[(oc * OH + oy) * OW + ox]))
                    return -1;
            }
    return 0;
}

/* ezkl's MaxPool, and AveragePool as its normalized sum pool: the window
 * sum divided by kh*kw, half away from zero. */
static int pool(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, int is_max)
{
    const zkb_layer_desc *s = &Q->shape;
    uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    int64_t div = (int64_t)(KH * KW);
    for (uint64_t c = 0; c < C; c++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                const int64_t *xin = x + c * H * W + oy * SH * W + ox * SW;
                int64_t acc = is_max ? INT64_MIN : 0;
                for (uint64_t ky = 0; ky < KH; ky++)
                    for (uint64_t kx = 0; kx < KW; kx++) {
                        int64_t v = xin[ky * W + kx];
                        if (is_max)
                            acc = v > acc ? v : acc;
                        else if (OVF(__builtin_add_overflow(acc, v, &acc)))
                            return -1;
                    }
                y[(c * OH + oy) * OW + ox] = is_max ? acc : zkbi_div_half_away(acc, div);
            }
    return 0;
}

zkb_status zkbi_qmodel_eval_ezkl(const zkbi_qmodel *qm, const int64_t *x_q, int64_t *out,
                                 char *err, size_t errlen)
{
    int64_t *buf = malloc(2 * (qm->max_act ? qm->max_act : 1) * sizeof *buf);
    if (!buf) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    int64_t *cur = buf, *nxt = buf + qm->max_act;
    memcpy(cur, x_q, qm->n_in * sizeof *cur);
    zkb_status st = ZKB_OK;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        int r = 0;
        switch (s->op) {
        case ZKB_OP_DENSE: r = dense(Q, cur, nxt); break;
        case ZKB_OP_CONV2D: r = conv2d(Q, cur, nxt); break;
        case ZKB_OP_AVGPOOL2D: r = pool(Q, cur, nxt, 0); break;
        case ZKB_OP_MAXPOOL2D: r = pool(Q, cur, nxt, 1); break;
        case ZKB_OP_RELU: {
            uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
            for (uint64_t k = 0; k < n; k++)
                cur[k] = cur[k] > 0 ? cur[k] : 0;
            continue;
        }
        case ZKB_OP_FLATTEN:
            continue;
        case ZKB_OP_PAD2D: /* ONNX Pad, constant 0: 0 at every scale */
            zkbi_pad2d_forward(s, cur, nxt, sizeof *cur);
            break;
        default:
            zkbi_errf(err, errlen, "layer %" PRIu32 ": unknown op %" PRIu32, i, s->op);
            st = ZKB_ERR_INTERNAL;
            goto done;
        }
        if (r) {
            zkbi_errf(err, errlen, "layer %" PRIu32 " (%s): int64 overflow (ezkl scheme)", i,
                      zkb_op_name(s->op));
            st = ZKB_ERR_OVERFLOW;
            goto done;
        }
        int64_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    memcpy(out, cur, qm->n_out * sizeof *out);
done:
    free(buf);
    return st;
}
