/* The JSON model loader: tiny models load with the right shapes; every class
 * of fault is rejected with the JSON path in the message; pad2d and
 * output_fn load, save and load again; the fingerprint is stable, ignores
 * name and metadata, and follows the documented encoding. */
#include "zkbt.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "eval/eval_int.h"
#include "train/train_int.h"
#include "zkmlbench/zkmlbench.h"

#define TINY(name) ZKB_SOURCE_DIR "/models/tiny/" name ".json"

/* n copies of "v," without the last comma */
static void sb_repeat(zkbt_str *b, const char *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        zkbt_str_add(b, "%s%s", i ? "," : "", v);
}

static int setup_ctx(void **state)
{
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return -1;
    *state = ctx;
    return 0;
}

static int teardown_ctx(void **state)
{
    zkb_ctx_free(*state);
    return 0;
}

static zkb_model *load_ok(zkb_ctx *ctx, const char *json)
{
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_json(ctx, json, strlen(json), &m);
    if (st != ZKB_OK)
        fail_msg("load failed (%s): %s", zkb_status_str(st), zkb_ctx_last_error(ctx));
    assert_non_null(m);
    return m;
}

static void expect_fail(zkb_ctx *ctx, const char *json, zkb_status want, const char *n1,
                        const char *n2)
{
    zkb_model *m = (zkb_model *)0x1;
    zkb_status st = zkb_model_load_json(ctx, json, strlen(json), &m);
    const char *err = zkb_ctx_last_error(ctx);
    if (st != want)
        fail_msg("status %s (want %s), error '%s' for %.300s", zkb_status_str(st),
                 zkb_status_str(want), err, json);
    assert_null(m);
    if (n1 && !strstr(err, n1))
        fail_msg("error '%s' does not mention '%s'", err, n1);
    if (n2 && !strstr(err, n2))
        fail_msg("error '%s' does not mention '%s'", err, n2);
}

/* ---- tiny models ----------------------------------------------------------- */

static void test_tiny_models_load(void **state)
{
    zkb_ctx *ctx = *state;
    zkb_model *m = NULL;
    uint32_t c, h, w;

    assert_int_equal(zkb_model_load_file(ctx, TINY("tiny_dense"), &m), ZKB_OK);
    assert_string_equal(zkb_model_name(m), "tiny_dense");
    assert_int_equal(zkb_model_layer_count(m), 4);
    assert_int_equal(zkb_model_param_count(m), 16 * 8 + 8 + 8 * 3 + 3);
    assert_int_equal(zkb_model_input_size(m), 16);
    assert_int_equal(zkb_model_classes(m), 3);
    assert_string_equal(zkb_model_layer_op(m, 0), "flatten");
    assert_string_equal(zkb_model_layer_op(m, 1), "dense");
    assert_string_equal(zkb_model_layer_op(m, 2), "relu");
    assert_null(zkb_model_layer_op(m, 4));
    const zkb_model_desc *d = zkbi_model_desc(m);
    assert_string_equal(d->source_path, TINY("tiny_dense"));
    assert_string_equal(d->fingerprint, zkb_model_fingerprint(m));
    assert_int_equal(strlen(d->fingerprint), 32);
    assert_int_equal(strspn(d->fingerprint, "0123456789abcdef"), 32);
    assert_int_equal(d->layers[1]->n_weights, 128);
    assert_int_equal(d->layers[1]->in_w, 16);
    assert_int_equal(d->layers[1]->out_w, 8);
    assert_non_null(zkbi_model_metadata(m));
    assert_non_null(strstr(zkbi_model_metadata(m), "\"seed\":1"));
    zkb_model_free(m);

    assert_int_equal(zkb_model_load_file(ctx, TINY("tiny_cnn"), &m), ZKB_OK);
    zkb_model_input_shape(m, &c, &h, &w);
    assert_int_equal(c, 1);
    assert_int_equal(h, 6);
    assert_int_equal(w, 6);
    assert_int_equal(zkb_model_param_count(m), 18 + 2 + 24 + 3);
    d = zkbi_model_desc(m);
    assert_int_equal(d->layers[0]->out_c, 2);
    assert_int_equal(d->layers[0]->out_h, 4);
    assert_int_equal(d->layers[2]->out_h, 2);
    assert_int_equal(d->layers[3]->out_w, 8);
    zkb_model_free(m);

    assert_int_equal(zkb_model_load_file(ctx, TINY("tiny_maxpool"), &m), ZKB_OK);
    d = zkbi_model_desc(m);
    assert_int_equal(d->in_c, 2);
    assert_int_equal(d->layers[0]->out_h, 3); /* (7-3)/2+1 */
    assert_int_equal(d->layers[2]->op, ZKB_OP_MAXPOOL2D);
    assert_int_equal(d->layers[2]->out_h, 2); /* (3-2)/1+1 */
    assert_int_equal(zkb_model_param_count(m), 54 + 3 + 36 + 3);
    assert_true(zkb_model_param_count(m) < 200);
    zkb_model_free(m);

    /* NULL-safe accessors */
    assert_null(zkb_model_name(NULL));
    assert_int_equal(zkb_model_param_count(NULL), 0);
    zkb_model_free(NULL);
    assert_string_equal(zkb_op_name(ZKB_OP_CONV2D), "conv2d");
    assert_null(zkb_op_name(0));
    assert_string_equal(zkb_op_name(ZKB_OP_PAD2D), "pad2d");
    assert_null(zkb_op_name(ZKB_OP_MAX + 1));
}

