/* Range analysis (lib/eval/range.c): exact bits of a hand-computed model, the
 * analytic bound against the empirical maxima on random models and inputs,
 * int64 overflow of the bound and of the evaluation, accessors and errors. */
#include "zkbt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_eval.h"


static zkb_dataset *dataset(const float *x, size_t n, uint32_t c, uint32_t h, uint32_t w,
                            uint32_t classes)
{
    int32_t *y = calloc(n ? n : 1, sizeof *y);
    zkb_dataset *ds = NULL;
    char err[ZKBI_ERR_LEN];
    zkb_status st = zkbi_dataset_from_arrays("synth", NULL, x, y, n, c, h, w, classes, &ds, err,
                                             sizeof err);
    free(y);
    if (st != ZKB_OK)
        fail_msg("dataset: %s", err);
    return ds;
}

static zkb_layer_range layer(const zkb_ranges *r, uint32_t i)
{
    zkb_layer_range L;
    memset(&L, 0, sizeof L);
    L.struct_size = sizeof L;
    assert_int_equal(zkb_ranges_layer(r, i, &L), ZKB_OK);
    return L;
}

static uint64_t rng = 12345;
static uint64_t next(void) { return zkbt_rand(&rng); }
static double unit(void) { return zkbt_rand_unit(&rng); } /* [0, 1) */

static void test_bits(void **state)
{
    (void)state;
    assert_int_equal(zkb_range_bits(0), 1);
    assert_int_equal(zkb_range_bits(1), 2);
    assert_int_equal(zkb_range_bits(2), 3);
    assert_int_equal(zkb_range_bits(3), 3);
    assert_int_equal(zkb_range_bits(255), 9);
    assert_int_equal(zkb_range_bits(256), 10);
    assert_int_equal(zkb_range_bits(INT64_MAX), 64);
    assert_int_equal(zkb_range_bits(UINT64_C(1) << 63), 65);
    assert_int_equal(zkb_range_bits(UINT64_MAX), 65);
}

/* [1,1,2] -> flatten -> dense 2 (W = [[.5, -.25], [1, 1]], b = [.25, -1]) -> relu
 *         -> dense 2 (W = [[1, 0], [-2, .5]], b = [0, .5])
 * at pow2 scale 2 (S = 4), |x| <= 1 so |x_q| <= 4:
 *   w_q = [[2, -1], [4, 4]], b_q = [4, -16]; w2_q = [[4, 0], [-8, 2]], b2_q = [0, 8]
 * analytic:
 *   dense 1: A = [4 + 2*4 + 1*4, 16 + 4*4 + 4*4] = [16, 48] -> acc 48 (7 bits)
 *            out: half_up floor((A + 2) / 4) = [4, 12] -> 12 (5 bits)
 *   relu: [4, 12]
 *   dense 2: A = [0 + 4*4 + 0*12, 8 + 8*4 + 2*12] = [16, 64] -> 64 (8 bits)
 *            out: floor(66 / 4) = 16 (6 bits)  (per-value bounds: a single
 *            bound of 12 for both inputs would give 8 + 8*12 + 2*12 = 128)
 * empirical over x = (1, 1) and (0, 0.5), x_q = (4, 4) and (0, 2):
 *   dense 1 acc (8, 16) and (2, -8) -> 16 (6 bits); out (2, 4), (1, -2) -> 4 (4 bits)
 *   relu (2, 4), (1, 0) -> 4
 *   dense 2 acc (8, 0), (4, 0) -> 8 (5 bits); out (2, 0), (1, 0) -> 2 (3 bits) */
static const char *HAND = ZKBT_MODEL_HDR("[1,1,2]", 2)
    "{\"op\":\"flatten\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.5,-0.25,1,1],\"bias\":[0.25,-1]},"
    "{\"op\":\"relu\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[1,0,-2,0.5],\"bias\":[0,0.5]}]}";

