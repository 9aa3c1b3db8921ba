/* Accuracy of fixed-point inference (lib/eval/accuracy.c): hand-computed counts
 * on an in-memory dataset, sweeps, thread independence, overflow, the fast
 * paths against the reference evaluator, the default dataset of a model,
 * argument checks. */
#include "zkbt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_eval.h"


static zkb_dataset *dataset(const float *x, const int32_t *y, size_t n, uint32_t c, uint32_t h,
                            uint32_t w, uint32_t classes)
{
    zkb_dataset *ds = NULL;
    char err[ZKBI_ERR_LEN];
    zkb_status st = zkbi_dataset_from_arrays("synth", "test", x, y, n, c, h, w, classes, &ds, err,
                                             sizeof err);
    if (st != ZKB_OK)
        fail_msg("dataset: %s", err);
    return ds;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) { return zkbt_rand(&rng); }
static float unit(void) /* [0, 1) */
{
    return (float)(next() >> 40) / (float)(1u << 24);
}

/* The identity on 2 features: class = argmax(x0, x1). */
static const char *IDENT = ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[1,0,0,1],\"bias\":[0,0]}]}";

/*  sample      label  float  S=1: x_q   fixed   S=16: x_q   fixed
 *  (0.9, 0.1)  0      0 ok   (1, 0)     0 ok    (14, 2)     0
 *  (0.3, 0.4)  1      1 ok   (0, 0)     0 differ (5, 6)     1
 *  (0.2, 0.8)  0      1      (0, 1)     1       (3, 13)     1
 *  (0.45, 0.4) 1      0      (0, 0)     0       (7, 6)      0
 *  (0.1, 0.3)  1      1 ok   (0, 0)     0 differ (2, 5)     1
 *  (0.7, 0.6)  0      0 ok   (1, 1)     0 (tie) (11, 10)    0 */
static const float X6[] = {0.9f, 0.1f, 0.3f, 0.4f, 0.2f, 0.8f, 0.45f, 0.4f, 0.1f, 0.3f, 0.7f, 0.6f};
static const int32_t Y6[] = {0, 1, 0, 1, 1, 0};

static void test_hand_counts(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(IDENT);
    zkb_dataset *ds = dataset(X6, Y6, 6, 1, 1, 2, 2);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 0, ZKB_ROUND_HALF_UP);
    zkb_accuracy a;
    memset(&a, 0xff, sizeof a);
    a.struct_size = sizeof a;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 1, &a), ZKB_OK);
    assert_int_equal(a.struct_size, sizeof a);
    assert_int_equal(a.status, ZKB_OK);
    assert_int_equal(a.samples, 6);
    assert_int_equal(a.float_correct, 4);
    assert_int_equal(a.fixed_correct, 2);
    assert_int_equal(a.differ, 2);
    assert_int_equal(a.overflowed, 0);
    assert_true(fabs(a.float_acc - 400.0 / 6) < 1e-9);
    assert_true(fabs(a.fixed_acc - 200.0 / 6) < 1e-9);
    assert_true(fabs(a.loss_points - 200.0 / 6) < 1e-9);
    assert_true(fabs(a.differ_pct - 200.0 / 6) < 1e-9);

    /* S = 16: the fixed model agrees with float everywhere */
    q.scale = 4;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 2, &a), ZKB_OK);
    assert_int_equal(a.fixed_correct, 4);
    assert_int_equal(a.differ, 0);
    assert_true(a.loss_points == 0.0);

    /* first 2 samples only */
    q.scale = 0;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 2, 0, &a), ZKB_OK);
    assert_int_equal(a.samples, 2);
    assert_int_equal(a.float_correct, 2);
    assert_int_equal(a.fixed_correct, 1);
    assert_int_equal(a.differ, 1);
    /* more than there are: all */
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 100, 0, &a), ZKB_OK);
    assert_int_equal(a.samples, 6);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

