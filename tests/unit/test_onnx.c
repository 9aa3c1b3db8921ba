/* ONNX import (lib/model/onnx/, docs/onnx.md). Every ONNX file here is built in C
 * with the protobuf-c code generated from third_party/onnx/onnx.proto and
 * packed to memory or a temporary file: nothing is downloaded. Imported
 * models are compared with the equivalent JSON models (fingerprint and float
 * outputs) and with hand computations; every error class is exercised. */
#include "zkbt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval/eval_int.h"
#include "onnx.pb-c.h"
#include "model/model_int.h"
#include "zkmlbench/zkb_onnx.h"
#include "zkmlbench/zkmlbench.h"

#define TINY(name) ZKB_SOURCE_DIR "/models/tiny/" name ".json"

/* ---- building ONNX models ------------------------------------------------------------- */

typedef struct ob {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    Onnx__NodeProto *nodes[32];
    Onnx__TensorProto *inits[32];
    Onnx__ValueInfoProto *inputs[4], *outputs[4];
    void *allocs[4096];
    size_t n_allocs;
} ob;

static void *ob_alloc(ob *b, size_t n)
{
    assert_true(b->n_allocs < sizeof b->allocs / sizeof b->allocs[0]);
    void *p = calloc(1, n ? n : 1);
    assert_non_null(p);
    b->allocs[b->n_allocs++] = p;
    return p;
}

static char *ob_str(ob *b, const char *s)
{
    char *p = ob_alloc(b, strlen(s) + 1);
    memcpy(p, s, strlen(s) + 1);
    return p;
}

static ob *ob_new(int64_t opset)
{
    ob *b = calloc(1, sizeof *b);
    assert_non_null(b);
    onnx__model_proto__init(&b->model);
    onnx__graph_proto__init(&b->graph);
    onnx__operator_set_id_proto__init(&b->opset);
    b->opset.domain = "";
    b->opset.has_version = 1;
    b->opset.version = opset;
    b->opsets[0] = &b->opset;
    b->model.has_ir_version = 1;
    b->model.ir_version = 8;
    b->model.producer_name = "test_onnx";
    b->model.n_opset_import = 1;
    b->model.opset_import = b->opsets;
    b->model.graph = &b->graph;
    b->graph.name = "g";
    b->graph.node = b->nodes;
    b->graph.initializer = b->inits;
    b->graph.input = b->inputs;
    b->graph.output = b->outputs;
    return b;
}

static void ob_free(ob *b)
{
    for (size_t i = 0; i < b->n_allocs; i++)
        free(b->allocs[i]);
    free(b);
}

static char **ob_strs(ob *b, const char *const *v, size_t *n)
{
    for (*n = 0; v[*n]; (*n)++)
        ;
    char **r = ob_alloc(b, *n * sizeof *r);
    for (size_t i = 0; i < *n; i++)
        r[i] = ob_str(b, v[i]);
    return r;
}

#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})

