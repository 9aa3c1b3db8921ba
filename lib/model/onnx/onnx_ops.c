/* ONNX import: one node at a time, onto the model IR (docs/onnx.md). */
#include "onnx_int.h"

#include "zkmlbench/zkb_onnx.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const no_attrs[] = {NULL};

zkb_status zkbi_onnx_push(zkbi_onnx_imp *im, zkb_layer_desc *d, zkbi_layer **out)
{
    char why[512];
    uint64_t macs = 0;
    zkb_status st;
    if ((st = zkbi_onnx_before_layer(im, d->op)) != ZKB_OK)
        return st;
    if (im->n_layers >= ZKBI_LAYERS_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW, "the model would have more than %u layers",
                              ZKBI_LAYERS_MAX);
    if (im->n_layers == im->cap_layers) {
        uint32_t cap = im->cap_layers ? im->cap_layers * 2 : 16;
        zkbi_layer *l = realloc(im->layers, cap * sizeof *l);
        if (!l)
            return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
        im->layers = l;
        im->cap_layers = cap;
    }
    if ((st = zkbi_layer_infer(d, &im->s, &macs, why, sizeof why)) != ZKB_OK)
        return zkbi_onnx_fail(im, st, "%s", why);
    if (d->n_weights + d->n_bias > ZKBI_PARAMS_MAX - im->params) /* both <= 2^28 + 2^20 */
        return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW,
                              "the model would have more than %" PRIu64 " parameters",
                              ZKBI_PARAMS_MAX);
    im->params += d->n_weights + d->n_bias;
    zkbi_layer *L = &im->layers[im->n_layers];
    memset(L, 0, sizeof *L);
    L->d = *d;
    L->d.struct_size = sizeof L->d;
    im->n_layers++; /* from here on the layer's arrays are freed with the others */
    int weighted = d->op == ZKB_OP_DENSE || d->op == ZKB_OP_CONV2D;
    im->affine_open = weighted ? im->n_layers : 0;
    im->nonneg = d->op == ZKB_OP_RELU ? 1 : weighted ? 0 : im->nonneg;
    if ((d->n_weights && !(L->w = calloc(d->n_weights, sizeof *L->w))) ||
        (d->n_bias && !(L->b = calloc(d->n_bias, sizeof *L->b))))
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    *out = L;
    return ZKB_OK;
}

static zkb_status push_plain(zkbi_onnx_imp *im, uint32_t op)
{
    zkb_layer_desc d = {0};
    zkbi_layer *L = NULL;
    d.op = op;
    return zkbi_onnx_push(im, &d, &L);
}

static void act_str(const zkbi_onnx_imp *im, char *buf, size_t n)
{
    if (im->s.flat)
        snprintf(buf, n, "2-D [N, %" PRIu32 "]", im->s.w);
    else if (im->nhwc)
        snprintf(buf, n, "4-D NHWC [N, %" PRIu32 ", %" PRIu32 ", %" PRIu32 "]", im->s.h, im->s.w,
                 im->s.c);
    else
        snprintf(buf, n, "4-D [N, %" PRIu32 ", %" PRIu32 ", %" PRIu32 "]", im->s.c, im->s.h,
                 im->s.w);
}

/* The input must be a 4-D NCHW activation. */
static zkb_status need_nchw(zkbi_onnx_imp *im)
{
    char a[96];
    act_str(im, a, sizeof a);
    if (im->s.flat)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "needs a 4-D input [N, C, H, W], but its input is %s", a);
    if (im->nhwc)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "needs an NCHW input, but its input is %s (after a Transpose with "
                              "perm [0, 2, 3, 1])",
                              a);
    return ZKB_OK;
}

static int ints_eq(const int64_t *v, size_t n, const int64_t *w, size_t m)
{
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != w[i])
            return 0;
    return 1;
}

static void ints_str(const int64_t *v, size_t n, char *buf, size_t len)
{
    Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
    t.n_dims = n;
    t.dims = (int64_t *)(uintptr_t)v;
    zkbi_onnx_dims_str(&t, buf, len);
}