static void test_hand_model(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(HAND);
    const float x[] = {1.0f, 1.0f, 0.0f, 0.5f};
    zkb_dataset *ds = dataset(x, 2, 1, 1, 2, 2);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP);
    zkb_ranges *r = NULL;
    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 1, &r), ZKB_OK);
    assert_int_equal(zkb_ranges_layer_count(r), 4);
    assert_int_equal(zkb_ranges_samples(r), 2);
    assert_int_equal(zkb_ranges_overflowed(r), 0);
    assert_int_equal(zkb_ranges_analytic_overflow(r), 0);

    zkb_layer_range in;
    in.struct_size = sizeof in;
    assert_int_equal(zkb_ranges_input(r, &in), ZKB_OK);
    assert_int_equal(in.op, 0);
    assert_int_equal(in.ana_out_max, 4);
    assert_int_equal(in.emp_out_max, 4);
    assert_int_equal(in.ana_out_bits, 4);

    zkb_layer_range L = layer(r, 0); /* flatten */
    assert_int_equal(L.op, ZKB_OP_FLATTEN);
    assert_int_equal(L.ana_acc_max, 4);
    assert_int_equal(L.ana_out_max, 4);
    assert_int_equal(L.emp_out_max, 4);

    L = layer(r, 1);
    assert_int_equal(L.op, ZKB_OP_DENSE);
    assert_int_equal(L.ana_acc_max, 48);
    assert_int_equal(L.ana_acc_bits, 7);
    assert_int_equal(L.ana_out_max, 12);
    assert_int_equal(L.ana_out_bits, 5);
    assert_int_equal(L.emp_acc_max, 16);
    assert_int_equal(L.emp_acc_bits, 6);
    assert_int_equal(L.emp_out_max, 4);
    assert_int_equal(L.emp_out_bits, 4);
    assert_int_equal(L.ana_acc_overflow, 0);

    L = layer(r, 2);
    assert_int_equal(L.op, ZKB_OP_RELU);
    assert_int_equal(L.ana_acc_max, 12);
    assert_int_equal(L.ana_out_max, 12);
    assert_int_equal(L.emp_out_max, 4);

    L = layer(r, 3);
    assert_int_equal(L.ana_acc_max, 64);
    assert_int_equal(L.ana_acc_bits, 8);
    assert_int_equal(L.ana_out_max, 16);
    assert_int_equal(L.ana_out_bits, 6);
    assert_int_equal(L.emp_acc_max, 8);
    assert_int_equal(L.emp_acc_bits, 5);
    assert_int_equal(L.emp_out_max, 2);
    assert_int_equal(L.emp_out_bits, 3);
    assert_int_equal(L.emp_overflows, 0);
    zkb_ranges_free(r);

    /* floor rounding: dense 1 out ceil(48 / 4) = 12, dense 2 out ceil(64 / 4) = 16;
     * empirical (2, -8) -> floor(2/4) = 0, -2; relu (0, 0): dense 2 acc (0, 8) */
    q.rounding = ZKB_ROUND_FLOOR;
    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 0, &r), ZKB_OK);
    assert_int_equal(layer(r, 1).ana_out_max, 12);
    assert_int_equal(layer(r, 3).ana_out_max, 16);
    assert_int_equal(layer(r, 3).emp_acc_max, 8);
    zkb_ranges_free(r);

    /* analytic only (no dataset), input bound 0.5 -> x_q <= 2:
     * dense 1 A = [4 + 2*2 + 1*2, 16 + 4*2 + 4*2] = [10, 32] */
    q.rounding = ZKB_ROUND_HALF_UP;
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 0.5, 0, &r), ZKB_OK);
    assert_int_equal(zkb_ranges_samples(r), 0);
    assert_int_equal(layer(r, 1).ana_acc_max, 32);
    assert_int_equal(layer(r, 1).emp_acc_max, 0);
    assert_int_equal(layer(r, 1).emp_acc_bits, 1);
    zkb_ranges_free(r);

    /* only the first sample */
    assert_int_equal(zkb_range_analysis(m, &q, ds, 1, 1.0, 0, &r), ZKB_OK);
    assert_int_equal(zkb_ranges_samples(r), 1);
    assert_int_equal(layer(r, 1).emp_acc_max, 16);
    assert_int_equal(layer(r, 3).emp_acc_max, 8);
    zkb_ranges_free(r);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

