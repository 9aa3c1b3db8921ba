/* ONNX import: the operators that do not become a layer of their own but
 * change one (docs/onnx.md, "Normalization"):
 * - Add, Sub, Mul, Div by a constant, and BatchNormalization (inference),
 *   right after a dense or conv2d layer: folded into its weights and bias;
 *   before the first such layer (input normalization, scikit-learn's Scaler):
 *   folded into the first one;
 * - Pad with zeros (and the pads of Conv and the pools): a pad2d layer;
 * - a final Softmax, LogSoftmax or Sigmoid: the model's output function,
 *   applied by the float evaluator, not proven;
 * - scikit-learn's LinearClassifier: a dense layer (and an output function);
 *   Normalizer where it changes nothing (onnx_ml.c); Cast to float. */
#include "onnx_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const no_attrs[] = {NULL};

static int is(const Onnx__NodeProto *n, const char *type)
{
    return strcmp(n->op_type, type) == 0;
}

static int ml_domain(const Onnx__NodeProto *n)
{
    return n->domain && strcmp(n->domain, "ai.onnx.ml") == 0;
}

static uint64_t act_size(const zkbi_onnx_imp *im)
{
    return (uint64_t)im->s.c * im->s.h * im->s.w;
}

/* No layer but flatten so far: the activation is the input, reordered at most. */
static int before_first_layer(const zkbi_onnx_imp *im)
{
    for (uint32_t k = 0; k < im->n_layers; k++)
        if (im->layers[k].d.op != ZKB_OP_FLATTEN)
            return 0;
    return 1;
}

/* ---- a constant broadcast onto the current activation ------------------------------- */

/* The values of t broadcast (numpy rules) to the activation's ONNX shape,
 * listed in the IR's channel-major order; *out has act_size values. */
static zkb_status broadcast(zkbi_onnx_imp *im, const Onnx__TensorProto *t, float **out)
{
    uint64_t numel;
    float *v;
    char ds[128], nb[72], a[96];
    zkb_status st;
    *out = NULL;
    int64_t shp[4];
    size_t rank;
    if (im->s.flat) {
        rank = 2;
        shp[0] = 1;
        shp[1] = im->s.w;
    } else {
        rank = 4;
        shp[0] = 1;
        shp[1] = im->nhwc ? im->s.h : im->s.c;
        shp[2] = im->nhwc ? im->s.w : im->s.h;
        shp[3] = im->nhwc ? im->s.c : im->s.w;
    }
    if ((st = zkbi_onnx_tensor_numel(im, t, &numel)) != ZKB_OK)
        return st;
    int ok = t->n_dims <= rank;
    for (size_t j = 0; ok && j < t->n_dims; j++) {
        int64_t d = t->dims[j], s = shp[rank - t->n_dims + j];
        ok = d == 1 || d == s;
    }
    if (!ok) {
        zkbi_onnx_dims_str(t, ds, sizeof ds);
        snprintf(a, sizeof a, rank == 2 ? "[N, %" PRId64 "]" : "[N, %" PRId64 ", %" PRId64 ", %" PRId64 "]",
                 shp[1], shp[2], shp[3]);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "constant '%s' of shape %s does not broadcast to "
                              "the activation %s", zkbi_printable(t->name, nb, 64), ds, a);
    }
    if ((st = zkbi_onnx_tensor_floats(im, t, numel, &v)) != ZKB_OK)
        return st;
    uint64_t n = act_size(im);
    float *r = malloc(n * sizeof *r);
    if (!r) {
        free(v);
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    }
    for (uint64_t i = 0; i < n; i++) {
        int64_t idx[4] = {0, 0, 0, 0}; /* the ONNX index of IR element i */
        if (rank == 2) {
            idx[1] = (int64_t)i;
        } else {
            int64_t c = (int64_t)(i / ((uint64_t)im->s.h * im->s.w));
            int64_t y = (int64_t)(i / im->s.w % im->s.h), x = (int64_t)(i % im->s.w);
            idx[1] = im->nhwc ? y : c;
            idx[2] = im->nhwc ? x : y;
            idx[3] = im->nhwc ? c : x;
        }
        uint64_t ti = 0;
        for (size_t j = 0; j < t->n_dims; j++) {
            int64_t d = t->dims[j];
            ti = ti * (uint64_t)d + (d == 1 ? 0 : (uint64_t)idx[rank - t->n_dims + j]);
        }
        r[i] = numel ? v[ti] : 0.0f;
    }
    free(v);
    *out = r;
    return ZKB_OK;
}