/* LeNet-like: 28x28, conv 5x5 -> 24x24 -> avgpool 2 -> 12x12 -> ... */
static void test_shape_inference(void **state)
{
    zkb_ctx *ctx = *state;
    zkbt_str b = {0};
    zkbt_str_add(&b, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"lenetish\","
               "\"input\":{\"shape\":[1,28,28]},\"classes\":10,\"layers\":[");
    zkbt_str_add(&b, "{\"op\":\"conv2d\",\"filters\":6,\"kernel\":[5,5],\"weights\":[");
    sb_repeat(&b, "0", 6 * 25);
    zkbt_str_add(&b, "],\"bias\":[");
    sb_repeat(&b, "0", 6);
    zkbt_str_add(&b, "]},{\"op\":\"relu\"},{\"op\":\"avgpool2d\",\"pool\":[2,2]},");
    zkbt_str_add(&b, "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[3,3],\"stride\":[2,2],"
               "\"padding\":\"valid\",\"weights\":[");
    sb_repeat(&b, "0.5", 2 * 6 * 9);
    zkbt_str_add(&b, "],\"bias\":[1,2]},{\"op\":\"maxpool2d\",\"pool\":[3,3],\"stride\":[1,2]},");
    zkbt_str_add(&b, "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":10,\"weights\":[");
    sb_repeat(&b, "-1", 10 * 2 * 3 * 2);
    zkbt_str_add(&b, "],\"bias\":[");
    sb_repeat(&b, "0", 10);
    zkbt_str_add(&b, "]}]}");
    zkb_model *m = load_ok(ctx, b.s);
    const zkb_model_desc *d = zkbi_model_desc(m);
    assert_int_equal(d->n_layers, 7);
    const zkb_layer_desc *L = d->layers[0];
    assert_int_equal(L->out_c, 6);
    assert_int_equal(L->out_h, 24);
    assert_int_equal(L->out_w, 24);
    assert_int_equal(L->kernel_h, 5);
    assert_int_equal(L->stride_h, 1); /* default */
    L = d->layers[2];
    assert_int_equal(L->out_h, 12);
    assert_int_equal(L->out_w, 12);
    assert_int_equal(L->stride_w, 2); /* default = pool */
    L = d->layers[3];                 /* (12-3)/2+1 = 5 */
    assert_int_equal(L->in_c, 6);
    assert_int_equal(L->out_h, 5);
    assert_int_equal(L->n_weights, 108);
    L = d->layers[4]; /* h: (5-3)/1+1 = 3, w: (5-3)/2+1 = 2 */
    assert_int_equal(L->out_c, 2);
    assert_int_equal(L->out_h, 3);
    assert_int_equal(L->out_w, 2);
    L = d->layers[5];
    assert_int_equal(L->out_c, 1);
    assert_int_equal(L->out_h, 1);
    assert_int_equal(L->out_w, 12);
    L = d->layers[6];
    assert_int_equal(L->in_w, 12);
    assert_int_equal(L->n_weights, 120);
    assert_int_equal(zkb_model_param_count(m), 156 + 110 + 130);
    zkb_model_free(m);
    free(b.s);
}

/* ---- loader errors ----------------------------------------------------------- */

#define FLAT "{\"op\":\"flatten\"},"
#define W8 "[1,2,3,4,5,6,7,8]"
#define GOOD ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":2,\"weights\":" W8 ",\"bias\":[0,1]}]}"

static void test_good_minimal(void **state)
{
    zkb_model *m = load_ok(*state, GOOD);
    assert_string_equal(zkb_model_name(m), "t");
    assert_null(zkbi_model_metadata(m));
    assert_null(zkbi_model_desc(m)->source_path);
    zkb_model_free(m);
}

static void test_json_syntax(void **state)
{
    zkb_ctx *ctx = *state;
    expect_fail(ctx, "", ZKB_ERR_PARSE, "<json>: empty input", NULL);
    expect_fail(ctx, "{\"format\":", ZKB_ERR_PARSE, "invalid JSON near line 1", NULL);
    expect_fail(ctx, "{\n\"a\":\n  [1,,2]}", ZKB_ERR_PARSE, "invalid JSON near line 3", NULL);
    /* cJSON does not take NaN / Infinity literals: they are syntax errors */
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":2,\"weights\":[1,NaN,3,4,5,6,7,8],\"bias\":[0,1]}]}",
                ZKB_ERR_PARSE, "invalid JSON", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":2,\"weights\":[1,nan,3,4,5,6,7,8],\"bias\":[0,1]}]}",
                ZKB_ERR_PARSE, "invalid JSON", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":2,\"weights\":[1,-Infinity,3,4,5,6,7,8],\"bias\":[0,1]}]}",
                ZKB_ERR_PARSE, "invalid JSON", NULL);
    expect_fail(ctx, GOOD " x", ZKB_ERR_PARSE, "unexpected data after the JSON value", NULL);
    expect_fail(ctx, "[1,2]", ZKB_ERR_PARSE, "<json>: $: expected an object, got an array", NULL);
    /* deep nesting is refused, not a stack overflow */
    zkbt_str b = {0};
    for (int i = 0; i < 100000; i++)
        zkbt_str_add(&b, "[");
    expect_fail(ctx, b.s, ZKB_ERR_PARSE, "invalid JSON", NULL);
    free(b.s);
    /* a buffer that is not NUL-terminated: only len bytes are read */
    const char *txt = GOOD "garbage";
    zkb_model *m = NULL;
    assert_int_equal(zkb_model_load_json(ctx, txt, strlen(GOOD), &m), ZKB_OK);
    zkb_model_free(m);
    assert_int_equal(zkb_model_load_json(ctx, NULL, 3, &m), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_model_load_json(ctx, txt, 3, NULL), ZKB_ERR_INVALID_ARG);
}

