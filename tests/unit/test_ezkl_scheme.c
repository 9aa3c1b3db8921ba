/* The evaluator's ezkl scheme (ZKB_QUANT_EZKL, docs/ezkl.md "The ezkl
 * scheme") on hand-computed cases. Every expected vector below was worked
 * out by hand and then checked against ezkl 23.0.5's own gen_witness on the
 * same model and input (the same ONNX export as plugins/ezkl). */
#include "zkbt.h"

#include <stdio.h>
#include <string.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_eval.h"
#include "zkmlbench/zkmlbench.h"

static zkb_quant ezq(uint32_t in, uint32_t par, uint32_t mult)
{
    return zkbt_quant(ZKB_QUANT_EZKL, ZKB_QUANT_EZKL_SCALE(in, par, mult), 0);
}

static void test_div_half_away(void **state)
{
    (void)state;
    assert_int_equal(zkbi_div_half_away(-9, 2), -5); /* -4.5: away from zero (half_up: -4) */
    assert_int_equal(zkbi_div_half_away(9, 2), 5);
    assert_int_equal(zkbi_div_half_away(-7, 2), -4);
    assert_int_equal(zkbi_div_half_away(-6, 4), -2); /* -1.5 */
    assert_int_equal(zkbi_div_half_away(-5, 4), -1); /* -1.25 */
    assert_int_equal(zkbi_div_half_away(-2, 4), -1); /* -0.5 */
    assert_int_equal(zkbi_div_half_away(2, 4), 1);
    assert_int_equal(zkbi_div_half_away(1, 4), 0);
    assert_int_equal(zkbi_div_half_away(-4, 9), 0);
    assert_int_equal(zkbi_div_half_away(-5, 9), -1);
    assert_int_equal(zkbi_div_half_away(INT64_MAX, 1), INT64_MAX);
    assert_int_equal(zkbi_div_half_away(INT64_MIN, 1), INT64_MIN);
    assert_int_equal(zkbi_div_half_away(INT64_C(1) << 60, INT64_C(1) << 20), INT64_C(1) << 40);
}

static void test_check_and_packing(void **state)
{
    (void)state;
    uint32_t s = ZKB_QUANT_EZKL_SCALE(13, 7, 10);
    assert_int_equal(ZKB_QUANT_EZKL_INPUT(s), 13);
    assert_int_equal(ZKB_QUANT_EZKL_PARAM(s), 7);
    assert_int_equal(ZKB_QUANT_EZKL_MULT(s), 10);
    zkb_quant q = ezq(13, 7, 10);
    assert_int_equal(zkbi_quant_check(&q, NULL, 0), ZKB_OK);
    assert_int_equal(zkbi_quant_scale_factor(&q), 8192); /* inputs at 2^input_scale */
    char err[256];
    q = ezq(8, 8, 0); /* multiplier 0 */
    assert_int_equal(zkbi_quant_check(&q, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "rebase multiplier"));
    q = ezq(31, 8, 1);
    assert_int_equal(zkbi_quant_check(&q, NULL, 0), ZKB_ERR_INVALID_ARG);
    q = ezq(8, 8, 1);
    q.scale |= 1u << 24; /* bits above the multiplier */
    assert_int_equal(zkbi_quant_check(&q, NULL, 0), ZKB_ERR_INVALID_ARG);
}

/* [1,1,2] -> flatten -> dense 2, W = [[.5, 1.5], [-1.5, .5]], b = [.1, -.2];
 * x = (.375, -.625).
 *
 * input 2, param 1, multiplier 1 (G = 2): x_q = round(x * 4) = (2, -3)
 * (1.5 and -2.5 round away from zero); w_q = W * 2 = [[1, 3], [-3, 1]].
 * The product is at 2 + 1 = 3 > G: divided by 2^1 back to 2, half away from
 * zero: -7 / 2 -> -4, -9 / 2 -> -5. The bias is added after, quantized at 2:
 * round(.4) = 0, round(-.8) = -1. Outputs (-4, -6) at 2^2. (Adding the bias
 * before the division at 2^3 would give -3 for the first output; the pow2
 * scheme at scale 2 gives -3 too.)
 *
 * multiplier 2 (G = 4): 3 <= G, no division; bias at 2^3: round(.8) = 1,
 * round(-1.6) = -2. Outputs (-7 + 1, -9 - 2) = (-6, -11) at 2^3. */
static const char *DENSE_MODEL =
    ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.5,1.5,-1.5,0.5],\"bias\":[0.1,-0.2]}]}";

