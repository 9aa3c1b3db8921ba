/* Float and fixed-point reference evaluators against hand-computed values;
 * rounding of negatives; overflow detection; the pow10 scheme; exact
 * quantization; the quantized model view; thread safety; pad2d in every
 * evaluator; the float output functions. */
#include "zkbt.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_eval.h"
#include "zkmlbench/zkmlbench.h"

#define TINY(name) ZKB_SOURCE_DIR "/models/tiny/" name ".json"


/* ---- rounding and quantization ------------------------------------------------ */

static void test_div_round(void **state)
{
    (void)state;
    const uint32_t HU = ZKB_ROUND_HALF_UP, FL = ZKB_ROUND_FLOOR;
    assert_int_equal(zkbi_div_round(-3, 2, HU), -1);
    assert_int_equal(zkbi_div_round(-3, 2, FL), -2);
    assert_int_equal(zkbi_div_round(3, 2, HU), 2);
    assert_int_equal(zkbi_div_round(3, 2, FL), 1);
    assert_int_equal(zkbi_div_round(-4, 2, HU), -2);
    assert_int_equal(zkbi_div_round(-4, 2, FL), -2);
    assert_int_equal(zkbi_div_round(-5, 4, HU), -1); /* -1.25 */
    assert_int_equal(zkbi_div_round(-6, 4, HU), -1); /* -1.5 -> towards +inf */
    assert_int_equal(zkbi_div_round(-7, 4, HU), -2); /* -1.75 */
    assert_int_equal(zkbi_div_round(-5, 4, FL), -2);
    assert_int_equal(zkbi_div_round(0, 4, FL), 0);
    /* odd divisors (pool 3x3): floor((v + 4) / 9) */
    assert_int_equal(zkbi_div_round(4, 9, HU), 0);
    assert_int_equal(zkbi_div_round(5, 9, HU), 1);
    assert_int_equal(zkbi_div_round(-4, 9, HU), 0);
    assert_int_equal(zkbi_div_round(-5, 9, HU), -1);
    assert_int_equal(zkbi_div_round(-13, 9, HU), -1);
    assert_int_equal(zkbi_div_round(-14, 9, HU), -2);
    /* extremes do not overflow */
    assert_int_equal(zkbi_div_round(INT64_MAX, 2, HU), INT64_C(4611686018427387904));
    assert_int_equal(zkbi_div_round(INT64_MAX, 2, FL), INT64_C(4611686018427387903));
    assert_int_equal(zkbi_div_round(INT64_MIN, 2, HU), INT64_MIN / 2);
    assert_int_equal(zkbi_div_round(INT64_MIN + 1, 2, FL), INT64_MIN / 2);
    assert_int_equal(zkbi_div_round(INT64_MAX, 1, HU), INT64_MAX);
    assert_int_equal(zkbi_div_round(-1000000000000000001, 1000000000000000000, HU), -1);
    assert_int_equal(zkbi_div_round(-1500000000000000000, 1000000000000000000, HU), -1);
    assert_int_equal(zkbi_div_round(-1500000000000000001, 1000000000000000000, HU), -2);
}

static void test_quant_check(void **state)
{
    (void)state;
    zkb_quant q;
    zkb_quant_default(&q);
    assert_int_equal(q.struct_size, sizeof q);
    assert_int_equal(q.scheme, ZKB_QUANT_POW2);
    assert_int_equal(q.scale, 8);
    assert_int_equal(q.rounding, ZKB_ROUND_HALF_UP);
    char err[256];
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_quant_scale_factor(&q), 256);
    q = zkbt_quant(ZKB_QUANT_POW2, 30, 0);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_quant_scale_factor(&q), INT64_C(1) << 30);
    q = zkbt_quant(ZKB_QUANT_POW2, 31, 0);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "pow2 scale 31 is not in 0..30"));
    q = zkbt_quant(ZKB_QUANT_POW10, 9, 1);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_quant_scale_factor(&q), INT64_C(1000000000));
    q = zkbt_quant(ZKB_QUANT_POW10, 0, 1);
    assert_int_equal(zkbi_quant_scale_factor(&q), 1);
    q = zkbt_quant(ZKB_QUANT_POW10, 10, 0);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "pow10 scale 10 is not in 0..9"));
    q = zkbt_quant(3, 1, 0);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    q = zkbt_quant(ZKB_QUANT_POW2, 1, 2);
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "rounding"));
    q = zkbt_quant(ZKB_QUANT_POW2, 1, 0);
    q.struct_size = 8;
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkbi_quant_check(NULL, err, sizeof err), ZKB_ERR_INVALID_ARG);
    /* the public copy of the rule, err optional */
    q = zkbt_quant(ZKB_QUANT_POW10, 10, 0);
    assert_int_equal(zkb_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "pow10 scale 10 is not in 0..9"));
    assert_int_equal(zkb_quant_check(&q, NULL, 0), ZKB_ERR_INVALID_ARG);
    q = zkbt_quant(ZKB_QUANT_POW2, 30, 0);
    assert_int_equal(zkb_quant_check(&q, NULL, 0), ZKB_OK);
}