/* ---- windows: pads, auto_pad, dilations, strides, kernel_shape ----------------------- */

/* Dilated windows are not supported; padding becomes a pad2d layer. */
static zkb_status no_dilation(zkbi_onnx_imp *im)
{
    char b[128];
    const int64_t *v;
    size_t n;
    zkb_status st;
    if ((st = zkbi_onnx_attr_ints(im, "dilations", &v, &n)) != ZKB_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        if (v[i] != 1) {
            ints_str(v, n, b, sizeof b);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "dilations %s are not supported (only 1)", b);
        }
    return ZKB_OK;
}

/* A pair attribute ("strides", "kernel_shape") of 2 values in 1..ZKBI_DIM_MAX;
 * absent: def (0: required). */
static zkb_status pair(zkbi_onnx_imp *im, const char *name, uint32_t def, uint32_t *a,
                       uint32_t *b)
{
    const int64_t *v;
    size_t n;
    char s[128];
    zkb_status st = zkbi_onnx_attr_ints(im, name, &v, &n);
    if (st != ZKB_OK)
        return st;
    if (n == 0) {
        if (!def)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "attribute %s is missing", name);
        *a = *b = def;
        return ZKB_OK;
    }
    ints_str(v, n, s, sizeof s);
    if (n != 2)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "%s %s: expected 2 values (only 2-D windows are supported)", name, s);
    if (v[0] < 1 || v[1] < 1 || v[0] > ZKBI_DIM_MAX || v[1] > ZKBI_DIM_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s %s: values must be in 1..%u", name, s,
                              ZKBI_DIM_MAX);
    *a = (uint32_t)v[0];
    *b = (uint32_t)v[1];
    return ZKB_OK;
}

/* ---- dense: Gemm, MatMul, and the bias of a following Add --------------------------- */

/* IR input index i -> index in the ONNX flat vector (HWC order after NHWC). */
static uint64_t col(const zkbi_onnx_imp *im, uint64_t i)
{
    if (!im->perm_c)
        return i;
    uint64_t hw = (uint64_t)im->perm_h * im->perm_w;
    uint64_t c = i / hw, r = i % hw;
    return r * im->perm_c + c; /* ((y*W + x)*C + c), r = y*W + x */
}

/* Dense layer from the 2-D constant input 1: [K][M] (transB 0) or [M][K]. */
static zkb_status dense(zkbi_onnx_imp *im, int transB, zkbi_layer **out)
{
    const Onnx__TensorProto *B;
    char a[96], ds[128], nb[72];
    zkb_status st;
    if (im->s.flat == 0) {
        act_str(im, a, sizeof a);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "needs a 2-D input [N, K], but its input is %s; add a Flatten "
                              "before it",
                              a);
    }
    if ((st = zkbi_onnx_const_input(im, 1, "weights B", &B)) != ZKB_OK)
        return st;
    uint64_t numel;
    if ((st = zkbi_onnx_tensor_numel(im, B, &numel)) != ZKB_OK)
        return st;
    zkbi_onnx_dims_str(B, ds, sizeof ds);
    zkbi_printable(B->name, nb, 64);
    if (B->n_dims != 2 || B->dims[0] < 1 || B->dims[1] < 1)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "weights '%s' have shape %s; expected 2-D %s", nb,
                              ds, transB ? "[M, K]" : "[K, M]");
    int64_t K = transB ? B->dims[1] : B->dims[0], M = transB ? B->dims[0] : B->dims[1];
    if (K != (int64_t)im->s.w)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "weights '%s' have shape %s (%" PRId64
                              " inputs%s), but the input has %" PRIu32 " features",
                              nb, ds, K, transB ? ", transB=1" : "", im->s.w);
    if (M > ZKBI_DIM_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "weights '%s' have shape %s: %" PRId64
                              " outputs is more than %u", nb, ds, M, ZKBI_DIM_MAX);
    zkb_layer_desc d = {0};
    d.op = ZKB_OP_DENSE;
    d.out_w = (uint32_t)M;
    zkbi_layer *L = NULL;
    if ((st = zkbi_onnx_push(im, &d, &L)) != ZKB_OK)
        return st;
    float *bt;
    if ((st = zkbi_onnx_tensor_floats(im, B, numel, &bt)) != ZKB_OK)
        return st;
    uint64_t k = (uint64_t)K, m = (uint64_t)M;
    for (uint64_t o = 0; o < m; o++)
        for (uint64_t i = 0; i < k; i++) {
            uint64_t c = col(im, i);
            L->w[o * k + i] = transB ? bt[o * k + c] : bt[c * m + o];
        }
    free(bt);
    im->perm_c = im->perm_h = im->perm_w = 0;
    *out = L;
    return zkbi_onnx_absorb_input_affine(im, L);
}

