/* Range analysis: how wide the fixed-point integers get at every layer,
 * measured over a dataset (empirical) and bounded for any input in range
 * (analytic), so that a circuit backend can size its range checks and see
 * int64 overflow coming. See docs/accuracy.md. */
#include "eval_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 32
#define OVF(a) __builtin_expect(!!(a), 0)

typedef unsigned __int128 u128;
#define U128_SAT ((((u128)1) << 127) - 1) /* "at least this": sticky */

struct zkb_ranges {
    uint32_t n_layers;
    uint64_t samples;
    uint64_t overflowed;
    int ana_overflow;
    zkb_layer_range input;
    zkb_layer_range *layers;
};

/* ---- bits ------------------------------------------------------------------------ */

static uint32_t bits128(u128 v)
{
    uint32_t n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n + 1;
}

uint32_t zkb_range_bits(uint64_t v)
{
    return bits128(v);
}

static uint64_t mag64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* ---- the instrumented evaluator ------------------------------------------------------ */

#define RAISE(p, v)        \
    do {                   \
        uint64_t v_ = (v); \
        if (v_ > *(p))     \
            *(p) = v_;     \
    } while (0)

static int r_dense(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, int64_t S, uint32_t rnd,
                   uint64_t *am, uint64_t *om)
{
    uint64_t n_in = Q->shape.in_w, units = Q->shape.out_w;
    uint64_t a_mx = 0, o_mx = 0;
    for (uint64_t o = 0; o < units; o++) {
        const int64_t *w = Q->w + o * n_in;
        int64_t acc = Q->b[o], t;
        for (uint64_t i = 0; i < n_in; i++) {
            if (OVF(__builtin_mul_overflow(w[i], x[i], &t)) ||
                OVF(__builtin_add_overflow(acc, t, &acc)))
                return -1;
        }
        y[o] = zkbi_div_round(acc, S, rnd);
        uint64_t ma = mag64(acc), mo = mag64(y[o]);
        a_mx = ma > a_mx ? ma : a_mx;
        o_mx = mo > o_mx ? mo : o_mx;
    }
    RAISE(am, a_mx);
    RAISE(om, o_mx);
    return 0;
}

static int r_conv2d(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, int64_t S, uint32_t rnd,
                    uint64_t *am, uint64_t *om)
{
    const zkb_layer_desc *s = &Q->shape;
    uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;
    uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    uint64_t a_mx = 0, o_mx = 0;
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
                int64_t v = zkbi_div_round(acc, S, rnd);
                y[(oc * OH + oy) * OW + ox] = v;
                uint64_t ma = mag64(acc), mo = mag64(v);
                a_mx = ma > a_mx ? ma : a_mx;
                o_mx = mo > o_mx ? mo : o_mx;
            }
    RAISE(am, a_mx);
    RAISE(om, o_mx);
    return 0;
}

static int r_pool(const zkbi_qlayer *Q, const int64_t *x, int64_t *y, uint32_t rnd, int is_max,
                  uint64_t *am, uint64_t *om)
{
    const zkb_layer_desc *s = &Q->shape;
    uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;
    uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
    int64_t div = (int64_t)(KH * KW);
    uint64_t a_mx = 0, o_mx = 0;
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
                int64_t v = is_max ? acc : zkbi_div_round(acc, div, rnd);
                y[(c * OH + oy) * OW + ox] = v;
                uint64_t ma = mag64(acc), mo = mag64(v);
                a_mx = ma > a_mx ? ma : a_mx;
                o_mx = mo > o_mx ? mo : o_mx;
            }
    RAISE(am, a_mx);
    RAISE(om, o_mx);
    return 0;
}

static uint64_t max_mag(const int64_t *v, uint64_t n)
{
    uint64_t mx = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t mv = mag64(v[k]);
        mx = mv > mx ? mv : mx;
    }
    return mx;
}

/* pad2d adds zeros: its largest |value| is its input's. */
static void r_pad2d(const zkb_layer_desc *s, const int64_t *x, int64_t *y, uint64_t *am, uint64_t *om)
{
    uint64_t mx = max_mag(x, (uint64_t)s->in_c * s->in_h * s->in_w);
    zkbi_pad2d_forward(s, x, y, sizeof *x);
    RAISE(am, mx);
    RAISE(om, mx);
}