static void test_header_errors(void **state)
{
    zkb_ctx *ctx = *state;
    expect_fail(ctx, "{\"version\":1}", ZKB_ERR_PARSE, "$.format: missing", NULL);
    expect_fail(ctx, "{\"format\":\"onnx\",\"version\":1}", ZKB_ERR_PARSE,
                "$.format: expected \"zkmlbench-model\", got a string \"onnx\"", NULL);
    expect_fail(ctx, "{\"format\":7}", ZKB_ERR_PARSE, "$.format: expected", "got a number");
    expect_fail(ctx, "{\"format\":\"zkmlbench-model\"}", ZKB_ERR_PARSE, "$.version: missing", NULL);
    expect_fail(ctx, "{\"format\":\"zkmlbench-model\",\"version\":2}", ZKB_ERR_UNSUPPORTED,
                "$.version: unsupported version 2", "reads version 1");
    expect_fail(ctx, "{\"format\":\"zkmlbench-model\",\"version\":\"1\"}", ZKB_ERR_PARSE,
                "$.version: expected the integer 1, got a string", NULL);
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"input\":{\"shape\":[1,1,1]},"
                "\"classes\":1,\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.name: missing", NULL);
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"\","
                "\"input\":{\"shape\":[1,1,1]},\"classes\":1,\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.name: must be 1..128 bytes", NULL);
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"a\\u0001b\","
                "\"input\":{\"shape\":[1,1,1]},\"classes\":1,\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.name: must be", "control characters");
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\","
                "\"classes\":1,\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.input: missing", NULL);
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\",\"input\":{},"
                "\"classes\":1,\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.input.shape: expected an array of 3 integers", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2]", 2) "]}", ZKB_ERR_PARSE, "$.input.shape: expected an array of 3",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,0,2]", 2) "]}", ZKB_ERR_PARSE, "$.input.shape[1]: 0 is not in 1..1048576",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,\"2\",2]", 2) "]}", ZKB_ERR_PARSE,
                "$.input.shape[1]: expected an integer", "got a string");
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1.5,2]", 2) "]}", ZKB_ERR_PARSE, "$.input.shape[1]: 1.5 is not an integer",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1048576,1048576,1048576]", 2) "]}", ZKB_ERR_OVERFLOW, "$.input.shape:",
                "is more than 268435456");
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\","
                "\"input\":{\"shape\":[1,1,1]},\"layers\":[{\"op\":\"relu\"}]}",
                ZKB_ERR_PARSE, "$.classes: missing", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1,1]", 0) "{\"op\":\"relu\"}]}", ZKB_ERR_PARSE,
                "$.classes: 0 is not in 1..1048576", NULL);
    expect_fail(ctx,
                "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"t\","
                "\"input\":{\"shape\":[1,1,1]},\"classes\":1}",
                ZKB_ERR_PARSE, "$.layers: missing", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1,1]", 1) "]}", ZKB_ERR_PARSE, "$.layers: 0 layers is not in 1..4096",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"relu\"}],\"metadata\":[]}", ZKB_ERR_PARSE,
                "$.metadata: expected an object, got an array", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"relu\"}],\"extra\":1}", ZKB_ERR_PARSE,
                "$: unknown member \"extra\"", "allowed: format, version");
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"relu\"}],\"classes\":1}", ZKB_ERR_PARSE,
                "$: duplicate member \"classes\"", NULL);

    zkbt_str b = {0};
    zkbt_str_add(&b, ZKBT_MODEL_HDR("[1,1,1]", 1));
    sb_repeat(&b, "{\"op\":\"relu\"}", 4097);
    zkbt_str_add(&b, "]}");
    expect_fail(ctx, b.s, ZKB_ERR_OVERFLOW, "$.layers: 4097 layers is not in 1..4096", NULL);
    free(b.s);

    /* metadata is kept as compact JSON text */
    zkb_model *m = load_ok(ctx, ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"relu\"}], \"metadata\": {\"a\": [1, {\"b\": null}]}}");
    assert_string_equal(zkbi_model_metadata(m), "{\"a\":[1,{\"b\":null}]}");
    zkb_model_free(m);
}

static void test_layer_errors(void **state)
{
    zkb_ctx *ctx = *state;
#define DENSE(extra) ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\"" extra "}]}"
    expect_fail(ctx, DENSE(",\"units\":0,\"weights\":[],\"bias\":[]"), ZKB_ERR_PARSE,
                "<json>: $.layers[1].units: 0 is not in 1..1048576", NULL);
    expect_fail(ctx, DENSE(",\"units\":2000000,\"weights\":[],\"bias\":[]"), ZKB_ERR_PARSE,
                "$.layers[1].units: 2000000 is not in 1..1048576", NULL);
    expect_fail(ctx, DENSE(",\"units\":-1"), ZKB_ERR_PARSE, "$.layers[1].units: -1 is not in", NULL);
    expect_fail(ctx, DENSE(",\"units\":2.5"), ZKB_ERR_PARSE, "$.layers[1].units: 2.5 is not an integer",
                NULL);
    expect_fail(ctx, DENSE(",\"units\":1e999"), ZKB_ERR_PARSE, "$.layers[1].units: not a finite number",
                NULL);
    expect_fail(ctx, DENSE(",\"units\":true"), ZKB_ERR_PARSE, "$.layers[1].units: expected an integer",
                "got a boolean");
    expect_fail(ctx, DENSE(",\"weights\":[],\"bias\":[]"), ZKB_ERR_PARSE, "$.layers[1].units: missing",
                NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"bias\":[0,0]"), ZKB_ERR_PARSE,
                "$.layers[1].weights: missing (an array of 8 numbers [units 2][inputs 4])", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7],\"bias\":[0,0]"), ZKB_ERR_PARSE,
                "$.layers[1].weights: expected 8 numbers [units 2][inputs 4], got 7", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,8,9],\"bias\":[0,0]"), ZKB_ERR_PARSE,
                "$.layers[1].weights: expected 8 numbers", "got 9");
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[[1,2,3,4],[5,6,7,8]],\"bias\":[0,0]"), ZKB_ERR_PARSE,
                "$.layers[1].weights: expected 8 numbers", "got 2");
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":{},\"bias\":[0,0]"), ZKB_ERR_PARSE,
                "$.layers[1].weights: expected an array of 8 numbers", "got an object");
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":" W8 ",\"bias\":[0]"), ZKB_ERR_PARSE,
                "$.layers[1].bias: expected 2 numbers [units 2], got 1", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,\"4\",5,6,7,8],\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1].weights[3]: not a number (got a string)", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,null],\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1].weights[7]: not a number (got null)", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,1e999,4,5,6,7,8],\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1].weights[2]: not a finite number", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,8],\"bias\":[0,-1e999]"),
                ZKB_ERR_PARSE, "$.layers[1].bias[1]: not a finite number", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,1e39],\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1].weights[7]: 1e+39 is out of float32 range", NULL);
    /* the shortest decimal form of FLT_MAX rounds to it, so it loads */
    zkb_model_free(load_ok(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,3.4028235e38],\"bias\":[0,-3.4028235e38]")));
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":[1,2,3,4,5,6,7,3.4028236e38],\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1].weights[7]: 3.40282e+38 is out of float32 range", NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"weights\":" W8 ",\"bias\":[0,0],\"kernel\":[1,1]"),
                ZKB_ERR_PARSE, "$.layers[1]: unknown member \"kernel\" (allowed: op, units, weights, bias)",
                NULL);
    expect_fail(ctx, DENSE(",\"units\":2,\"units\":2,\"weights\":" W8 ",\"bias\":[0,0]"),
                ZKB_ERR_PARSE, "$.layers[1]: duplicate member \"units\"", NULL);