/* Bias of layer L (dense: act [N, M]; conv2d: [N, M, H, W]) from constant t,
 * ONNX-broadcast along the channel axis only; rank 2 for Conv's own B, [M]. */
static zkb_status bias_from(zkbi_onnx_imp *im, zkbi_layer *L, const Onnx__TensorProto *t,
                            const char *what, size_t rank)
{
    int conv = rank == 4;
    uint32_t M = L->d.op == ZKB_OP_CONV2D ? L->d.out_c : L->d.out_w;
    uint64_t numel;
    char ds[128], nb[72];
    zkb_status st = zkbi_onnx_tensor_numel(im, t, &numel);
    if (st != ZKB_OK)
        return st;
    int ok = t->n_dims <= rank && (numel == 1 || numel == M);
    for (size_t j = 0; ok && j < t->n_dims; j++) {
        size_t axis = rank - t->n_dims + j;
        ok = t->dims[j] == 1 || (axis == 1 && t->dims[j] == (int64_t)M);
    }
    if (!ok) {
        zkbi_onnx_dims_str(t, ds, sizeof ds);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "%s '%s' has shape %s; expected %s%" PRIu32 "%s (or a single value)",
                              what, zkbi_printable(t->name, nb, 64), ds, conv ? "[1, " : "[",
                              M, conv ? ", 1, 1]" : "] or [1, M]");
    }
    float *v;
    if ((st = zkbi_onnx_tensor_floats(im, t, numel, &v)) != ZKB_OK)
        return st;
    for (uint32_t k = 0; k < M; k++) /* += : an input normalization may be folded in already */
        L->b[k] += v[numel == 1 ? 0 : k];
    free(v);
    for (uint32_t k = 0; k < M; k++)
        if (!isfinite(L->b[k]))
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s '%s' added to the folded bias overflows "
                                  "float32 (output %" PRIu32 ")", what,
                                  zkbi_printable(t->name, nb, 64), k);
    return ZKB_OK;
}

static int has_input(const Onnx__NodeProto *n, size_t i)
{
    return i < n->n_input && n->input[i] && n->input[i][0];
}

static zkb_status op_gemm(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"alpha", "beta", "transA", "transB", NULL};
    int64_t ta, tb;
    float alpha, beta;
    zkb_status st;
    zkbi_layer *L = NULL;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "transA", 0, &ta)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "transB", 0, &tb)) != ZKB_OK ||
        (st = zkbi_onnx_attr_float(im, "alpha", 1.0f, &alpha)) != ZKB_OK ||
        (st = zkbi_onnx_attr_float(im, "beta", 1.0f, &beta)) != ZKB_OK)
        return st;
    int has_c = has_input(im->node, 2);
    if (ta != 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "transA=%" PRId64 " is not supported (only 0)",
                              ta);
    if (tb != 0 && tb != 1)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "transB=%" PRId64 " is not 0 or 1", tb);
    if (alpha != 1.0f)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "alpha=%g is not supported (only 1)", alpha);
    if (has_c && beta != 1.0f)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "beta=%g is not supported (only 1)", beta);
    if ((st = dense(im, (int)tb, &L)) != ZKB_OK)
        return st;
    if (!has_c)
        return ZKB_OK;
    const Onnx__TensorProto *C;
    if ((st = zkbi_onnx_const_input(im, 2, "bias C", &C)) != ZKB_OK)
        return st;
    return bias_from(im, L, C, "bias C", 2);
}