static void test_multi_and_stride(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(IDENT);
    zkb_dataset *ds = dataset(X6, Y6, 6, 1, 1, 2, 2);
    zkb_quant qs[3] = {zkbt_quant(ZKB_QUANT_POW2, 0, ZKB_ROUND_HALF_UP),
                       zkbt_quant(ZKB_QUANT_POW2, 4, ZKB_ROUND_HALF_UP),
                       zkbt_quant(ZKB_QUANT_POW10, 1, ZKB_ROUND_FLOOR)};
    zkb_accuracy a[3];
    for (int i = 0; i < 3; i++)
        a[i].struct_size = sizeof a[i];
    assert_int_equal(zkb_eval_accuracy_multi(m, qs, 3, ds, 0, 0, a), ZKB_OK);
    assert_int_equal(a[0].fixed_correct, 2);
    assert_int_equal(a[1].fixed_correct, 4);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(a[i].float_correct, 4);
        assert_int_equal(a[i].samples, 6);
    }
    /* S = 10: x_q = (9,1) (3,4) (2,8) (5,4) (1,3) (7,6): all as float */
    assert_int_equal(a[2].fixed_correct, 4);
    assert_int_equal(a[2].differ, 0);

    /* a caller with a larger (newer) struct: the stride is its struct_size */
    struct big {
        zkb_accuracy a;
        uint64_t extra[3];
    } b[3];
    memset(b, 0xab, sizeof b);
    b[0].a.struct_size = sizeof b[0];
    assert_int_equal(zkb_eval_accuracy_multi(m, qs, 3, ds, 0, 1, &b[0].a), ZKB_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(b[i].a.struct_size, sizeof b[0]);
        assert_int_equal(b[i].a.fixed_correct, a[i].fixed_correct);
        assert_int_equal(b[i].a.differ, a[i].differ);
        assert_int_equal(b[i].extra[0], 0xababababababababu); /* untouched */
    }
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

typedef struct layer_tpl {
    const char *head;
    int nw, nb;
} layer_tpl;

/* kind 0: every operator; kind 1: an MLP (dense on a sparse input). Input
 * [1,8,8], 4 classes, weights and biases uniform in [-wscale, wscale]. */
static char *random_model(int kind, double wscale)
{
    /* [1,8,8] conv 3x3x3 -> relu -> maxpool 2 stride 1 -> conv 2x2 stride 2 -> avgpool 2
     * -> flatten -> dense 6 -> relu -> dense 4 */
    static const layer_tpl cnn[] = {
        {"{\"op\":\"conv2d\",\"filters\":3,\"kernel\":[3,3],", 27, 3},
        {"{\"op\":\"relu\"}", 0, 0},
        {"{\"op\":\"maxpool2d\",\"pool\":[2,2],\"stride\":[1,1]}", 0, 0},
        {"{\"op\":\"conv2d\",\"filters\":2,\"kernel\":[2,2],\"stride\":[2,2],", 24, 2},
        {"{\"op\":\"avgpool2d\",\"pool\":[2,2]}", 0, 0},
        {"{\"op\":\"flatten\"}", 0, 0},
        {"{\"op\":\"dense\",\"units\":6,", 2 * 6, 6},
        {"{\"op\":\"relu\"}", 0, 0},
        {"{\"op\":\"dense\",\"units\":4,", 24, 4}};
    /* flatten -> dense 12 -> relu -> dense 4 */
    static const layer_tpl mlp[] = {{"{\"op\":\"flatten\"}", 0, 0},
                                    {"{\"op\":\"dense\",\"units\":12,", 64 * 12, 12},
                                    {"{\"op\":\"relu\"}", 0, 0},
                                    {"{\"op\":\"dense\",\"units\":4,", 48, 4}};
    const layer_tpl *L = kind ? mlp : cnn;
    size_t n_layers = kind ? sizeof mlp / sizeof mlp[0] : sizeof cnn / sizeof cnn[0];
    size_t cap = 65536, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "%s", ZKBT_MODEL_HDR("[1,8,8]", 4));
    for (size_t i = 0; i < n_layers; i++) {
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "," : "", L[i].head);
        if (!L[i].nw)
            continue;
        len += (size_t)snprintf(s + len, cap - len, "\"weights\":[");
        for (int k = 0; k < L[i].nw; k++)
            len += (size_t)snprintf(s + len, cap - len, "%s%.6f", k ? "," : "",
                                    (2.0 * unit() - 1.0) * wscale);
        len += (size_t)snprintf(s + len, cap - len, "],\"bias\":[");
        for (int k = 0; k < L[i].nb; k++)
            len += (size_t)snprintf(s + len, cap - len, "%s%.6f", k ? "," : "",
                                    (2.0 * unit() - 1.0) * wscale);
        len += (size_t)snprintf(s + len, cap - len, "]}");
    }
    snprintf(s + len, cap - len, "]}");
    return s;
}