static void test_quantize_input(void **state)
{
    (void)state;
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 0, 0); /* S = 1 */
    float x[] = {0.5f, -0.5f, 2.5f, -2.5f, 0.49999997f, -1.4999999f, 0.0f, -0.0f};
    int64_t want[] = {1, -1, 3, -3, 0, -1, 0, 0};
    int64_t xq[8];
    assert_int_equal(zkb_quantize_input(&q, x, 8, xq), ZKB_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(xq[i], want[i]);

    q = zkbt_quant(ZKB_QUANT_POW2, 8, 0); /* S = 256 */
    float y[] = {1.0f, -0.001953125f /* -0.5/256 */, 0.3f, -0.3f};
    assert_int_equal(zkb_quantize_input(&q, y, 4, xq), ZKB_OK);
    assert_int_equal(xq[0], 256);
    assert_int_equal(xq[1], -1);
    assert_int_equal(xq[2], 77); /* 76.8000... */
    assert_int_equal(xq[3], -77);

    q = zkbt_quant(ZKB_QUANT_POW10, 1, 0); /* S = 10 */
    /* 0.25 -> 2.5 -> 3; 0.35f = 0.3499999940... -> 3.4999999 -> 3; 0.15f = 0.1500000059... -> 2 */
    float z[] = {0.25f, -0.25f, 0.35f, 0.15f, -0.15f};
    int64_t wz[] = {3, -3, 3, 2, -2};
    assert_int_equal(zkb_quantize_input(&q, z, 5, xq), ZKB_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(xq[i], wz[i]);

    /* overflow: 2^33 * 2^30 = 2^63 does not fit, -2^63 does */
    q = zkbt_quant(ZKB_QUANT_POW2, 30, 0);
    float big[] = {-8589934592.0f};
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_OK);
    assert_int_equal(xq[0], INT64_MIN);
    big[0] = 8589934592.0f;
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_ERR_OVERFLOW);
    big[0] = 1e30f;
    q = zkbt_quant(ZKB_QUANT_POW2, 8, 0);
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_ERR_OVERFLOW);
    big[0] = NAN;
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_ERR_INVALID_ARG);
    big[0] = -INFINITY;
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_quantize_input(NULL, big, 1, xq), ZKB_ERR_INVALID_ARG);
    q.scale = 99;
    assert_int_equal(zkb_quantize_input(&q, big, 1, xq), ZKB_ERR_INVALID_ARG);
}

/* b_q = round(b * S^2) exactly, even where double arithmetic is not exact */
static void test_quant_exact_bias(void **state)
{
    (void)state;
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW10, 9, 0); /* S^2 = 10^18 */
    int64_t v;
    assert_int_equal(zkbi_quant_value(&q, 0.1f, 2, &v), ZKB_OK);
    /* 0.1f = 13421773 / 2^27; times 10^18, rounded half away from zero */
    __int128 num = (__int128)13421773 * 1000000000000000000LL;
    __int128 den = (__int128)1 << 27;
    int64_t want = (int64_t)((num + den / 2) / den);
    assert_true(want == v);
    assert_int_equal(zkbi_quant_value(&q, -0.1f, 2, &v), ZKB_OK);
    assert_true(-want == v);
    assert_int_equal(zkbi_quant_value(&q, 9.3f, 2, &v), ZKB_ERR_OVERFLOW); /* 9.3e18 > 2^63 */
    assert_int_equal(zkbi_quant_value(&q, 9.2f, 2, &v), ZKB_OK);
    /* tiny values round to zero, denormals included */
    assert_int_equal(zkbi_quant_value(&q, 1e-40f, 2, &v), ZKB_OK);
    assert_int_equal(v, 0);
    q = zkbt_quant(ZKB_QUANT_POW2, 1, 0);
    assert_int_equal(zkbi_quant_value(&q, 0.25f, 1, &v), ZKB_OK); /* 0.5 -> 1 */
    assert_int_equal(v, 1);
    assert_int_equal(zkbi_quant_value(&q, -0.25f, 1, &v), ZKB_OK);
    assert_int_equal(v, -1);
    assert_int_equal(zkbi_quant_value(&q, 0.125f, 2, &v), ZKB_OK); /* 0.5 -> 1 */
    assert_int_equal(v, 1);
}

/* ---- hand-computed models ------------------------------------------------------------- */

/* x = [1,2,3] -> flatten -> dense 2 (W = [[1,2,3],[-1,0.5,0]], b = [0.5,-0.25])
 * -> relu -> dense 1 (W = [2,3], b = 0.125)
 * dense1 = [1+4+9+0.5, -1+1+0-0.25] = [14.5, -0.25]; relu -> [14.5, 0];
 * out = 29 + 0.125 = 29.125. At S = 16 everything is exact: 466. */
#define DENSE_MODEL                                                                         \
    ZKBT_MODEL_HDR("[1,1,3]", 1) "{\"op\":\"flatten\"},"                                    \
    "{\"op\":\"dense\",\"units\":2,\"weights\":[1,2,3,-1,0.5,0],\"bias\":[0.5,-0.25]},"     \
    "{\"op\":\"relu\"},{\"op\":\"dense\",\"units\":1,\"weights\":[2,3],\"bias\":[0.125]}]}"

static void test_dense_hand(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(DENSE_MODEL);
    float x[3] = {1, 2, 3}, y[1];
    assert_int_equal(zkb_model_eval_float(m, x, 3, y, 1), ZKB_OK);
    assert_true(y[0] == 29.125f);

    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 4, ZKB_ROUND_HALF_UP);
    int64_t xq[3], yq[1];
    assert_int_equal(zkb_quantize_input(&q, x, 3, xq), ZKB_OK);
    assert_int_equal(xq[2], 48);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 3, yq, 1), ZKB_OK);
    assert_int_equal(yq[0], 466);

    /* with rounding: x = [0.3, 0, 0] at S = 16: x_q = [5, 0, 0] (4.8)
     * dense1: acc = [16*5 + 128, -16*5 - 64] = [208, -144] -> [13, -9]; relu [13, 0]
     * dense2: acc = 32*13 + 32 = 448 -> 28 (28.0) */
    float x2[3] = {0.3f, 0, 0};
    assert_int_equal(zkb_quantize_input(&q, x2, 3, xq), ZKB_OK);
    assert_int_equal(xq[0], 5);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 3, yq, 1), ZKB_OK);
    assert_int_equal(yq[0], 28);
    assert_int_equal(zkb_model_eval_float(m, x2, 3, y, 1), ZKB_OK);
    assert_true(fabsf(y[0] - (2.0f * 0.8f + 0.125f)) < 1e-6f);

    /* argument checks, errors in the model's buffer */
    assert_int_equal(zkb_model_eval_float(m, x, 2, y, 1), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "takes 3 inputs"));
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 3, yq, 2), ZKB_ERR_INVALID_ARG);
    q.scale = 40;
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 3, yq, 1), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "pow2 scale 40"));
    zkb_model_free(m);
}