/* ---- affine maps y = s*x + c ------------------------------------------------------------ */

/* After folding constants into layer L: every weight and bias must still be
 * a finite float32 (a huge scale can overflow them). */
static zkb_status layer_finite(zkbi_onnx_imp *im, const zkbi_layer *L, const char *what)
{
    for (uint64_t k = 0; k < L->d.n_weights; k++)
        if (!isfinite(L->w[k]))
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "folding %s into the layer before makes its "
                                  "weight %" PRIu64 " overflow float32", what, k);
    for (uint64_t k = 0; k < L->d.n_bias; k++)
        if (!isfinite(L->b[k]))
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "folding %s into the layer before makes its "
                                  "bias %" PRIu64 " overflow float32", what, k);
    return ZKB_OK;
}

/* Fold y = s*x + c (IR order, act_size values) into the dense/conv2d layer
 * whose output x is. */
static zkb_status affine_into_layer(zkbi_onnx_imp *im, const float *s, const float *c,
                                    const char *what)
{
    zkbi_layer *L = &im->layers[im->affine_open - 1];
    uint32_t M = L->d.op == ZKB_OP_CONV2D ? L->d.out_c : L->d.out_w;
    uint64_t per = L->d.op == ZKB_OP_CONV2D ? (uint64_t)L->d.out_h * L->d.out_w : 1;
    uint64_t fan = L->d.n_weights / M;
    for (uint32_t m = 0; m < M; m++)
        for (uint64_t k = 1; k < per; k++)
            if (s[m * per + k] != s[m * per] || c[m * per + k] != c[m * per])
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s differs across the positions of "
                                      "channel %" PRIu32 "; only a per-channel constant folds "
                                      "into the convolution", what, m);
    for (uint32_t m = 0; m < M; m++) {
        float sm = s[m * per], cm = c[m * per];
        for (uint64_t k = 0; k < fan; k++)
            L->w[m * fan + k] *= sm;
        L->b[m] = L->b[m] * sm + cm;
    }
    return layer_finite(im, L, what);
}

/* Compose y = s*x + c after the pending input normalization. */
static zkb_status affine_into_input(zkbi_onnx_imp *im, const float *s, const float *c)
{
    zkbi_onnx_affine *p = &im->pre;
    uint64_t n = act_size(im);
    if (!p->a) {
        p->a = malloc(n * sizeof *p->a);
        p->b = malloc(n * sizeof *p->b);
        if (!p->a || !p->b)
            return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
        p->n = n;
        for (uint64_t i = 0; i < n; i++) {
            p->a[i] = 1.0f;
            p->b[i] = 0.0f;
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        p->a[i] *= s[i];
        p->b[i] = p->b[i] * s[i] + c[i];
    }
    return ZKB_OK;
}

zkb_status zkbi_onnx_apply_affine(zkbi_onnx_imp *im, float *s, float *c, const char *what)
{
    char lb[128];
    zkb_status st;
    uint64_t n = act_size(im);
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(s[i]) || !isfinite(c[i]) || fabsf(s[i]) > 3e38f)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s is not a finite number", what);
    zkbi_onnx_node_label(im, lb, sizeof lb);
    if (im->affine_open) {
        if ((st = affine_into_layer(im, s, c, what)) != ZKB_OK)
            return st;
        zkbi_layer *L = &im->layers[im->affine_open - 1];
        return zkbi_onnx_step_add(im, ZKBI_ONNX_FUSED, "%s folded into the weights and bias of "
                                  "layer %" PRIu32 " (%s)", lb, im->affine_open - 1,
                                  zkb_op_name(L->d.op));
    }
    if (before_first_layer(im) && !im->output_fn) {
        if ((st = affine_into_input(im, s, c)) != ZKB_OK)
            return st;
        return zkbi_onnx_step_add(im, ZKBI_ONNX_FUSED, "%s (input normalization) folded into the "
                                  "first dense or conv2d layer", lb);
    }
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                          "%s is supported only right after a Gemm, MatMul or Conv (folded into "
                          "it) or before the first of them (input normalization); here it follows "
                          "a %s layer",
                          what, im->n_layers ? zkb_op_name(im->layers[im->n_layers - 1].d.op) : "?");
}