#undef DENSE
    /* op */
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":\"conv3d\"}]}", ZKB_ERR_PARSE,
                "$.layers[0].op: unknown op \"conv3d\" (known: dense, conv2d, avgpool2d, maxpool2d, "
                "relu, flatten, pad2d)",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":\"\\n\\u0007x\"}]}", ZKB_ERR_PARSE,
                "unknown op \"??x\"", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"units\":3}]}", ZKB_ERR_PARSE, "$.layers[0].op: missing",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":5}]}", ZKB_ERR_PARSE,
                "$.layers[0].op: expected a string", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "7]}", ZKB_ERR_PARSE,
                "$.layers[0]: expected an object, got a number", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":\"relu\",\"foo\":1}]}", ZKB_ERR_PARSE,
                "$.layers[0]: unknown member \"foo\" (allowed: op)", NULL);
    /* topology */
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 2) "{\"op\":\"dense\",\"units\":2,\"weights\":" W8 ",\"bias\":[0,0]}]}",
                ZKB_ERR_PARSE, "$.layers[0]: dense needs a flat input but its input is [1][2][2]",
                "add a flatten layer");
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":3,\"weights\":[1,2,3,4,5,6,7,8,9,10,11,12],\"bias\":[0,0,0]}]}",
                ZKB_ERR_PARSE, "$.classes: 2 but the last layer (1, dense) outputs 3 values", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) FLAT "{\"op\":\"maxpool2d\",\"pool\":[2,2]}]}", ZKB_ERR_PARSE,
                "$.layers[1]: maxpool2d needs a [C][H][W] input, but its input is a flat vector [16]",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[5,5],\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0]: conv2d kernel 5x5 is larger than its input [1][4][4]", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[3],\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].kernel: expected an array of 2 integers", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[3,0],\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].kernel[1]: 0 is not in 1..1048576", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].kernel: missing", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[3,3],\"stride\":2,\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].stride: expected an array [height, width], got a number", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[3,3],\"padding\":\"same\",\"weights\":[],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].padding: only \"valid\" padding is supported, got a string \"same\"", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[2,4,4]", 4) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[3,3],\"weights\":[1,2,3],\"bias\":[0]}]}",
                ZKB_ERR_PARSE, "$.layers[0].weights: expected 18 numbers [filters 1][in_c 2][kh 3][kw 3], got 3", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"avgpool2d\",\"pool\":[2,2],\"stride\":[0,1]}]}",
                ZKB_ERR_PARSE, "$.layers[0].stride[0]: 0 is not in 1..1048576", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,4,4]", 4) "{\"op\":\"avgpool2d\"}]}", ZKB_ERR_PARSE,
                "$.layers[0].pool: missing", NULL);
    /* absurd sizes: caught before any weight is read */
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,16,32]", 1048576) FLAT "{\"op\":\"dense\",\"units\":1048576}]}",
                ZKB_ERR_OVERFLOW, "$.layers[1]: dense: 1048576 units x 512 inputs exceeds 268435456",
                NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1024,1024,512]", 1) "{\"op\":\"relu\"}]}", ZKB_ERR_OVERFLOW,
                "$.input.shape: 536870912 values is more than 268435456", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1024,512,256]", 1) "{\"op\":\"conv2d\",\"filters\":1048576,\"kernel\":[1,1]}]}",
                ZKB_ERR_OVERFLOW, "$.layers[0]: conv2d: 1048576 filters x 1024 channels", NULL);
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,16384,16384]", 1) "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[1,1]}]}",
                ZKB_ERR_OVERFLOW, "$.layers[0]: conv2d output [2][16384][16384] has more than 268435456 values", NULL);
    /* cumulative parameter cap */
    expect_fail(ctx,
                ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"conv2d\",\"filters\":16384,\"kernel\":[1,1]},"
                "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":16384}]}",
                ZKB_ERR_PARSE, "$.layers[0].weights: missing (an array of 16384", NULL);
}

/* Params cap across layers: each layer fits, the sum does not. Built with
 * real (zero) weights only for the first layer; the second is refused before
 * its weights are read. */
static void test_param_cap(void **state)
{
    zkb_ctx *ctx = *state;
    /* dense 1 -> 16384, then dense 16384 -> 16384 = 2^28 weights + 2^14 bias > 2^28 */
    zkbt_str b = {0};
    zkbt_str_add(&b, ZKBT_MODEL_HDR("[1,1,1]", 16384) FLAT "{\"op\":\"dense\",\"units\":16384,\"weights\":[");
    sb_repeat(&b, "0", 16384);
    zkbt_str_add(&b, "],\"bias\":[");
    sb_repeat(&b, "0", 16384);
    zkbt_str_add(&b, "]},{\"op\":\"dense\",\"units\":16384}]}");
    expect_fail(ctx, b.s, ZKB_ERR_OVERFLOW,
                "$.layers[2]: the model would have more than 268435456 parameters", NULL);
    free(b.s);
}

/* cJSON keeps strings as C strings: a \u0000 would cut a string short
 * ("tiny\u0000dense" loading as "tiny", "relu\u0000x" as the op "relu"), so
 * any string holding one is refused, with its JSON path. */