uint32_t zkbi_range_eval(const zkbi_qmodel *qm, const int64_t *x_q, int64_t *buf, int64_t *out,
                         uint64_t *acc_max, uint64_t *out_max)
{
    int64_t *cur = buf, *nxt = buf + qm->max_act;
    memcpy(cur, x_q, qm->n_in * sizeof *cur);
    const int64_t S = qm->scale;
    const uint32_t rnd = qm->quant.rounding;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
        int r = 0;
        switch (s->op) {
        case ZKB_OP_DENSE:
            r = r_dense(Q, cur, nxt, S, rnd, &acc_max[i], &out_max[i]);
            break;
        case ZKB_OP_CONV2D:
            r = r_conv2d(Q, cur, nxt, S, rnd, &acc_max[i], &out_max[i]);
            break;
        case ZKB_OP_AVGPOOL2D:
            r = r_pool(Q, cur, nxt, rnd, 0, &acc_max[i], &out_max[i]);
            break;
        case ZKB_OP_MAXPOOL2D:
            r = r_pool(Q, cur, nxt, rnd, 1, &acc_max[i], &out_max[i]);
            break;
        case ZKB_OP_PAD2D:
            r_pad2d(s, cur, nxt, &acc_max[i], &out_max[i]);
            break;
        case ZKB_OP_RELU:
        case ZKB_OP_FLATTEN: {
            uint64_t mx = 0;
            for (uint64_t k = 0; k < n; k++) {
                if (s->op == ZKB_OP_RELU && cur[k] < 0)
                    cur[k] = 0;
                uint64_t mv = mag64(cur[k]);
                mx = mv > mx ? mv : mx;
            }
            RAISE(&acc_max[i], mx);
            RAISE(&out_max[i], mx);
            continue;
        }
        default:
            return i + 1; /* cannot happen: the model was validated */
        }
        if (r)
            return i + 1;
        int64_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    if (out)
        memcpy(out, cur, qm->n_out * sizeof *out);
    return 0;
}

/* ---- empirical pass --------------------------------------------------------------------- */

typedef struct emp_thread {
    int64_t *x_q;      /* n_in */
    int64_t *buf;      /* 2 * max_act */
    uint64_t *acc_max; /* n_layers */
    uint64_t *out_max; /* n_layers */
    uint64_t *ovf;     /* n_layers */
    uint64_t in_max;
    uint64_t overflowed;
    int bad_input;     /* a non-finite input value */
} emp_thread;

typedef struct emp_job {
    const zkbi_qmodel *qm;
    const float *x;
    size_t features, n;
    emp_thread *th;
} emp_job;

static void emp_block(void *arg, size_t block, uint32_t tid)
{
    emp_job *J = arg;
    emp_thread *T = &J->th[tid];
    size_t lo = block * BLOCK, hi = lo + BLOCK < J->n ? lo + BLOCK : J->n;
    for (size_t i = lo; i < hi; i++) {
        zkb_status st = zkbi_quantize_input_fast(&J->qm->quant, J->qm->scale,
                                                 J->x + i * J->features, J->features, T->x_q);
        if (st != ZKB_OK) {
            T->overflowed++;
            if (st != ZKB_ERR_OVERFLOW)
                T->bad_input = 1;
            continue;
        }
        for (size_t k = 0; k < J->features; k++) {
            uint64_t mv = mag64(T->x_q[k]);
            T->in_max = mv > T->in_max ? mv : T->in_max;
        }
        uint32_t where = zkbi_range_eval(J->qm, T->x_q, T->buf, NULL, T->acc_max, T->out_max);
        if (where) {
            T->overflowed++;
            T->ovf[where - 1]++;
        }
    }
}

/* ---- analytic bound -------------------------------------------------------------------- */

static u128 sat_add(u128 a, u128 b)
{
    if (a >= U128_SAT || b >= U128_SAT || a > U128_SAT - b)
        return U128_SAT;
    return a + b;
}

static u128 sat_mul(u128 a, u128 b)
{
    if (a == 0 || b == 0)
        return 0;
    if (a >= U128_SAT || b >= U128_SAT || a > U128_SAT / b)
        return U128_SAT;
    return a * b;
}

/* Largest |div(v, d)| over |v| <= A (div is monotone in v). */
static u128 div_mag(u128 A, uint64_t d, uint32_t rnd)
{
    if (A >= U128_SAT)
        return U128_SAT;
    if (rnd == ZKB_ROUND_FLOOR)
        return (A + d - 1) / d; /* |floor(-A / d)| = ceil(A / d) >= floor(A / d) */
    u128 h = d / 2;
    u128 pos = (A + h) / d;                         /* floor((A + h) / d) */
    u128 neg = A > h ? (A - h + d - 1) / d : 0;     /* |floor((h - A) / d)| */
    return pos > neg ? pos : neg;
}

