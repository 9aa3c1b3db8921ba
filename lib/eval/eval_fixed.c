/* The fixed-point reference evaluator. Every intermediate is checked int64
 * arithmetic; see docs/model-format.md, "Fixed-point semantics". */
#include "eval_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define OVF(a) __builtin_expect(!!(a), 0)

static zkb_status overflow(uint32_t i, const zkb_layer_desc *s, char *err, size_t errlen)
{
    zkbi_errf(err, errlen, "layer %" PRIu32 " (%s): int64 overflow", i, zkb_op_name(s->op));
    return ZKB_ERR_OVERFLOW;
}

static int dense(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, int64_t S, uint32_t rnd)
{
    uint64_t n_in = Q->shape.in_w, units = Q->shape.out_w;
    for (uint64_t o = 0; o < units; o++) {
        const int64_t *w = Q->w + o * n_in;
        int64_t acc = Q->b[o], t;
        for (uint64_t i = 0; i < n_in; i++) {
            if (OVF(__builtin_mul_overflow(w[i], x[i], &t)) ||
                OVF(__builtin_add_overflow(acc, t, &acc)))
                return -1;
        }
        y[o] = zkbi_div_round(acc, S, rnd);
    }
    return 0;
}

static int conv2d(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, int64_t S, uint32_t rnd)
{
    const zkb_layer_desc *s = &Q->shape;
    uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;
    uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    for (uint64_t oc = 0; oc < OC; oc++)
        for (uint64_t oy = 0; oy < OH; oy++)
            for (uint64_t ox = 0; ox < OW; ox++) {
                int64_t acc = Q->b[oc], t;
                for (uint64_t ic = 0; ic < IC; ic++) {
                    const int64_t *w = Q->w + (oc * IC + ic) * KH * KW;
                    const int64_t *xin = x + ic * H * W + oy * SH * W + ox * SW;
                    for (uint64_t ky = 0; ky < KH; ky++)
                        for (uint64_t kx = 0; kx < KW; kx++) {
                            if (OVF(__builtin_mul_overflow(w[ky * KW + kx], xin[ky * W + kx], &t)) ||
                                OVF(__builtin_add_overflow(acc, t, &acc)))
                                return -1;
                        }
                }
                y[(oc * OH + oy) * OW + ox] = zkbi_div_round(acc, S, rnd);
            }
    return 0;
}

static int pool(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, uint32_t rnd, int is_max)
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
                        if (is_max) {
                            if (v > acc)
                                acc = v;
                        } else if (OVF(__builtin_add_overflow(acc, v, &acc))) {
                            return -1;
                        }
                    }
                y[(c * OH + oy) * OW + ox] = is_max ? acc : zkbi_div_round(acc, div, rnd);
            }
    return 0;
}

zkb_status zkbi_qmodel_eval(const zkbi_qmodel *qm, const int64_t *x_q, size_t n_in, int64_t *out,
                            size_t n_out, char *err, size_t errlen)
{
    if (!qm || (n_in && !x_q) || (n_out && !out)) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    if (n_in != qm->n_in || n_out != qm->n_out) {
        zkbi_errf(err, errlen, "the model takes %" PRIu64 " inputs and gives %" PRIu64
                  " outputs, not %zu and %zu", qm->n_in, qm->n_out, n_in, n_out);
        return ZKB_ERR_INVALID_ARG;
    }
    if (qm->quant.scheme == ZKB_QUANT_EZKL)
        return zkbi_qmodel_eval_ezkl(qm, x_q, out, err, errlen);
    int64_t *buf = malloc(2 * qm->max_act * sizeof *buf);
    if (!buf) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    int64_t *cur = buf, *nxt = buf + qm->max_act;
    memcpy(cur, x_q, n_in * sizeof *cur);
    const int64_t S = qm->scale;
    const uint32_t rnd = qm->quant.rounding;
    zkb_status st = ZKB_OK;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
        int r = 0;
        switch (s->op) {
        case ZKB_OP_DENSE:
            r = dense(Q, cur, nxt, S, rnd);
            break;
        case ZKB_OP_CONV2D:
            r = conv2d(Q, cur, nxt, S, rnd);
            break;
        case ZKB_OP_AVGPOOL2D:
            r = pool(Q, cur, nxt, rnd, 0);
            break;
        case ZKB_OP_MAXPOOL2D:
            r = pool(Q, cur, nxt, rnd, 1);
            break;
        case ZKB_OP_RELU:
            for (uint64_t k = 0; k < n; k++)
                cur[k] = cur[k] > 0 ? cur[k] : 0;
            continue;
        case ZKB_OP_FLATTEN:
            continue;
        case ZKB_OP_PAD2D:
            zkbi_pad2d_forward(s, cur, nxt, sizeof *cur);
            break;
        default:
            zkbi_errf(err, errlen, "layer %" PRIu32 ": unknown op %" PRIu32, i, s->op);
            st = ZKB_ERR_INTERNAL;
            goto done;
        }
        if (r) {
            st = overflow(i, s, err, errlen);
            goto done;
        }
        int64_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    memcpy(out, cur, n_out * sizeof *out);
done:
    free(buf);
    return st;
}

zkb_status zkb_model_eval_fixed(zkb_model *m, const zkb_quant *q, const int64_t *in_q, size_t n_in,
                                int64_t *out_q, size_t n_out)
{
    if (!m)
        return ZKB_ERR_INVALID_ARG;
    m->err[0] = '\0';
    zkb_status st = zkbi_quant_check(q, m->err, sizeof m->err);
    if (st != ZKB_OK)
        return st;
    if (!m->qcache || m->qcache_key.scheme != q->scheme || m->qcache_key.scale != q->scale ||
        m->qcache_key.rounding != q->rounding) {
        zkbi_qmodel_free(m->qcache);
        m->qcache = NULL;
        st = zkbi_qmodel_new(m, q, &m->qcache, m->err, sizeof m->err);
        if (st != ZKB_OK)
            return st;
        m->qcache_key = m->qcache->quant;
    }
    return zkbi_qmodel_eval(m->qcache, in_q, n_in, out_q, n_out, m->err, sizeof m->err);
}
