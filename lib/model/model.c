/* Model IR: operators, shape inference, construction, accessors. */
#include "model_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[ZKB_OP_MAX + 1] = {
    NULL, "dense", "conv2d", "avgpool2d", "maxpool2d", "relu", "flatten", "pad2d",
};

static const char *const output_fn_names[ZKB_OUTPUT_FN_MAX + 1] = {
    NULL, "softmax", "log_softmax", "sigmoid",
};

const char *zkb_op_name(uint32_t op)
{
    return (op >= 1 && op <= ZKB_OP_MAX) ? op_names[op] : NULL;
}

uint32_t zkbi_op_from_name(const char *name)
{
    if (!name)
        return 0;
    for (uint32_t op = 1; op <= ZKB_OP_MAX; op++)
        if (strcmp(name, op_names[op]) == 0)
            return op;
    return 0;
}

const char *zkbi_op_list(void)
{
    return "dense, conv2d, avgpool2d, maxpool2d, relu, flatten, pad2d";
}

const char *zkb_output_fn_name(uint32_t fn)
{
    return fn <= ZKB_OUTPUT_FN_MAX ? output_fn_names[fn] : NULL;
}

uint32_t zkbi_output_fn_from_name(const char *name)
{
    if (!name)
        return UINT32_MAX;
    if (strcmp(name, "logits") == 0)
        return ZKB_OUTPUT_LOGITS;
    for (uint32_t fn = 1; fn <= ZKB_OUTPUT_FN_MAX; fn++)
        if (strcmp(name, output_fn_names[fn]) == 0)
            return fn;
    return UINT32_MAX;
}

/* ---- shape inference --------------------------------------------------------- */

static int mul_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_mul_overflow(a, b, r);
}

/* Product of n factors, 0 on overflow (factors are all >= 1). */
static uint64_t prod(int n, const uint64_t *f)
{
    uint64_t r = 1;
    for (int i = 0; i < n; i++)
        if (!mul_u64(r, f[i], &r))
            return 0;
    return r;
}

static void shape_str(const zkbi_shape *s, char *buf, size_t n)
{
    if (s->flat)
        zkbi_errf(buf, n, "a flat vector [%" PRIu32 "]", s->w);
    else
        zkbi_errf(buf, n, "[%" PRIu32 "][%" PRIu32 "][%" PRIu32 "]", s->c, s->h, s->w);
}

static zkb_status act_check(const zkbi_shape *s, const char *op, char *err, size_t errlen)
{
    uint64_t f[3] = {s->c, s->h, s->w};
    uint64_t n = prod(3, f);
    if (n == 0 || n > ZKBI_ACT_MAX) {
        zkbi_errf(err, errlen,
                  "%s output [%" PRIu32 "][%" PRIu32 "][%" PRIu32
                  "] has more than %" PRIu64 " values",
                  op, s->c, s->h, s->w, ZKBI_ACT_MAX);
        return ZKB_ERR_OVERFLOW;
    }
    return ZKB_OK;
}

static zkb_status window(zkb_layer_desc *d, const zkbi_shape *s, const char *what, char *err,
                         size_t errlen, uint32_t *oh, uint32_t *ow)
{
    const char *op = zkb_op_name(d->op);
    char sh[64];
    shape_str(s, sh, sizeof sh);
    if (s->flat) {
        zkbi_errf(err, errlen, "%s needs a [C][H][W] input, but its input is %s", op, sh);
        return ZKB_ERR_PARSE;
    }
    if (d->kernel_h < 1 || d->kernel_w < 1 || d->stride_h < 1 || d->stride_w < 1) {
        zkbi_errf(err, errlen, "%s: %s and stride must be at least 1", op, what);
        return ZKB_ERR_PARSE;
    }
    if (d->kernel_h > s->h || d->kernel_w > s->w) {
        zkbi_errf(err, errlen,
                  "%s %s %" PRIu32 "x%" PRIu32 " is larger than its input %s (valid padding)",
                  op, what, d->kernel_h, d->kernel_w, sh);
        return ZKB_ERR_PARSE;
    }
    *oh = (s->h - d->kernel_h) / d->stride_h + 1;
    *ow = (s->w - d->kernel_w) / d->stride_w + 1;
    return ZKB_OK;
}

/* [C][H][W] -> [C][pt+H+pb][pl+W+pr]; each pad at most ZKBI_PAD_MAX and
 * the padded sides at most ZKBI_DIM_MAX. */