static void test_nul_strings(void **state)
{
    zkb_ctx *ctx = *state;
#define NUL_MODEL(name, meta, op) \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"" name "\"," meta \
    "\"input\":{\"shape\":[1,1,1]},\"classes\":1,\"layers\":[{\"op\":\"relu\"}," op "]}"
    zkb_model *m = load_ok(ctx, NUL_MODEL("tiny_dense", "", "{\"op\":\"flatten\"}"));
    zkb_model_free(m);
    expect_fail(ctx, NUL_MODEL("tiny\\u0000dense", "", "{\"op\":\"flatten\"}"), ZKB_ERR_PARSE,
                "<json>: $.name: the string holds a NUL character (\\u0000)",
                "names may not contain control characters");
    expect_fail(ctx, NUL_MODEL("\\u0000", "", "{\"op\":\"flatten\"}"), ZKB_ERR_PARSE,
                "$.name: the string holds a NUL character", NULL);
    expect_fail(ctx, NUL_MODEL("t", "", "{\"op\":\"flatten\\u0000x\"}"), ZKB_ERR_PARSE,
                "$.layers[1].op: the string holds a NUL character", NULL);
    expect_fail(ctx, NUL_MODEL("t", "", "{\"op\\u0000junk\":\"flatten\"}"), ZKB_ERR_PARSE,
                "$.layers[1]: a member name holds a NUL character", NULL);
    expect_fail(ctx, NUL_MODEL("t", "\"metadata\":{\"a\":[\"x\",{\"b\":\"c\\u0000d\"}]},",
                               "{\"op\":\"flatten\"}"),
                ZKB_ERR_PARSE, "$.metadata.a[1].b: the string holds a NUL character", NULL);
    /* an escaped backslash before "u0000" is no NUL; other strings before
     * the NUL are counted right (escaped quotes included) */
    m = load_ok(ctx, NUL_MODEL("a\\\\u0000b", "\"metadata\":{\"q\\\"\":\"\\\"\"},",
                               "{\"op\":\"flatten\"}"));
    assert_string_equal(zkb_model_name(m), "a\\u0000b");
    zkb_model_free(m);
    expect_fail(ctx, NUL_MODEL("t", "\"metadata\":{\"q\\\"\":\"\\\"\",\"z\":\"\\u0000\"},",
                               "{\"op\":\"flatten\"}"),
                ZKB_ERR_PARSE, "$.metadata.z: the string holds a NUL character", NULL);
#undef NUL_MODEL
    /* a raw NUL byte: not JSON text (cJSON took it for a blank) */
    static const char raw[] = "{\"format\":\0\"zkmlbench-model\"}";
    m = (zkb_model *)0x1;
    assert_int_equal(zkb_model_load_json(ctx, raw, sizeof raw - 1, &m), ZKB_ERR_PARSE);
    assert_null(m);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "<json>: a NUL byte at line 1, column 11"));
}

static void test_file_errors(void **state)
{
    zkb_ctx *ctx = *state;
    zkb_model *m = (zkb_model *)0x1;
    assert_int_equal(zkb_model_load_file(ctx, "/nonexistent/model.json", &m), ZKB_ERR_NOT_FOUND);
    assert_null(m);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "/nonexistent/model.json: cannot open: No such file"));
    assert_int_equal(zkb_model_load_file(ctx, ZKB_SOURCE_DIR "/models", &m), ZKB_ERR_IO);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "is a directory"));

    char dir[] = "/tmp/zkb_test_modelXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];

    /* sparse file just over the 1 GiB cap: refused without reading it */
    snprintf(path, sizeof path, "%s/big.json", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)(UINT64_C(1) << 30) + 1), 0);
    close(fd);
    assert_int_equal(zkb_model_load_file(ctx, path, &m), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "big.json: file too large"));
    unlink(path);

    /* a fault in a file names the file */
    snprintf(path, sizeof path, "%s/model.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(ZKBT_MODEL_HDR("[1,2,2]", 2) FLAT "{\"op\":\"dense\",\"units\":2,\n\"weights\":[1,2,3,4,5,6,7,\"x\"],\"bias\":[0,0]}]}", f);
    fclose(f);
    assert_int_equal(zkb_model_load_file(ctx, path, &m), ZKB_ERR_PARSE);
    char want[300];
    snprintf(want, sizeof want, "%s: $.layers[1].weights[7]: not a number", path);
    if (!strstr(zkb_ctx_last_error(ctx), want))
        fail_msg("'%s' lacks '%s'", zkb_ctx_last_error(ctx), want);

    /* unreadable (meaningless as root) */
    if (geteuid() != 0) {
        chmod(path, 0);
        assert_int_equal(zkb_model_load_file(ctx, path, &m), ZKB_ERR_IO);
        assert_non_null(strstr(zkb_ctx_last_error(ctx), "cannot open: Permission denied"));
    }
    unlink(path);
    rmdir(dir);
    assert_int_equal(zkb_model_load_file(ctx, NULL, &m), ZKB_ERR_INVALID_ARG);
}

/* Random byte mutations of a valid model never crash (run under ASan). */
static void test_mutations(void **state)
{
    zkb_ctx *ctx = *state;
    FILE *f = fopen(TINY("tiny_cnn"), "rb");
    assert_non_null(f);
    char base[8192];
    size_t n = fread(base, 1, sizeof base, f);
    fclose(f);
    assert_true(n > 100 && n < sizeof base);
    static const char pool[] = "{}[],:\"-+.eE0123456789 nultrfa\\x";
    uint64_t s = 12345;
    int ok = 0;
    char *buf = malloc(n);
    assert_non_null(buf);
    for (int it = 0; it < 3000; it++) {
        memcpy(buf, base, n);
        int k = 1 + it % 4;
        for (int j = 0; j < k; j++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t pos = (size_t)(s >> 33) % n;
            buf[pos] = (s >> 20) & 1 ? pool[(s >> 8) % (sizeof pool - 1)] : (char)(s >> 12);
        }
        size_t len = (it % 7 == 0) ? (size_t)(s >> 40) % n : n;
        zkb_model *m = NULL;
        if (zkb_model_load_json(ctx, buf, len, &m) == ZKB_OK) {
            ok++;
            assert_int_equal(strlen(zkb_model_fingerprint(m)), 32);
            zkb_model_free(m);
        } else {
            assert_null(m);
            assert_true(strlen(zkb_ctx_last_error(ctx)) > 0);
        }
    }
    free(buf);
    (void)ok;
}


/* ---- pad2d and output_fn ------------------------------------------------------------ */