typedef struct ana_result {
    u128 acc, out;
} ana_result;

static void analytic(const zkbi_qmodel *qm, u128 in_bound, u128 *cur, u128 *nxt, ana_result *res)
{
    for (uint64_t k = 0; k < qm->n_in; k++)
        cur[k] = in_bound;
    const uint64_t S = (uint64_t)qm->scale;
    const uint32_t rnd = qm->quant.rounding;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkbi_qlayer *Q = &qm->layers[i];
        const zkb_layer_desc *s = &Q->shape;
        u128 a_mx = 0, o_mx = 0;
        switch (s->op) {
        case ZKB_OP_DENSE: {
            uint64_t n_in = s->in_w, units = s->out_w;
            for (uint64_t o = 0; o < units; o++) {
                const int64_t *w = Q->w + o * n_in;
                u128 A = mag64(Q->b[o]);
                for (uint64_t k = 0; k < n_in; k++)
                    A = sat_add(A, sat_mul(mag64(w[k]), cur[k]));
                nxt[o] = div_mag(A, S, rnd);
                a_mx = A > a_mx ? A : a_mx;
                o_mx = nxt[o] > o_mx ? nxt[o] : o_mx;
            }
            break;
        }
        case ZKB_OP_CONV2D: {
            uint64_t IC = s->in_c, H = s->in_h, W = s->in_w;
            uint64_t OC = s->out_c, OH = s->out_h, OW = s->out_w;
            uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
            for (uint64_t oc = 0; oc < OC; oc++)
                for (uint64_t oy = 0; oy < OH; oy++)
                    for (uint64_t ox = 0; ox < OW; ox++) {
                        u128 A = mag64(Q->b[oc]);
                        for (uint64_t ic = 0; ic < IC; ic++) {
                            const int64_t *w = Q->w + (oc * IC + ic) * KH * KW;
                            const u128 *xin = cur + ic * H * W + oy * SH * W + ox * SW;
                            for (uint64_t ky = 0; ky < KH; ky++)
                                for (uint64_t kx = 0; kx < KW; kx++)
                                    A = sat_add(A, sat_mul(mag64(w[ky * KW + kx]), xin[ky * W + kx]));
                        }
                        u128 v = div_mag(A, S, rnd);
                        nxt[(oc * OH + oy) * OW + ox] = v;
                        a_mx = A > a_mx ? A : a_mx;
                        o_mx = v > o_mx ? v : o_mx;
                    }
            break;
        }
        case ZKB_OP_AVGPOOL2D:
        case ZKB_OP_MAXPOOL2D: {
            int is_max = s->op == ZKB_OP_MAXPOOL2D;
            uint64_t C = s->in_c, H = s->in_h, W = s->in_w, OH = s->out_h, OW = s->out_w;
            uint64_t KH = s->kernel_h, KW = s->kernel_w, SH = s->stride_h, SW = s->stride_w;
            for (uint64_t c = 0; c < C; c++)
                for (uint64_t oy = 0; oy < OH; oy++)
                    for (uint64_t ox = 0; ox < OW; ox++) {
                        const u128 *xin = cur + c * H * W + oy * SH * W + ox * SW;
                        u128 A = 0;
                        for (uint64_t ky = 0; ky < KH; ky++)
                            for (uint64_t kx = 0; kx < KW; kx++) {
                                u128 v = xin[ky * W + kx];
                                A = is_max ? (v > A ? v : A) : sat_add(A, v);
                            }
                        u128 v = is_max ? A : div_mag(A, KH * KW, rnd);
                        nxt[(c * OH + oy) * OW + ox] = v;
                        a_mx = A > a_mx ? A : a_mx;
                        o_mx = v > o_mx ? v : o_mx;
                    }
            break;
        }
        case ZKB_OP_PAD2D: { /* the bound is kept; the border is exactly 0 */
            uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
            for (uint64_t k = 0; k < n; k++)
                a_mx = cur[k] > a_mx ? cur[k] : a_mx;
            o_mx = a_mx;
            zkbi_pad2d_forward(s, cur, nxt, sizeof *cur);
            break;
        }
        default: { /* relu, flatten: the bound is kept */
            uint64_t n = (uint64_t)s->in_c * s->in_h * s->in_w;
            for (uint64_t k = 0; k < n; k++)
                a_mx = cur[k] > a_mx ? cur[k] : a_mx;
            res[i].acc = res[i].out = a_mx;
            continue;
        }
        }
        res[i].acc = a_mx;
        res[i].out = o_mx;
        u128 *t = cur;
        cur = nxt;
        nxt = t;
    }
}

