/* The fast batched evaluator (lib/eval/fast/) against the reference
 * fixed-point evaluator (zkbi_qmodel_eval): random small models of every op,
 * pad2d included, both roundings, pow2 and pow10 scales, the int32 and int64 lane types,
 * every kernel family the CPU has, odd batch sizes, 1 and several threads. */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_eval.h"

static uint64_t rng = 0x243f6a8885a308d3u;
static uint64_t next(void) { return zkbt_rand(&rng); }
static double unit(void) { return zkbt_rand_unit(&rng); } /* [0, 1) */
static uint32_t pick(uint32_t lo, uint32_t hi) /* lo..hi */
{
    return lo + (uint32_t)(next() % (hi - lo + 1));
}

static void params(zkbt_str *b, uint64_t nw, uint64_t nb, double wscale)
{
    zkbt_str_add(b, "\"weights\":[");
    for (uint64_t k = 0; k < nw; k++)
        zkbt_str_add(b, "%s%.6f", k ? "," : "", (2 * unit() - 1) * wscale);
    zkbt_str_add(b, "],\"bias\":[");
    for (uint64_t k = 0; k < nb; k++)
        zkbt_str_add(b, "%s%.6f", k ? "," : "", (2 * unit() - 1) * wscale);
    zkbt_str_add(b, "]}");
}

/* A random sequential model: some conv2d / relu / pool stages on a small
 * image, then flatten and 1..2 dense layers (relu between). Pools are 2x2 or
 * 3x3 (a divisor that is not a power of two), strides 1..2. With pads, a
 * pad2d of 0..2 on each side may come before each conv2d and pool. */
static void maybe_pad(zkbt_str *b, int pads, int *first, uint32_t *h, uint32_t *w)
{
    if (!pads || next() % 3 == 0)
        return;
    uint32_t t = pick(0, 2), l = pick(0, 2), bo = pick(0, 2), r = pick(0, 2);
    zkbt_str_add(b, "%s{\"op\":\"pad2d\",\"pads\":[%u,%u,%u,%u]}", *first ? "" : ",", t, l, bo, r);
    *first = 0;
    *h += t + bo;
    *w += l + r;
}

static zkb_model *random_model(double wscale, int pads)
{
    zkbt_str b = {0};
    uint32_t c = pick(1, 3), h = pick(6, 11), w = pick(6, 11);
    uint32_t classes = pick(2, 9);
    zkbt_str_add(&b, "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"r\",\"input\":{\"shape\":"
            "[%u,%u,%u]},\"classes\":%u,\"layers\":[", c, h, w, classes);
    int first = 1;
    uint32_t stages = pick(0, 2);
    for (uint32_t s = 0; s < stages; s++) {
        maybe_pad(&b, pads, &first, &h, &w);
        uint32_t k = pick(1, 3), st = pick(1, 2);
        if (h < k || w < k)
            break;
        uint32_t f = pick(1, 7);
        zkbt_str_add(&b, "%s{\"op\":\"conv2d\",\"filters\":%u,\"kernel\":[%u,%u],\"stride\":[%u,%u],",
            first ? "" : ",", f, k, k, st, st);
        params(&b, (uint64_t)f * c * k * k, f, wscale);
        first = 0;
        h = (h - k) / st + 1;
        w = (w - k) / st + 1;
        c = f;
        if (next() & 1)
            zkbt_str_add(&b, ",{\"op\":\"relu\"}");
        maybe_pad(&b, pads, &first, &h, &w);
        uint32_t p = pick(2, 3);
        if (h >= p && w >= p && (next() % 3)) {
            uint32_t ps = pick(1, p);
            zkbt_str_add(&b, ",{\"op\":\"%s\",\"pool\":[%u,%u],\"stride\":[%u,%u]}",
                (next() & 1) ? "avgpool2d" : "maxpool2d", p, p, ps, ps);
            h = (h - p) / ps + 1;
            w = (w - p) / ps + 1;
        }
    }
    zkbt_str_add(&b, "%s{\"op\":\"flatten\"}", first ? "" : ",");
    uint32_t n_in = c * h * w;
    uint32_t dense = pick(1, 2);
    for (uint32_t d = 0; d < dense; d++) {
        uint32_t units = d + 1 == dense ? classes : pick(1, 11);
        zkbt_str_add(&b, ",{\"op\":\"dense\",\"units\":%u,", units);
        params(&b, (uint64_t)units * n_in, units, wscale);
        if (d + 1 < dense)
            zkbt_str_add(&b, ",{\"op\":\"relu\"}");
        n_in = units;
    }
    zkbt_str_add(&b, "]}");
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_json(NULL, b.s, b.len, &m);
    if (st != ZKB_OK)
        fail_msg("model: %s\n%s", zkb_status_str(st), b.s);
    free(b.s);
    return m;
}