/* [2,3,4] -> pad2d [1,2,0,3] -> [2,4,9] -> avgpool 2x3 -> [2,2,3] -> flatten -> dense 2 */
#define PADDED(pads, out_fn)                                                                       \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"padded\",\"input\":{\"shape\":[2,3,4]}," \
    "\"classes\":2," out_fn "\"layers\":[{\"op\":\"pad2d\",\"pads\":" pads "},"                         \
    "{\"op\":\"avgpool2d\",\"pool\":[2,3]},{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":2,"        \
    "\"weights\":[1,2,3,4,5,6,7,8,9,10,11,12,-1,-2,-3,-4,-5,-6,-7,-8,-9,-10,-11,-12.5],"             \
    "\"bias\":[0.5,-0.5]}]}"

static void test_pad2d_load(void **state)
{
    zkb_model *m = load_ok(*state, PADDED("[1,2,0,3]", ""));
    const zkb_model_desc *d = zkbi_model_desc(m);
    const zkb_layer_desc *L = d->layers[0];
    assert_string_equal(zkb_model_layer_op(m, 0), "pad2d");
    assert_int_equal(L->op, ZKB_OP_PAD2D);
    assert_int_equal(L->in_c, 2);
    assert_int_equal(L->in_h, 3);
    assert_int_equal(L->in_w, 4);
    assert_int_equal(L->out_c, 2);
    assert_int_equal(L->out_h, 1 + 3 + 0);
    assert_int_equal(L->out_w, 2 + 4 + 3);
    assert_int_equal(L->pad_top, 1);
    assert_int_equal(L->pad_left, 2);
    assert_int_equal(L->pad_bottom, 0);
    assert_int_equal(L->pad_right, 3);
    assert_int_equal(L->kernel_h + L->kernel_w + L->stride_h + L->stride_w, 0);
    assert_int_equal(L->n_weights + L->n_bias, 0);
    assert_null(L->weights);
    L = d->layers[1]; /* (4-2)/2+1 = 2, (9-3)/3+1 = 3; pads are 0 on every other layer */
    assert_int_equal(L->out_h, 2);
    assert_int_equal(L->out_w, 3);
    assert_int_equal(L->pad_top + L->pad_left + L->pad_bottom + L->pad_right, 0);
    assert_int_equal(d->layers[3]->in_w, 12);
    assert_int_equal(d->output_fn, ZKB_OUTPUT_LOGITS);
    assert_int_equal(zkb_model_param_count(m), 26);
    zkb_model_free(m);
    /* all four 0: allowed, the identity */
    m = load_ok(*state, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":\"pad2d\",\"pads\":[0,0,0,0]},{\"op\":\"flatten\"}]}");
    assert_int_equal(zkbi_model_desc(m)->layers[0]->out_h, 2);
    zkb_model_free(m);
}

static void test_pad2d_errors(void **state)
{
    zkb_ctx *ctx = *state;
#define PAD(shape, classes, pads) ZKBT_MODEL_HDR(shape, classes) "{\"op\":\"pad2d\"" pads "},{\"op\":\"flatten\"}]}"
    expect_fail(ctx, PAD("[1,2,2]", 4, ""), ZKB_ERR_PARSE,
                "<json>: $.layers[0].pads: missing (an array of 4 integers [top, left, bottom, right])", NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":1"), ZKB_ERR_PARSE,
                "$.layers[0].pads: expected an array of 4 integers [top, left, bottom, right], got a number",
                NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[1,1,1]"), ZKB_ERR_PARSE,
                "$.layers[0].pads: expected an array of 4 integers", "got 3 values");
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[1,1,1,1,1]"), ZKB_ERR_PARSE,
                "$.layers[0].pads: expected an array of 4 integers", "got 5 values");
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[0,0,-1,0]"), ZKB_ERR_PARSE,
                "$.layers[0].pads[2]: -1 is not in 0..1048576", NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[0,1048577,0,0]"), ZKB_ERR_PARSE,
                "$.layers[0].pads[1]: 1048577 is not in 0..1048576", NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[0,\"1\",0,0]"), ZKB_ERR_PARSE,
                "$.layers[0].pads[1]: expected an integer in 0..1048576, got a string", NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[null,0,0,0]"), ZKB_ERR_PARSE,
                "$.layers[0].pads[0]: expected an integer", "got null");
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[0,0,0,1.5]"), ZKB_ERR_PARSE,
                "$.layers[0].pads[3]: 1.5 is not an integer", NULL);
    expect_fail(ctx, PAD("[1,2,2]", 4, ",\"pads\":[1,1,1,1],\"padding\":\"valid\""), ZKB_ERR_PARSE,
                "$.layers[0]: unknown member \"padding\" (allowed: op, pads)", NULL);
    /* the padded side within the dimension limit, the output within the activation limit */
    expect_fail(ctx, PAD("[1,1048000,1]", 1, ",\"pads\":[600,0,0,0]"), ZKB_ERR_PARSE,
                "$.layers[0]: pad2d: the padded input [1][1048600][1] has a side longer than 1048576", NULL);
    expect_fail(ctx, PAD("[1,16384,16384]", 1, ",\"pads\":[0,0,1,0]"), ZKB_ERR_OVERFLOW,
                "$.layers[0]: pad2d output [1][16385][16384] has more than 268435456 values", NULL);
#undef PAD
    expect_fail(ctx, ZKBT_MODEL_HDR("[1,2,2]", 4) "{\"op\":\"flatten\"},{\"op\":\"pad2d\",\"pads\":[1,1,1,1]}]}",
                ZKB_ERR_PARSE, "$.layers[1]: pad2d needs a [C][H][W] input, but its input is a flat vector [4]",
                NULL);
    expect_fail(ctx, PADDED("[1,2,0,3]", "") "x", ZKB_ERR_PARSE, "unexpected data", NULL);
    expect_fail(ctx, PADDED("[1,2,2,3]", ""), ZKB_ERR_PARSE,
                "$.layers[3].weights: expected 36 numbers [units 2][inputs 18], got 24", NULL);
}

