/* ONNX import: the graph (constants, input, the chain of nodes, output) and
 * the model it becomes; the public entry point. See docs/onnx.md. */
#include "onnx_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkb_onnx.h"

static int const_cmp(const void *a, const void *b)
{
    return strcmp(((const zkbi_onnx_const *)a)->name, ((const zkbi_onnx_const *)b)->name);
}

int zkbi_onnx_is_constant(const Onnx__NodeProto *n)
{
    return n && n->op_type && strcmp(n->op_type, "Constant") == 0 &&
           zkbi_onnx_default_domain(n->domain);
}

/* Initializers and Constant nodes' outputs, sorted by name, names unique. */
static zkb_status collect_consts(zkbi_onnx_imp *im)
{
    static const char *const const_attrs[] = {"value", "value_float", "value_floats",
                                              "value_int", "value_ints", NULL};
    const Onnx__GraphProto *g = im->g;
    char b[72];
    size_t n = g->n_initializer;
    for (size_t i = 0; i < g->n_node; i++)
        n += zkbi_onnx_is_constant(g->node[i]);
    if (n == 0)
        return ZKB_OK;
    if (!(im->consts = calloc(n, sizeof *im->consts)))
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *t = g->initializer[i];
        if (!t || !t->name || !t->name[0])
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "initializer %zu has no name", i);
        im->consts[im->n_consts++] = (zkbi_onnx_const){t->name, t};
    }
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *nd = g->node[i];
        if (!zkbi_onnx_is_constant(nd))
            continue;
        im->node = nd;
        im->node_i = i;
        zkb_status st = zkbi_onnx_attr_check(im, const_attrs);
        if (st != ZKB_OK)
            return st;
        const Onnx__AttributeProto *a = zkbi_onnx_attr(nd, "value");
        if (nd->n_input != 0 || nd->n_output != 1 || !nd->output[0] || !nd->output[0][0])
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "expected no input and one named output");
        if (!a || !a->t)
            continue; /* value_float(s), value_int(s): folded in the walk */
        im->consts[im->n_consts++] = (zkbi_onnx_const){nd->output[0], a->t};
    }
    im->node = NULL;
    qsort(im->consts, im->n_consts, sizeof *im->consts, const_cmp);
    for (size_t i = 1; i < im->n_consts; i++)
        if (strcmp(im->consts[i - 1].name, im->consts[i].name) == 0)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "two initializers or Constant outputs are named '%s'",
                                  zkbi_printable(im->consts[i].name, b, 64));
    return ZKB_OK;
}

/* The constant `shape` is [N, d3, d1, d2] for the input [N, d1, d2, d3]. */
static int reshape_to_nchw(zkbi_onnx_imp *im, const char *shape, const int64_t *d)
{
    const Onnx__TensorProto *t = zkbi_onnx_const_find(im, shape);
    int64_t v[4];
    size_t n;
    if (!t || t->n_dims != 1 || t->dims[0] != 4 ||
        zkbi_onnx_tensor_int64s(im, t, v, 4, &n) != ZKB_OK) /* not the pattern: no error */
        return 0;
    return (v[0] == -1 || v[0] == 0 || v[0] == 1 || v[0] == d[0]) && v[1] == d[3] &&
           v[2] == d[1] && v[3] == d[2];
}

/* The single graph input that is not an initializer: its shape becomes the
 * model's input; *nhwc when the graph begins with Transpose perm [0,3,1,2]. */