static void test_model_shapes_ok(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        char *j = random_model(kind, 1.0);
        zkb_model *m = zkbt_model(j);
        free(j);
        assert_int_equal(zkb_model_classes(m), 4);
        zkb_model_free(m);
    }
}

/* Sparse random inputs: about half the features are 0. */
static float *random_inputs(size_t n, size_t f, int signed_)
{
    float *x = malloc(n * f * sizeof *x);
    for (size_t i = 0; i < n * f; i++) {
        float v = unit();
        x[i] = (next() & 1) ? 0.0f : (signed_ && (next() & 1) ? -v : v);
    }
    return x;
}

static void threads_case(int kind, double wscale)
{
    char *j = random_model(kind, wscale);
    zkb_model *m = zkbt_model(j);
    free(j);
    const size_t n = 700;
    float *x = random_inputs(n, 64, 0);
    int32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)(next() % 4);
    zkb_dataset *ds = dataset(x, y, n, 1, 8, 8, 4);
    zkb_quant qs[6];
    for (uint32_t s = 0; s < 6; s++)
        qs[s] = zkbt_quant(s < 4 ? ZKB_QUANT_POW2 : ZKB_QUANT_POW10, s < 4 ? s * 3 : s - 3,
                      s % 2 ? ZKB_ROUND_FLOOR : ZKB_ROUND_HALF_UP);
    zkb_accuracy ref[6], got[6];
    for (int i = 0; i < 6; i++)
        ref[i].struct_size = got[i].struct_size = sizeof ref[i];
    assert_int_equal(zkb_eval_accuracy_multi(m, qs, 6, ds, 0, 1, ref), ZKB_OK);
    const uint32_t threads[] = {2, 3, 7, 0, 64};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        memset(got, 0, sizeof got);
        for (int i = 0; i < 6; i++)
            got[i].struct_size = sizeof got[i];
        assert_int_equal(zkb_eval_accuracy_multi(m, qs, 6, ds, 0, threads[t], got), ZKB_OK);
        assert_memory_equal(ref, got, sizeof ref);
    }
    /* every entry equals its single evaluation, counted here by hand with
     * the public reference evaluators */
    float fo[4];
    int64_t xq[64], qo[4];
    for (int k = 0; k < 6; k++) {
        uint64_t fc = 0, xc = 0, dif = 0, ovf = 0;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(zkb_model_eval_float(m, x + i * 64, 64, fo, 4), ZKB_OK);
            uint32_t fcls = zkbi_argmax_f(fo, 4);
            fc += fcls == (uint32_t)y[i];
            assert_int_equal(zkb_quantize_input(&qs[k], x + i * 64, 64, xq), ZKB_OK);
            zkb_status st = zkb_model_eval_fixed(m, &qs[k], xq, 64, qo, 4);
            if (st == ZKB_ERR_OVERFLOW) {
                ovf++;
                dif++;
                continue;
            }
            assert_int_equal(st, ZKB_OK);
            uint32_t qcls = zkbi_argmax_i(qo, 4);
            xc += qcls == (uint32_t)y[i];
            dif += qcls != fcls;
        }
        assert_int_equal(ref[k].float_correct, fc);
        assert_int_equal(ref[k].fixed_correct, xc);
        assert_int_equal(ref[k].differ, dif);
        assert_int_equal(ref[k].overflowed, ovf);
    }
    zkb_dataset_free(ds);
    free(x);
    free(y);
    zkb_model_free(m);
}

static void test_threads_deterministic(void **state)
{
    (void)state;
    threads_case(0, 1.0);
    threads_case(1, 1.0);
    threads_case(1, 40.0); /* larger weights: wider integers */
}

/* The instrumented evaluator of range analysis gives the reference's
 * integers, overflows exactly where the reference does, and only where the
 * analytic bound allows an overflow. */