static Onnx__NodeProto *ob_node(ob *b, const char *op, const char *name, const char *const *in,
                                const char *const *out)
{
    Onnx__NodeProto *n = ob_alloc(b, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = ob_str(b, op);
    n->name = name ? ob_str(b, name) : NULL;
    n->input = ob_strs(b, in, &n->n_input);
    n->output = ob_strs(b, out, &n->n_output);
    n->attribute = ob_alloc(b, 16 * sizeof *n->attribute);
    assert_true(b->graph.n_node < 32);
    b->nodes[b->graph.n_node++] = n;
    return n;
}

static Onnx__AttributeProto *ob_attr(ob *b, Onnx__NodeProto *n, const char *name,
                                     Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = ob_alloc(b, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = ob_str(b, name);
    a->has_type = 1;
    a->type = type;
    assert_true(n->n_attribute < 16);
    n->attribute[n->n_attribute++] = a;
    return a;
}

static void attr_i(ob *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

static void attr_f(ob *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

static void attr_s(ob *b, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.data = (uint8_t *)ob_str(b, v);
    a->s.len = strlen(v);
}

#define INTS(...) ((const int64_t[]){__VA_ARGS__}), (sizeof((const int64_t[]){__VA_ARGS__}) / 8)

static void attr_is(ob *b, Onnx__NodeProto *n, const char *name, const int64_t *v, size_t k)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->ints = ob_alloc(b, k * sizeof *a->ints);
    memcpy(a->ints, v, k * sizeof *v);
    a->n_ints = k;
}

static Onnx__TensorProto *ob_tensor(ob *b, const char *name, const int64_t *dims, size_t nd)
{
    Onnx__TensorProto *t = ob_alloc(b, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = ob_str(b, name);
    t->dims = ob_alloc(b, nd * sizeof *t->dims);
    if (nd)
        memcpy(t->dims, dims, nd * sizeof *dims);
    t->n_dims = nd;
    t->has_data_type = 1;
    return t;
}

static size_t numel(const int64_t *dims, size_t nd)
{
    size_t n = 1;
    for (size_t i = 0; i < nd; i++)
        n *= (size_t)dims[i];
    return n;
}

/* A FLOAT initializer; raw: little-endian raw_data, else float_data. */
static Onnx__TensorProto *ob_floats(ob *b, const char *name, const int64_t *dims, size_t nd,
                                    const float *v, int raw)
{
    Onnx__TensorProto *t = ob_tensor(b, name, dims, nd);
    size_t n = numel(dims, nd);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (raw) {
        uint8_t *p = ob_alloc(b, 4 * n);
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, &v[i], 4);
            for (int k = 0; k < 4; k++)
                p[4 * i + (size_t)k] = (uint8_t)(u >> (8 * k));
        }
        t->has_raw_data = 1;
        t->raw_data.data = p;
        t->raw_data.len = 4 * n;
    } else {
        t->float_data = ob_alloc(b, n * sizeof(float));
        memcpy(t->float_data, v, n * sizeof(float));
        t->n_float_data = n;
    }
    assert_true(b->graph.n_initializer < 32);
    b->inits[b->graph.n_initializer++] = t;
    return t;
}

static Onnx__TensorProto *ob_int64s(ob *b, const char *name, const int64_t *v, size_t n)
{
    int64_t dims[1] = {(int64_t)n};
    Onnx__TensorProto *t = ob_tensor(b, name, dims, 1);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    t->int64_data = ob_alloc(b, n * sizeof *v);
    memcpy(t->int64_data, v, n * sizeof *v);
    t->n_int64_data = n;
    b->inits[b->graph.n_initializer++] = t;
    return t;
}

/* Value info with dims (-1: a symbolic "N"). */
static Onnx__ValueInfoProto *ob_value(ob *b, const char *name, const int64_t *dims, size_t nd)
{
    Onnx__ValueInfoProto *v = ob_alloc(b, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = ob_str(b, name);
    Onnx__TypeProto *tp = ob_alloc(b, sizeof *tp);
    onnx__type_proto__init(tp);
    Onnx__TypeProto__Tensor *tt = ob_alloc(b, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    Onnx__TensorShapeProto *sh = ob_alloc(b, sizeof *sh);
    onnx__tensor_shape_proto__init(sh);
    sh->dim = ob_alloc(b, nd * sizeof *sh->dim);
    sh->n_dim = nd;
    for (size_t i = 0; i < nd; i++) {
        Onnx__TensorShapeProto__Dimension *d = ob_alloc(b, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[i] < 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = ob_str(b, "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        sh->dim[i] = d;
    }
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    v->type = tp;
    return v;
}

static void ob_input(ob *b, const char *name, const int64_t *dims, size_t nd)
{
    b->inputs[b->graph.n_input++] = ob_value(b, name, dims, nd);
}

static void ob_output(ob *b, const char *name, const int64_t *dims, size_t nd)
{
    b->outputs[b->graph.n_output++] = ob_value(b, name, dims, nd);
}

static uint8_t *ob_pack(ob *b, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&b->model);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(onnx__model_proto__pack(&b->model, buf), *len);
    return buf;
}

/* Import from memory; on failure err holds the message. */
static zkb_status ob_parse(ob *b, zkb_model **m, char *err, size_t errlen)
{
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    err[0] = '\0';
    zkb_status st = zkbi_onnx_parse(buf, len, "t.onnx", m, err, errlen);
    free(buf);
    return st;
}

static zkb_model *ob_load(ob *b)
{
    char err[ZKBI_ERR_LEN];
    zkb_model *m = NULL;
    zkb_status st = ob_parse(b, &m, err, sizeof err);
    if (st != ZKB_OK)
        fail_msg("import failed (%s): %s", zkb_status_str(st), err);
    return m;
}

/* The import fails with st and a message containing every fragment. */
static void expect_error(ob *b, zkb_status st, const char *const *frags)
{
    char err[ZKBI_ERR_LEN];
    zkb_model *m = NULL;
    zkb_status got = ob_parse(b, &m, err, sizeof err);
    if (m)
        fail_msg("imported, but expected to fail with \"%s\"", frags[0]);
    if (got != st)
        fail_msg("expected %s, got %s: %s", zkb_status_str(st), zkb_status_str(got), err);
    for (size_t i = 0; frags[i]; i++)
        if (!strstr(err, frags[i]))
            fail_msg("message lacks \"%s\": %s", frags[i], err);
}

static char *write_temp(const uint8_t *buf, size_t len)
{
    char *path = strdup("/tmp/zkb_test_onnx_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
    return path;
}

/* ---- JSON equivalents and helpers ---------------------------------------------------- */

static void jb_floats(zkbt_str *j, const char *key, const float *v, size_t n)
{
    zkbt_str_add(j, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        zkbt_str_add(j, "%s%.9g", i ? "," : "", (double)v[i]);
    zkbt_str_add(j, "]");
}

static void jb_head(zkbt_str *j, uint32_t c, uint32_t h, uint32_t w, uint32_t classes)
{
    zkbt_str_add(j,
        "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"j\",\"input\":{\"shape\":[%u,%u,"
        "%u]},\"classes\":%u,\"layers\":[",
        c, h, w, classes);
}

static zkb_model *jb_load(zkbt_str *j)
{
    zkbt_str_add(j, "]}");
    zkb_model *m = NULL;
    char err[ZKBI_ERR_LEN];
    zkb_status st = zkbi_model_parse_json(j->s, j->len, "<json>", &m, err, sizeof err);
    if (st != ZKB_OK)
        fail_msg("JSON equivalent failed: %s\n%s", err, j->s);
    free(j->s);
    return m;
}

/* Deterministic weights: multiples of 1/64 in [-1, 1). */
static void fill(float *v, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (float)((int)((x >> 16) % 128) - 64) / 64.0f;
    }
}

/* Same fingerprint, same float outputs on a few inputs. */
static void assert_same_model(zkb_model *a, zkb_model *b)
{
    assert_string_equal(zkb_model_fingerprint(a), zkb_model_fingerprint(b));
    assert_int_equal(zkb_model_classes(a), zkb_model_classes(b));
    assert_int_equal(zkb_model_input_size(a), zkb_model_input_size(b));
    size_t n = (size_t)zkb_model_input_size(a), k = zkb_model_classes(a);
    float *x = malloc(n * sizeof *x), *ya = malloc(k * sizeof *ya), *yb = malloc(k * sizeof *yb);
    assert_true(x && ya && yb);
    for (uint32_t s = 0; s < 3; s++) {
        fill(x, n, 100 + s);
        assert_int_equal(zkb_model_eval_float(a, x, n, ya, k), ZKB_OK);
        assert_int_equal(zkb_model_eval_float(b, x, n, yb, k), ZKB_OK);
        assert_memory_equal(ya, yb, k * sizeof *ya);
    }
    free(x);
    free(ya);
    free(yb);
}

static zkb_model *load_json_file(const char *path)
{
    zkb_model *m = NULL;
    assert_int_equal(zkb_model_load_file(NULL, path, &m), ZKB_OK);
    return m;
}

/* ---- supported graphs --------------------------------------------------------------- */

/* [N, 4] -> Gemm(transB=1) 5 -> Relu -> Gemm(transB=0) 3. */
static void test_gemm_mlp(void **state)
{
    (void)state;
    float w1[5 * 4], b1[5], w2[5 * 3], b2[3], w2t[3 * 5];
    fill(w1, 20, 1);
    fill(b1, 5, 2);
    fill(w2, 15, 3);
    fill(b2, 3, 4);
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < 5; i++)
            w2t[o * 5 + i] = w2[i * 3 + o];
    for (int raw = 0; raw < 2; raw++) {
        ob *b = ob_new(13);
        ob_input(b, "x", INTS(-1, 4));
        ob_floats(b, "W1", INTS(5, 4), w1, raw);
        ob_floats(b, "B1", INTS(5), b1, raw);
        ob_floats(b, "W2", INTS(5, 3), w2, !raw);
        ob_floats(b, "B2", INTS(1, 3), b2, raw);
        attr_i(b, ob_node(b, "Gemm", "fc1", IN("x", "W1", "B1"), IN("h")), "transB", 1);
        ob_node(b, "Relu", "act", IN("h"), IN("r"));
        Onnx__NodeProto *g2 = ob_node(b, "Gemm", "fc2", IN("r", "W2", "B2"), IN("y"));
        attr_f(b, g2, "alpha", 1.0f);
        attr_f(b, g2, "beta", 1.0f);
        attr_i(b, g2, "transB", 0);
        ob_output(b, "y", INTS(-1, 3));
        zkb_model *m = ob_load(b);
        ob_free(b);

        uint32_t c, h, w;
        zkb_model_input_shape(m, &c, &h, &w);
        assert_int_equal(c, 1);
        assert_int_equal(h, 1);
        assert_int_equal(w, 4);
        assert_int_equal(zkb_model_classes(m), 3);
        assert_int_equal(zkb_model_layer_count(m), 4);
        assert_string_equal(zkb_model_layer_op(m, 0), "flatten");
        assert_string_equal(zkb_model_layer_op(m, 1), "dense");
        assert_int_equal(zkb_model_param_count(m), 20 + 5 + 15 + 3);
        assert_string_equal(zkb_model_name(m), "g");

        zkbt_str j = {0};
        jb_head(&j, 1, 1, 4, 3);
        zkbt_str_add(&j, "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":5");
        jb_floats(&j, "weights", w1, 20);
        jb_floats(&j, "bias", b1, 5);
        zkbt_str_add(&j, "},{\"op\":\"relu\"},{\"op\":\"dense\",\"units\":3");
        jb_floats(&j, "weights", w2t, 15);
        jb_floats(&j, "bias", b2, 3);
        zkbt_str_add(&j, "}");
        zkb_model *jm = jb_load(&j);
        assert_same_model(m, jm);

        /* by hand */
        float x[4] = {0.5f, -1.0f, 0.25f, 2.0f}, y[3];
        assert_int_equal(zkb_model_eval_float(m, x, 4, y, 3), ZKB_OK);
        for (int o = 0; o < 3; o++) {
            double acc = b2[o];
            for (int k = 0; k < 5; k++) {
                double hk = b1[k];
                for (int i = 0; i < 4; i++)
                    hk += (double)w1[k * 4 + i] * x[i];
                acc += (hk > 0 ? hk : 0) * w2[k * 3 + o];
            }
            assert_true(fabs(acc - y[o]) < 1e-5);
        }
        zkb_model_free(m);
        zkb_model_free(jm);
    }
}

/* tiny_cnn.json as ONNX: Conv + Relu + AveragePool + Flatten + Gemm. */
static ob *tiny_cnn_onnx(const zkb_model *jm, int flatten_kind)
{
    const zkb_model_desc *d = zkbi_model_desc(jm);
    const zkb_layer_desc *conv = d->layers[0], *fc = d->layers[4];
    ob *b = ob_new(13);
    ob_input(b, "input", INTS(1, 1, 6, 6));
    ob_floats(b, "conv.weight", INTS(2, 1, 3, 3), conv->weights, 1);
    ob_floats(b, "conv.bias", INTS(2), conv->bias, 1);
    ob_floats(b, "fc.weight", INTS(3, 8), fc->weights, 0);
    ob_floats(b, "fc.bias", INTS(3), fc->bias, 0);
    Onnx__NodeProto *n = ob_node(b, "Conv", "conv", IN("input", "conv.weight", "conv.bias"),
                                 IN("c"));
    attr_is(b, n, "kernel_shape", INTS(3, 3));
    attr_is(b, n, "strides", INTS(1, 1));
    attr_is(b, n, "pads", INTS(0, 0, 0, 0));
    attr_is(b, n, "dilations", INTS(1, 1));
    attr_i(b, n, "group", 1);
    ob_node(b, "Relu", "relu", IN("c"), IN("r"));
    n = ob_node(b, "AveragePool", "pool", IN("r"), IN("p"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    attr_is(b, n, "strides", INTS(2, 2));
    attr_i(b, n, "count_include_pad", 1);
    attr_i(b, n, "ceil_mode", 1); /* windows fit exactly: same sizes */
    switch (flatten_kind) {
    case 0:
        ob_node(b, "Flatten", "flat", IN("p"), IN("f"));
        break;
    case 1:
        ob_int64s(b, "shape", INTS(0, -1));
        ob_node(b, "Reshape", "flat", IN("p", "shape"), IN("f"));
        break;
    case 2: { /* shape from a Constant node, [1, 8] */
        Onnx__NodeProto *k = ob_node(b, "Constant", "k", IN(NULL), IN("shape"));
        Onnx__AttributeProto *a =
            ob_attr(b, k, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
        a->t = ob_tensor(b, "", INTS(2));
        a->t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
        static const uint8_t raw[16] = {1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
        a->t->has_raw_data = 1;
        a->t->raw_data.data = (uint8_t *)raw;
        a->t->raw_data.len = 16;
        ob_node(b, "Reshape", "flat", IN("p", "shape"), IN("f"));
        break;
    }
    default:
        ob_int64s(b, "shape", INTS(-1, 8));
        ob_node(b, "Reshape", "flat", IN("p", "shape"), IN("f"));
        break;
    }
    attr_i(b, ob_node(b, "Gemm", "fc", IN("f", "fc.weight", "fc.bias"), IN("logits")), "transB", 1);
    ob_output(b, "logits", INTS(1, 3));
    return b;
}

static void test_cnn_matches_json(void **state)
{
    (void)state;
    zkb_model *jm = load_json_file(TINY("tiny_cnn"));
    for (int kind = 0; kind < 4; kind++) {
        ob *b = tiny_cnn_onnx(jm, kind);
        zkb_model *m = ob_load(b);
        ob_free(b);
        assert_same_model(m, jm);
        assert_int_equal(zkb_model_layer_count(m), 5);
        zkb_model_free(m);
    }
    zkb_model_free(jm);
}

/* tiny_maxpool.json: Conv stride 2 + Relu + MaxPool stride 1 + Flatten +
 * MatMul + Add (bias as a [1, 3] row added from the left). */
static void test_maxpool_matmul_add(void **state)
{
    (void)state;
    zkb_model *jm = load_json_file(TINY("tiny_maxpool"));
    const zkb_model_desc *d = zkbi_model_desc(jm);
    const zkb_layer_desc *conv = d->layers[0], *fc = d->layers[4];
    uint32_t K = fc->in_w, M = fc->out_w;
    float *wt = malloc(K * M * sizeof *wt);
    for (uint32_t o = 0; o < M; o++)
        for (uint32_t i = 0; i < K; i++)
            wt[i * M + o] = fc->weights[o * K + i];
    ob *b = ob_new(17);
    ob_input(b, "x", INTS(-1, 2, 7, 7));
    ob_floats(b, "W", INTS(3, 2, 3, 3), conv->weights, 1);
    ob_floats(b, "B", INTS(3), conv->bias, 1);
    ob_floats(b, "fcW", INTS(K, M), wt, 1);
    ob_floats(b, "fcB", INTS(1, M), fc->bias, 1);
    Onnx__NodeProto *n = ob_node(b, "Conv", "conv", IN("x", "W", "B"), IN("c"));
    attr_is(b, n, "strides", INTS(2, 2));
    attr_s(b, n, "auto_pad", "VALID");
    ob_node(b, "Relu", "", IN("c"), IN("r"));
    n = ob_node(b, "MaxPool", "pool", IN("r"), IN("p"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    ob_node(b, "Flatten", "flat", IN("p"), IN("f"));
    ob_node(b, "MatMul", "mm", IN("f", "fcW"), IN("z"));
    ob_node(b, "Add", "add", IN("fcB", "z"), IN("y"));
    ob_output(b, "y", INTS(-1, 3));
    zkb_model *m = ob_load(b);
    ob_free(b);
    assert_same_model(m, jm);
    zkb_model_free(m);
    free(wt);
    zkb_model_free(jm);
}

/* MatMul + Add by hand; MatMul alone gets a zero bias; Identity and Dropout
 * between MatMul and Add are no-ops. */
static void test_matmul_add_hand(void **state)
{
    (void)state;
    const float W[3 * 2] = {1, 2, 3, 4, 5, 6}, B[2] = {0.5f, -1};
    for (int with_add = 0; with_add < 2; with_add++) {
        ob *b = ob_new(13);
        ob_input(b, "x", INTS(1, 3));
        ob_floats(b, "W", INTS(3, 2), W, 1);
        ob_node(b, "MatMul", "mm", IN("x", "W"), IN("z"));
        ob_node(b, "Identity", "id", IN("z"), IN("z1"));
        ob_node(b, "Dropout", "drop", IN("z1"), IN("z2", "mask"));
        if (with_add) {
            ob_floats(b, "B", INTS(2), B, 0);
            ob_node(b, "Add", "add", IN("z2", "B"), IN("y"));
        }
        ob_output(b, with_add ? "y" : "z2", INTS(1, 2));
        zkb_model *m = ob_load(b);
        ob_free(b);
        float x[3] = {1, -1, 2}, y[2];
        assert_int_equal(zkb_model_eval_float(m, x, 3, y, 2), ZKB_OK);
        /* y = x W (+ B): [1-3+10, 2-4+12] = [8, 10] */
        assert_true(y[0] == 8.0f + (with_add ? 0.5f : 0));
        assert_true(y[1] == 10.0f + (with_add ? -1.0f : 0));
        assert_int_equal(zkb_model_param_count(m), 8);
        zkb_model_free(m);
    }
}

/* Keras-style NHWC: input [N, H, W, C] -> Transpose(0,3,1,2) -> Conv -> Relu
 * -> Transpose(0,2,3,1) -> Reshape [N, -1] (HWC order) -> MatMul -> Add.
 * The IR takes CHW input; its output must equal a direct NHWC computation. */
static void test_nhwc_keras(void **state)
{
    (void)state;
    enum { H = 4, W = 3, C = 2, M = 3, KH = 2, KW = 2, OH = 3, OW = 2, K = OH * OW * M, U = 4 };
    float cw[M * C * KH * KW], cb[M], fw[K * U], fb[U];
    fill(cw, sizeof cw / 4, 11);
    fill(cb, M, 12);
    fill(fw, K * U, 13);
    fill(fb, U, 14);
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(-1, H, W, C));
    ob_floats(b, "cw", INTS(M, C, KH, KW), cw, 1);
    ob_floats(b, "cb", INTS(M), cb, 1);
    ob_floats(b, "fw", INTS(K, U), fw, 1);
    ob_floats(b, "fb", INTS(U), fb, 1);
    ob_int64s(b, "shape", INTS(-1, K));
    attr_is(b, ob_node(b, "Transpose", "t0", IN("x"), IN("xc")), "perm", INTS(0, 3, 1, 2));
    ob_node(b, "Conv", "conv", IN("xc", "cw", "cb"), IN("c"));
    ob_node(b, "Relu", "relu", IN("c"), IN("r"));
    attr_is(b, ob_node(b, "Transpose", "t1", IN("r"), IN("rh")), "perm", INTS(0, 2, 3, 1));
    ob_node(b, "Reshape", "flat", IN("rh", "shape"), IN("f"));
    ob_node(b, "MatMul", "dense", IN("f", "fw"), IN("z"));
    ob_node(b, "Add", "bias", IN("z", "fb"), IN("y"));
    ob_output(b, "y", INTS(-1, U));
    zkb_model *m = ob_load(b);
    ob_free(b);
    uint32_t c, h, w;
    zkb_model_input_shape(m, &c, &h, &w);
    assert_int_equal(c, C);
    assert_int_equal(h, H);
    assert_int_equal(w, W);

    float xh[H * W * C], xc[C * H * W], y[U];
    fill(xh, H * W * C, 15);
    for (int ci = 0; ci < C; ci++)
        for (int yy = 0; yy < H; yy++)
            for (int xx = 0; xx < W; xx++)
                xc[(ci * H + yy) * W + xx] = xh[(yy * W + xx) * C + ci];
    assert_int_equal(zkb_model_eval_float(m, xc, C * H * W, y, U), ZKB_OK);
    /* direct NHWC computation */
    double act[OH * OW * M]; /* [oy][ox][m] */
    for (int mo = 0; mo < M; mo++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                double a = cb[mo];
                for (int ci = 0; ci < C; ci++)
                    for (int ky = 0; ky < KH; ky++)
                        for (int kx = 0; kx < KW; kx++)
                            a += (double)cw[((mo * C + ci) * KH + ky) * KW + kx] *
                                 xh[((oy + ky) * W + ox + kx) * C + ci];
                act[(oy * OW + ox) * M + mo] = (float)(a > 0 ? a : 0);
            }
    for (int u = 0; u < U; u++) {
        double a = 0;
        for (int i = 0; i < K; i++)
            a += act[i] * fw[i * U + u];
        a += fb[u];
        if (fabs(a - y[u]) > 1e-5)
            fail_msg("output %d: %g, expected %g", u, (double)y[u], a);
    }
    zkb_model_free(m);
}

/* GlobalAveragePool / GlobalMaxPool = pools over the whole plane. */
static void test_global_pools(void **state)
{
    (void)state;
    float cw[4 * 2 * 1 * 1], cb[4], fw[3 * 4], fb[3];
    fill(cw, 8, 21);
    fill(cb, 4, 22);
    fill(fw, 12, 23);
    fill(fb, 3, 24);
    for (int mx = 0; mx < 2; mx++) {
        ob *b = ob_new(13);
        ob_input(b, "x", INTS(1, 2, 5, 4));
        ob_floats(b, "cw", INTS(4, 2, 1, 1), cw, 1);
        ob_floats(b, "cb", INTS(4), cb, 1);
        ob_floats(b, "fw", INTS(3, 4), fw, 1);
        ob_floats(b, "fb", INTS(3), fb, 1);
        ob_node(b, "Conv", "conv", IN("x", "cw", "cb"), IN("c"));
        ob_node(b, mx ? "GlobalMaxPool" : "GlobalAveragePool", "gp", IN("c"), IN("p"));
        ob_node(b, "Flatten", "flat", IN("p"), IN("f"));
        attr_i(b, ob_node(b, "Gemm", "fc", IN("f", "fw", "fb"), IN("y")), "transB", 1);
        ob_output(b, "y", INTS(1, 3));
        zkb_model *m = ob_load(b);
        ob_free(b);
        zkbt_str j = {0};
        jb_head(&j, 2, 5, 4, 3);
        zkbt_str_add(&j, "{\"op\":\"conv2d\",\"filters\":4,\"kernel\":[1,1]");
        jb_floats(&j, "weights", cw, 8);
        jb_floats(&j, "bias", cb, 4);
        zkbt_str_add(&j, "},{\"op\":\"%s\",\"pool\":[5,4]},", mx ? "maxpool2d" : "avgpool2d");
        zkbt_str_add(&j, "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":3");
        jb_floats(&j, "weights", fw, 12);
        jb_floats(&j, "bias", fb, 3);
        zkbt_str_add(&j, "}");
        zkb_model *jm = jb_load(&j);
        assert_same_model(m, jm);
        zkb_model_free(m);
        zkb_model_free(jm);
    }
}

/* Conv without its own bias followed by Add of a [1, M, 1, 1] constant. */
static void test_conv_add_bias(void **state)
{
    (void)state;
    zkb_model *jm = load_json_file(TINY("tiny_cnn"));
    ob *b = tiny_cnn_onnx(jm, 0);
    Onnx__NodeProto *conv = b->nodes[0];
    conv->n_input = 2; /* drop conv.bias */
    conv->output[0] = "c0";
    /* insert Add(c0, bias) -> c at position 1 */
    Onnx__TensorProto *bias = b->inits[1];
    bias->name = "bias4d";
    bias->dims = ob_alloc(b, 4 * sizeof(int64_t));
    bias->dims[0] = 1;
    bias->dims[1] = 2;
    bias->dims[2] = 1;
    bias->dims[3] = 1;
    bias->n_dims = 4;
    Onnx__NodeProto *add = ob_node(b, "Add", "add", IN("c0", "bias4d"), IN("c"));
    memmove(&b->nodes[2], &b->nodes[1], (b->graph.n_node - 2) * sizeof *b->nodes);
    b->nodes[1] = add;
    zkb_model *m = ob_load(b);
    assert_same_model(m, jm);
    zkb_model_free(m);
    ob_free(b);
    zkb_model_free(jm);
}

/* ---- the public loader, compat listing, backend support ---------------------------- */

static void test_load_file_and_compat(void **state)
{
    (void)state;
    zkb_model *jm = load_json_file(TINY("tiny_cnn"));
    ob *b = tiny_cnn_onnx(jm, 0);
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    char *path = write_temp(buf, len);
    free(buf);
    ob_free(b);

    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    zkb_model *m = NULL;
    assert_int_equal(zkb_model_load_onnx(ctx, path, &m), ZKB_OK);
    assert_string_equal(zkb_model_fingerprint(m), zkb_model_fingerprint(jm));
    assert_string_equal(zkbi_model_desc(m)->source_path, path);
    assert_non_null(strstr(zkbi_model_metadata(m), "\"source\":\"onnx\""));
    zkb_model_free(m);

    zkb_onnx_ops *ops = NULL;
    assert_int_equal(zkb_onnx_ops_load(ctx, path, &ops), ZKB_OK);
    assert_int_equal(zkb_onnx_ops_count(ops), 5);
    assert_int_equal(zkb_onnx_ops_total_nodes(ops), 5);
    assert_string_equal(zkb_onnx_ops_type(ops, 0), "Conv");
    assert_string_equal(zkb_onnx_ops_type(ops, 4), "Gemm");
    assert_null(zkb_onnx_ops_type(ops, 5));
    assert_int_equal(zkb_onnx_ops_nodes(ops, 1), 1);
    assert_int_equal(zkb_onnx_ops_opset(ops), 13);
    zkb_onnx_ops_free(ops);
    unlink(path);
    free(path);

    uint32_t op = 99;
    assert_int_equal(zkb_onnx_op_mapping("Conv", &op), ZKB_ONNX_MAP_LAYER);
    assert_int_equal(op, ZKB_OP_CONV2D);
    assert_int_equal(zkb_onnx_op_mapping("Reshape", &op), ZKB_ONNX_MAP_LAYER);
    assert_int_equal(op, ZKB_OP_FLATTEN);
    assert_int_equal(zkb_onnx_op_mapping("Dropout", &op), ZKB_ONNX_MAP_ABSORBED);
    assert_int_equal(op, 0);
    assert_int_equal(zkb_onnx_op_mapping("ConvTranspose", &op), ZKB_ONNX_MAP_NONE);
    assert_int_equal(zkb_onnx_op_mapping("com.microsoft:Conv", NULL), ZKB_ONNX_MAP_NONE);

    /* errors through the context */
    assert_int_equal(zkb_model_load_onnx(ctx, "/nonexistent/m.onnx", &m), ZKB_ERR_NOT_FOUND);
    assert_null(m);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "/nonexistent/m.onnx: cannot open"));
    assert_int_equal(zkb_onnx_ops_load(ctx, TINY("tiny_cnn"), &ops), ZKB_ERR_PARSE);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "not an ONNX model"));
    assert_int_equal(zkb_model_load_onnx(NULL, NULL, &m), ZKB_ERR_INVALID_ARG);

    /* the reference backend says every IR op is native */
    assert_int_equal(zkb_ctx_load_plugin(ctx, ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"), ZKB_OK);
    zkb_backend_ref *ref = zkb_backend_find(ctx, "reference");
    assert_non_null(ref);
    assert_true(zkb_backend_declares_op_support(ref));
    for (uint32_t o = 1; o <= ZKB_OP_MAX; o++)
        assert_int_equal(zkb_backend_op_support(ref, o), ZKB_SUPPORT_NATIVE);
    assert_int_equal(zkb_backend_op_support(ref, 0), ZKB_SUPPORT_NONE);
    assert_int_equal(zkb_backend_op_support(NULL, 1), ZKB_SUPPORT_NONE);
    assert_false(zkb_backend_declares_op_support(NULL));
    zkb_ctx_free(ctx);
    zkb_model_free(jm);
}

/* ---- errors --------------------------------------------------------------------------------- */

/* A small valid chain: x [1,1,5,5] -> Conv 'conv_0' -> Relu -> Identity, then
 * the test appends nodes. */
static ob *base(void)
{
    static const float w[2 * 1 * 3 * 3] = {0}, bias[2] = {0};
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 5, 5));
    ob_floats(b, "w", INTS(2, 1, 3, 3), w, 1);
    ob_floats(b, "b", INTS(2), bias, 1);
    ob_node(b, "Conv", "conv_0", IN("x", "w", "b"), IN("c0"));
    ob_node(b, "Relu", "relu_1", IN("c0"), IN("r1"));
    ob_node(b, "Identity", "id_2", IN("r1"), IN("i2"));
    return b;
}

/* ---- normalization (docs/onnx.md) ---------------------------------------------------------- */

static float eval1(zkb_model *m, const float *x, size_t n_in, size_t k)
{
    float y[64];
    size_t n_out = zkb_model_classes(m);
    assert_true(n_out <= 64);
    assert_int_equal(zkb_model_eval_float(m, x, n_in, y, n_out), ZKB_OK);
    return y[k];
}

static void expect_layers(zkb_model *m, const char *const *ops)
{
    uint32_t i = 0;
    for (; ops[i]; i++) {
        assert_true(i < zkb_model_layer_count(m));
        assert_string_equal(zkb_model_layer_op(m, i), ops[i]);
    }
    assert_int_equal(zkb_model_layer_count(m), i);
}

/* Pad (opset 11+: pads as input) before AveragePool: pad2d, and the pool
 * divides by the whole window (the zeros count). */
static void test_norm_pad_avgpool(void **state)
{
    (void)state;
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(-1, 1, 2, 2));
    ob_int64s(b, "pads", INTS(0, 0, 1, 1, 0, 0, 1, 1));
    ob_node(b, "Pad", "pad", IN("x", "pads"), IN("p"));
    Onnx__NodeProto *n = ob_node(b, "AveragePool", "pool", IN("p"), IN("a"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    attr_is(b, n, "strides", INTS(2, 2));
    ob_node(b, "Flatten", "f", IN("a"), IN("y"));
    ob_output(b, "y", INTS(-1, 4));
    zkb_model *m = ob_load(b);
    expect_layers(m, IN("pad2d", "avgpool2d", "flatten"));
    const float x[4] = {4, 8, 12, 16};
    assert_true(fabsf(eval1(m, x, 4, 0) - 1.0f) < 1e-6f);  /* 4 / 4 */
    assert_true(fabsf(eval1(m, x, 4, 3) - 4.0f) < 1e-6f);  /* 16 / 4 */
    assert_non_null(strstr(zkbi_model_metadata(m), "became a pad2d layer"));
    zkb_model_free(m);
    ob_free(b);
}

/* Conv -> BatchNormalization -> Relu: the batch norm is in the conv's
 * weights and bias. */
static void test_norm_batchnorm(void **state)
{
    (void)state;
    static const float w[1] = {3.0f}, bias[1] = {0.5f}, sc[1] = {2.0f}, bb[1] = {1.0f},
                       mean[1] = {0.25f}, var[1] = {4.0f};
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 1, 1));
    ob_floats(b, "w", INTS(1, 1, 1, 1), w, 0);
    ob_floats(b, "b", INTS(1), bias, 1);
    ob_floats(b, "sc", INTS(1), sc, 0);
    ob_floats(b, "bb", INTS(1), bb, 0);
    ob_floats(b, "mean", INTS(1), mean, 0);
    ob_floats(b, "var", INTS(1), var, 0);
    ob_node(b, "Conv", "conv", IN("x", "w", "b"), IN("c"));
    attr_f(b, ob_node(b, "BatchNormalization", "bn", IN("c", "sc", "bb", "mean", "var"), IN("n")),
           "epsilon", 0.0f);
    ob_node(b, "Flatten", "f", IN("n"), IN("y"));
    ob_output(b, "y", INTS(1, 1));
    zkb_model *m = ob_load(b);
    expect_layers(m, IN("conv2d", "flatten"));
    const float x[1] = {1.5f};
    float want = 2.0f * (3.0f * 1.5f + 0.5f - 0.25f) / 2.0f + 1.0f;
    assert_true(fabsf(eval1(m, x, 1, 0) - want) < 1e-5f);
    zkb_model_free(m);
    ob_free(b);
}

/* (x - mean) / std before a Gemm, the shape arithmetic of a dynamic batch
 * (Shape, Gather, Unsqueeze, Concat -> Reshape), Softmax at the end. */
static void test_norm_input_shape_softmax(void **state)
{
    (void)state;
    static const float mean[1] = {0.5f}, sd[1] = {0.25f}, w[2 * 4] = {1, 0, 0, 0, 0, 1, 1, 0},
                       bias[2] = {0.0f, 0.5f};
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(-1, 1, 2, 2));
    ob_floats(b, "mean", INTS(1), mean, 0);
    ob_floats(b, "sd", INTS(1), sd, 0);
    ob_floats(b, "w", INTS(2, 4), w, 0);
    ob_floats(b, "bias", INTS(2), bias, 0);
    ob_int64s(b, "zero", INTS(0));
    ob_int64s(b, "minus1", INTS(-1));
    ob_node(b, "Sub", "sub", IN("x", "mean"), IN("s"));
    ob_node(b, "Div", "div", IN("s", "sd"), IN("d"));
    ob_node(b, "Shape", "shape", IN("d"), IN("sh"));
    attr_i(b, ob_node(b, "Gather", "gather", IN("sh", "zero"), IN("g")), "axis", 0);
    attr_i(b, ob_node(b, "Concat", "concat", IN("g", "minus1"), IN("target")), "axis", 0);
    ob_node(b, "Reshape", "reshape", IN("d", "target"), IN("r"));
    attr_i(b, ob_node(b, "Gemm", "fc", IN("r", "w", "bias"), IN("z")), "transB", 1);
    attr_i(b, ob_node(b, "Softmax", "sm", IN("z"), IN("y")), "axis", -1);
    ob_output(b, "y", INTS(-1, 2));
    zkb_model *m = ob_load(b);
    expect_layers(m, IN("flatten", "dense"));
    assert_int_equal(zkb_model_output_fn(m), ZKB_OUTPUT_SOFTMAX);
    const float x[4] = {1.0f, 0.75f, 0.5f, 0.0f};
    float z0 = (1.0f - 0.5f) / 0.25f, z1 = (0.75f - 0.5f) / 0.25f + (0.5f - 0.5f) / 0.25f + 0.5f;
    float p0 = 1.0f / (1.0f + expf(z1 - z0));
    assert_true(fabsf(eval1(m, x, 4, 0) - p0) < 1e-6f);
    const char *meta = zkbi_model_metadata(m);
    assert_non_null(strstr(meta, "\"kind\":\"folded\""));
    assert_non_null(strstr(meta, "Softmax (node 7 'sm') at the end"));
    assert_non_null(strstr(meta, "(input normalization) folded into the first dense"));
    zkb_model_free(m);
    ob_free(b);
}

/* What normalization cannot take, each with the node named. */
static void test_norm_refused(void **state)
{
    (void)state;
    static const float one[1] = {1.0f};
    /* Pad in reflect mode */
    ob *b = base();
    ob_int64s(b, "pads", INTS(0, 0, 1, 1, 0, 0, 1, 1));
    attr_s(b, ob_node(b, "Pad", "pad", IN("i2", "pads"), IN("y")), "mode", "reflect");
    ob_output(b, "y", INTS(1, 2, 5, 5));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'pad' (Pad): mode 'reflect' is not supported"));
    ob_free(b);
    /* AveragePool pads with count_include_pad=0 */
    b = base();
    Onnx__NodeProto *n = ob_node(b, "AveragePool", "ap", IN("i2"), IN("y"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    attr_is(b, n, "pads", INTS(1, 1, 1, 1));
    ob_output(b, "y", INTS(1, 2, 4, 4));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'ap' (AveragePool): pads [1, 1, 1, 1] with "
                                      "count_include_pad=0"));
    ob_free(b);
    /* MaxPool pads on an input that may be negative (no Relu before) */
    b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 3, 3));
    n = ob_node(b, "MaxPool", "mp", IN("x"), IN("y"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    attr_is(b, n, "pads", INTS(1, 1, 1, 1));
    ob_output(b, "y", INTS(1, 1, 4, 4));
    expect_error(b, ZKB_ERR_PARSE, IN("node 0 'mp' (MaxPool): pads [1, 1, 1, 1]: MaxPool pads with "
                                      "-inf"));
    ob_free(b);
    /* a layer after the Softmax */
    b = base();
    ob_node(b, "Flatten", "f", IN("i2"), IN("f"));
    attr_i(b, ob_node(b, "Softmax", "sm", IN("f"), IN("s")), "axis", 1);
    ob_node(b, "Relu", "late", IN("s"), IN("y"));
    ob_output(b, "y", INTS(1, 18));
    expect_error(b, ZKB_ERR_PARSE, IN("node 5 'late' (Relu): it follows a Softmax"));
    ob_free(b);
    /* an input normalization before a padded convolution */
    b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 3, 3));
    ob_floats(b, "one", INTS(1), one, 0);
    ob_floats(b, "w", INTS(1, 1, 1, 1), one, 0);
    ob_node(b, "Sub", "sub", IN("x", "one"), IN("s"));
    attr_is(b, ob_node(b, "Conv", "conv", IN("s", "w"), IN("y")), "pads", INTS(1, 1, 1, 1));
    ob_output(b, "y", INTS(1, 1, 5, 5));
    expect_error(b, ZKB_ERR_PARSE, IN("node 1 'conv' (Conv): the input normalization before it",
                                      "without padding; this is a pad2d"));
    ob_free(b);
    /* a BatchNormalization after a Relu */
    b = base();
    ob_floats(b, "s2", INTS(2), (const float[]){1, 1}, 0);
    ob_node(b, "BatchNormalization", "bn", IN("i2", "s2", "s2", "s2", "s2"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'bn' (BatchNormalization): BatchNormalization is "
                                      "supported only right after a Gemm, MatMul or Conv"));
    ob_free(b);
    /* a Gather of the activation (not known at import time) */
    b = base();
    ob_int64s(b, "idx", INTS(0));
    ob_node(b, "Gather", "g", IN("i2", "idx"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'g' (Gather): Gather of a value computed from the "
                                      "input"));
    ob_free(b);
    /* a batch norm whose folding overflows float32 (found by fuzz_onnx) */
    b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 1, 1));
    ob_floats(b, "w", INTS(1, 1, 1, 1), (const float[]){1e30f}, 0);
    ob_floats(b, "big", INTS(1), (const float[]){1e30f}, 0);
    ob_floats(b, "one", INTS(1), one, 0);
    ob_node(b, "Conv", "conv", IN("x", "w"), IN("c"));
    ob_node(b, "BatchNormalization", "bn", IN("c", "big", "one", "one", "one"), IN("y"));
    ob_output(b, "y", INTS(1, 1, 1, 1));
    expect_error(b, ZKB_ERR_PARSE, IN("node 1 'bn' (BatchNormalization): folding "
                                      "BatchNormalization into the layer before makes its weight 0 "
                                      "overflow float32"));
    ob_free(b);
    /* a Pad with a non-zero value */
    b = base();
    ob_int64s(b, "pads", INTS(0, 0, 1, 1, 0, 0, 1, 1));
    ob_floats(b, "v", INTS(1), (const float[]){0.5f}, 0);
    ob_node(b, "Pad", "pad", IN("i2", "pads", "v"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 5, 5));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'pad' (Pad): pad value 0.5 is not supported"));
    ob_free(b);
}

static void test_err_unsupported_op(void **state)
{
    (void)state;
    ob *b = base();
    ob_node(b, "ConvTranspose", "conv_2", IN("i2", "w"), IN("y"));
    ob_output(b, "y", INTS(1, 1, 7, 7));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("t.onnx: node 3 'conv_2' (ConvTranspose): unsupported operator; supported: "
                    "Gemm, MatMul, Add, Conv, Relu, AveragePool, MaxPool"));
    ob_free(b);
    /* another domain, unnamed node */
    b = base();
    Onnx__NodeProto *n = ob_node(b, "Conv", NULL, IN("i2", "w"), IN("y"));
    n->domain = "com.microsoft";
    ob_output(b, "y", INTS(1, 2, 1, 1));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 (com.microsoft:Conv): unsupported operator"));
    ob_free(b);
}

static void test_err_weights(void **state)
{
    (void)state;
    /* a DOUBLE initializer */
    ob *b = base();
    b->inits[0]->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_UNSUPPORTED,
                 IN("node 0 'conv_0' (Conv): tensor 'w' has data type DOUBLE; only FLOAT"));
    ob_free(b);
    /* external data */
    b = base();
    b->inits[0]->has_data_location = 1;
    b->inits[0]->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_UNSUPPORTED, IN("external data"));
    ob_free(b);
    /* raw_data of the wrong length */
    b = base();
    b->inits[1]->raw_data.len = 7;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("tensor 'b' raw_data holds 1 values and a partial one"));
    ob_free(b);
    /* NaN weight */
    b = base();
    b->inits[1]->raw_data.data[4 + 3] = 0x7f;
    b->inits[1]->raw_data.data[4 + 2] = 0xc0;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("tensor 'b' element 1 is not a finite number"));
    ob_free(b);
    /* missing initializer */
    b = base();
    b->nodes[0]->input[1] = "nope";
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 0 'conv_0' (Conv): input 1 (weights W) 'nope': missing initializer"));
    ob_free(b);
    /* weights of the wrong shape */
    b = base();
    b->inits[0]->dims[1] = 2;
    b->inits[0]->n_float_data = 0;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("(2 input channels), but the input has 1 channels"));
    ob_free(b);
}