/* Negative accumulators under both rounding modes, S = 2:
 * x = 0.5 -> 1; w = -1.5 -> -3; acc = -3 -> half_up floor(-2/2) = -1, floor -2.
 * x = 1.5 -> 3; acc = -9 -> half_up floor(-8/2) = -4, floor -5.
 * w = 1.5, x = 0.5: acc = 3 -> half_up 2, floor 1. */
static void test_rounding_negative(void **state)
{
    (void)state;
    zkb_model *neg = zkbt_model(ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"flatten\"},"
                          "{\"op\":\"dense\",\"units\":1,\"weights\":[-1.5],\"bias\":[0]}]}");
    zkb_model *pos = zkbt_model(ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"flatten\"},"
                          "{\"op\":\"dense\",\"units\":1,\"weights\":[1.5],\"bias\":[0]}]}");
    zkb_quant hu = zkbt_quant(ZKB_QUANT_POW2, 1, ZKB_ROUND_HALF_UP);
    zkb_quant fl = zkbt_quant(ZKB_QUANT_POW2, 1, ZKB_ROUND_FLOOR);
    int64_t x, y;
    x = 1;
    assert_int_equal(zkb_model_eval_fixed(neg, &hu, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, -1);
    assert_int_equal(zkb_model_eval_fixed(neg, &fl, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, -2);
    assert_int_equal(zkb_model_eval_fixed(pos, &hu, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, 2);
    assert_int_equal(zkb_model_eval_fixed(pos, &fl, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, 1);
    x = 3;
    assert_int_equal(zkb_model_eval_fixed(neg, &hu, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, -4);
    assert_int_equal(zkb_model_eval_fixed(neg, &fl, &x, 1, &y, 1), ZKB_OK);
    assert_int_equal(y, -5);
    /* weight -1.5 quantizes away from zero: -3 */
    zkbi_qmodel *qm = NULL;
    char err[256];
    assert_int_equal(zkbi_qmodel_new(neg, &hu, &qm, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_qmodel_desc(qm)->layers[1]->weights[0], -3);
    zkbi_qmodel_free(qm);
    zkb_model_free(neg);
    zkb_model_free(pos);
}

/* input [1,3,3] = x; conv2d 2 filters 2x2:
 *   f0 = [[1,0],[0,-1]], b0 = 0.5; f1 = [[.5,.5],[.5,.5]], b1 = -1
 * then relu-free avgpool 2x2 -> [2,1,1] -> flatten -> 2 logits. */
#define CONV_LAYERS(pool)                                                                     \
    "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[2,2],\"stride\":[1,1],"                    \
    "\"weights\":[1,0,0,-1, 0.5,0.5,0.5,0.5],\"bias\":[0.5,-1]},"                             \
    "{\"op\":\"" pool "\",\"pool\":[2,2]},{\"op\":\"flatten\"}]}"

static void test_conv_hand(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(ZKBT_MODEL_HDR("[1,3,3]", 2) CONV_LAYERS("avgpool2d"));
    /* x = 1..9: f0 gives x[y][x] - x[y+1][x+1] + 0.5 = -3.5 everywhere;
     * f1 gives (sum of the window)/2 - 1 = 5, 7, 11, 13; pooled: -3.5, 9 */
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[2];
    assert_int_equal(zkb_model_eval_float(m, x, 9, y, 2), ZKB_OK);
    assert_true(y[0] == -3.5f);
    assert_true(y[1] == 9.0f);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP); /* S = 4, exact */
    int64_t xq[9], yq[2];
    assert_int_equal(zkb_quantize_input(&q, x, 9, xq), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], -14);
    assert_int_equal(yq[1], 36);

    /* x[0][0] = 0.5, x[1][1] = 0.25, rest 0. S = 4: x_q = 2 and 1.
     * f0 (w_q [4,0,0,-4], b_q 8): acc = [8-4+8, 8, 8, 4+8] = [12,8,8,12] -> [3,2,2,3]
     *   pool sum 10 / 4 = 2.5 -> half_up 3, floor 2
     * f1 (w_q [2,2,2,2], b_q -16): acc = [2*3-16, 2-16, 2-16, 2-16] = [-10,-14,-14,-14]
     *   half_up: [-2,-3,-3,-3] sum -11 -> floor(-9/4) = -3
     *   floor:   [-3,-4,-4,-4] sum -15 -> floor(-15/4) = -4
     * float: f0 [0.75,0.5,0.5,0.75] avg 0.625; f1 [-0.625,-0.875 x3] avg -0.8125 */
    float x2[9] = {0.5f, 0, 0, 0, 0.25f, 0, 0, 0, 0};
    assert_int_equal(zkb_model_eval_float(m, x2, 9, y, 2), ZKB_OK);
    assert_true(y[0] == 0.625f);
    assert_true(y[1] == -0.8125f);
    assert_int_equal(zkb_quantize_input(&q, x2, 9, xq), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], 3);
    assert_int_equal(yq[1], -3);
    zkb_quant qf = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_FLOOR);
    assert_int_equal(zkb_model_eval_fixed(m, &qf, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], 2);
    assert_int_equal(yq[1], -4);
    /* and back: the cache is keyed by the rounding too */
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], 3);
    zkb_model_free(m);

    /* maxpool: half_up max(3,2,2,3) = 3, max(-2,-3,-3,-3) = -2;
     * floor: 3 and -3; float 0.75 and -0.625 */
    m = zkbt_model(ZKBT_MODEL_HDR("[1,3,3]", 2) CONV_LAYERS("maxpool2d"));
    assert_int_equal(zkb_model_eval_float(m, x2, 9, y, 2), ZKB_OK);
    assert_true(y[0] == 0.75f);
    assert_true(y[1] == -0.625f);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], 3);
    assert_int_equal(yq[1], -2);
    assert_int_equal(zkb_model_eval_fixed(m, &qf, xq, 9, yq, 2), ZKB_OK);
    assert_int_equal(yq[0], 3);
    assert_int_equal(yq[1], -3);
    zkb_model_free(m);
}