static void test_range_eval_matches_reference(void **state)
{
    (void)state;
    const double wscales[] = {0.5, 30.0, 5000.0};
    int checked[2] = {0, 0}; /* samples that fit int64, samples that overflowed */
    for (size_t w = 0; w < 6; w++) {
        char *j = random_model((int)(w % 2), wscales[w / 2]);
        zkb_model *m = zkbt_model(j);
        free(j);
        for (uint32_t scheme = 1; scheme <= 2; scheme++)
            for (uint32_t scale = 0; scale <= (scheme == 1 ? 16u : 6u); scale += 2)
                for (uint32_t rnd = 0; rnd <= 1; rnd++) {
                    zkb_quant q = zkbt_quant(scheme, scale, rnd);
                    zkbi_qmodel *qm = NULL;
                    char err[ZKBI_ERR_LEN];
                    zkb_status qst = zkbi_qmodel_new(m, &q, &qm, err, sizeof err);
                    if (qst == ZKB_ERR_OVERFLOW)
                        continue; /* a bias does not fit at this scale */
                    assert_int_equal(qst, ZKB_OK);
                    int64_t S = zkbi_quant_scale_factor(&q);
                    uint32_t bits = zkbi_range_bound_bits(qm, (uint64_t)S);
                    uint64_t L = qm->n_layers;
                    int64_t *buf = malloc(2 * qm->max_act * sizeof *buf);
                    uint64_t *am = calloc(L, sizeof *am), *om = calloc(L, sizeof *om);
                    for (int s = 0; s < 20; s++) {
                        float *x = random_inputs(1, 64, 1);
                        int64_t xq[64], ref[4], got[4];
                        assert_int_equal(zkb_quantize_input(&q, x, 64, xq), ZKB_OK);
                        zkb_status st = zkbi_qmodel_eval(qm, xq, 64, ref, 4, err, sizeof err);
                        uint32_t where = zkbi_range_eval(qm, xq, buf, got, am, om);
                        if (st == ZKB_ERR_OVERFLOW) {
                            assert_true(bits > 64);
                            assert_true(where > 0);
                        } else {
                            assert_int_equal(st, ZKB_OK);
                            assert_int_equal(where, 0);
                            assert_memory_equal(ref, got, sizeof ref);
                        }
                        checked[st == ZKB_ERR_OVERFLOW]++;
                        free(x);
                    }
                    free(am);
                    free(om);
                    free(buf);
                    zkbi_qmodel_free(qm);
                }
        zkb_model_free(m);
    }
    assert_true(checked[0] > 200);
    assert_true(checked[1] > 20);
}

static void test_quantize_fast(void **state)
{
    (void)state;
    static const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f,
                                    0.35f, 0.125f, -0.375f, 1.0f, -1.0f, 1e-30f, 255.0f / 255.0f,
                                    127.0f / 255.0f, 3e9f, -3e9f, 1e15f, -1e15f};
    for (uint32_t scheme = 1; scheme <= 2; scheme++)
        for (uint32_t scale = 0; scale <= (scheme == 1 ? 30u : 9u); scale++) {
            zkb_quant q = zkbt_quant(scheme, scale, ZKB_ROUND_HALF_UP);
            int64_t S = zkbi_quant_scale_factor(&q);
            for (size_t i = 0; i < sizeof special / sizeof special[0] + 2000; i++) {
                float v;
                if (i < sizeof special / sizeof special[0]) {
                    v = special[i];
                } else if (i % 3 == 0) { /* exact ties at this scale */
                    v = (float)((double)(int64_t)(next() % 2001 - 1000) + 0.5) / (float)S;
                } else {
                    v = (2 * unit() - 1) * (float)(1 << (next() % 20));
                }
                int64_t a = 0, b = 0;
                zkb_status sa = zkb_quantize_input(&q, &v, 1, &a);
                zkb_status sb = zkbi_quantize_input_fast(&q, S, &v, 1, &b);
                assert_int_equal(sa, sb);
                if (sa == ZKB_OK && a != b)
                    fail_msg("%.9g at %s^%u: %lld vs %lld", (double)v, scheme == 1 ? "2" : "10",
                             scale, (long long)a, (long long)b);
            }
        }
    float nan = NAN;
    int64_t r;
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 8, 0);
    assert_int_equal(zkbi_quantize_input_fast(&q, 256, &nan, 1, &r), ZKB_ERR_INVALID_ARG);
}