static void test_hand_dense(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(DENSE_MODEL);
    const float x[2] = {0.375f, -0.625f};
    int64_t xq[2], out[2];
    zkb_quant q = ezq(2, 1, 1);
    assert_int_equal(zkb_quantize_input(&q, x, 2, xq), ZKB_OK);
    assert_int_equal(xq[0], 2);
    assert_int_equal(xq[1], -3);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, out, 2), ZKB_OK);
    assert_int_equal(out[0], -4);
    assert_int_equal(out[1], -6);

    zkbi_qmodel *qm = NULL;
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, NULL, 0), ZKB_OK);
    assert_int_equal(qm->out_scale, 2);
    assert_int_equal(qm->layers[1].shift, 1);
    assert_int_equal(qm->layers[1].b[0], 0);
    assert_int_equal(qm->layers[1].b[1], -1);
    zkbi_qmodel_free(qm);

    q = ezq(2, 1, 2);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, out, 2), ZKB_OK);
    assert_int_equal(out[0], -6);
    assert_int_equal(out[1], -11);
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, NULL, 0), ZKB_OK);
    assert_int_equal(qm->out_scale, 3);
    assert_int_equal(qm->layers[1].shift, 0);
    zkbi_qmodel_free(qm);

    /* not the pow2 scheme */
    zkb_quant p = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP);
    assert_int_equal(zkb_model_eval_fixed(m, &p, xq, 2, out, 2), ZKB_OK);
    assert_int_equal(out[0], -3);
    zkb_model_free(m);
}

/* [1,2,2] -> conv2d 2 filters 1x1, W = (1.5, -1), b = (.3, .3) -> avgpool
 * 2x2 -> flatten; x = (.25, -.5, .75, 1). Input 2, param 1, multiplier 1.
 * x_q = (1, -2, 3, 4); w_q = (3, -2); a conv2d bias joins the product at
 * 2^3 before the division: round(2.4) = 2.
 * filter 0: 3 x + 2 = (5, -4, 11, 14) / 2 -> (3, -2, 6, 7); window sum 14,
 *           14 / 4 = 3.5 -> 4.
 * filter 1: -2 x + 2 = (0, 6, -4, -6) / 2 -> (0, 3, -2, -3); sum -2,
 *           -2 / 4 = -.5 -> -1 (away from zero; half_up would give 0).
 * Outputs (4, -1) at 2^2. */
static const char *CONV_MODEL =
    ZKBT_MODEL_HDR("[1,2,2]", 2)
    "{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[1,1],\"stride\":[1,1],\"weights\":[1.5,-1.0],"
    "\"bias\":[0.3,0.3]},"
    "{\"op\":\"avgpool2d\",\"pool\":[2,2],\"stride\":[2,2]},{\"op\":\"flatten\"}]}";

static void test_hand_conv_pool(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(CONV_MODEL);
    const float x[4] = {0.25f, -0.5f, 0.75f, 1.0f};
    int64_t xq[4], out[2];
    zkb_quant q = ezq(2, 1, 1);
    assert_int_equal(zkb_quantize_input(&q, x, 4, xq), ZKB_OK);
    const int64_t want_xq[4] = {1, -2, 3, 4};
    assert_memory_equal(xq, want_xq, sizeof want_xq);
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 4, out, 2), ZKB_OK);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], -1);
    zkbi_qmodel *qm = NULL;
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, NULL, 0), ZKB_OK);
    assert_int_equal(qm->layers[0].b[0], 2); /* at 2^(2+1) */
    assert_int_equal(qm->layers[0].bias_after, 0);
    assert_int_equal(qm->out_scale, 2);
    zkbi_qmodel_free(qm);
    zkb_model_free(m);
}

/* The scheme has no range analysis (per-layer scales), and scales that add
 * up past int64 are refused when quantizing. */
static void test_limits(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(DENSE_MODEL);
    zkb_quant q = ezq(8, 8, 1);
    zkb_ranges *r = NULL;
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1.0, 1, &r), ZKB_ERR_UNSUPPORTED);
    assert_null(r);
    q = ezq(30, 30, 3); /* G = 90: no rebase, the product is at 2^60: fits */
    int64_t xq[2] = {1, -1}, out[2];
    assert_int_equal(zkb_model_eval_fixed(m, &q, xq, 2, out, 2), ZKB_OK);
    zkb_model_free(m);
    static const char *TWO =
        ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
        "{\"op\":\"dense\",\"units\":2,\"weights\":[1,0,0,1],\"bias\":[0,0]},"
        "{\"op\":\"dense\",\"units\":2,\"weights\":[1,0,0,1],\"bias\":[0,0]}]}";
    m = zkbt_model(TWO);
    char err[256];
    zkbi_qmodel *qm = NULL;
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, err, sizeof err), ZKB_ERR_OVERFLOW); /* 2^90 */
    assert_non_null(strstr(err, "does not fit int64"));
    zkb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_div_half_away),
        cmocka_unit_test(test_check_and_packing),
        cmocka_unit_test(test_hand_dense),
        cmocka_unit_test(test_hand_conv_pool),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