/* Pools and conv by hand: [1,3,3] conv 1 filter 2x2 (all 1, bias 0) -> [1,2,2]
 * -> avgpool 2 -> flatten -> dense 2 (identity-ish) at S = 4, |x| <= 1:
 *   conv A = 4 * 4 * 4 = 64 (8 bits), out 16; avgpool A = 4 * 16 = 64, out 16;
 *   with maxpool instead: acc = out = 16. */
static void test_hand_pools(void **state)
{
    (void)state;
    const char *avg = ZKBT_MODEL_HDR("[1,3,3]", 2)
        "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[2,2],\"weights\":[1,1,1,1],\"bias\":[0]},"
        "{\"op\":\"avgpool2d\",\"pool\":[2,2]},{\"op\":\"flatten\"},"
        "{\"op\":\"dense\",\"units\":2,\"weights\":[1,-1],\"bias\":[0,0]}]}";
    const char *mx = ZKBT_MODEL_HDR("[1,3,3]", 2)
        "{\"op\":\"conv2d\",\"filters\":1,\"kernel\":[2,2],\"weights\":[1,1,1,1],\"bias\":[0]},"
        "{\"op\":\"maxpool2d\",\"pool\":[2,2]},{\"op\":\"flatten\"},"
        "{\"op\":\"dense\",\"units\":2,\"weights\":[1,-1],\"bias\":[0,0]}]}";
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 2, ZKB_ROUND_HALF_UP);
    const float x[9] = {1, 0.5f, 0, 0, 1, 0, 0, 0, 0.25f};
    zkb_dataset *ds = dataset(x, 1, 1, 3, 3, 2);
    for (int k = 0; k < 2; k++) {
        zkb_model *m = zkbt_model(k ? mx : avg);
        zkb_ranges *r = NULL;
        assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 0, &r), ZKB_OK);
        zkb_layer_range c = layer(r, 0), p = layer(r, 1), d = layer(r, 3);
        assert_int_equal(c.ana_acc_max, 64);
        assert_int_equal(c.ana_acc_bits, 8);
        assert_int_equal(c.ana_out_max, 16);
        assert_int_equal(p.ana_acc_max, k ? 16 : 64);
        assert_int_equal(p.ana_out_max, 16);
        /* dense: 4 * 16 (weight 1 * S, input 16) = 64 */
        assert_int_equal(d.ana_acc_max, 64);
        /* empirical: x_q = [4,2,0 / 0,4,0 / 0,0,1]; conv sums 10, 6, 4, 5 (x 4 = acc)
         * -> acc 40, out 10, 6, 4, 5; avgpool sum 25 -> div(25, 4) = 6; maxpool 10 */
        assert_int_equal(c.emp_acc_max, 40);
        assert_int_equal(c.emp_out_max, 10);
        assert_int_equal(p.emp_acc_max, k ? 10 : 25);
        assert_int_equal(p.emp_out_max, k ? 10 : 6);
        zkb_ranges_free(r);
        zkb_model_free(m);
    }
    zkb_dataset_free(ds);
}