static void test_output_fn(void **state)
{
    zkb_ctx *ctx = *state;
    static const char *const names[] = {"logits", "softmax", "log_softmax", "sigmoid"};
    static const char *const json[] = {
        PADDED("[1,2,0,3]", "\"output_fn\":\"logits\","), PADDED("[1,2,0,3]", "\"output_fn\":\"softmax\","),
        PADDED("[1,2,0,3]", "\"output_fn\":\"log_softmax\","), PADDED("[1,2,0,3]", "\"output_fn\":\"sigmoid\","),
    };
    for (uint32_t fn = 0; fn <= ZKB_OUTPUT_FN_MAX; fn++) {
        zkb_model *m = load_ok(ctx, json[fn]);
        assert_int_equal(zkb_model_output_fn(m), fn);
        assert_int_equal(zkbi_model_desc(m)->output_fn, fn);
        if (fn)
            assert_string_equal(zkb_output_fn_name(fn), names[fn]);
        zkb_model_free(m);
    }
    assert_null(zkb_output_fn_name(ZKB_OUTPUT_LOGITS));
    assert_null(zkb_output_fn_name(ZKB_OUTPUT_FN_MAX + 1));
    assert_int_equal(zkb_model_output_fn(NULL), ZKB_OUTPUT_LOGITS);
    expect_fail(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"tanh\","), ZKB_ERR_PARSE,
                "<json>: $.output_fn: unknown output function \"tanh\" (known: logits, softmax, log_softmax, sigmoid)",
                NULL);
    expect_fail(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"Softmax\","), ZKB_ERR_PARSE,
                "$.output_fn: unknown output function \"Softmax\"", NULL);
    expect_fail(ctx, PADDED("[1,2,0,3]", "\"output_fn\":1,"), ZKB_ERR_PARSE,
                "$.output_fn: expected a string (one of: logits, softmax, log_softmax, sigmoid), got a number",
                NULL);
    expect_fail(ctx, PADDED("[1,2,0,3]", "\"output_fn\":null,"), ZKB_ERR_PARSE, "$.output_fn: expected a string",
                "got null");
    expect_fail(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"softmax\",\"output_fn\":\"softmax\","), ZKB_ERR_PARSE,
                "$: duplicate member \"output_fn\"", NULL);
}

/* load -> zkbi_model_to_json -> load: same fingerprint, same text again */
static void expect_round_trip(zkb_ctx *ctx, const char *json, const char *has, const char *lacks)
{
    zkb_model *m = load_ok(ctx, json);
    char *text = NULL, *again = NULL, err[256];
    assert_int_equal(zkbi_model_to_json(m, &text, NULL, err, sizeof err), ZKB_OK);
    if (has && !strstr(text, has))
        fail_msg("saved text lacks '%s':\n%s", has, text);
    if (lacks && strstr(text, lacks))
        fail_msg("saved text has '%s':\n%s", lacks, text);
    zkb_model *back = load_ok(ctx, text);
    assert_string_equal(zkb_model_fingerprint(back), zkb_model_fingerprint(m));
    assert_int_equal(zkb_model_output_fn(back), zkb_model_output_fn(m));
    assert_int_equal(zkbi_model_to_json(back, &again, NULL, err, sizeof err), ZKB_OK);
    assert_string_equal(again, text);
    free(text);
    free(again);
    zkb_model_free(back);
    zkb_model_free(m);
}

static void test_pad2d_output_fn_round_trip(void **state)
{
    zkb_ctx *ctx = *state;
    expect_round_trip(ctx, PADDED("[1,2,0,3]", ""), "{\"op\": \"pad2d\", \"pads\": [1, 2, 0, 3]}", "output_fn");
    expect_round_trip(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"logits\","), NULL, "output_fn");
    expect_round_trip(ctx, PADDED("[0,0,2,7]", "\"output_fn\":\"softmax\","), "\"output_fn\": \"softmax\"", NULL);
    expect_round_trip(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"log_softmax\","), "\"output_fn\": \"log_softmax\"",
                      NULL);
    expect_round_trip(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"sigmoid\","), "\"output_fn\": \"sigmoid\"", NULL);
}

/* ---- fingerprint ------------------------------------------------------------------ */

static void test_fingerprint_stable(void **state)
{
    zkb_ctx *ctx = *state;
#define FPM(name, w, meta)                                                                 \
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"" name "\","                 \
    "\"input\":{\"shape\":[1,2,2]},\"classes\":2,\"layers\":[{\"op\":\"flatten\"},"        \
    "{\"op\":\"dense\",\"units\":2,\"weights\":[" w "],\"bias\":[0.25,-1]}]" meta "}"
    zkb_model *a = load_ok(ctx, FPM("a", "0.5,1,2,3,4,5,6,7", ""));
    zkb_model *b = load_ok(ctx, FPM("a", "0.5,1,2,3,4,5,6,7", ""));
    zkb_model *c = load_ok(ctx, FPM("other name", "5e-1, 1.0, 2, 3, 4, 5, 6, 7e0",
                                     ",\"metadata\":{\"x\":1}"));
    /* 0.50000006 is the next float32 after 0.5: one bit differs */
    zkb_model *d = load_ok(ctx, FPM("a", "0.50000006,1,2,3,4,5,6,7", ""));
    zkb_model *e = load_ok(ctx, FPM("a", "0.5,1,2,3,4,5,6,7.0000001", "")); /* rounds to 7.0f */
    assert_string_equal(zkb_model_fingerprint(a), zkb_model_fingerprint(b));
    assert_string_equal(zkb_model_fingerprint(a), zkb_model_fingerprint(c));
    assert_string_not_equal(zkb_model_fingerprint(a), zkb_model_fingerprint(d));
    assert_string_equal(zkb_model_fingerprint(a), zkb_model_fingerprint(e));
    uint32_t b0, b1;
    memcpy(&b0, &zkbi_model_desc(a)->layers[1]->weights[0], 4);
    memcpy(&b1, &zkbi_model_desc(d)->layers[1]->weights[0], 4);
    assert_int_equal(b0 ^ b1, 1);
    zkb_model *f = load_ok(ctx, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"a\","
                                "\"input\":{\"shape\":[1,2,2]},\"classes\":4,"
                                "\"layers\":[{\"op\":\"relu\"},{\"op\":\"flatten\"}]}");
    zkb_model *g = load_ok(ctx, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"a\","
                                "\"input\":{\"shape\":[1,2,2]},\"classes\":4,"
                                "\"layers\":[{\"op\":\"flatten\"},{\"op\":\"relu\"}]}");
    assert_string_not_equal(zkb_model_fingerprint(f), zkb_model_fingerprint(g));
    /* pads and the output function count; "logits" is the same as none */
    const char *padded[] = {PADDED("[1,2,0,3]", ""), PADDED("[1,3,0,2]", ""), PADDED("[0,2,1,3]", ""),
                            PADDED("[1,2,0,3]", "\"output_fn\":\"softmax\","),
                            PADDED("[1,2,0,3]", "\"output_fn\":\"log_softmax\","),
                            PADDED("[1,2,0,3]", "\"output_fn\":\"sigmoid\",")};
    char fps[6][33];
    for (int i = 0; i < 6; i++) {
        zkb_model *p = load_ok(ctx, padded[i]);
        snprintf(fps[i], sizeof fps[i], "%s", zkb_model_fingerprint(p));
        zkb_model_free(p);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(fps[i], fps[k]);
    }
    zkb_model *p = load_ok(ctx, PADDED("[1,2,0,3]", "\"output_fn\":\"logits\","));
    assert_string_equal(zkb_model_fingerprint(p), fps[0]);
    zkb_model_free(p);
    zkb_model_free(a);
    zkb_model_free(b);
    zkb_model_free(c);
    zkb_model_free(d);
    zkb_model_free(e);
    zkb_model_free(f);
    zkb_model_free(g);
}