zkb_status zkbi_onnx_affine_arrays(zkbi_onnx_imp *im, float **s, float **c)
{
    uint64_t n = act_size(im);
    *s = malloc(n * sizeof **s);
    *c = malloc(n * sizeof **c);
    if (!*s || !*c)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    return ZKB_OK;
}

/* Add, Sub, Mul, Div with one constant operand. */
static zkb_status op_arith(zkbi_onnx_imp *im, size_t data)
{
    const Onnx__NodeProto *n = im->node;
    const Onnx__TensorProto *t;
    char nb[72];
    zkb_status st = zkbi_onnx_attr_check(im, no_attrs);
    if (st != ZKB_OK)
        return st;
    if (!zkbi_onnx_const_find(im, n->input[1 - data]))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "%s of two values computed from the input ('%s', a skip connection "
                              "or a branch) is not supported; Add, Sub, Mul and Div are taken "
                              "with a constant operand only", n->op_type,
                              zkbi_printable(n->input[1 - data], nb, 64));
    if ((st = zkbi_onnx_const_input(im, 1 - data, "constant operand", &t)) != ZKB_OK)
        return st;
    float *v, *s = NULL, *c = NULL;
    if ((st = broadcast(im, t, &v)) != ZKB_OK)
        return st;
    uint64_t N = act_size(im);
    if ((st = zkbi_onnx_affine_arrays(im, &s, &c)) != ZKB_OK)
        goto out;
    for (uint64_t i = 0; i < N; i++) {
        s[i] = 1.0f;
        c[i] = 0.0f;
        if (is(n, "Add"))
            c[i] = v[i];
        else if (is(n, "Sub") && data == 0)
            c[i] = -v[i];
        else if (is(n, "Sub")) { /* constant - x */
            s[i] = -1.0f;
            c[i] = v[i];
        } else if (is(n, "Mul"))
            s[i] = v[i];
        else if (data == 0 && v[i] != 0.0f)
            s[i] = 1.0f / v[i];
        else {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, data ? "Div of a constant by the activation "
                                "is not linear; not supported" : "Div by zero ('%s')",
                                zkbi_printable(t->name, nb, 64));
            goto out;
        }
    }
    char what[96];
    snprintf(what, sizeof what, "%s by '%s'", n->op_type, zkbi_printable(t->name, nb, 64));
    st = zkbi_onnx_apply_affine(im, s, c, what);
out:
    free(v);
    free(s);
    free(c);
    return st;
}

/* Per-channel (NCHW: axis 1) values of BatchNormalization input idx. */
static zkb_status bn_param(zkbi_onnx_imp *im, size_t idx, const char *what, uint32_t C, float **v)
{
    const Onnx__TensorProto *t;
    char nb[72], ds[128];
    uint64_t numel;
    zkb_status st;
    if ((st = zkbi_onnx_const_input(im, idx, what, &t)) != ZKB_OK ||
        (st = zkbi_onnx_tensor_numel(im, t, &numel)) != ZKB_OK)
        return st;
    if (t->n_dims != 1 || numel != C) {
        zkbi_onnx_dims_str(t, ds, sizeof ds);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s '%s' has shape %s; expected [%" PRIu32 "]",
                              what, zkbi_printable(t->name, nb, 64), ds, C);
    }
    return zkbi_onnx_tensor_floats(im, t, numel, v);
}