static zkb_status op_matmul(zkbi_onnx_imp *im)
{
    zkbi_layer *L = NULL;
    zkb_status st = zkbi_onnx_attr_check(im, no_attrs);
    if (st == ZKB_OK)
        st = dense(im, 0, &L);
    return st;
}

/* ---- conv and pools ------------------------------------------------------------------------ */

static zkb_status op_conv(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"auto_pad", "dilations", "group", "kernel_shape",
                                        "pads",     "strides",   NULL};
    const Onnx__TensorProto *W, *B;
    const int64_t *ks;
    size_t nks;
    int64_t group;
    char ds[128], nb[72], b2[128];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK || (st = need_nchw(im)) != ZKB_OK ||
        (st = no_dilation(im)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "group", 1, &group)) != ZKB_OK)
        return st;
    if (group != 1)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "group=%" PRId64 " is not supported (only 1: no grouped or depthwise "
                              "convolution)",
                              group);
    if ((st = zkbi_onnx_const_input(im, 1, "weights W", &W)) != ZKB_OK)
        return st;
    uint64_t numel;
    if ((st = zkbi_onnx_tensor_numel(im, W, &numel)) != ZKB_OK)
        return st;
    zkbi_onnx_dims_str(W, ds, sizeof ds);
    zkbi_printable(W->name, nb, 64);
    if (W->n_dims != 4)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "weights '%s' have shape %s; only 2-D convolution with weights [M, "
                              "C, kH, kW] is supported",
                              nb, ds);
    for (int i = 0; i < 4; i++)
        if (W->dims[i] < 1 || W->dims[i] > ZKBI_DIM_MAX)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "weights '%s' have shape %s: dimensions must "
                                  "be in 1..%u", nb, ds, ZKBI_DIM_MAX);
    if (W->dims[1] != (int64_t)im->s.c)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "weights '%s' have shape %s (%" PRId64 " input channels), but the "
                              "input has %" PRIu32 " channels",
                              nb, ds, W->dims[1], im->s.c);
    if ((st = zkbi_onnx_attr_ints(im, "kernel_shape", &ks, &nks)) != ZKB_OK)
        return st;
    if (nks && !ints_eq(ks, nks, W->dims + 2, 2)) {
        ints_str(ks, nks, b2, sizeof b2);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "kernel_shape %s does not match weights '%s' %s",
                              b2, nb, ds);
    }
    zkb_layer_desc d = {0};
    d.op = ZKB_OP_CONV2D;
    d.out_c = (uint32_t)W->dims[0];
    d.kernel_h = (uint32_t)W->dims[2];
    d.kernel_w = (uint32_t)W->dims[3];
    if ((st = pair(im, "strides", 1, &d.stride_h, &d.stride_w)) != ZKB_OK ||
        (st = zkbi_onnx_window_pads(im, ZKB_OP_CONV2D, d.kernel_h, d.kernel_w, d.stride_h,
                                    d.stride_w)) != ZKB_OK)
        return st;
    zkbi_layer *L = NULL;
    float *w;
    if ((st = zkbi_onnx_push(im, &d, &L)) != ZKB_OK ||
        (st = zkbi_onnx_tensor_floats(im, W, numel, &w)) != ZKB_OK)
        return st;
    free(L->w); /* [M][C][kH][kW] is the IR's layout */
    L->w = w;
    if ((st = zkbi_onnx_absorb_input_affine(im, L)) != ZKB_OK)
        return st;
    if (!has_input(im->node, 2))
        return ZKB_OK;
    if ((st = zkbi_onnx_const_input(im, 2, "bias B", &B)) != ZKB_OK)
        return st;
    if (B->n_dims != 1 || B->dims[0] != W->dims[0]) {
        zkbi_onnx_dims_str(B, ds, sizeof ds);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "bias B '%s' has shape %s; expected [%" PRId64 "]",
                              zkbi_printable(B->name, nb, 64), ds, W->dims[0]);
    }
    return bias_from(im, L, B, "bias B", 2); /* checked: [M] */
}