uint32_t zkbi_range_bound_bits(const zkbi_qmodel *qm, uint64_t in_bound)
{
    u128 *buf = malloc(2 * qm->max_act * sizeof *buf);
    ana_result *res = calloc(qm->n_layers ? qm->n_layers : 1, sizeof *res);
    uint32_t bits = 0;
    if (buf && res) {
        analytic(qm, in_bound, buf, buf + qm->max_act, res);
        bits = bits128(in_bound);
        for (uint32_t i = 0; i < qm->n_layers; i++) {
            uint32_t a = bits128(res[i].acc), o = bits128(res[i].out);
            bits = a > bits ? a : bits;
            bits = o > bits ? o : bits;
        }
    }
    free(buf);
    free(res);
    return bits;
}

/* ---- the API ----------------------------------------------------------------------------- */

static zkb_status rfail(zkb_model *m, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static zkb_status rfail(zkb_model *m, zkb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    return st;
}

static uint64_t clamp64(u128 v)
{
    return v > (u128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static void set_ana(zkb_layer_range *L, u128 acc, u128 out)
{
    L->ana_acc_max = clamp64(acc);
    L->ana_out_max = clamp64(out);
    L->ana_acc_bits = bits128(acc);
    L->ana_out_bits = bits128(out);
    L->ana_acc_overflow = acc > (u128)INT64_MAX;
    L->ana_out_overflow = out > (u128)INT64_MAX;
}

zkb_status zkb_range_analysis(zkb_model *m, const zkb_quant *q, zkb_dataset *ds,
                              size_t max_samples, double input_abs_max, uint32_t threads,
                              zkb_ranges **out)
{
    if (!m)
        return ZKB_ERR_INVALID_ARG;
    m->err[0] = '\0';
    if (!q || !out)
        return rfail(m, ZKB_ERR_INVALID_ARG, "zkb_range_analysis: model, quant and out are required");
    *out = NULL;
    char e[ZKBI_ERR_LEN];
    zkb_status st = zkbi_quant_check(q, e, sizeof e);
    if (st != ZKB_OK)
        return rfail(m, st, "%s", e);
    if (q->scheme == ZKB_QUANT_EZKL) /* per-layer scales: not modelled here */
        return rfail(m, ZKB_ERR_UNSUPPORTED, "range analysis does not support the ezkl scheme");
    if (!isfinite(input_abs_max) || input_abs_max < 0)
        return rfail(m, ZKB_ERR_INVALID_ARG, "input bound %g is not a finite value >= 0",
                     input_abs_max);
    uint64_t n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    if (ds && ds->features != n_in)
        return rfail(m, ZKB_ERR_INVALID_ARG,
                     "dataset %s has %zu features per sample but model '%s' takes %" PRIu64,
                     ds->name, ds->features, m->name ? m->name : "", n_in);
    int64_t in_q;
    if (zkbi_quant_value(q, input_abs_max, 1, &in_q) != ZKB_OK)
        return rfail(m, ZKB_ERR_OVERFLOW, "input bound %g does not fit int64 at scale %s^%" PRIu32,
                     input_abs_max, q->scheme == ZKB_QUANT_POW10 ? "10" : "2", q->scale);

    zkbi_qmodel *qm = NULL;
    if ((st = zkbi_qmodel_new(m, q, &qm, e, sizeof e)) != ZKB_OK)
        return rfail(m, st, "%s", e);

    zkb_ranges *r = calloc(1, sizeof *r);
    u128 *abuf = malloc(2 * qm->max_act * sizeof *abuf);
    ana_result *ares = calloc(m->n_layers ? m->n_layers : 1, sizeof *ares);
    emp_thread *th = NULL;
    uint32_t nt = 0;
    if (!r || !abuf || !ares ||
        !(r->layers = calloc(m->n_layers ? m->n_layers : 1, sizeof *r->layers)))
        goto nomem;
    r->n_layers = m->n_layers;
    r->input.struct_size = sizeof r->input;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        r->layers[i].struct_size = sizeof r->layers[i];
        r->layers[i].op = m->layers[i].d.op;
    }

    /* analytic */
    analytic(qm, (u128)mag64(in_q), abuf, abuf + qm->max_act, ares);
    set_ana(&r->input, (u128)mag64(in_q), (u128)mag64(in_q));
    for (uint32_t i = 0; i < m->n_layers; i++) {
        set_ana(&r->layers[i], ares[i].acc, ares[i].out);
        if (r->layers[i].ana_acc_overflow || r->layers[i].ana_out_overflow)
            r->ana_overflow = 1;
    }

    /* empirical */
    size_t n = ds ? ds->count : 0;
    if (max_samples && max_samples < n)
        n = max_samples;
    if (n) {
        size_t n_blocks = (n + BLOCK - 1) / BLOCK;
        nt = zkbi_thread_count(threads, n_blocks);
        th = calloc(nt, sizeof *th);
        if (!th)
            goto nomem;
        for (uint32_t t = 0; t < nt; t++) {
            size_t L = m->n_layers ? m->n_layers : 1;
            th[t].x_q = malloc((n_in ? n_in : 1) * sizeof(int64_t));
            th[t].buf = malloc(2 * qm->max_act * sizeof(int64_t));
            th[t].acc_max = calloc(L, sizeof(uint64_t));
            th[t].out_max = calloc(L, sizeof(uint64_t));
            th[t].ovf = calloc(L, sizeof(uint64_t));
            if (!th[t].x_q || !th[t].buf || !th[t].acc_max || !th[t].out_max || !th[t].ovf)
                goto nomem;
        }
        emp_job J = {qm, ds->x, ds->features, n, th};
        zkbi_parallel_for(n_blocks, nt, emp_block, &J);
        for (uint32_t t = 0; t < nt; t++) {
            if (th[t].bad_input) {
                st = rfail(m, ZKB_ERR_INVALID_ARG, "dataset %s: an input value is not finite",
                           ds->name);
                goto done;
            }
            r->overflowed += th[t].overflowed;
            if (th[t].in_max > r->input.emp_out_max)
                r->input.emp_out_max = r->input.emp_acc_max = th[t].in_max;
            for (uint32_t i = 0; i < m->n_layers; i++) {
                zkb_layer_range *L = &r->layers[i];
                if (th[t].acc_max[i] > L->emp_acc_max)
                    L->emp_acc_max = th[t].acc_max[i];
                if (th[t].out_max[i] > L->emp_out_max)
                    L->emp_out_max = th[t].out_max[i];
                L->emp_overflows += th[t].ovf[i];
            }
        }
        r->samples = n;
    }
    r->input.emp_acc_bits = r->input.emp_out_bits = zkb_range_bits(r->input.emp_out_max);
    for (uint32_t i = 0; i < m->n_layers; i++) {
        zkb_layer_range *L = &r->layers[i];
        L->emp_acc_bits = zkb_range_bits(L->emp_acc_max);
        L->emp_out_bits = zkb_range_bits(L->emp_out_max);
    }
    st = ZKB_OK;
    goto done;
nomem:
    st = rfail(m, ZKB_ERR_NOMEM, "out of memory");
done:
    if (th)
        for (uint32_t t = 0; t < nt; t++) {
            free(th[t].x_q);
            free(th[t].buf);
            free(th[t].acc_max);
            free(th[t].out_max);
            free(th[t].ovf);
        }
    free(th);
    free(ares);
    free(abuf);
    zkbi_qmodel_free(qm);
    if (st != ZKB_OK)
        zkb_ranges_free(r);
    else
        *out = r;
    return st;
}

void zkb_ranges_free(zkb_ranges *r)
{
    if (!r)
        return;
    free(r->layers);
    free(r);
}

uint32_t zkb_ranges_layer_count(const zkb_ranges *r) { return r ? r->n_layers : 0; }
uint64_t zkb_ranges_samples(const zkb_ranges *r) { return r ? r->samples : 0; }
uint64_t zkb_ranges_overflowed(const zkb_ranges *r) { return r ? r->overflowed : 0; }
int zkb_ranges_analytic_overflow(const zkb_ranges *r) { return r ? r->ana_overflow : 0; }

static zkb_status copy_range(const zkb_layer_range *src, zkb_layer_range *out)
{
    if (!out || out->struct_size < sizeof *out)
        return ZKB_ERR_INVALID_ARG;
    uint32_t sz = out->struct_size;
    memcpy(out, src, sizeof *out);
    out->struct_size = sz;
    return ZKB_OK;
}

zkb_status zkb_ranges_layer(const zkb_ranges *r, uint32_t i, zkb_layer_range *out)
{
    if (!r || i >= r->n_layers)
        return ZKB_ERR_INVALID_ARG;
    return copy_range(&r->layers[i], out);
}

zkb_status zkb_ranges_input(const zkb_ranges *r, zkb_layer_range *out)
{
    if (!r)
        return ZKB_ERR_INVALID_ARG;
    return copy_range(&r->input, out);
}