static char *random_model(double wscale, int cnn)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
#define W(n)                                                                                   \
    do {                                                                                       \
        for (int k_ = 0; k_ < (n); k_++)                                                       \
            len += (size_t)snprintf(s + len, cap - len, "%s%.5f", k_ ? "," : "",               \
                                    (2 * unit() - 1) * wscale);                                \
    } while (0)
    if (cnn) {
        len += (size_t)snprintf(s + len, cap - len, "%s",
                                ZKBT_MODEL_HDR("[2,7,7]", 3) "{\"op\":\"conv2d\",\"filters\":3,\"kernel\":[3,3],"
                                                  "\"stride\":[2,2],\"weights\":[");
        W(54);
        len += (size_t)snprintf(s + len, cap - len, "],\"bias\":[");
        W(3);
        len += (size_t)snprintf(s + len, cap - len,
                                "]},{\"op\":\"relu\"},{\"op\":\"maxpool2d\",\"pool\":[2,2],"
                                "\"stride\":[1,1]},{\"op\":\"avgpool2d\",\"pool\":[2,2]},"
                                "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":3,\"weights\":[");
        W(3 * 3);
        len += (size_t)snprintf(s + len, cap - len, "],\"bias\":[");
        W(3);
    } else {
        len += (size_t)snprintf(s + len, cap - len, "%s",
                                ZKBT_MODEL_HDR("[2,7,7]", 3) "{\"op\":\"flatten\"},{\"op\":\"dense\","
                                                  "\"units\":10,\"weights\":[");
        W(98 * 10);
        len += (size_t)snprintf(s + len, cap - len, "],\"bias\":[");
        W(10);
        len += (size_t)snprintf(s + len, cap - len,
                                "]},{\"op\":\"relu\"},{\"op\":\"dense\",\"units\":3,\"weights\":[");
        W(30);
        len += (size_t)snprintf(s + len, cap - len, "],\"bias\":[");
        W(3);
    }
    snprintf(s + len, cap - len, "]}]}");
#undef W
    return s;
}

static void test_bound_holds_on_random(void **state)
{
    (void)state;
    const size_t n = 300, f = 98;
    float *x = malloc(n * f * sizeof *x);
    for (int trial = 0; trial < 8; trial++) {
        /* inputs in [-1, 1], some at the extremes */
        for (size_t i = 0; i < n * f; i++) {
            uint64_t r = next() % 8;
            x[i] = r == 0 ? 1.0f : r == 1 ? -1.0f : r == 2 ? 0.0f : (float)(2 * unit() - 1);
        }
        zkb_dataset *ds = dataset(x, n, 2, 7, 7, 3);
        char *j = random_model(trial < 4 ? 1.0 : 8.0, trial % 2);
        zkb_model *m = zkbt_model(j);
        free(j);
        for (uint32_t scheme = 1; scheme <= 2; scheme++)
            for (uint32_t scale = 0; scale <= (scheme == 1 ? 16u : 6u); scale += 3)
                for (uint32_t rnd = 0; rnd <= 1; rnd++) {
                    zkb_quant q = zkbt_quant(scheme, scale, rnd);
                    zkb_ranges *r = NULL, *r1 = NULL;
                    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 0, &r), ZKB_OK);
                    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 1, &r1), ZKB_OK);
                    assert_int_equal(zkb_ranges_samples(r), n);
                    assert_int_equal(zkb_ranges_overflowed(r), 0);
                    for (uint32_t i = 0; i < zkb_ranges_layer_count(r); i++) {
                        zkb_layer_range L = layer(r, i), L1 = layer(r1, i);
                        assert_memory_equal(&L, &L1, sizeof L); /* thread-independent */
                        assert_true(L.ana_acc_max >= L.emp_acc_max);
                        assert_true(L.ana_out_max >= L.emp_out_max);
                        assert_true(L.ana_acc_bits >= L.emp_acc_bits);
                        assert_true(L.ana_out_bits >= L.emp_out_bits);
                        assert_int_equal(L.emp_acc_bits, zkb_range_bits(L.emp_acc_max));
                        assert_int_equal(L.ana_out_bits, zkb_range_bits(L.ana_out_max));
                    }
                    zkb_ranges_free(r);
                    zkb_ranges_free(r1);
                }
        zkb_model_free(m);
        zkb_dataset_free(ds);
    }
    free(x);
}