static zkb_status op_batchnorm(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"epsilon", "momentum", "training_mode", "spatial",
                                        "is_test", "consumed_inputs", NULL};
    const char *names[4] = {"scale", "B", "input_mean", "input_var"};
    float eps, *p[4] = {NULL, NULL, NULL, NULL}, *s = NULL, *c = NULL;
    int64_t training, spatial;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_float(im, "epsilon", 1e-5f, &eps)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "training_mode", 0, &training)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "spatial", 1, &spatial)) != ZKB_OK)
        return st;
    if (training)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "BatchNormalization in training mode is not "
                              "supported (export the model in eval mode)");
    if (!spatial)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "spatial=0 is not supported");
    if (im->node->n_output > 1)
        for (size_t k = 1; k < im->node->n_output; k++)
            if (im->node->output[k] && im->node->output[k][0])
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "running mean/variance outputs are "
                                      "training-mode outputs; not supported");
    uint32_t C = im->s.flat ? im->s.w : im->s.c;
    if (!im->s.flat && im->nhwc)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "needs an NCHW input (its input is NHWC)");
    for (int k = 0; k < 4; k++)
        if ((st = bn_param(im, (size_t)k + 1, names[k], C, &p[k])) != ZKB_OK)
            goto out;
    uint64_t N = act_size(im), per = N / C;
    if ((st = zkbi_onnx_affine_arrays(im, &s, &c)) != ZKB_OK)
        goto out;
    for (uint64_t i = 0; i < N; i++) {
        uint64_t ch = i / per;
        double var = (double)p[3][ch] + eps;
        if (!(var > 0)) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "input_var + epsilon of channel %" PRIu64
                                " is not positive", ch);
            goto out;
        }
        double k = p[0][ch] / sqrt(var);
        s[i] = (float)k;
        c[i] = (float)(p[1][ch] - p[2][ch] * k);
    }
    st = zkbi_onnx_apply_affine(im, s, c, "BatchNormalization");
out:
    for (int k = 0; k < 4; k++)
        free(p[k]);
    free(s);
    free(c);
    return st;
}

/* ---- padding ------------------------------------------------------------------------------- */

static zkb_status push_pad(zkbi_onnx_imp *im, uint32_t t, uint32_t l, uint32_t b, uint32_t r)
{
    if (!t && !l && !b && !r)
        return ZKB_OK;
    zkb_layer_desc d = {0};
    zkbi_layer *L;
    d.op = ZKB_OP_PAD2D;
    d.pad_top = t;
    d.pad_left = l;
    d.pad_bottom = b;
    d.pad_right = r;
    return zkbi_onnx_push(im, &d, &L);
}

static zkb_status op_pad(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"mode", "pads", "value", NULL};
    const Onnx__NodeProto *n = im->node;
    char mode[32], b[160];
    int64_t pads[8];
    size_t np = 0;
    float value = 0.0f;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_str(im, "mode", "constant", mode, sizeof mode)) != ZKB_OK)
        return st;
    if (strcmp(mode, "constant") != 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "mode '%s' is not supported (only constant "
                              "padding with zeros)", mode);
    if (im->s.flat)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "padding a 2-D activation is not supported");
    const int64_t *pa;
    size_t npa;
    if ((st = zkbi_onnx_attr_ints(im, "pads", &pa, &npa)) != ZKB_OK ||
        (st = zkbi_onnx_attr_float(im, "value", 0.0f, &value)) != ZKB_OK)
        return st;
    if (npa) { /* opset < 11 */
        if (npa > 8)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads has %zu values", npa);
        memcpy(pads, pa, npa * sizeof *pads);
        np = npa;
    } else {
        const Onnx__TensorProto *t;
        if ((st = zkbi_onnx_const_input(im, 1, "pads", &t)) != ZKB_OK ||
            (st = zkbi_onnx_tensor_int64s(im, t, pads, 8, &np)) != ZKB_OK)
            return st;
        if (n->n_input > 2 && n->input[2] && n->input[2][0]) {
            const Onnx__TensorProto *cv;
            float *v;
            uint64_t numel;
            if ((st = zkbi_onnx_const_input(im, 2, "constant_value", &cv)) != ZKB_OK ||
                (st = zkbi_onnx_tensor_numel(im, cv, &numel)) != ZKB_OK)
                return st;
            if (numel != 1)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "constant_value must be one value");
            if ((st = zkbi_onnx_tensor_floats(im, cv, 1, &v)) != ZKB_OK)
                return st;
            value = v[0];
            free(v);
        }
        if (n->n_input > 3 && n->input[3] && n->input[3][0])
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the axes input is not supported (pads for "
                                  "all four axes)");
    }
    if (value != 0.0f)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pad value %g is not supported: only zero "
                              "padding", value);
    if (np != 8) {
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads has %zu values; expected 8 for a 4-D "
                              "activation", np);
    }
    /* [x1_begin, x2_begin, x3_begin, x4_begin, x1_end, ...]; H, W are axes 2, 3 (NHWC: 1, 2) */
    int hy = im->nhwc ? 1 : 2, wx = im->nhwc ? 2 : 3, ch = im->nhwc ? 3 : 1;
    snprintf(b, sizeof b, "[%" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64
             ", %" PRId64 ", %" PRId64 ", %" PRId64 "]", pads[0], pads[1], pads[2], pads[3],
             pads[4], pads[5], pads[6], pads[7]);
    if (pads[0] || pads[4] || pads[ch] || pads[ch + 4])
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads %s pad the batch or channel axis; only "
                              "height and width can be padded", b);
    for (int k = 0; k < 8; k++)
        if (pads[k] < 0 || pads[k] > ZKBI_DIM_MAX)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads %s: values must be in 0..%u "
                                  "(negative pads crop)", b, ZKBI_DIM_MAX);
    char lb[128];
    zkbi_onnx_node_label(im, lb, sizeof lb);
    if ((st = push_pad(im, (uint32_t)pads[hy], (uint32_t)pads[wx], (uint32_t)pads[hy + 4],
                       (uint32_t)pads[wx + 4])) != ZKB_OK)
        return st;
    return zkbi_onnx_step_add(im, ZKBI_ONNX_FUSED, "%s with zeros became a pad2d layer (the next "
                              "conv2d or pool reads the padded values)", lb);
}