static zkb_status op_pool(zkbi_onnx_imp *im, uint32_t op, int global)
{
    static const char *const avg_attrs[] = {"auto_pad",     "ceil_mode", "count_include_pad",
                                            "dilations",    "kernel_shape", "pads",
                                            "strides",      NULL};
    static const char *const max_attrs[] = {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                            "pads",     "storage_order", "strides", NULL};
    zkb_status st;
    zkb_layer_desc d = {0};
    zkbi_layer *L = NULL;
    d.op = op;
    if ((st = zkbi_onnx_attr_check(im, global ? no_attrs
                                          : op == ZKB_OP_MAXPOOL2D ? max_attrs : avg_attrs)) !=
            ZKB_OK ||
        (st = need_nchw(im)) != ZKB_OK)
        return st;
    if (global) { /* one window over the whole plane */
        d.kernel_h = d.stride_h = im->s.h;
        d.kernel_w = d.stride_w = im->s.w;
        return zkbi_onnx_push(im, &d, &L);
    }
    int64_t ceil_mode;
    if ((st = no_dilation(im)) != ZKB_OK ||
        (st = pair(im, "kernel_shape", 0, &d.kernel_h, &d.kernel_w)) != ZKB_OK ||
        (st = pair(im, "strides", 1, &d.stride_h, &d.stride_w)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "ceil_mode", 0, &ceil_mode)) != ZKB_OK ||
        (st = zkbi_onnx_window_pads(im, op, d.kernel_h, d.kernel_w, d.stride_h, d.stride_w)) !=
            ZKB_OK)
        return st;
    if (ceil_mode != 0 && d.kernel_h <= im->s.h && d.kernel_w <= im->s.w &&
        ((im->s.h - d.kernel_h) % d.stride_h || (im->s.w - d.kernel_w) % d.stride_w))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "ceil_mode=%" PRId64 " adds partial windows here; only windows "
                              "that fit (floor output sizes) are supported",
                              ceil_mode);
    return zkbi_onnx_push(im, &d, &L);
}

/* ---- shape and layout ------------------------------------------------------------------ */

static zkb_status flatten(zkbi_onnx_imp *im)
{
    if (im->s.flat)
        return ZKB_OK;
    if (im->nhwc) {
        /* [N, H, W, C] flattened: HWC order; the next dense layer is permuted. */
        if (im->s.c > 1 && (uint64_t)im->s.h * im->s.w > 1) {
            im->perm_c = im->s.c;
            im->perm_h = im->s.h;
            im->perm_w = im->s.w;
        }
        im->nhwc = 0;
    }
    return push_plain(im, ZKB_OP_FLATTEN);
}

static zkb_status op_flatten(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"axis", NULL};
    int64_t axis;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "axis", 1, &axis)) != ZKB_OK)
        return st;
    int64_t rank = im->s.flat ? 2 : 4;
    if (axis != 1 && axis + rank != 1)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "axis=%" PRId64 " is not supported (only 1: [N, ...] -> [N, -1])",
                              axis);
    return flatten(im);
}

/* A 4-D Reshape that keeps the values in place: to the same shape, or
 * between NCHW and NHWC where one channel (or one position) makes the two
 * orders the same (tf2onnx writes Reshape instead of Transpose then). */