static zkb_status graph_input(zkbi_onnx_imp *im, uint32_t dims[3], int *rank)
{
    const Onnx__GraphProto *g = im->g;
    const Onnx__ValueInfoProto *in = NULL;
    char b[72], b2[72], tb[32];
    size_t n_real = 0;
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *v = g->input[i];
        if (!v || !v->name || !v->name[0])
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "graph input %zu has no name", i);
        if (zkbi_onnx_const_find(im, v->name))
            continue; /* IR version < 4 lists initializers as inputs too */
        if (n_real++ == 0)
            in = v;
        else if (n_real == 2)
            zkbi_printable(v->name, b2, 64);
    }
    if (!in)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the graph has no input (besides initializers)");
    const char *name = zkbi_printable(in->name, b, 64);
    if (n_real > 1)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "the graph has %zu inputs ('%s', '%s', ...); only one is supported",
                              n_real, name, b2);
    const Onnx__TypeProto *tp = in->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "graph input '%s' is not a tensor", name);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (tt->has_elem_type && tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED,
                              "graph input '%s' has element type %s; only FLOAT is supported",
                              name, zkbi_onnx_dtype_name(tt->elem_type, tb, sizeof tb));
    const Onnx__TensorShapeProto *sh = tt->shape;
    if (!sh)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "graph input '%s' has no shape", name);
    if (sh->n_dim != 2 && sh->n_dim != 4)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "graph input '%s' has %zu dimensions; supported: [N, C, H, W], "
                              "[N, H, W, C] followed by Transpose, and [N, features]",
                              name, sh->n_dim);
    int64_t d[4];
    for (size_t i = 0; i < sh->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = sh->dim[i];
        int known = dm && dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d[i] = known ? dm->dim_value : -1;
        if (i == 0) { /* batch: any static size, or dynamic */
            if (known && dm->dim_value < 1 && dm->dim_value != -1)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                      "graph input '%s': batch dimension %" PRId64, name,
                                      dm->dim_value);
            im->batch = d[0];
            continue;
        }
        if (!known)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "graph input '%s': dimension %zu is not a fixed size; only the "
                                  "batch dimension may be dynamic",
                                  name, i);
        if (d[i] < 1 || d[i] > ZKBI_DIM_MAX)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "graph input '%s': dimension %zu is %" PRId64
                                  " (must be in 1..%u)",
                                  name, i, d[i], ZKBI_DIM_MAX);
    }
    *rank = (int)sh->n_dim;
    im->cur = in->name;
    im->cur_from = -1;
    if (sh->n_dim == 2) {
        dims[0] = dims[1] = 1;
        dims[2] = (uint32_t)d[1];
        return ZKB_OK;
    }
    /* NHWC input: the first node (Constants aside) is Transpose perm [0,3,1,2],
     * or, with one channel, a Reshape to [N, 1, H, W] (tf2onnx). */
    static const int64_t to_nchw[] = {0, 3, 1, 2};
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (zkbi_onnx_is_constant(n))
            continue;
        const Onnx__AttributeProto *p = zkbi_onnx_attr(n, "perm");
        int first_reads_input = n && n->op_type && zkbi_onnx_default_domain(n->domain) &&
                                n->n_input >= 1 && n->input[0] &&
                                strcmp(n->input[0], in->name) == 0;
        int transpose = first_reads_input && strcmp(n->op_type, "Transpose") == 0 && p &&
                        p->n_ints == 4 && memcmp(p->ints, to_nchw, sizeof to_nchw) == 0;
        int reshape = first_reads_input && d[3] == 1 && strcmp(n->op_type, "Reshape") == 0 &&
                      n->n_input == 2 && reshape_to_nchw(im, n->input[1], d);
        if (transpose || reshape) {
            im->nhwc = 1;
            dims[0] = (uint32_t)d[3];
            dims[1] = (uint32_t)d[1];
            dims[2] = (uint32_t)d[2];
            return ZKB_OK;
        }
        break;
    }
    dims[0] = (uint32_t)d[1];
    dims[1] = (uint32_t)d[2];
    dims[2] = (uint32_t)d[3];
    return ZKB_OK;
}

/* The chosen output must be the end of the chain; its declared size per
 * sample, when fully known, must match. */
static zkb_status graph_output(zkbi_onnx_imp *im, uint64_t classes)
{
    char b[72], b2[72];
    zkbi_printable(im->score, b, 64);
    if (strcmp(im->score, im->cur) != 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "the output '%s' is not the end of the chain of nodes ('%s'); "
                              "only a single chain is supported",
                              b, zkbi_printable(im->cur, b2, 64));
    const Onnx__ValueInfoProto *o = im->score_info;
    const Onnx__TensorShapeProto *sh =
        o && o->type && o->type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE &&
                o->type->tensor_type
            ? o->type->tensor_type->shape
            : NULL;
    if (!sh || sh->n_dim < 2)
        return ZKB_OK;
    uint64_t per = 1;
    for (size_t i = 1; i < sh->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *dm = sh->dim[i];
        if (!dm || dm->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
            dm->dim_value < 1 || __builtin_mul_overflow(per, (uint64_t)dm->dim_value, &per))
            return ZKB_OK; /* not fully known */
    }
    if (per != classes)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "the graph output '%s' is declared with %" PRIu64
                              " values per sample, but the imported model computes %" PRIu64,
                              b, per, classes);
    return ZKB_OK;
}