static void test_err_conv_attrs(void **state)
{
    (void)state;
    static const struct {
        const char *attr;
        int64_t v[4];
        size_t n;
        const char *frag;
    } cases[] = {
        {"pads", {1, -1, 1, 1}, 4, "pads value -1 is not in 0..1048576"},
        {"pads", {1, 1, 1}, 3, "pads has 3 values; expected 4"},
        {"group", {2}, 0, "group=2 is not supported"},
        {"dilations", {2, 2}, 2, "dilations [2, 2] are not supported"},
        {"strides", {1, 1, 1}, 3, "strides [1, 1, 1]: expected 2 values"},
        {"kernel_shape", {5, 5}, 2, "kernel_shape [5, 5] does not match weights 'w' [2, 1, 3, 3]"},
        {"bogus", {1}, 0, "attribute 'bogus' is not supported (known: auto_pad, dilations"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ob *b = base();
        if (cases[i].n)
            attr_is(b, b->nodes[0], cases[i].attr, cases[i].v, cases[i].n);
        else
            attr_i(b, b->nodes[0], cases[i].attr, cases[i].v[0]);
        ob_output(b, "i2", INTS(1, 2, 3, 3));
        expect_error(b, ZKB_ERR_PARSE, IN("node 0 'conv_0' (Conv): ", cases[i].frag));
        ob_free(b);
    }
    ob *b = base();
    attr_s(b, b->nodes[0], "auto_pad", "SAME_MIDDLE");
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("auto_pad SAME_MIDDLE is not supported"));
    ob_free(b);
    /* a wrongly typed attribute */
    b = base();
    attr_f(b, b->nodes[0], "group", 1.0f);
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("attribute 'group' has type FLOAT, expected INT"));
    ob_free(b);
    /* pool padding and ceil_mode with a partial window */
    b = base();
    Onnx__NodeProto *n = ob_node(b, "MaxPool", "mp", IN("i2"), IN("y"));
    attr_is(b, n, "kernel_shape", INTS(2, 2));
    attr_is(b, n, "strides", INTS(2, 2));
    attr_i(b, n, "ceil_mode", 1);
    ob_output(b, "y", INTS(1, 2, 1, 1));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'mp' (MaxPool): ceil_mode=1 adds partial windows"));
    ob_free(b);
}