static int reshape_4d(zkbi_onnx_imp *im, const int64_t *v)
{
    int64_t c = im->s.c, h = im->s.h, w = im->s.w;
    int64_t have[3] = {im->nhwc ? h : c, im->nhwc ? w : h, im->nhwc ? c : w};
    int batch_ok = v[0] == 0 || v[0] == -1 || (v[0] == 1 && im->batch <= 1) ||
                   (im->batch > 0 && v[0] == im->batch);
    if (!batch_ok)
        return 0;
    int same = 1, nchw = 1, nhwc = 1;
    for (int k = 0; k < 3; k++) {
        int64_t t = v[k + 1] == 0 ? have[k] : v[k + 1];
        same = same && t == have[k];
    }
    nchw = v[1] == c && v[2] == h && v[3] == w;
    nhwc = v[1] == h && v[2] == w && v[3] == c;
    if (same)
        return 1;
    if (c != 1 && h * w != 1)
        return 0;
    if (im->nhwc && nchw) {
        im->nhwc = 0;
        return 1;
    }
    if (!im->nhwc && nhwc) {
        im->nhwc = 1;
        return 1;
    }
    return 0;
}

static zkb_status op_reshape(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"allowzero", NULL};
    const Onnx__TensorProto *t;
    int64_t v[8], allowzero;
    size_t n;
    char a[96], b[128];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "allowzero", 0, &allowzero)) != ZKB_OK ||
        (st = zkbi_onnx_const_input(im, 1, "shape", &t)) != ZKB_OK ||
        (st = zkbi_onnx_tensor_int64s(im, t, v, 8, &n)) != ZKB_OK)
        return st;
    uint64_t total = (uint64_t)im->s.c * im->s.h * im->s.w;
    if (n == 4 && !im->s.flat && !allowzero && reshape_4d(im, v))
        return ZKB_OK;
    /* ONNX dims of the input after the batch */
    int64_t d1 = im->s.flat ? im->s.w : im->nhwc ? im->s.h : im->s.c;
    int ok = n == 2 && !(allowzero && (v[0] == 0 || v[1] == 0));
    if (ok) {
        int64_t t1 = v[1] == 0 ? d1 : v[1];
        if (v[0] == -1)
            ok = t1 > 0 && (uint64_t)t1 == total;
        else
            ok = (v[0] == 0 || (v[0] == 1 && im->batch <= 1) ||
                  (im->batch > 0 && v[0] == im->batch)) &&
                 (t1 == -1 || (t1 > 0 && (uint64_t)t1 == total));
    }
    if (!ok) {
        act_str(im, a, sizeof a);
        ints_str(v, n, b, sizeof b);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "Reshape of %s to %s%s is not supported: only flattening to [N, -1] "
                              "or [N, %" PRIu64 "]",
                              a, b, allowzero ? " with allowzero=1" : "", total);
    }
    return flatten(im);
}

static zkb_status op_transpose(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"perm", NULL};
    static const int64_t id2[] = {0, 1}, id4[] = {0, 1, 2, 3}, to_nhwc[] = {0, 2, 3, 1},
                         to_nchw[] = {0, 3, 1, 2};
    const int64_t *p;
    size_t n;
    char a[96], b[128];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_ints(im, "perm", &p, &n)) != ZKB_OK)
        return st;
    if (im->s.flat ? ints_eq(p, n, id2, 2) : ints_eq(p, n, id4, 4))
        return ZKB_OK;
    if (!im->s.flat && !im->nhwc && ints_eq(p, n, to_nhwc, 4)) {
        im->nhwc = 1;
        return ZKB_OK;
    }
    if (!im->s.flat && im->nhwc && ints_eq(p, n, to_nchw, 4)) {
        im->nhwc = 0;
        return ZKB_OK;
    }
    act_str(im, a, sizeof a);
    ints_str(p, n, b, sizeof b);
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                          "Transpose of %s with perm %s is not supported; supported: [0, 3, 1, 2] "
                          "(NHWC to NCHW) and [0, 2, 3, 1] (NCHW to NHWC, before Flatten or "
                          "Reshape)",
                          a, n ? b : "(absent: reversed axes)");
}