/* Two input channels and stride 2, against a direct computation. */
static void test_conv_channels_stride(void **state)
{
    (void)state;
    /* input [2,3,3]: ch0 = 1..9, ch1 = 10..18; 1 filter 1x1 over 2 channels
     * w = [1, -1], b = 0, stride 2 -> [1,2,2] picks (0,0),(0,2),(2,0),(2,2):
     * ch0 - ch1 = -9 everywhere. */
    zkb_model *m = zkbt_model(ZKBT_MODEL_HDR("[2,3,3]", 4)
                        "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[1,1],\"stride\":[2,2],"
                        "\"weights\":[1,-1],\"bias\":[0]},{\"op\":\"flatten\"}]}");
    float x[18], y[4];
    for (int i = 0; i < 18; i++)
        x[i] = (float)(i + 1) * (i == 8 ? 2.0f : 1.0f); /* ch0 (2,2) = 18 */
    assert_int_equal(zkb_model_eval_float(m, x, 18, y, 4), ZKB_OK);
    assert_true(y[0] == 1.0f - 10.0f);
    assert_true(y[1] == 3.0f - 12.0f);
    assert_true(y[2] == 7.0f - 16.0f);
    assert_true(y[3] == 18.0f - 18.0f);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW10, 1, ZKB_ROUND_HALF_UP);
    int64_t xq[18], yq[4];
    assert_int_equal(zkb_quantize_input(&q, x, 18, xq), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 18, yq, 4), ZKB_OK);
    assert_int_equal(yq[0], -90);
    assert_int_equal(yq[3], 0);
    zkb_model_free(m);
}

/* pow10 S = 100: x = [0.37, 1.005] -> [37, 100] (0.37f = 0.3700000048, 1.005f = 1.00499999523)
 * w = [0.5, -0.25] -> [50, -25]; b = 0.1 -> round(0.1f * 10^4) = 1000
 * acc = 1850 - 2500 + 1000 = 350 -> half_up floor(400/100) = 4, floor 3 */
static void test_pow10(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(ZKBT_MODEL_HDR("[1,1,2]", 1) "{\"op\":\"flatten\"},"
                        "{\"op\":\"dense\",\"units\":1,\"weights\":[0.5,-0.25],\"bias\":[0.1]}]}");
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW10, 2, ZKB_ROUND_HALF_UP);
    float x[2] = {0.37f, 1.005f}, y[1];
    int64_t xq[2], yq[1];
    assert_int_equal(zkb_quantize_input(&q, x, 2, xq), ZKB_OK);
    assert_int_equal(xq[0], 37);
    assert_int_equal(xq[1], 100);
    zkbi_qmodel *qm = NULL;
    char err[256];
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, err, sizeof err), ZKB_OK);
    const zkb_qmodel_desc *d = zkbi_qmodel_desc(qm);
    assert_int_equal(d->scale_factor, 100);
    assert_int_equal(d->quant->scheme, ZKB_QUANT_POW10);
    assert_int_equal(d->n_layers, 2);
    assert_null(d->layers[0]->weights);
    assert_int_equal(d->layers[0]->rescale_divisor, 0);
    assert_int_equal(d->layers[1]->rescale_divisor, 100);
    assert_int_equal(d->layers[1]->weights[0], 50);
    assert_int_equal(d->layers[1]->weights[1], -25);
    assert_int_equal(d->layers[1]->bias[0], 1000);
    assert_int_equal(zkbi_qmodel_eval(qm, xq, 2, yq, 1, err, sizeof err), ZKB_OK);
    assert_int_equal(yq[0], 4);
    zkbi_qmodel_free(qm);
    zkb_quant qf = zkbt_quant(ZKB_QUANT_POW10, 2, ZKB_ROUND_FLOOR);
    assert_int_equal(zkb_model_eval_fixed(m, &qf, xq, 2, yq, 1), ZKB_OK);
    assert_int_equal(yq[0], 3);
    assert_int_equal(zkb_model_eval_float(m, x, 2, y, 1), ZKB_OK);
    assert_true(fabsf(y[0] - 0.03375f) < 1e-6f);
    zkb_model_free(m);
}