static zkb_status pad2d_shape(const zkb_layer_desc *d, const zkbi_shape *in, zkbi_shape *out,
                              char *err, size_t errlen)
{
    char sh[64];
    shape_str(in, sh, sizeof sh);
    if (in->flat) {
        zkbi_errf(err, errlen, "pad2d needs a [C][H][W] input, but its input is %s", sh);
        return ZKB_ERR_PARSE;
    }
    const uint32_t pads[4] = {d->pad_top, d->pad_left, d->pad_bottom, d->pad_right};
    for (int k = 0; k < 4; k++)
        if (pads[k] > ZKBI_PAD_MAX) {
            zkbi_errf(err, errlen, "pad2d: pad %" PRIu32 " is not in 0..%u", pads[k], ZKBI_PAD_MAX);
            return ZKB_ERR_PARSE;
        }
    uint64_t h = (uint64_t)d->pad_top + in->h + d->pad_bottom;
    uint64_t w = (uint64_t)d->pad_left + in->w + d->pad_right;
    if (h > ZKBI_DIM_MAX || w > ZKBI_DIM_MAX) {
        zkbi_errf(err, errlen, "pad2d: the padded input [%" PRIu32 "][%" PRIu64 "][%" PRIu64
                  "] has a side longer than %u", in->c, h, w, ZKBI_DIM_MAX);
        return ZKB_ERR_PARSE;
    }
    *out = *in;
    out->h = (uint32_t)h;
    out->w = (uint32_t)w;
    return ZKB_OK;
}

zkb_status zkbi_layer_infer(zkb_layer_desc *d, zkbi_shape *s, uint64_t *macs, char *err,
                            size_t errlen)
{
    zkbi_shape in = *s, out = *s;
    uint64_t nw = 0, nb = 0, mac = 0;
    uint64_t in_n = (uint64_t)in.c * in.h * in.w; /* <= 2^60, checked before */
    char sh[64];
    zkb_status st;
    uint32_t oh, ow;

    shape_str(&in, sh, sizeof sh);
    switch (d->op) {
    case ZKB_OP_DENSE: {
        if (!in.flat) {
            zkbi_errf(err, errlen,
                      "dense needs a flat input but its input is %s; add a flatten layer "
                      "before it",
                      sh);
            return ZKB_ERR_PARSE;
        }
        uint32_t units = d->out_w;
        if (units < 1 || units > ZKBI_DIM_MAX) {
            zkbi_errf(err, errlen, "dense: units %" PRIu32 " is not in 1..%u", units,
                      ZKBI_DIM_MAX);
            return ZKB_ERR_PARSE;
        }
        uint64_t f[2] = {units, in_n};
        nw = prod(2, f);
        nb = units;
        mac = nw;
        out.c = out.h = 1;
        out.w = units;
        out.flat = 1;
        if (nw == 0 || nw > ZKBI_PARAMS_MAX) {
            zkbi_errf(err, errlen,
                      "dense: %" PRIu32 " units x %" PRIu64 " inputs exceeds %" PRIu64
                      " weights",
                      units, in_n, ZKBI_PARAMS_MAX);
            return ZKB_ERR_OVERFLOW;
        }
        break;
    }
    case ZKB_OP_CONV2D: {
        uint32_t filters = d->out_c;
        if (filters < 1 || filters > ZKBI_DIM_MAX) {
            zkbi_errf(err, errlen, "conv2d: filters %" PRIu32 " is not in 1..%u", filters,
                      ZKBI_DIM_MAX);
            return ZKB_ERR_PARSE;
        }
        if ((st = window(d, &in, "kernel", err, errlen, &oh, &ow)) != ZKB_OK)
            return st;
        out.c = filters;
        out.h = oh;
        out.w = ow;
        uint64_t f[4] = {filters, in.c, d->kernel_h, d->kernel_w};
        nw = prod(4, f);
        nb = filters;
        if (nw == 0 || nw > ZKBI_PARAMS_MAX) {
            zkbi_errf(err, errlen,
                      "conv2d: %" PRIu32 " filters x %" PRIu32 " channels x %" PRIu32
                      "x%" PRIu32 " kernel exceeds %" PRIu64 " weights",
                      filters, in.c, d->kernel_h, d->kernel_w, ZKBI_PARAMS_MAX);
            return ZKB_ERR_OVERFLOW;
        }
        uint64_t g[4] = {nw, oh, ow, 1};
        mac = prod(4, g);
        if (mac == 0)
            mac = UINT64_MAX;
        break;
    }
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D: {
        if ((st = window(d, &in, "pool", err, errlen, &oh, &ow)) != ZKB_OK)
            return st;
        out.h = oh;
        out.w = ow;
        uint64_t f[5] = {in.c, oh, ow, d->kernel_h, d->kernel_w};
        mac = prod(5, f);
        if (mac == 0)
            mac = UINT64_MAX;
        break;
    }
    case ZKB_OP_RELU:
        mac = in_n;
        break;
    case ZKB_OP_FLATTEN:
        out.c = out.h = 1;
        out.w = (uint32_t)in_n; /* in_n <= ZKBI_ACT_MAX */
        out.flat = 1;
        break;
    case ZKB_OP_PAD2D:
        if ((st = pad2d_shape(d, &in, &out, err, errlen)) != ZKB_OK)
            return st;
        break;
    default:
        zkbi_errf(err, errlen, "unknown op %" PRIu32 " (known: %s)", d->op, zkbi_op_list());
        return ZKB_ERR_PARSE;
    }
    if (d->op != ZKB_OP_CONV2D && d->op != ZKB_OP_AVGPOOL2D && d->op != ZKB_OP_MAXPOOL2D) {
        d->kernel_h = d->kernel_w = d->stride_h = d->stride_w = 0;
    }
    if (d->op != ZKB_OP_PAD2D)
        d->pad_top = d->pad_left = d->pad_bottom = d->pad_right = 0;
    if ((st = act_check(&out, zkb_op_name(d->op), err, errlen)) != ZKB_OK)
        return st;
    d->in_c = in.c;
    d->in_h = in.h;
    d->in_w = in.w;
    d->out_c = out.c;
    d->out_h = out.h;
    d->out_w = out.w;
    d->n_weights = nw;
    d->n_bias = nb;
    *s = out;
    *macs = mac;
    return ZKB_OK;
}