static zkb_status op_dropout(zkbi_onnx_imp *im)
{
    static const char *const attrs[] = {"ratio", "seed", NULL};
    const Onnx__TensorProto *t;
    zkb_status st = zkbi_onnx_attr_check(im, attrs);
    if (st == ZKB_OK && has_input(im->node, 1))
        st = zkbi_onnx_const_input(im, 1, "ratio", &t);
    if (st == ZKB_OK && has_input(im->node, 2)) {
        int training = 0;
        if ((st = zkbi_onnx_const_input(im, 2, "training_mode", &t)) == ZKB_OK &&
            (st = zkbi_onnx_tensor_bool(im, t, &training)) == ZKB_OK && training)
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Dropout in training mode is not supported");
    }
    return st;
}

/* ---- dispatch --------------------------------------------------------------------------- */

static zkb_status chain_error(zkbi_onnx_imp *im, const char *name)
{
    char a[72], b[72], from[48];
    if (im->cur_from < 0)
        snprintf(from, sizeof from, "the graph input");
    else
        snprintf(from, sizeof from, "the output of node %ld", im->cur_from);
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                          "not a single chain: it reads '%s' where '%s' (%s) is expected; only a "
                          "chain of nodes, each reading the previous one's output, is supported "
                          "(no branches or skip connections)",
                          zkbi_printable(name, a, 64), zkbi_printable(im->cur, b, 64), from);
}

static int is(const zkbi_onnx_opinfo *info, const char *type)
{
    return strcmp(info->type, type) == 0;
}

zkb_status zkbi_onnx_chain_input(zkbi_onnx_imp *im, size_t idx)
{
    const Onnx__NodeProto *n = im->node;
    if (!has_input(n, idx))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "input %zu is missing", idx);
    if (strcmp(n->input[idx], im->cur) != 0)
        return chain_error(im, n->input[idx]);
    return ZKB_OK;
}

zkb_status zkbi_onnx_node(zkbi_onnx_imp *im, const zkbi_onnx_opinfo *info)
{
    const Onnx__NodeProto *n = im->node;
    size_t max_in = 1;
    char b[72];
    if (info->map == ZKB_ONNX_MAP_FOLDED || info->map == ZKB_ONNX_MAP_OUTPUT)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "%s of a value computed from the input (known only when the model "
                              "runs) is not supported; it is taken only where it can be computed "
                              "at import time%s",
                              zkbi_printable(info->type, b, 64),
                              info->map == ZKB_ONNX_MAP_OUTPUT ? " or leaves an output out" : "");
    if (is(info, "Gemm") || is(info, "Conv") || is(info, "Dropout"))
        max_in = 3;
    else if (is(info, "MatMul") || is(info, "Reshape"))
        max_in = 2;
    if (n->n_input > max_in)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%zu inputs (at most %zu expected)", n->n_input,
                              max_in);
    zkb_status st = zkbi_onnx_chain_input(im, 0);
    if (st != ZKB_OK)
        return st;

    uint32_t open = im->affine_open;
    if (is(info, "Gemm"))
        return op_gemm(im);
    if (is(info, "MatMul"))
        return op_matmul(im);
    if (is(info, "Conv"))
        return op_conv(im);
    if (is(info, "AveragePool") || is(info, "GlobalAveragePool"))
        return op_pool(im, ZKB_OP_AVGPOOL2D, info->type[0] == 'G');
    if (is(info, "MaxPool") || is(info, "GlobalMaxPool"))
        return op_pool(im, ZKB_OP_MAXPOOL2D, info->type[0] == 'G');
    if (is(info, "Flatten"))
        return op_flatten(im);
    if (is(info, "Reshape"))
        return op_reshape(im);
    if (is(info, "Transpose"))
        return op_transpose(im);
    if (is(info, "Relu")) {
        st = zkbi_onnx_attr_check(im, no_attrs);
        return st == ZKB_OK ? push_plain(im, ZKB_OP_RELU) : st;
    }
    im->affine_open = open; /* Identity, Dropout: no layer; a bias may still follow */
    if (is(info, "Dropout"))
        return op_dropout(im);
    return zkbi_onnx_attr_check(im, no_attrs); /* Identity */
}