/* Inputs in [-1, 1]; about half the features are 0, and some features are
 * 0 in every sample (the dense layers' zero skipping). */
static float *random_inputs(size_t n, size_t f)
{
    float *x = malloc((n * f > 0 ? n * f : 1) * sizeof *x);
    for (size_t i = 0; i < n * f; i++)
        x[i] = (next() & 1) || (i % f) % 5 == 0 ? 0.0f : (float)(2 * unit() - 1);
    return x;
}

static void test_matches_reference(void **state)
{
    (void)state;
    static const double wscales[] = {0.5, 4.0, 40.0, 3000.0};
    static const size_t sizes[] = {1, 5, 31, 33, 70};
    uint64_t by_path[3] = {0, 0, 0}, by_isa[4] = {0, 0, 0, 0}, n_wide = 0, n_pairs = 0;
    for (int mi = 0; mi < 32; mi++) {
        zkb_model *m = random_model(wscales[mi % 4], mi >= 24);
        uint64_t n_in = zkb_model_input_size(m), n_out = zkb_model_classes(m);
        for (uint32_t scheme = 1; scheme <= 2; scheme++)
            for (uint32_t scale = 0; scale <= (scheme == 1 ? 16u : 5u);
                 scale += scheme == 1 ? 4 : 1)
                for (uint32_t rnd = 0; rnd <= 1; rnd++) {
                    zkb_quant q;
                    zkb_quant_default(&q);
                    q.scheme = scheme;
                    q.scale = scale;
                    q.rounding = rnd;
                    zkbi_qmodel *qm = NULL;
                    char err[ZKBI_ERR_LEN];
                    zkb_status qst = zkbi_qmodel_new(m, &q, &qm, err, sizeof err);
                    if (qst == ZKB_ERR_OVERFLOW)
                        continue;
                    assert_int_equal(qst, ZKB_OK);
                    int64_t S = zkbi_quant_scale_factor(&q);
                    size_t n = sizes[next() % 5];
                    float *x = random_inputs(n, n_in);
                    int64_t *xq = malloc(n * n_in * sizeof *xq + 1);
                    int64_t *ref = malloc(n * n_out * sizeof *ref);
                    int64_t *got = malloc(n * n_out * sizeof *got);
                    int ref_ok = 1;
                    assert_int_equal(zkb_quantize_input(&q, x, n * n_in, xq), ZKB_OK);
                    for (size_t i = 0; i < n; i++)
                        if (zkbi_qmodel_eval(qm, xq + i * n_in, n_in, ref + i * n_out, n_out, err,
                                             sizeof err) != ZKB_OK)
                            ref_ok = 0;
                    for (int isa = ZKBI_FAST_ISA_GENERIC; isa <= ZKBI_FAST_ISA_AVX512; isa++)
                        for (int maxp = ZKBI_FAST_I64; maxp <= ZKBI_FAST_I32; maxp++) {
                            zkbi_fast *f = NULL;
                            assert_int_equal(zkbi_fast_new(qm, (uint64_t)S, maxp, isa, &f), ZKB_OK);
                            int path = zkbi_fast_path(f);
                            uint32_t bits = zkbi_fast_bound_bits(f);
                            assert_true(path <= maxp);
                            if (bits <= 64)
                                assert_true(path != ZKBI_FAST_NONE);
                            else
                                assert_int_equal(path, ZKBI_FAST_NONE);
                            if (bits <= 32 && maxp == ZKBI_FAST_I32)
                                assert_int_equal(path, ZKBI_FAST_I32);
                            if (path != ZKBI_FAST_I32)
                                assert_int_equal(zkbi_fast_wide_layers(f), 0);
                            else if (zkbi_fast_wide_layers(f))
                                n_wide++;
                            if (path != ZKBI_FAST_NONE) {
                                assert_true(ref_ok); /* proven: the reference cannot overflow */
                                for (uint32_t th = 1; th <= 3; th += 2) {
                                    memset(got, 0x5a, n * n_out * sizeof *got);
                                    assert_int_equal(zkbi_fast_eval(f, x, NULL, n, got, th), ZKB_OK);
                                    assert_memory_equal(ref, got, n * n_out * sizeof *got);
                                    memset(got, 0x5a, n * n_out * sizeof *got);
                                    assert_int_equal(zkbi_fast_eval(f, NULL, xq, n, got, th), ZKB_OK);
                                    assert_memory_equal(ref, got, n * n_out * sizeof *got);
                                }
                                by_path[path]++;
                                by_isa[zkbi_fast_isa(f)]++;
                                n_pairs += zkbi_fast_pair_layers(f) > 0;
                            } else {
                                by_path[0]++;
                            }
                            zkbi_fast_free(f);
                        }
                    free(x);
                    free(xq);
                    free(ref);
                    free(got);
                    zkbi_qmodel_free(qm);
                }
        zkb_model_free(m);
    }
    print_message("checked: int32 %llu (with int64 layers %llu, with VNNI layers %llu), int64 "
                  "%llu, none %llu; generic %llu, avx2 %llu, avx512 %llu\n",
                  (unsigned long long)by_path[2], (unsigned long long)n_wide, (unsigned long long)n_pairs, (unsigned long long)by_path[1],
                  (unsigned long long)by_path[0], (unsigned long long)by_isa[1],
                  (unsigned long long)by_isa[2], (unsigned long long)by_isa[3]);
    assert_true(by_path[ZKBI_FAST_I32] > 50);
    assert_true(by_path[ZKBI_FAST_I64] > 50);
    assert_true(n_wide > 20);
    if (by_isa[ZKBI_FAST_ISA_AVX512]) /* a CPU with AVX-512 VNNI */
        assert_true(n_pairs > 50);
    assert_true(by_isa[ZKBI_FAST_ISA_GENERIC] > 20);
}