/* ---- construction ---------------------------------------------------------------- */

zkb_model *zkbi_model_alloc(uint32_t n_layers)
{
    if (n_layers > ZKBI_LAYERS_MAX)
        return NULL;
    zkb_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_layers = n_layers;
    if (n_layers) {
        m->layers = calloc(n_layers, sizeof *m->layers);
        m->layer_ptrs = calloc(n_layers, sizeof *m->layer_ptrs);
        if (!m->layers || !m->layer_ptrs) {
            zkb_model_free(m);
            return NULL;
        }
    }
    for (uint32_t i = 0; i < n_layers; i++) {
        m->layers[i].d.struct_size = sizeof(zkb_layer_desc);
        m->layer_ptrs[i] = &m->layers[i].d;
    }
    return m;
}

zkb_status zkbi_model_finish(zkb_model *m, char *err, size_t errlen)
{
    zkbi_shape s = {m->in_c, m->in_h, m->in_w, 0};
    uint64_t f[3] = {m->in_c, m->in_h, m->in_w};
    uint64_t params = 0, macs = 0, max_act = prod(3, f);
    char why[512];

    if (m->in_c < 1 || m->in_h < 1 || m->in_w < 1 || m->in_c > ZKBI_DIM_MAX ||
        m->in_h > ZKBI_DIM_MAX || m->in_w > ZKBI_DIM_MAX) {
        zkbi_errf(err, errlen, "input shape dimensions must be in 1..%u", ZKBI_DIM_MAX);
        return ZKB_ERR_PARSE;
    }
    if (max_act == 0 || max_act > ZKBI_ACT_MAX) {
        zkbi_errf(err, errlen, "the input has more than %" PRIu64 " values", ZKBI_ACT_MAX);
        return ZKB_ERR_OVERFLOW;
    }
    if (m->output_fn > ZKB_OUTPUT_FN_MAX) {
        zkbi_errf(err, errlen, "output_fn %" PRIu32 " is not a zkb_output_fn (0..%u)", m->output_fn,
                  ZKB_OUTPUT_FN_MAX);
        return ZKB_ERR_PARSE;
    }
    for (uint32_t i = 0; i < m->n_layers; i++) {
        zkbi_layer *L = &m->layers[i];
        zkb_layer_desc d = L->d;
        uint64_t lm = 0;
        zkb_status st = zkbi_layer_infer(&d, &s, &lm, why, sizeof why);
        if (st != ZKB_OK) {
            zkbi_errf(err, errlen, "layer %" PRIu32 ": %s", i, why);
            return st;
        }
        if (d.n_weights != L->d.n_weights || d.n_bias != L->d.n_bias ||
            (d.n_weights && !L->w) || (d.n_bias && !L->b)) {
            zkbi_errf(err, errlen, "layer %" PRIu32 " (%s): wrong number of weights", i,
                      zkb_op_name(d.op));
            return ZKB_ERR_INTERNAL;
        }
        d.weights = L->w;
        d.bias = L->b;
        d.struct_size = sizeof d;
        L->d = d;
        if (__builtin_add_overflow(params, d.n_weights, &params) ||
            __builtin_add_overflow(params, d.n_bias, &params) || params > ZKBI_PARAMS_MAX) {
            zkbi_errf(err, errlen, "the model has more than %" PRIu64 " parameters",
                      ZKBI_PARAMS_MAX);
            return ZKB_ERR_OVERFLOW;
        }
        if (__builtin_add_overflow(macs, lm, &macs) || macs > ZKBI_MACS_MAX) {
            zkbi_errf(err, errlen,
                      "a forward pass needs more than %" PRIu64 " multiply-accumulates",
                      ZKBI_MACS_MAX);
            return ZKB_ERR_OVERFLOW;
        }
        uint64_t out_n = (uint64_t)d.out_c * d.out_h * d.out_w;
        if (out_n > max_act)
            max_act = out_n;
    }
    uint64_t out_n = (uint64_t)s.c * s.h * s.w;
    if (out_n != m->classes) {
        zkbi_errf(err, errlen,
                  "classes is %" PRIu32 " but the last layer outputs %" PRIu64 " values",
                  m->classes, out_n);
        return ZKB_ERR_PARSE;
    }
    m->n_params = params;
    m->n_macs = macs;
    m->max_act = max_act;
    zkb_status st = zkbi_model_compute_fingerprint(m, m->fingerprint);
    if (st != ZKB_OK) {
        zkbi_errf(err, errlen, "cannot compute the fingerprint: out of memory");
        return st;
    }
    zkb_model_desc *d = &m->desc;
    d->struct_size = sizeof *d;
    d->n_layers = m->n_layers;
    d->name = m->name;
    d->fingerprint = m->fingerprint;
    d->source_path = m->source_path;
    d->in_c = m->in_c;
    d->in_h = m->in_h;
    d->in_w = m->in_w;
    d->classes = m->classes;
    d->n_params = m->n_params;
    d->layers = m->layer_ptrs;
    d->output_fn = m->output_fn;
    return ZKB_OK;
}