/* The padding a Conv, AveragePool or MaxPool node asks for (pads, or auto_pad
 * SAME_UPPER/SAME_LOWER) becomes a pad2d layer before the layer it pads. */
zkb_status zkbi_onnx_window_pads(zkbi_onnx_imp *im, uint32_t op, uint32_t kh, uint32_t kw,
                                 uint32_t sh, uint32_t sw)
{
    char ap[32], b[160], lb[128];
    const int64_t *v;
    size_t n;
    int64_t p[4] = {0, 0, 0, 0}; /* top, left, bottom, right */
    zkb_status st;
    if ((st = zkbi_onnx_attr_str(im, "auto_pad", "NOTSET", ap, sizeof ap)) != ZKB_OK ||
        (st = zkbi_onnx_attr_ints(im, "pads", &v, &n)) != ZKB_OK)
        return st;
    if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
        uint32_t in[2] = {im->s.h, im->s.w}, k[2] = {kh, kw}, s[2] = {sh, sw};
        for (int a = 0; a < 2; a++) {
            int64_t out = ((int64_t)in[a] + s[a] - 1) / s[a];
            int64_t total = (out - 1) * s[a] + k[a] - (int64_t)in[a];
            total = total > 0 ? total : 0;
            int64_t small = total / 2, big = total - small;
            p[a] = ap[5] == 'U' ? small : big;
            p[a + 2] = ap[5] == 'U' ? big : small;
        }
    } else if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID") && ap[0]) {
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "auto_pad %s is not supported", ap);
    } else if (n) {
        if (n != 4)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads has %zu values; expected 4 (2-D "
                                  "windows)", n);
        for (int k = 0; k < 4; k++)
            if (v[k] < 0 || v[k] > ZKBI_DIM_MAX)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "pads value %" PRId64 " is not in "
                                      "0..%u", v[k], ZKBI_DIM_MAX);
        /* ONNX: [y_begin, x_begin, y_end, x_end] */
        p[0] = v[0];
        p[1] = v[1];
        p[2] = v[2];
        p[3] = v[3];
    }
    if (!p[0] && !p[1] && !p[2] && !p[3])
        return ZKB_OK;
    snprintf(b, sizeof b, "[%" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64 "]", p[0], p[1],
             p[2], p[3]);
    if (op == ZKB_OP_AVGPOOL2D) {
        int64_t cip;
        if ((st = zkbi_onnx_attr_int(im, "count_include_pad", 0, &cip)) != ZKB_OK)
            return st;
        if (!cip)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "pads %s with count_include_pad=0: the windows at the border "
                                  "would divide by fewer values than the others; only "
                                  "count_include_pad=1 (PyTorch's default) is supported", b);
    }
    if (op == ZKB_OP_MAXPOOL2D && !im->nonneg)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "pads %s: MaxPool pads with -inf; zero padding gives the same "
                              "maximum only on a non-negative input (after a Relu), and this "
                              "input is not known to be", b);
    zkbi_onnx_node_label(im, lb, sizeof lb);
    if ((st = push_pad(im, (uint32_t)p[0], (uint32_t)p[1], (uint32_t)p[2], (uint32_t)p[3])) !=
        ZKB_OK)
        return st;
    return zkbi_onnx_step_add(im, ZKBI_ONNX_FUSED, "the pads %s of %s became a pad2d layer before "
                              "it%s", b, lb, op == ZKB_OP_AVGPOOL2D ? " (count_include_pad=1: "
                              "the zeros count)" : op == ZKB_OP_MAXPOOL2D ? " (the input is "
                              "non-negative, so zeros give the same maximum as -inf)" : "");
}