static void test_overflow(void **state)
{
    (void)state;
    /* S = 2^30: w = 4 -> 2^32, x = 1 -> 2^30: each product 2^62, the sum 2^63 overflows */
    zkb_model *m = zkbt_model(ZKBT_MODEL_HDR("[1,1,2]", 1) "{\"op\":\"flatten\"},"
                        "{\"op\":\"dense\",\"units\":1,\"weights\":[4,4],\"bias\":[0]}]}");
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 30, ZKB_ROUND_HALF_UP);
    int64_t xq[2] = {INT64_C(1) << 30, INT64_C(1) << 30}, yq[1];
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, yq, 1), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(m), "layer 1 (dense): int64 overflow"));
    xq[1] = -(INT64_C(1) << 30); /* cancels: fine */
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, yq, 1), ZKB_OK);
    assert_int_equal(yq[0], 0);
    /* a single product overflowing */
    xq[0] = INT64_C(1) << 40;
    xq[1] = 0;
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, yq, 1), ZKB_ERR_OVERFLOW);
    zkb_model_free(m);

    /* a weight that does not fit int64 at the scale */
    m = zkbt_model(ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"flatten\"},"
             "{\"op\":\"dense\",\"units\":1,\"weights\":[1e30],\"bias\":[0]}]}");
    int64_t x1 = 1, y1;
    assert_int_equal(zkb_model_eval_fixed(m, &q, &x1, 1, &y1, 1), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(m), "layer 1: weight 0"));
    zkb_model_free(m);

    /* a bias that does not fit at S^2 = 2^60: 16 * 2^60 = 2^64 */
    m = zkbt_model(ZKBT_MODEL_HDR("[1,1,1]", 1) "{\"op\":\"flatten\"},"
             "{\"op\":\"dense\",\"units\":1,\"weights\":[1],\"bias\":[16]}]}");
    assert_int_equal(zkb_model_eval_fixed(m, &q, &x1, 1, &y1, 1), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(m), "bias 0"));
    zkb_model_free(m);

    /* avgpool sum and conv accumulators are checked too */
    m = zkbt_model(ZKBT_MODEL_HDR("[1,2,2]", 1) "{\"op\":\"avgpool2d\",\"pool\":[2,2]},{\"op\":\"flatten\"}]}");
    int64_t xp[4] = {INT64_MAX, 1, 0, 0}, yp;
    assert_int_equal(zkb_model_eval_fixed(m, &q, xp, 4, &yp, 1), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(m), "layer 0 (avgpool2d)"));
    xp[1] = -1;
    assert_int_equal(zkb_model_eval_fixed(m, &q, xp, 4, &yp, 1), ZKB_OK);
    assert_int_equal(yp, zkbi_div_round(INT64_MAX - 1, 4, ZKB_ROUND_HALF_UP));
    zkb_model_free(m);
    m = zkbt_model(ZKBT_MODEL_HDR("[1,2,2]", 1) "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[2,2],"
             "\"weights\":[1,1,1,1],\"bias\":[0]},{\"op\":\"flatten\"}]}");
    int64_t xc[4] = {INT64_C(1) << 32, INT64_C(1) << 32, 0, 0};
    assert_int_equal(zkb_model_eval_fixed(m, &q, xc, 4, &yp, 1), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(m), "layer 0 (conv2d)"));
    zkb_model_free(m);
}

/* The tiny models: the fixed-point pass tracks the float pass at a fine scale. */
static void test_tiny_fixed_vs_float(void **state)
{
    (void)state;
    const char *names[] = {TINY("tiny_dense"), TINY("tiny_cnn"), TINY("tiny_maxpool")};
    for (int k = 0; k < 3; k++) {
        zkb_model *m = NULL;
        assert_int_equal(zkb_model_load_file(NULL, names[k], &m), ZKB_OK);
        size_t n = (size_t)zkb_model_input_size(m), c = zkb_model_classes(m);
        float *x = malloc(n * sizeof *x), y[8];
        int64_t *xq = malloc(n * sizeof *xq), yq[8];
        assert_true(c <= 8);
        for (size_t i = 0; i < n; i++)
            x[i] = (float)((i * 37 + 11) % 23) / 23.0f - 0.3f;
        assert_int_equal(zkb_model_eval_float(m, x, n, y, c), ZKB_OK);
        zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 16, ZKB_ROUND_HALF_UP);
        assert_int_equal(zkb_quantize_input(&q, x, n, xq), ZKB_OK);
        assert_int_equal(zkb_model_eval_fixed(m, &q, xq, n, yq, c), ZKB_OK);
        for (size_t i = 0; i < c; i++)
            if (fabs((double)yq[i] / 65536.0 - y[i]) > 1e-3)
                fail_msg("%s: logit %zu fixed %f float %f", names[k], i, (double)yq[i] / 65536.0,
                         (double)y[i]);
        /* at scale 0 the numbers are coarse but evaluation still works */
        q = zkbt_quant(ZKB_QUANT_POW10, 0, ZKB_ROUND_FLOOR);
        assert_int_equal(zkb_quantize_input(&q, x, n, xq), ZKB_OK);
        assert_int_equal(zkb_model_eval_fixed(m, &q, xq, n, yq, c), ZKB_OK);
        free(x);
        free(xq);
        zkb_model_free(m);
    }
}

/* zkbi_qmodel_eval from two threads at once gives the single-thread answer. */
typedef struct targ {
    const zkbi_qmodel *qm;
    const int64_t *xq;
    size_t n;
    int64_t want[3];
    int bad;
} targ;

static void *worker(void *p)
{
    targ *a = p;
    char err[256];
    for (int i = 0; i < 300; i++) {
        int64_t y[3];
        if (zkbi_qmodel_eval(a->qm, a->xq, a->n, y, 3, err, sizeof err) != ZKB_OK ||
            memcmp(y, a->want, sizeof y) != 0)
            a->bad++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    zkb_model *m = NULL;
    assert_int_equal(zkb_model_load_file(NULL, TINY("tiny_cnn"), &m), ZKB_OK);
    zkb_quant q;
    zkb_quant_default(&q);
    zkbi_qmodel *qm = NULL;
    char err[256];
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, err, sizeof err), ZKB_OK);
    const zkb_qmodel_desc *d = zkbi_qmodel_desc(qm);
    assert_int_equal(d->layers[2]->pool_divisor, 4);
    assert_int_equal(d->layers[0]->rescale_divisor, 256);
    assert_int_equal(d->layers[0]->n_weights, 18);
    zkb_model_free(m); /* the qmodel does not depend on the model */
    float x[36];
    int64_t xq[36];
    for (int i = 0; i < 36; i++)
        x[i] = (float)(i % 7) / 7.0f;
    assert_int_equal(zkb_quantize_input(&q, x, 36, xq), ZKB_OK);
    targ a[2];
    memset(a, 0, sizeof a);
    a[0].qm = qm;
    a[0].xq = xq;
    a[0].n = 36;
    assert_int_equal(zkbi_qmodel_eval(qm, xq, 36, a[0].want, 3, err, sizeof err), ZKB_OK);
    a[1] = a[0];
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, &a[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(a[0].bad + a[1].bad, 0);
    zkbi_qmodel_free(qm);
}