/* [1,1,16] -> dense 2 with every weight 1e6 at pow2 scale 20:
 * w_q = 1e6 * 2^20, x_q <= 2^20, A = 16 * 1e6 * 2^40 = 17592186044416000000
 * > INT64_MAX (65 bits); inputs of 1 overflow the evaluator, inputs of 0.1 do not. */
static void test_overflow(void **state)
{
    (void)state;
    char json[4096];
    size_t len = (size_t)snprintf(json, sizeof json, "%s",
                                  ZKBT_MODEL_HDR("[1,1,16]", 2) "{\"op\":\"flatten\"},"
                                                     "{\"op\":\"dense\",\"units\":2,\"weights\":[");
    for (int k = 0; k < 32; k++)
        len += (size_t)snprintf(json + len, sizeof json - len, "%s1e6", k ? "," : "");
    snprintf(json + len, sizeof json - len, "],\"bias\":[0,0]}]}");
    zkb_model *m = zkbt_model(json);
    float x[3 * 16];
    for (int k = 0; k < 16; k++) {
        x[k] = 1.0f;
        x[16 + k] = 0.1f;
        x[32 + k] = k < 8 ? 1.0f : -1.0f; /* cancels: sums stay small, but a partial sum overflows */
    }
    zkb_dataset *ds = dataset(x, 3, 1, 1, 16, 2);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 20, ZKB_ROUND_HALF_UP);
    zkb_ranges *r = NULL;
    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 0, &r), ZKB_OK);
    assert_int_equal(zkb_ranges_analytic_overflow(r), 1);
    zkb_layer_range L = layer(r, 1);
    assert_int_equal(L.ana_acc_max, UINT64_C(17592186044416000000));
    assert_int_equal(L.ana_acc_bits, 65);
    assert_int_equal(L.ana_acc_overflow, 1);
    assert_int_equal(L.ana_out_max, UINT64_C(16777216000000)); /* A / 2^20 */
    assert_int_equal(L.ana_out_overflow, 0);
    /* sample 0: 16 * 2^40 * 1e6 overflows; sample 2: 8 * 1.1e18 = 8.8e18 < 2^63 fits
     * (partial sums go up to 8 terms only). Sample 1: x_q = round(0.1 * 2^20) = 104858. */
    assert_int_equal(zkb_ranges_overflowed(r), 1);
    assert_int_equal(L.emp_overflows, 1);
    assert_int_equal(L.emp_acc_max, UINT64_C(1048576000000) * 104858 * 16);
    zkb_ranges_free(r);

    /* the accuracy of the same: one overflowed sample */
    zkb_accuracy a;
    a.struct_size = sizeof a;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 0, &a), ZKB_OK);
    assert_int_equal(a.overflowed, 1);
    /* at scale 16 the bound is 16 * 1e6 * 2^32 = 6.9e16: fits */
    q.scale = 16;
    assert_int_equal(zkb_range_analysis(m, &q, ds, 0, 1.0, 0, &r), ZKB_OK);
    assert_int_equal(zkb_ranges_analytic_overflow(r), 0);
    assert_int_equal(zkb_ranges_overflowed(r), 0);
    zkb_ranges_free(r);
    zkb_model_free(m);

    /* two such layers: the bound passes 2^64 (clamped in the uint64 field, bits go on) */
    len = (size_t)snprintf(json, sizeof json, "%s",
                           ZKBT_MODEL_HDR("[1,1,16]", 2) "{\"op\":\"flatten\"},"
                                              "{\"op\":\"dense\",\"units\":16,\"weights\":[");
    char *big = malloc(1 << 16);
    size_t bl = (size_t)snprintf(big, 1 << 16, "%s", json);
    for (int k = 0; k < 256; k++)
        bl += (size_t)snprintf(big + bl, (1 << 16) - bl, "%s1e6", k ? "," : "");
    bl += (size_t)snprintf(big + bl, (1 << 16) - bl, "],\"bias\":[");
    for (int k = 0; k < 16; k++)
        bl += (size_t)snprintf(big + bl, (1 << 16) - bl, "%s0", k ? "," : "");
    bl += (size_t)snprintf(big + bl, (1 << 16) - bl, "]},{\"op\":\"dense\",\"units\":2,\"weights\":[");
    for (int k = 0; k < 32; k++)
        bl += (size_t)snprintf(big + bl, (1 << 16) - bl, "%s1e6", k ? "," : "");
    snprintf(big + bl, (1 << 16) - bl, "],\"bias\":[0,0]}]}");
    m = zkbt_model(big);
    free(big);
    q.scale = 20;
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1.0, 0, &r), ZKB_OK);
    L = layer(r, 2);
    /* out of layer 1: 16777216000000 = 1.6e7 * 2^20; A2 = 16 * 1e6 * 2^20 * 1.6e7 * 2^20
     * = 2.56e14 * 2^40 ~ 2.8e26: 88 bits + sign */
    assert_int_equal(L.ana_acc_max, UINT64_MAX);
    assert_int_equal(L.ana_acc_bits, 89);
    assert_int_equal(L.ana_acc_overflow, 1);
    assert_int_equal(L.ana_out_overflow, 1);
    zkb_ranges_free(r);
    zkb_model_free(m);
    zkb_dataset_free(ds);
}