static void test_overflow_counts(void **state)
{
    (void)state;
    /* w = 4e9: at 2^30, w_q = 4.29e18 fits, but w_q * x_q overflows unless x = 0 */
    zkb_model *m = zkbt_model(ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
                        "{\"op\":\"dense\",\"units\":2,\"weights\":[4e9,0,0,1],\"bias\":[0,0.5]}]}");
    const float x[] = {1.0f, 0.0f, 0.0f, 1.0f, 0.5f, 0.25f, 0.0f, 0.0f};
    const int32_t y[] = {0, 1, 0, 1};
    zkb_dataset *ds = dataset(x, y, 4, 1, 1, 2, 2);
    zkb_quant qs[2] = {zkbt_quant(ZKB_QUANT_POW2, 30, 0), zkbt_quant(ZKB_QUANT_POW2, 2, 0)};
    zkb_accuracy a[2];
    a[0].struct_size = a[1].struct_size = sizeof a[0];
    assert_int_equal(zkb_eval_accuracy_multi(m, qs, 2, ds, 0, 2, a), ZKB_OK);
    /* float classes: 0, 1, 0, 1 (all correct). At 2^30 samples 0 and 2 overflow;
     * sample 1: (0, 2^30 + 0.5) -> 1 ok; sample 3: x = 0: (0, 0.5*2^30) -> 1 ok */
    assert_int_equal(a[0].status, ZKB_OK);
    assert_int_equal(a[0].float_correct, 4);
    assert_int_equal(a[0].overflowed, 2);
    assert_int_equal(a[0].fixed_correct, 2);
    assert_int_equal(a[0].differ, 2);
    assert_int_equal(a[1].overflowed, 0);
    assert_int_equal(a[1].fixed_correct, 4);

    /* a weight that does not fit int64 at this scale: every sample overflows */
    zkb_model *big = zkbt_model(ZKBT_MODEL_HDR("[1,1,2]", 2) "{\"op\":\"flatten\"},"
                          "{\"op\":\"dense\",\"units\":2,\"weights\":[1e10,0,0,1],\"bias\":[0,0]}]}");
    assert_int_equal(zkb_eval_accuracy_multi(big, qs, 2, ds, 0, 0, a), ZKB_OK);
    assert_int_equal(a[0].status, ZKB_ERR_OVERFLOW);
    assert_int_equal(a[0].overflowed, 4);
    assert_int_equal(a[0].fixed_correct, 0);
    assert_int_equal(a[0].differ, 4);
    assert_non_null(strstr(zkb_model_last_error(big), "does not fit int64"));
    assert_int_equal(a[1].status, ZKB_OK);
    assert_int_equal(a[1].overflowed, 0);
    zkb_model_free(big);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

static void test_errors(void **state)
{
    (void)state;
    zkb_model *m = zkbt_model(IDENT);
    zkb_dataset *ds = dataset(X6, Y6, 6, 1, 1, 2, 2);
    const float x3[] = {0, 0, 0};
    const int32_t y1[] = {0};
    zkb_dataset *ds3 = dataset(x3, y1, 1, 1, 1, 3, 2);
    zkb_dataset *ds_c3 = dataset(x3, y1, 1, 1, 1, 2, 3);
    zkb_quant q = zkbt_quant(ZKB_QUANT_POW2, 8, 0);
    zkb_accuracy a;
    a.struct_size = sizeof a;
    assert_int_equal(zkb_eval_accuracy(NULL, &q, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_eval_accuracy(m, NULL, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_eval_accuracy(m, &q, NULL, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 0, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_eval_accuracy_multi(m, &q, 0, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_eval_accuracy(m, &q, ds3, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "3 features"));
    assert_int_equal(zkb_eval_accuracy(m, &q, ds_c3, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "classes"));
    a.struct_size = 8;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "struct_size"));
    a.struct_size = sizeof a;
    q.scale = 31;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_model_last_error(m), "0..30"));
    q.scale = 8;
    q.struct_size = 4;
    assert_int_equal(zkb_eval_accuracy(m, &q, ds, 0, 0, &a), ZKB_ERR_INVALID_ARG);
    q.struct_size = sizeof q;

    /* the in-memory constructor checks its labels */
    zkb_dataset *bad = NULL;
    char err[ZKBI_ERR_LEN];
    const int32_t ybad[] = {2};
    assert_int_equal(zkbi_dataset_from_arrays("x", NULL, x3, ybad, 1, 1, 1, 2, 2, &bad, err,
                                              sizeof err),
                     ZKB_ERR_INVALID_ARG);
    assert_null(bad);
    assert_non_null(strstr(err, "label 0 is 2"));
    /* an empty dataset is fine: zero of everything */
    zkb_dataset *empty = dataset(NULL, NULL, 0, 1, 1, 2, 2);
    assert_int_equal(zkb_dataset_count(empty), 0);
    assert_int_equal(zkb_eval_accuracy(m, &q, empty, 0, 0, &a), ZKB_OK);
    assert_int_equal(a.samples, 0);
    assert_true(a.fixed_acc == 0.0 && a.differ_pct == 0.0);
    zkb_dataset_free(empty);
    zkb_dataset_free(ds3);
    zkb_dataset_free(ds_c3);
    zkb_dataset_free(ds);
    zkb_model_free(m);
}

static void test_default_dataset(void **state)
{
    (void)state;
    char buf[200000];
    /* by shape */
    const struct {
        const char *shape;
        uint32_t n_in, classes;
        const char *meta;
        const char *want;
    } t[] = {
        {"[1,28,28]", 784, 10, NULL, "mnist"},
        {"[1,14,14]", 196, 10, NULL, "mnist14"},
        {"[28,28,1]", 784, 10, NULL, "mnist"},   /* an NHWC input imported as it is */
        {"[1,1,196]", 196, 10, NULL, "mnist14"}, /* flat pixels (scikit-learn) */
        {"[14,1,14]", 196, 10, NULL, NULL},      /* not an image's row order */
        {"[2,14,14]", 392, 10, NULL, NULL},
        {"[1,1,18]", 18, 2, NULL, "heart"},
        {"[1,18,1]", 18, 2, NULL, "heart"},
        {"[1,1,18]", 18, 2, "{\"dataset\":\"heart_std\"}", "heart_std"},
        {"[1,1,18]", 18, 2, "{\"train_set\":{\"name\":\"heart_std\",\"split\":\"train\"}}",
         "heart_std"},
        {"[1,1,18]", 18, 2, "{\"dataset\":\"cifar\",\"train_set\":{\"name\":\"heart_std\"}}",
         "heart_std"},
        {"[1,1,18]", 18, 2, "{\"dataset\":\"cifar\"}", "heart"},
        {"[1,1,18]", 18, 2, "{\"dataset\":7}", "heart"},
        {"[1,4,4]", 16, 3, NULL, NULL},
        {"[1,4,4]", 16, 3, "{\"dataset\":\"mnist14\"}", "mnist14"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t len = (size_t)snprintf(buf, sizeof buf,
                                      "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"d\","
                                      "\"input\":{\"shape\":%s},\"classes\":%u,%s%s%s\"layers\":["
                                      "{\"op\":\"flatten\"},{\"op\":\"dense\",\"units\":%u,"
                                      "\"weights\":[",
                                      t[i].shape, t[i].classes, t[i].meta ? "\"metadata\":" : "",
                                      t[i].meta ? t[i].meta : "", t[i].meta ? "," : "",
                                      t[i].classes);
        for (uint32_t k = 0; k < t[i].n_in * t[i].classes; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s0", k ? "," : "");
        len += (size_t)snprintf(buf + len, sizeof buf - len, "],\"bias\":[");
        for (uint32_t k = 0; k < t[i].classes; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s0", k ? "," : "");
        snprintf(buf + len, sizeof buf - len, "]}]}");
        zkb_model *m = zkbt_model(buf);
        const char *got = zkb_eval_default_dataset(m);
        if (t[i].want)
            assert_string_equal(got, t[i].want);
        else
            assert_null(got);
        zkb_model_free(m);
    }
    assert_null(zkb_eval_default_dataset(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_counts),
        cmocka_unit_test(test_multi_and_stride),
        cmocka_unit_test(test_model_shapes_ok),
        cmocka_unit_test(test_threads_deterministic),
        cmocka_unit_test(test_range_eval_matches_reference),
        cmocka_unit_test(test_quantize_fast),
        cmocka_unit_test(test_overflow_counts),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_default_dataset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