static zkb_status walk(zkbi_onnx_imp *im)
{
    const Onnx__GraphProto *g = im->g;
    zkb_status st;
    if ((st = zkbi_onnx_note_shape(im, im->cur)) != ZKB_OK)
        return st;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        im->node_i = i;
        im->node = n;
        if (!n || !n->op_type)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "node without an operator type");
        if (zkbi_onnx_is_constant(n) && n->n_output == 1 && zkbi_onnx_const_find(im, n->output[0]))
            continue; /* collected before the walk */
        if (!im->live[i])
            continue; /* only an output left out needs it */
        if (zkbi_onnx_fold(im, &st)) {
            if (st != ZKB_OK)
                return st;
            continue;
        }
        const zkbi_onnx_opinfo *info = zkbi_onnx_opinfo_find(n->domain, n->op_type);
        if (!info)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "unsupported operator; supported: %s",
                                  zkbi_onnx_op_list());
        im->out_index = 0;
        if (!zkbi_onnx_fuse(im, &st))
            st = zkbi_onnx_node(im, info);
        if (st != ZKB_OK)
            return st;
        if (n->n_output <= im->out_index || !n->output[im->out_index] ||
            !n->output[im->out_index][0])
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "no output %zu", im->out_index);
        im->cur = n->output[im->out_index];
        im->cur_from = (long)i;
        if ((st = zkbi_onnx_note_shape(im, im->cur)) != ZKB_OK)
            return st;
    }
    im->node = NULL;
    if (im->pre.a)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the input normalization (Sub, Div, Mul, Add, "
                              "Scaler or BatchNormalization on the input) is not followed by a "
                              "Gemm, MatMul or Conv to fold it into");
    return ZKB_OK;
}

/* Model name: the graph's, else the source's base name without ".onnx". */
static char *model_name(const char *graph_name, const char *src)
{
    char buf[ZKBI_NAME_MAX + 1];
    const char *s = graph_name;
    size_t n = 0;
    if (!s || !s[0]) {
        s = src ? strrchr(src, '/') : NULL;
        s = s ? s + 1 : src ? src : "";
    }
    for (; s[n] && n < ZKBI_NAME_MAX; n++)
        buf[n] = (s[n] >= 0x20 && s[n] < 0x7f) ? s[n] : '_';
    buf[n] = '\0';
    if (s != graph_name && n > 5 && strcmp(buf + n - 5, ".onnx") == 0)
        buf[n - 5] = '\0';
    return strdup(buf[0] ? buf : "onnx_model");
}

static char *model_metadata(const zkbi_onnx_imp *im, const Onnx__ModelProto *mp)
{
    char b[72];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "source", "onnx");
    if (mp->producer_name && mp->producer_name[0])
        cJSON_AddStringToObject(o, "producer", zkbi_printable(mp->producer_name, b, 64));
    if (mp->producer_version && mp->producer_version[0])
        cJSON_AddStringToObject(o, "producer_version", zkbi_printable(mp->producer_version, b, 64));
    if (mp->has_ir_version)
        cJSON_AddNumberToObject(o, "ir_version", (double)mp->ir_version);
    cJSON_AddNumberToObject(o, "opset", (double)zkbi_onnx_opset(mp));
    if (zkbi_onnx_steps_json(im, o) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* The graph's name becomes the model's: like a JSON model's name, it may not
 * hold a control character (the decoder would cut it at a NUL). */
static zkb_status check_graph_name(zkbi_onnx_imp *im)
{
    const uint8_t *p;
    size_t n;
    if (zkbi_onnx_graph_name_bytes(im->raw, im->raw_len, &p, &n) != 1)
        return ZKB_OK;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] != 0x7f)
            continue;
        char b[68];
        size_t k = 0;
        for (; k < n && k < 64; k++)
            b[k] = p[k] >= 0x20 && p[k] < 0x7f ? (char)p[k] : '?';
        b[k] = '\0';
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the graph name '%s%s' holds a control character "
                              "(0x%02x at byte %zu); model names may not contain control "
                              "characters", b, n > 64 ? "..." : "", p[i], i);
    }
    return ZKB_OK;
}