/* Zero images, a single image, a block boundary: the padding lanes of a
 * partial block never reach the output; an all-zero input gives the model's
 * response to 0 exactly. */
static void test_block_edges(void **state)
{
    (void)state;
    zkb_model *m = random_model(1.0, 0);
    zkb_quant q;
    zkb_quant_default(&q);
    q.scale = 8;
    zkbi_qmodel *qm = NULL;
    char err[ZKBI_ERR_LEN];
    assert_int_equal(zkbi_qmodel_new(m, &q, &qm, err, sizeof err), ZKB_OK);
    zkbi_fast *f = NULL;
    assert_int_equal(zkbi_fast_new(qm, 256, ZKBI_FAST_I32, ZKBI_FAST_ISA_AUTO, &f), ZKB_OK);
    assert_int_equal(zkbi_fast_path(f), ZKBI_FAST_I32);
    int64_t dummy = 7;
    assert_int_equal(zkbi_fast_eval(f, NULL, &dummy, 0, &dummy, 2), ZKB_OK);
    assert_int_equal(dummy, 7);
    uint64_t n_in = zkb_model_input_size(m), n_out = zkb_model_classes(m);
    size_t B = zkbi_fast_block_images(f);
    size_t n = 2 * B + 1;
    int64_t *xq = calloc(n * n_in, sizeof *xq), *got = malloc(n * n_out * sizeof *got);
    int64_t *ref = malloc(n_out * sizeof *ref);
    assert_int_equal(zkbi_qmodel_eval(qm, xq, n_in, ref, n_out, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_fast_eval(f, NULL, xq, n, got, 0), ZKB_OK);
    for (size_t i = 0; i < n; i++)
        assert_memory_equal(ref, got + i * n_out, n_out * sizeof *ref);
    free(xq);
    free(got);
    free(ref);
    zkbi_fast_free(f);
    zkbi_qmodel_free(qm);
    zkb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_block_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