/* ---- pad2d ------------------------------------------------------------------------- */

/* [1,3,3] -> pad2d 1 all round -> avgpool 2x2 -> flatten: the windows take
 * the zeros in (count_include_pad), so the corner is x[0][0] / 4. */
#define PAD_AVG ZKBT_MODEL_HDR("[1,3,3]", 4) "{\"op\":\"pad2d\",\"pads\":[1,1,1,1]}," \
    "{\"op\":\"avgpool2d\",\"pool\":[2,2]},{\"op\":\"flatten\"}]}"

static void test_pad2d_avgpool_golden(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(PAD_AVG);
    /* padded 5x5: windows {0,0,0,1}, {0,0,2,3}, {0,4,0,7}, {5,6,8,9} */
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[4];
    assert_int_equal(zkb_model_eval_float(m, x, 9, y, 4), ZKB_OK);
    assert_true(y[0] == 0.25f && y[1] == 1.25f && y[2] == 2.75f && y[3] == 7.0f);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP), qf = q; /* S = 4 */
    qf.rounding = ZKB_ROUND_FLOOR;
    int64_t xq[9], yq[4];
    assert_int_equal(zkb_quantize_input(&q, x, 9, xq), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 4), ZKB_OK);
    assert_true(yq[0] == 1 && yq[1] == 5 && yq[2] == 11 && yq[3] == 28);
    /* halved: x_q = 2, 4, .., 18; window sums 2, 10, 22, 56 over 4 */
    for (int i = 0; i < 9; i++)
        x[i] *= 0.5f;
    assert_int_equal(zkb_model_eval_float(m, x, 9, y, 4), ZKB_OK);
    assert_true(y[0] == 0.125f && y[1] == 0.625f && y[2] == 1.375f && y[3] == 3.5f);
    assert_int_equal(zkb_quantize_input(&q, x, 9, xq), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 9, yq, 4), ZKB_OK);
    assert_true(yq[0] == 1 && yq[1] == 3 && yq[2] == 6 && yq[3] == 14);
    assert_int_equal(zkb_model_eval_fixed(m, &qf, xq, 9, yq, 4), ZKB_OK);
    assert_true(yq[0] == 0 && yq[1] == 2 && yq[2] == 5 && yq[3] == 14);
    /* the quantized view: no weights, no divisions */
    zkbi_qmodel *qm = NULL;
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, NULL, 0), ZKB_OK);
    const zkb_qlayer_desc *Q = zkbi_qmodel_desc(qm)->layers[0];
    assert_int_equal(Q->op, ZKB_OP_PAD2D);
    assert_int_equal(Q->struct_size, sizeof *Q);
    assert_null(Q->weights);
    assert_null(Q->bias);
    assert_int_equal(Q->n_weights + Q->n_bias, 0);
    assert_int_equal(Q->rescale_divisor, 0);
    assert_int_equal(Q->pool_divisor, 0);
    assert_int_equal(zkbi_qmodel_desc(qm)->layers[1]->pool_divisor, 4);
    zkbi_qmodel_free(qm);
    zkb_model_free(m);
}

static uint64_t pad_rng = 0x9e3779b97f4a7c15u;

/* n numbers in [-a, a], comma-separated */
static void pad_numbers(zkbt_str *b, size_t n, double a)
{
    for (size_t i = 0; i < n; i++)
        zkbt_str_add(b, "%s%.4f", i ? "," : "", (2 * zkbt_rand_unit(&pad_rng) - 1) * a);
}

/* [C,H,W] (pre_pad: the first pad2d [1,0,2,1] given; else the input is
 * already padded: [2,7,6]) -> conv2d 3x3x3 -> relu -> pad2d 1 -> avgpool
 * 2x2 stride 1 -> pad2d [0,1,1,0] -> maxpool 2x2 -> flatten -> dense 3.
 * Weights from a fixed stream, so both variants get the same ones. */
static zkb_model *pad_chain(int pre_pad)
{
    zkbt_str b = {0};
    pad_rng = 0x9e3779b97f4a7c15u;
    zkbt_str_add(&b, ZKBT_MODEL_HDR("%s", 3), pre_pad ? "[2,4,5]" : "[2,7,6]");
    if (pre_pad)
        zkbt_str_add(&b, "{\"op\":\"pad2d\",\"pads\":[1,0,2,1]},");
    zkbt_str_add(&b, "{\"op\":\"conv2d\",\"filters\":3,\"kernel\":[3,3],\"weights\":[");
    pad_numbers(&b, 3 * 2 * 9, 0.6);
    zkbt_str_add(&b, "],\"bias\":[");
    pad_numbers(&b, 3, 0.3);
    zkbt_str_add(&b, "]},{\"op\":\"relu\"},{\"op\":\"pad2d\",\"pads\":[1,1,1,1]},"
                     "{\"op\":\"avgpool2d\",\"pool\":[2,2],\"stride\":[1,1]},"
                     "{\"op\":\"pad2d\",\"pads\":[0,1,1,0]},{\"op\":\"maxpool2d\",\"pool\":[2,2]},"
                     "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":3,\"weights\":[");
    pad_numbers(&b, 3 * 27, 0.4);
    zkbt_str_add(&b, "],\"bias\":[");
    pad_numbers(&b, 3, 0.2);
    zkbt_str_add(&b, "]}]}");
    zkb_model *m = zkbt_model(b.s);
    free(b.s);
    return m;
}