/* ---- trailing activations ------------------------------------------------------------------ */

static zkb_status op_output_fn(zkbi_onnx_imp *im, uint32_t fn)
{
    static const char *const attrs[] = {"axis", NULL};
    int64_t axis, opset = im->opset;
    char a[96];
    zkb_status st = zkbi_onnx_attr_check(im, fn == ZKB_OUTPUT_SIGMOID ? no_attrs : attrs);
    if (st != ZKB_OK || (st = zkbi_onnx_attr_int(im, "axis", opset >= 13 ? -1 : 1, &axis)) != ZKB_OK)
        return st;
    if (im->output_fn)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "a second output function (after %s) is not "
                              "supported", im->output_fn_node);
    if (fn != ZKB_OUTPUT_SIGMOID) {
        int flat_like = im->s.flat || (im->s.h == 1 && im->s.w == 1);
        int ok = im->s.flat ? (axis == 1 || axis == -1)
               : opset >= 13 ? flat_like && (axis == -1 || axis == 3 || axis == 1)
                             : axis == 1 || axis == -3;
        if (!ok) {
            snprintf(a, sizeof a, im->s.flat ? "[N, %" PRIu32 "]" : "[N, %" PRIu32 ", %" PRIu32
                     ", %" PRIu32 "]", im->s.flat ? im->s.w : im->s.c, im->s.h, im->s.w);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "axis %" PRId64 " on %s is not supported: "
                                  "only over the class scores of each sample", axis, a);
        }
    }
    im->output_fn = fn;
    im->output_fn_node = fn == ZKB_OUTPUT_SOFTMAX ? "Softmax"
                       : fn == ZKB_OUTPUT_LOG_SOFTMAX ? "LogSoftmax" : "Sigmoid";
    im->affine_open = 0;
    char lb[128];
    zkbi_onnx_node_label(im, lb, sizeof lb);
    return zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT, "%s at the end: applied by the float "
                              "evaluator, left out of the proven computation (the proofs cover "
                              "the logits; it does not change the argmax)", lb);
}

zkb_status zkbi_onnx_before_layer(zkbi_onnx_imp *im, uint32_t op)
{
    if (im->output_fn && op != ZKB_OP_FLATTEN)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "it follows a %s: Softmax, LogSoftmax and Sigmoid are supported only "
                              "at the end of the model (the proofs cover the logits)",
                              im->output_fn_node);
    if (im->pre.a && op != ZKB_OP_FLATTEN && op != ZKB_OP_DENSE && op != ZKB_OP_CONV2D)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "the input normalization before it (Sub, Div, Mul, Add, Scaler or "
                              "BatchNormalization on the input) can be folded only into a Gemm, "
                              "MatMul or Conv that reads it directly, without padding; this is "
                              "a %s", zkb_op_name(op));
    return ZKB_OK;
}