static void test_errors(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(HAND);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 8, 0);
    zkb_ranges *r = NULL;
    assert_int_equal(zkb_range_analysis(NULL, &q, NULL, 0, 1, 0, &r), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_range_analysis(m, NULL, NULL, 0, 1, 0, &r), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1, 0, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, -1, 0, &r), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, NAN, 0, &r), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "input bound"));
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1e30, 0, &r), ZKB_ERR_OVERFLOW);
    assert_null(r);
    q.scale = 99;
    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1, 0, &r), ZKB_ERR_INVALID_ARG);
    q.scale = 30;
    zkb_model *huge = zkbt_model(ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
                           "{\"op\":\"dense\",\"units\":2,\"weights\":[1e10,0,0,1],\"bias\":[0,0]}]}");
    assert_int_equal(zkb_range_analysis(huge, &q, NULL, 0, 1, 0, &r), ZKB_ERR_OVERFLOW);
    assert_non_null(strstr(zkb_model_last_error(huge), "does not fit int64"));
    zkb_model_free(huge);
    q.scale = 8;
    const float x3[3] = {0};
    zkb_dataset *ds3 = dataset(x3, 1, 1, 1, 3, 2);
    assert_int_equal(zkb_range_analysis(m, &q, ds3, 0, 1, 0, &r), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "3 features"));
    zkb_dataset_free(ds3);

    assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1, 0, &r), ZKB_OK);
    zkb_layer_range L;
    L.struct_size = sizeof L;
    assert_int_equal(zkb_ranges_layer(r, 4, &L), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_ranges_layer(NULL, 0, &L), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_ranges_layer(r, 0, NULL), ZKB_ERR_INVALID_ARG);
    L.struct_size = 8;
    assert_int_equal(zkb_ranges_layer(r, 0, &L), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_ranges_input(r, &L), ZKB_ERR_INVALID_ARG);
    zkb_ranges_free(r);
    assert_int_equal(zkb_ranges_layer_count(NULL), 0);
    assert_int_equal(zkb_ranges_samples(NULL), 0);
    assert_int_equal(zkb_ranges_overflowed(NULL), 0);
    assert_int_equal(zkb_ranges_analytic_overflow(NULL), 0);
    zkb_ranges_free(NULL);
    zkb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_hand_model),
        cmocka_unit_test(test_hand_pools),
        cmocka_unit_test(test_bound_holds_on_random),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