/* Every fixed-point evaluator of m under q on x agrees with the reference:
 * the public zkb_model_eval_fixed, range.c's instrumented pass, and the fast
 * evaluator on every instruction set and lane type it proves safe (from the
 * floats and from x_q). The reference's outputs go to want. */
static void expect_fixed_evaluators_agree(zkb_model *m, const zkb_quant *q, const float *x, int64_t *want)
{
    size_t n = (size_t)zkb_model_input_size(m), k = zkb_model_classes(m);
    zkbi_qmodel *qm = NULL;
    char err[ZKBI_ERR_LEN];
    assert_int_equal(zkbi_qmodel_new(m, q, &qm, err, sizeof err), ZKB_OK);
    int64_t *xq = malloc(n * sizeof *xq), *got = malloc(k * sizeof *got);
    int64_t *buf = malloc(2 * qm->max_act * sizeof *buf);
    uint64_t *amax = calloc(qm->n_layers, sizeof *amax), *omax = calloc(qm->n_layers, sizeof *omax);
    assert_true(xq && got && buf && amax && omax);
    assert_int_equal(zkb_quantize_input(q, x, n, xq), ZKB_OK);
    assert_int_equal(zkbi_qmodel_eval(qm, xq, n, want, k, err, sizeof err), ZKB_OK);
    assert_int_equal(zkb_model_eval_fixed(m, q, xq, n, got, k), ZKB_OK);
    assert_memory_equal(got, want, k * sizeof *got);
    memset(got, 0x5a, k * sizeof *got);
    assert_int_equal(zkbi_range_eval(qm, xq, buf, got, amax, omax), 0);
    assert_memory_equal(got, want, k * sizeof *got);
    uint64_t bound = 0;
    for (size_t i = 0; i < n; i++)
        bound = (uint64_t)llabs(xq[i]) > bound ? (uint64_t)llabs(xq[i]) : bound;
    int fast_runs = 0;
    for (int isa = ZKBI_FAST_ISA_GENERIC; isa <= ZKBI_FAST_ISA_AVX512; isa++)
        for (int path = ZKBI_FAST_I64; path <= ZKBI_FAST_I32; path++) {
            zkbi_fast *f = NULL;
            assert_int_equal(zkbi_fast_new(qm, bound, path, isa, &f), ZKB_OK);
            if (zkbi_fast_path(f) != ZKBI_FAST_NONE) {
                fast_runs++;
                memset(got, 0x5a, k * sizeof *got);
                assert_int_equal(zkbi_fast_eval(f, NULL, xq, 1, got, 1), ZKB_OK);
                assert_memory_equal(got, want, k * sizeof *got);
                memset(got, 0x5a, k * sizeof *got);
                assert_int_equal(zkbi_fast_eval(f, x, NULL, 1, got, 1), ZKB_OK);
                assert_memory_equal(got, want, k * sizeof *got);
            }
            zkbi_fast_free(f);
        }
    assert_true(fast_runs > 0);
    free(xq);
    free(got);
    free(buf);
    free(amax);
    free(omax);
    zkbi_qmodel_free(qm);
}

/* conv2d, avgpool2d and maxpool2d after pad2d: the fixed-point evaluators
 * agree; the float pass tracks them at a fine scale; and a model whose
 * input is padded by hand instead of by its first pad2d gives the same
 * bits, float and fixed. Inputs of both signs: maxpool after pad2d sees the
 * zeros. */
static void test_pad2d_evaluators_agree(void **state)
{
    (void)state;
    zkb_model *m = pad_chain(1), *pre = pad_chain(0);
    const zkb_quant qs[] = {zkbt_quant(ZKB_QUANT_POW2, 8, ZKB_ROUND_HALF_UP),
                            zkbt_quant(ZKB_QUANT_POW2, 16, ZKB_ROUND_FLOOR),
                            zkbt_quant(ZKB_QUANT_POW10, 3, ZKB_ROUND_HALF_UP)};
    uint64_t s = 77;
    for (int sample = 0; sample < 6; sample++) {
        float x[2 * 4 * 5], xp[2 * 7 * 6] = {0}, y[3], yp[3];
        for (int i = 0; i < 40; i++)
            x[i] = (float)(2 * zkbt_rand_unit(&s) - 1);
        for (int c = 0; c < 2; c++) /* pads [1,0,2,1]: row 1.., column 0.. */
            for (int r = 0; r < 4; r++)
                memcpy(&xp[(c * 7 + 1 + r) * 6], &x[(c * 4 + r) * 5], 5 * sizeof *x);
        assert_int_equal(zkb_model_eval_float(m, x, 40, y, 3), ZKB_OK);
        assert_int_equal(zkb_model_eval_float(pre, xp, 84, yp, 3), ZKB_OK);
        assert_memory_equal(y, yp, sizeof y);
        for (size_t qi = 0; qi < sizeof qs / sizeof *qs; qi++) {
            int64_t want[3], want_pre[3];
            expect_fixed_evaluators_agree(m, &qs[qi], x, want);
            expect_fixed_evaluators_agree(pre, &qs[qi], xp, want_pre);
            assert_memory_equal(want, want_pre, sizeof want);
            if (qi == 1)
                for (int c = 0; c < 3; c++)
                    if (fabs((double)want[c] / 65536.0 - y[c]) > 1e-3)
                        fail_msg("sample %d, logit %d: fixed %f, float %f", sample, c,
                                 (double)want[c] / 65536.0, (double)y[c]);
        }
    }
    zkb_model_free(m);
    zkb_model_free(pre);
}

/* The range analysis sees pad2d's zeros: its accumulator and output bound is
 * its input's, empirical and analytic. */