zkb_status zkbi_onnx_absorb_input_affine(zkbi_onnx_imp *im, zkbi_layer *L)
{
    zkbi_onnx_affine *p = &im->pre;
    if (!p->a)
        return ZKB_OK;
    uint32_t M = L->d.op == ZKB_OP_CONV2D ? L->d.out_c : L->d.out_w;
    uint64_t fan = L->d.n_weights / M;
    if (L->d.op == ZKB_OP_CONV2D) {
        uint64_t hw = (uint64_t)L->d.in_h * L->d.in_w, K = (uint64_t)L->d.kernel_h * L->d.kernel_w;
        for (uint32_t c = 0; c < L->d.in_c; c++)
            for (uint64_t k = 1; k < hw; k++)
                if (p->a[c * hw + k] != p->a[c * hw] || p->b[c * hw + k] != p->b[c * hw])
                    return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                          "the input normalization differs across the positions "
                                          "of channel %" PRIu32 "; only a per-channel one folds "
                                          "into a convolution", c);
        for (uint32_t m = 0; m < M; m++)
            for (uint64_t k = 0; k < fan; k++) {
                uint64_t c = k / K;
                float w = L->w[m * fan + k];
                L->b[m] += w * p->b[c * hw];
                L->w[m * fan + k] = w * p->a[c * hw];
            }
    } else {
        if (fan != p->n)
            return zkbi_onnx_fail(im, ZKB_ERR_INTERNAL, "input normalization of %" PRIu64
                                  " values before a layer of %" PRIu64 " inputs", p->n, fan);
        for (uint32_t m = 0; m < M; m++)
            for (uint64_t k = 0; k < fan; k++) {
                float w = L->w[m * fan + k];
                L->b[m] += w * p->b[k];
                L->w[m * fan + k] = w * p->a[k];
            }
    }
    free(p->a);
    free(p->b);
    p->a = p->b = NULL;
    return layer_finite(im, L, "the input normalization");
}

static zkb_status op_cast(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"to", "saturate", NULL};
    int64_t to;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "to", 0, &to)) != ZKB_OK)
        return st;
    if (to != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Cast of the activation to another type than "
                              "FLOAT is not supported");
    return ZKB_OK;
}

/* ---- dispatch ------------------------------------------------------------------------- */

int zkbi_onnx_fuse(zkbi_onnx_imp *im, zkb_status *st)
{
    const Onnx__NodeProto *n = im->node;
    int ml = ml_domain(n);
    if (!ml && !zkbi_onnx_default_domain(n->domain))
        return 0;
    size_t data = 0;
    if (!ml && (is(n, "Add") || is(n, "Sub") || is(n, "Mul") || is(n, "Div"))) {
        if (n->n_input != 2) {
            *st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "expected 2 inputs");
            return 1;
        }
        data = n->input[1] && strcmp(n->input[1], im->cur) == 0 ? 1 : 0;
    } else if (!(ml ? is(n, "Scaler") || is(n, "LinearClassifier") || is(n, "Normalizer")
                    : is(n, "Pad") || is(n, "BatchNormalization") || is(n, "Softmax") ||
                          is(n, "LogSoftmax") || is(n, "Sigmoid") || is(n, "Cast"))) {
        return 0;
    }
    if ((*st = zkbi_onnx_chain_input(im, data)) != ZKB_OK)
        return 1;
    uint32_t open = im->affine_open;
    if (!ml && (is(n, "Add") || is(n, "Sub") || is(n, "Mul") || is(n, "Div")))
        *st = op_arith(im, data);
    else if (!ml && is(n, "BatchNormalization"))
        *st = op_batchnorm(im);
    else if (!ml && is(n, "Pad"))
        *st = op_pad(im);
    else if (!ml && is(n, "Softmax"))
        *st = op_output_fn(im, ZKB_OUTPUT_SOFTMAX);
    else if (!ml && is(n, "LogSoftmax"))
        *st = op_output_fn(im, ZKB_OUTPUT_LOG_SOFTMAX);
    else if (!ml && is(n, "Sigmoid"))
        *st = op_output_fn(im, ZKB_OUTPUT_SIGMOID);
    else if (!ml && is(n, "Cast"))
        *st = op_cast(im);
    else if (is(n, "Scaler"))
        *st = zkbi_onnx_ml_scaler(im);
    else if (is(n, "LinearClassifier"))
        *st = zkbi_onnx_ml_linear_classifier(im);
    else
        *st = zkbi_onnx_ml_normalizer(im);
    /* an affine step keeps the layer open for the next one; a pad closes it */
    if (*st == ZKB_OK && !is(n, "Pad") && !is(n, "LinearClassifier") && !is(n, "Softmax") &&
        !is(n, "LogSoftmax") && !is(n, "Sigmoid"))
        im->affine_open = open;
    return 1;
}