/* The documented canonical encoding, rebuilt byte by byte. */
static size_t put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return 4;
}

static size_t put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return 8;
}

static size_t putf(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    return put32(p, v);
}

static void test_fingerprint_encoding(void **state)
{
    zkb_model *m = load_ok(*state, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"x\","
                                   "\"input\":{\"shape\":[1,1,2]},\"classes\":1,\"layers\":["
                                   "{\"op\":\"flatten\"},"
                                   "{\"op\":\"dense\",\"units\":1,\"weights\":[0.5,-1],\"bias\":[0.25]}]}");
    unsigned char buf[512];
    size_t n = 0;
    memcpy(buf, "zkmlbench-model", 16); /* with its NUL */
    n = 16;
    n += put32(buf + n, 1);               /* format version */
    n += put32(buf + n, 1);               /* C */
    n += put32(buf + n, 1);               /* H */
    n += put32(buf + n, 2);               /* W */
    n += put32(buf + n, 1);               /* classes */
    n += put32(buf + n, 2);               /* layers */
    uint32_t flat[12] = {ZKB_OP_FLATTEN, 1, 1, 2, 1, 1, 2, 0, 0, 0, 0};
    for (int i = 0; i < 11; i++)
        n += put32(buf + n, flat[i]);
    n += put64(buf + n, 0);
    n += put64(buf + n, 0);
    uint32_t dense[12] = {ZKB_OP_DENSE, 1, 1, 2, 1, 1, 1, 0, 0, 0, 0};
    for (int i = 0; i < 11; i++)
        n += put32(buf + n, dense[i]);
    n += put64(buf + n, 2);
    n += putf(buf + n, 0.5f);
    n += putf(buf + n, -1.0f);
    n += put64(buf + n, 1);
    n += putf(buf + n, 0.25f);
    XXH128_hash_t h = XXH3_128bits(buf, n);
    char want[33];
    snprintf(want, sizeof want, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
    assert_string_equal(zkb_model_fingerprint(m), want);
    zkb_model_free(m);
}

/* pad2d's four pads follow its kernel and stride; a non-zero output_fn ends
 * the string. */
static void test_fingerprint_encoding_pad2d_output_fn(void **state)
{
    zkb_model *m = load_ok(*state, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"x\","
                                   "\"input\":{\"shape\":[1,1,1]},\"classes\":12,\"output_fn\":\"sigmoid\","
                                   "\"layers\":[{\"op\":\"pad2d\",\"pads\":[1,0,0,5]},{\"op\":\"flatten\"}]}");
    unsigned char buf[512];
    size_t n = 16;
    memcpy(buf, "zkmlbench-model", 16);
    uint32_t head[6] = {1, 1, 1, 1, 12, 2}; /* version, C, H, W, classes, layers */
    for (int i = 0; i < 6; i++)
        n += put32(buf + n, head[i]);
    uint32_t pad[15] = {ZKB_OP_PAD2D, 1, 1, 1, 1, 2, 6, 0, 0, 0, 0, 1, 0, 0, 5};
    for (int i = 0; i < 15; i++)
        n += put32(buf + n, pad[i]);
    n += put64(buf + n, 0);
    n += put64(buf + n, 0);
    uint32_t flat[11] = {ZKB_OP_FLATTEN, 1, 2, 6, 1, 1, 12, 0, 0, 0, 0};
    for (int i = 0; i < 11; i++)
        n += put32(buf + n, flat[i]);
    n += put64(buf + n, 0);
    n += put64(buf + n, 0);
    n += put32(buf + n, ZKB_OUTPUT_SIGMOID);
    XXH128_hash_t h = XXH3_128bits(buf, n);
    char want[33];
    snprintf(want, sizeof want, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
    assert_string_equal(zkb_model_fingerprint(m), want);
    zkb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_models_load),
        cmocka_unit_test(test_shape_inference),
        cmocka_unit_test(test_good_minimal),
        cmocka_unit_test(test_json_syntax),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_layer_errors),
        cmocka_unit_test(test_param_cap),
        cmocka_unit_test(test_nul_strings),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_fingerprint_stable),
        cmocka_unit_test(test_fingerprint_encoding),
        cmocka_unit_test(test_pad2d_load),
        cmocka_unit_test(test_pad2d_errors),
        cmocka_unit_test(test_output_fn),
        cmocka_unit_test(test_pad2d_output_fn_round_trip),
        cmocka_unit_test(test_fingerprint_encoding_pad2d_output_fn),
    };
    return cmocka_run_group_tests(tests, setup_ctx, teardown_ctx);
}