static void test_err_structure(void **state)
{
    (void)state;
    /* a skip connection: Add of two activations */
    ob *b = base();
    ob_node(b, "Add", "res", IN("i2", "c0"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'res' (Add): ", "Add of two values computed from the "
                                      "input ('c0', a skip connection or a branch)"));
    ob_free(b);
    /* a branch: two nodes read r1, and the output needs both paths */
    b = base();
    ob_node(b, "Relu", "branch", IN("r1"), IN("yb"));
    ob_node(b, "Add", "join", IN("yb", "i2"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 3 'branch' (Relu): not a single chain: it reads 'r1' where 'i2' (the "
                    "output of node 2) is expected"));
    ob_free(b);
    /* the output is the middle of the chain: the nodes after it are unused */
    b = base();
    ob_output(b, "r1", INTS(1, 2, 3, 3));
    zkb_model *m = ob_load(b);
    assert_non_null(m);
    assert_int_equal(zkb_model_classes(m), 18);
    assert_non_null(strstr(zkbi_model_metadata(m), "no output of the model needs"));
    zkb_model_free(m);
    ob_free(b);
    /* unused nodes, one without an operator type, are listed as left out */
    b = base();
    ob_node(b, "", "nameless", IN("x"), IN("d0"));
    ob_node(b, "Relu", "unused", IN("x"), IN("d1"));
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    m = ob_load(b);
    assert_non_null(strstr(zkbi_model_metadata(m), "2 nodes no output of the model needs (?, Relu)"));
    zkb_model_free(m);
    ob_free(b);
    /* two outputs of scores */
    b = base();
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    ob_output(b, "r1", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("more than one floating-point output ('i2', 'r1')"));
    ob_free(b);
    /* declared output size differs */
    b = base();
    ob_output(b, "i2", INTS(1, 10));
    expect_error(b, ZKB_ERR_PARSE, IN("declared with 10 values per sample", "computes 18"));
    ob_free(b);
    /* two inputs */
    b = base();
    ob_input(b, "x2", INTS(1, 3));
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("the graph has 2 inputs ('x', 'x2', ...)"));
    ob_free(b);
    /* symbolic spatial dimension, rank 3 */
    b = base();
    b->inputs[0]->type->tensor_type->shape->dim[2]->value_case =
        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
    b->inputs[0]->type->tensor_type->shape->dim[2]->dim_param = "H";
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("graph input 'x': dimension 2 is not a fixed size"));
    b->inputs[0]->type->tensor_type->shape->n_dim = 3;
    expect_error(b, ZKB_ERR_PARSE, IN("graph input 'x' has 3 dimensions"));
    ob_free(b);
    /* Gemm on a 4-D activation */
    b = base();
    attr_i(b, ob_node(b, "Gemm", "fc", IN("i2", "w"), IN("y")), "transB", 1);
    ob_output(b, "y", INTS(1, 2));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 3 'fc' (Gemm): needs a 2-D input [N, K], but its input is 4-D [N, 2, 3, "
                    "3]; add a Flatten before it"));
    ob_free(b);
    /* Gemm K mismatch */
    b = base();
    ob_node(b, "Flatten", "f", IN("i2"), IN("f"));
    attr_i(b, ob_node(b, "Gemm", "fc", IN("f", "w", "b"), IN("y")), "transB", 1);
    ob_output(b, "y", INTS(1, 2));
    expect_error(b, ZKB_ERR_PARSE, IN("weights 'w' have shape [2, 1, 3, 3]; expected 2-D [M, K]"));
    ob_free(b);
    /* Reshape to 4-D, Transpose otherwise */
    b = base();
    ob_int64s(b, "shape", INTS(1, 2, 9, 1));
    ob_node(b, "Reshape", "rs", IN("i2", "shape"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 9, 1));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("Reshape of 4-D [N, 2, 3, 3] to [1, 2, 9, 1] is not supported"));
    ob_free(b);
    b = base();
    attr_is(b, ob_node(b, "Transpose", "tr", IN("i2"), IN("y")), "perm", INTS(0, 1, 3, 2));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("with perm [0, 1, 3, 2] is not supported"));
    ob_free(b);
    /* ending in NHWC order */
    b = base();
    attr_is(b, ob_node(b, "Transpose", "tr", IN("i2"), IN("t")), "perm", INTS(0, 2, 3, 1));
    ob_node(b, "Flatten", "fl", IN("t"), IN("y"));
    ob_output(b, "y", INTS(1, 18));
    expect_error(b, ZKB_ERR_PARSE, IN("the graph ends with an NHWC activation"));
    ob_free(b);
    /* opset */
    b = base();
    b->opset.version = 6;
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_UNSUPPORTED, IN("opset 6 is not supported (7 or newer)"));
    ob_free(b);
    /* Dropout in training mode */
    b = base();
    {
        static const uint8_t one = 1;
        Onnx__TensorProto *t = ob_tensor(b, "train", NULL, 0);
        t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
        t->has_raw_data = 1;
        t->raw_data.data = (uint8_t *)&one;
        t->raw_data.len = 1;
        b->inits[b->graph.n_initializer++] = t;
    }
    ob_node(b, "Dropout", "dr", IN("i2", "", "train"), IN("y"));
    ob_output(b, "y", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'dr' (Dropout): Dropout in training mode"));
    ob_free(b);
}