static zkb_status import(zkbi_onnx_imp *im, const Onnx__ModelProto *mp, zkb_model **out)
{
    zkb_status st;
    uint32_t dims[3] = {0, 0, 0};
    int rank = 0;
    int64_t opset = zkbi_onnx_opset(mp);
    if (opset == 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "no opset_import for the default ONNX domain");
    if (opset < ZKBI_ONNX_OPSET_MIN)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED, "opset %" PRId64 " is not supported (%d or "
                              "newer)", opset, ZKBI_ONNX_OPSET_MIN);
    if (opset > ZKBI_ONNX_OPSET_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED, "opset %" PRId64 " is not supported: the "
                              "importer knows opsets %d to %d (ONNX 1.23)", opset,
                              ZKBI_ONNX_OPSET_MIN, ZKBI_ONNX_OPSET_MAX);
    im->opset = opset;
    if ((st = check_graph_name(im)) != ZKB_OK || (st = collect_consts(im)) != ZKB_OK ||
        (st = graph_input(im, dims, &rank)) != ZKB_OK ||
        (st = zkbi_onnx_check_names(im)) != ZKB_OK || (st = zkbi_onnx_choose_output(im)) != ZKB_OK)
        return st;
    im->s = (zkbi_shape){dims[0], dims[1], dims[2], 0};
    if (rank == 2) { /* the IR input is [1][1][F], never flat */
        zkb_layer_desc d = {0};
        zkbi_layer *L;
        d.op = ZKB_OP_FLATTEN;
        if ((st = zkbi_onnx_push(im, &d, &L)) != ZKB_OK)
            return st;
    }
    if ((st = walk(im)) != ZKB_OK)
        return st;
    if (im->perm_c || (im->nhwc && im->s.c > 1 && (uint64_t)im->s.h * im->s.w > 1))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "the graph ends with an NHWC activation (after a Transpose with perm "
                              "[0, 2, 3, 1]); its order differs from the IR's channel-major "
                              "order, which is only handled before a Gemm or MatMul");
    uint64_t classes = (uint64_t)im->s.c * im->s.h * im->s.w;
    if ((st = graph_output(im, classes)) != ZKB_OK)
        return st;
    if (im->n_layers == 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the graph has no layers");
    if (classes > ZKBI_DIM_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW, "the model outputs %" PRIu64
                              " values (classes at most %u)", classes, ZKBI_DIM_MAX);

    zkb_model *m = zkbi_model_alloc(im->n_layers);
    if (!m)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < im->n_layers; i++) { /* the model takes the arrays */
        m->layers[i].d = im->layers[i].d;
        m->layers[i].w = im->layers[i].w;
        m->layers[i].b = im->layers[i].b;
        m->layers[i].d.weights = m->layers[i].w;
        m->layers[i].d.bias = m->layers[i].b;
        im->layers[i].w = im->layers[i].b = NULL;
    }
    m->in_c = dims[0];
    m->in_h = dims[1];
    m->in_w = dims[2];
    m->classes = (uint32_t)classes;
    char why[512];
    m->output_fn = im->output_fn;
    if (!(m->name = model_name(im->g->name, im->src)) || !(m->metadata = model_metadata(im, mp)))
        st = zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    else if ((st = zkbi_model_finish(m, why, sizeof why)) != ZKB_OK)
        st = zkbi_onnx_fail(im, st, "%s", why);
    if (st != ZKB_OK) {
        zkb_model_free(m);
        return st;
    }
    *out = m;
    return ZKB_OK;
}

zkb_status zkbi_onnx_parse(const uint8_t *buf, size_t len, const char *src, zkb_model **out,
                           char *err, size_t errlen)
{
    if (!out || (!buf && len)) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    if (!src)
        src = "<onnx>";
    zkbi_onnx_file f;
    zkb_status st = zkbi_onnx_file_decode(&f, buf, len, src, err, errlen);
    if (st != ZKB_OK)
        return st;
    zkbi_onnx_imp im;
    memset(&im, 0, sizeof im);
    im.src = src;
    im.err = err;
    im.errlen = errlen;
    im.g = f.model->graph;
    im.raw = buf;
    im.raw_len = len;
    st = import(&im, f.model, out);
    for (uint32_t i = 0; i < im.n_layers; i++) {
        free(im.layers[i].w);
        free(im.layers[i].b);
    }
    free(im.layers);
    free(im.consts);
    zkbi_onnx_map_free(&im.folded);
    zkbi_onnx_map_free(&im.shapes);
    for (size_t i = 0; i < im.n_owned; i++)
        free(im.owned[i]);
    free(im.owned);
    free(im.live);
    free(im.pre.a);
    free(im.pre.b);
    zkbi_onnx_steps_free(&im);
    zkbi_onnx_file_free(&f);
    return st;
}

/* ---- public entry point --------------------------------------------------------------------- */

zkb_status zkb_model_load_onnx(zkb_ctx *ctx, const char *path, zkb_model **out)
{
    char err[ZKBI_ERR_LEN];
    err[0] = '\0';
    zkb_status st;
    if (!out || !path) {
        st = ZKB_ERR_INVALID_ARG;
        zkbi_errf(err, sizeof err, "zkb_model_load_onnx: NULL argument");
        goto fail;
    }
    *out = NULL;
    char *buf;
    size_t len;
    if ((st = zkbi_read_file(path, ZKBI_MODEL_FILE_MAX, &buf, &len, err, sizeof err)) != ZKB_OK)
        goto fail;
    zkb_model *m = NULL;
    st = zkbi_onnx_parse((const uint8_t *)buf, len, path, &m, err, sizeof err);
    free(buf);
    if (st != ZKB_OK)
        goto fail;
    if (!(m->source_path = strdup(path))) {
        zkb_model_free(m);
        st = ZKB_ERR_NOMEM;
        zkbi_errf(err, sizeof err, "%s: out of memory", path);
        goto fail;
    }
    m->desc.source_path = m->source_path;
    *out = m;
    return ZKB_OK;
fail:
    return ctx ? zkbi_ctx_fail(ctx, st, "%s", err) : st;
}