void zkb_model_free(zkb_model *m)
{
    if (!m)
        return;
    zkbi_qmodel_free(m->qcache);
    if (m->layers)
        for (uint32_t i = 0; i < m->n_layers; i++) {
            free(m->layers[i].w);
            free(m->layers[i].b);
        }
    free(m->layers);
    free(m->layer_ptrs);
    free(m->name);
    free(m->metadata);
    free(m->source_path);
    free(m);
}

/* ---- accessors ------------------------------------------------------------------------ */

const zkb_model_desc *zkbi_model_desc(const zkb_model *m)
{
    return m ? &m->desc : NULL;
}

const char *zkbi_model_metadata(const zkb_model *m)
{
    return m ? m->metadata : NULL;
}

const char *zkb_model_metadata(const zkb_model *m)
{
    return zkbi_model_metadata(m);
}

uint64_t zkbi_model_macs(const zkb_model *m)
{
    return m ? m->n_macs : 0;
}

uint64_t zkbi_model_max_activation(const zkb_model *m)
{
    return m ? m->max_act : 0;
}

const char *zkb_model_last_error(const zkb_model *m)
{
    return m ? m->err : "no model";
}

const char *zkb_model_name(const zkb_model *m)
{
    return m ? m->name : NULL;
}

const char *zkb_model_fingerprint(const zkb_model *m)
{
    return m ? m->fingerprint : NULL;
}

uint64_t zkb_model_param_count(const zkb_model *m)
{
    return m ? m->n_params : 0;
}

uint32_t zkb_model_layer_count(const zkb_model *m)
{
    return m ? m->n_layers : 0;
}

uint64_t zkb_model_input_size(const zkb_model *m)
{
    return m ? (uint64_t)m->in_c * m->in_h * m->in_w : 0;
}

void zkb_model_input_shape(const zkb_model *m, uint32_t *c, uint32_t *h, uint32_t *w)
{
    if (c)
        *c = m ? m->in_c : 0;
    if (h)
        *h = m ? m->in_h : 0;
    if (w)
        *w = m ? m->in_w : 0;
}

uint32_t zkb_model_classes(const zkb_model *m)
{
    return m ? m->classes : 0;
}

uint32_t zkb_model_output_fn(const zkb_model *m)
{
    return m ? m->output_fn : ZKB_OUTPUT_LOGITS;
}

const char *zkb_model_layer_op(const zkb_model *m, uint32_t i)
{
    if (!m || i >= m->n_layers)
        return NULL;
    return zkb_op_name(m->layers[i].d.op);
}