/* A node whose output is its own input (a self-loop), any other cycle,
 * and a name assigned twice are refused with the node named; without these
 * checks a self-loop imported as a one-layer model. */
static void test_err_cycles(void **state)
{
    (void)state;
    /* x -> Relu -> x: its output is its input, and the graph's output */
    ob *b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 5, 5));
    ob_node(b, "Relu", "loop", IN("x"), IN("x"));
    ob_output(b, "x", INTS(1, 1, 5, 5));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("t.onnx: node 0 'loop' (Relu): its output 'x' is also its input: a cycle"));
    ob_free(b);
    /* a self-loop on a name nothing else defines */
    b = base();
    ob_node(b, "Relu", "self", IN("s"), IN("s"));
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'self' (Relu): its output 's' is also its input"));
    ob_free(b);
    /* a cycle through two nodes: a reads b's output, b reads a's */
    b = ob_new(13);
    ob_input(b, "x", INTS(1, 1, 5, 5));
    ob_node(b, "Relu", "a", IN("rb"), IN("ra"));
    ob_node(b, "Relu", "b", IN("ra"), IN("rb"));
    ob_output(b, "rb", INTS(1, 1, 5, 5));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 0 'a' (Relu): it reads 'rb', the output of node 1 after it: the nodes "
                    "are not in topological order, or form a cycle"));
    ob_free(b);
    /* a name assigned twice: a later node redefines the graph input or an
     * earlier node's output (a chain back to the start) */
    b = base();
    ob_node(b, "Relu", "again", IN("i2"), IN("x"));
    ob_output(b, "x", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 3 'again' (Relu): its output 'x' has the name of a graph input"));
    ob_free(b);
    b = base();
    ob_node(b, "Relu", "again", IN("i2"), IN("c0"));
    ob_output(b, "c0", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 3 'again' (Relu): its output 'c0' is also the output of node 0"));
    ob_free(b);
    b = base();
    ob_node(b, "Relu", "again", IN("i2"), IN("w"));
    ob_output(b, "w", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE,
                 IN("node 3 'again' (Relu): its output 'w' has the name of an initializer"));
    ob_free(b);
    b = base();
    ob_node(b, "Dropout", "two", IN("i2"), IN("d", "d"));
    ob_output(b, "d", INTS(1, 2, 3, 3));
    expect_error(b, ZKB_ERR_PARSE, IN("node 3 'two' (Dropout): it has two outputs named 'd'"));
    ob_free(b);
}

/* Opsets outside 7..28 (ONNX 1.23's newest) are refused with the value. */
static void test_err_opset(void **state)
{
    (void)state;
    static const int64_t bad[] = {INT64_MAX, 29, 1000, -1, INT64_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ob *b = base();
        b->opset.version = bad[i];
        ob_output(b, "i2", INTS(1, 2, 3, 3));
        char want[96];
        zkbt_fmt(want, sizeof want, "t.onnx: opset %" PRId64 " is not supported", bad[i]);
        expect_error(b, ZKB_ERR_UNSUPPORTED,
                     IN(want, bad[i] > 0 ? "the importer knows opsets 7 to 28" : "7 or newer"));
        ob_free(b);
    }
    for (int64_t v = 7; v <= 28; v += 21) {
        ob *b = base();
        b->opset.version = v;
        ob_output(b, "i2", INTS(1, 2, 3, 3));
        zkb_model_free(ob_load(b));
        ob_free(b);
    }
}

/* The graph's name becomes the model's: a control character in it, a NUL
 * included (which protobuf-c's C string would cut off: "tiny\0dense"
 * loaded as "tiny"), is refused. */
static void test_err_graph_name(void **state)
{
    (void)state;
    static const uint8_t bad[] = {0x00, 0x01, 0x1f, 0x7f};
    for (size_t i = 0; i < sizeof bad; i++) {
        ob *b = base();
        b->graph.name = "tinyQdense";
        ob_output(b, "i2", INTS(1, 2, 3, 3));
        size_t len;
        uint8_t *buf = ob_pack(b, &len);
        uint8_t *at = memmem(buf, len, "tinyQdense", 10);
        assert_non_null(at);
        at[4] = bad[i];
        char err[ZKBI_ERR_LEN], want[128];
        zkb_model *m = NULL;
        assert_int_equal(zkbi_onnx_parse(buf, len, "t.onnx", &m, err, sizeof err), ZKB_ERR_PARSE);
        assert_null(m);
        zkbt_fmt(want, sizeof want, "t.onnx: the graph name 'tiny?dense' holds a control "
                 "character (0x%02x at byte 4)", bad[i]);
        if (!strstr(err, want))
            fail_msg("'%s' lacks '%s'", err, want);
        /* with no NUL the name loads as it is */
        at[4] = 'Q';
        assert_int_equal(zkbi_onnx_parse(buf, len, "t.onnx", &m, err, sizeof err), ZKB_OK);
        assert_string_equal(zkb_model_name(m), "tinyQdense");
        zkb_model_free(m);
        free(buf);
        ob_free(b);
    }
}

static void test_err_bytes(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN];
    zkb_model *m = NULL;
    ob *b = base();
    ob_output(b, "i2", INTS(1, 2, 3, 3));
    size_t len;
    uint8_t *buf = ob_pack(b, &len);
    ob_free(b);
    assert_int_equal(zkbi_onnx_parse(buf, len, "ok.onnx", &m, err, sizeof err), ZKB_OK);
    zkb_model_free(m);
    /* truncated */
    assert_int_equal(zkbi_onnx_parse(buf, len / 2, "cut.onnx", &m, err, sizeof err), ZKB_ERR_PARSE);
    assert_null(m);
    assert_non_null(strstr(err, "cut.onnx: not an ONNX model (protobuf decoding failed"));
    /* empty, garbage, a JSON file */
    assert_int_equal(zkbi_onnx_parse(buf, 0, "e.onnx", &m, err, sizeof err), ZKB_ERR_PARSE);
    assert_non_null(strstr(err, "e.onnx: empty file"));
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(zkbi_onnx_parse(junk, sizeof junk, "j.onnx", &m, err, sizeof err),
                     ZKB_ERR_PARSE);
    const char *json = "{\"format\":\"zkmlbench-model\"}";
    assert_int_equal(zkbi_onnx_parse((const uint8_t *)json, strlen(json), "j.onnx", &m, err,
                                     sizeof err),
                     ZKB_ERR_PARSE);
    assert_non_null(strstr(err, "j.onnx: not an ONNX model"));
    /* larger than the file cap: refused before reading */
    assert_int_equal(zkbi_onnx_parse(buf, (size_t)ZKBI_MODEL_FILE_MAX + 1, "big.onnx", &m, err,
                                     sizeof err),
                     ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(err, "big.onnx: 1073741825 bytes is more than"));
    /* mutations never crash; a failure always says why */
    uint32_t x = 12345;
    uint8_t *mut = malloc(len);
    for (int it = 0; it < 3000; it++) {
        memcpy(mut, buf, len);
        size_t n = len;
        for (int k = 0; k < 1 + it % 4; k++) {
            x = x * 1103515245u + 12345u;
            mut[(x >> 8) % len] = (uint8_t)(x >> 24);
        }
        if (it % 7 == 0)
            n = (x >> 4) % len;
        zkb_status st = zkbi_onnx_parse(mut, n, "mut.onnx", &m, err, sizeof err);
        if (st == ZKB_OK)
            zkb_model_free(m);
        else
            assert_true(strncmp(err, "mut.onnx: ", 10) == 0);
    }
    free(mut);
    free(buf);
}