static void test_pad2d_ranges(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(PAD_AVG);
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int32_t label = 0;
    zkb_dataset *ds = NULL;
    char err[ZKBI_ERR_LEN];
    assert_int_equal(zkbi_dataset_from_arrays("synth", NULL, x, &label, 1, 1, 3, 3, 4, &ds, err, sizeof err),
                     ZKB_OK);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP);
    zkb_ranges *r = NULL;
    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 9.0, 1, &r), ZKB_OK);
    zkb_layer_range L = {.struct_size = sizeof L};
    assert_int_equal(zkb_ranges_layer(r, 0, &L), ZKB_OK);
    assert_int_equal(L.op, ZKB_OP_PAD2D);
    assert_int_equal(L.emp_acc_max, 36);
    assert_int_equal(L.emp_out_max, 36);
    assert_int_equal(L.ana_acc_max, 36);
    assert_int_equal(L.ana_out_max, 36);
    assert_int_equal(zkb_ranges_layer(r, 1, &L), ZKB_OK); /* window sums 4 .. 112, bound 4 x 36 */
    assert_int_equal(L.emp_acc_max, 112);
    assert_int_equal(L.emp_out_max, 28);
    assert_int_equal(L.ana_acc_max, 144);
    zkb_ranges_free(r);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

/* ---- output functions --------------------------------------------------------------- */

/* [1,1,3] -> flatten -> dense 3 (identity): the logits are the input */
#define IDENTITY(fn) ZKBT_MODEL_HDR("[1,1,3]", 3) "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":3," \
    "\"weights\":[1,0,0,0,1,0,0,0,1],\"bias\":[0,0,0]}]" fn "}"

static void expect_outputs(zkb_model *m, const float *x, const double *want)
{
    float y[3];
    assert_int_equal(zkb_model_eval_float(m, x, 3, y, 3), ZKB_OK);
    for (int i = 0; i < 3; i++)
        if (!(fabs((double)y[i] - want[i]) <= 1.5e-7 * fmax(1.0, fabs(want[i]))))
            fail_msg("output %d: %.9g, want %.9g", i, (double)y[i], want[i]);
}

static void test_output_fn_golden(void **state)
{
    (void)state;
    const float x[3] = {1, 2, 3}, big[3] = {1000, 0, -1000};
    static const double golden[4][3] = {
        {1, 2, 3},
        {0.09003057317038046, 0.24472847105479764, 0.6652409557748219},
        {-2.4076059644443806, -1.4076059644443806, -0.4076059644443806},
        {0.7310585786300049, 0.8807970779778823, 0.9525741268224334},
    };
    static const double golden_big[4][3] = {{1000, 0, -1000}, {1, 0, 0}, {0, -1000, -2000}, {1, 0.5, 0}};
    static const char *const member[4] = {"", ",\"output_fn\":\"softmax\"", ",\"output_fn\":\"log_softmax\"",
                                          ",\"output_fn\":\"sigmoid\""};
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 8, ZKB_ROUND_HALF_UP);
    int64_t xq[3], logits_q[3], yq[3];
    assert_int_equal(zkb_quantize_input(&q, x, 3, xq), ZKB_OK);
    for (int fn = 0; fn <= ZKB_OUTPUT_FN_MAX; fn++) {
        char json[512];
        zkbt_fmt(json, sizeof json, IDENTITY("%s"), member[fn]);
        zkb_model *m = zkbt_model(json);
        assert_int_equal(zkb_model_output_fn(m), (uint32_t)fn);
        expect_outputs(m, x, golden[fn]);
        expect_outputs(m, big, golden_big[fn]); /* stable: no inf, no NaN */
        /* the fixed-point evaluator and the internal float pass give logits */
        assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 3, yq, 3), ZKB_OK);
        if (fn == 0)
            memcpy(logits_q, yq, sizeof yq);
        assert_memory_equal(yq, logits_q, sizeof yq);
        assert_true(yq[0] == 256 && yq[1] == 512 && yq[2] == 768);
        float logits[3];
        assert_int_equal(zkbi_model_eval_float(m, x, 3, logits, 3, NULL, 0), ZKB_OK);
        assert_true(logits[0] == 1 && logits[1] == 2 && logits[2] == 3);
        zkb_model_free(m);
    }
}

/* Sigmoid rounds 20 and 30 both to 1.0f: accuracy takes the argmax of the
 * logits, never of the output function's values. */
static void test_output_fn_keeps_argmax(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(IDENTITY(",\"output_fn\":\"sigmoid\""));
    const float x[3] = {20, 30, 0};
    float y[3];
    assert_int_equal(zkb_model_eval_float(m, x, 3, y, 3), ZKB_OK);
    assert_true(y[0] == 1.0f && y[1] == 1.0f);
    int32_t label = 1;
    zkb_dataset *ds = NULL;
    char err[ZKBI_ERR_LEN];
    assert_int_equal(zkbi_dataset_from_arrays("synth", NULL, x, &label, 1, 1, 1, 3, 3, &ds, err, sizeof err),
                     ZKB_OK);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 8, ZKB_ROUND_HALF_UP);
    zkb_accuracy acc = {.struct_size = sizeof acc};
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 1, &acc), ZKB_OK);
    assert_int_equal(acc.samples, 1);
    assert_int_equal(acc.float_correct, 1);
    assert_int_equal(acc.fixed_correct, 1);
    assert_int_equal(acc.differ, 0);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_div_round),
        cmocka_unit_test(test_quant_check),
        cmocka_unit_test(test_quantize_input),
        cmocka_unit_test(test_quant_exact_bias),
        cmocka_unit_test(test_dense_hand),
        cmocka_unit_test(test_rounding_negative),
        cmocka_unit_test(test_conv_hand),
        cmocka_unit_test(test_conv_channels_stride),
        cmocka_unit_test(test_pow10),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_tiny_fixed_vs_float),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_pad2d_avgpool_golden),
        cmocka_unit_test(test_pad2d_evaluators_agree),
        cmocka_unit_test(test_pad2d_ranges),
        cmocka_unit_test(test_output_fn_golden),
        cmocka_unit_test(test_output_fn_keeps_argmax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