/* Decoding memory is bounded: a small file of a million empty nodes. */
static void test_err_decode_budget(void **state)
{
    (void)state;
    const size_t n = 1000000, inner = 2 * n;
    uint8_t *buf = malloc(inner + 16), *p = buf;
    *p++ = 0x3a; /* ModelProto.graph, length-delimited */
    for (size_t v = inner; ; v >>= 7) {
        *p++ = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    for (size_t i = 0; i < n; i++) { /* GraphProto.node, empty */
        *p++ = 0x0a;
        *p++ = 0x00;
    }
    char err[ZKBI_ERR_LEN];
    zkb_model *m = NULL;
    assert_int_equal(zkbi_onnx_parse(buf, (size_t)(p - buf), "many.onnx", &m, err, sizeof err),
                     ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(err, "many.onnx: decoding would need more than"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_mlp),
        cmocka_unit_test(test_cnn_matches_json),
        cmocka_unit_test(test_maxpool_matmul_add),
        cmocka_unit_test(test_matmul_add_hand),
        cmocka_unit_test(test_nhwc_keras),
        cmocka_unit_test(test_global_pools),
        cmocka_unit_test(test_conv_add_bias),
        cmocka_unit_test(test_load_file_and_compat),
        cmocka_unit_test(test_norm_pad_avgpool),
        cmocka_unit_test(test_norm_batchnorm),
        cmocka_unit_test(test_norm_input_shape_softmax),
        cmocka_unit_test(test_norm_refused),
        cmocka_unit_test(test_err_unsupported_op),
        cmocka_unit_test(test_err_weights),
        cmocka_unit_test(test_err_conv_attrs),
        cmocka_unit_test(test_err_structure),
        cmocka_unit_test(test_err_cycles),
        cmocka_unit_test(test_err_opset),
        cmocka_unit_test(test_err_graph_name),
        cmocka_unit_test(test_err_bytes),
        cmocka_unit_test(test_err_decode_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
