/* Summary statistics on known vectors. */
#include "zkbt.h"

#include <math.h>
#include <string.h>

#include "core/core_int.h"

static void test_odd(void **state)
{
    (void)state;
    double v[] = {4, 100, 1, 3, 2};
    double copy[5];
    memcpy(copy, v, sizeof v);
    zkbi_stats s;
    assert_int_equal(zkbi_stats_compute(v, 5, &s), 0);
    assert_int_equal(s.n, 5);
    assert_float_equal(s.median, 3.0, 1e-12);
    assert_float_equal(s.mean, 22.0, 1e-12);
    /* squares of deviations: 324+6084+441+361+400 = 7610, over n-1 = 4 */
    assert_float_equal(s.stddev, sqrt(7610.0 / 4.0), 1e-9);
    assert_float_equal(s.min, 1.0, 0);
    assert_float_equal(s.max, 100.0, 0);
    assert_memory_equal(v, copy, sizeof v); /* input untouched (not sorted in place) */
}

static void test_even(void **state)
{
    (void)state;
    double v[] = {4, 1, 3, 2};
    zkbi_stats s;
    zkbi_stats_compute(v, 4, &s);
    assert_float_equal(s.median, 2.5, 1e-12);
    assert_float_equal(s.mean, 2.5, 1e-12);
    assert_float_equal(s.stddev, sqrt(5.0 / 3.0), 1e-12);
}

static void test_single_and_empty(void **state)
{
    (void)state;
    double one = 0.125;
    zkbi_stats s;
    zkbi_stats_compute(&one, 1, &s);
    assert_int_equal(s.n, 1);
    assert_float_equal(s.median, 0.125, 0);
    assert_float_equal(s.stddev, 0.0, 0);
    assert_float_equal(s.min, 0.125, 0);
    assert_float_equal(s.max, 0.125, 0);
    zkbi_stats_compute(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_float_equal(s.mean, 0.0, 0);
    assert_float_equal(s.median, 0.0, 0);
}

static void test_large_offset(void **state)
{
    (void)state;
    /* a naive sum-of-squares formula loses these digits */
    double v[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    zkbi_stats s;
    zkbi_stats_compute(v, 4, &s);
    assert_float_equal(s.mean, 1e9 + 10, 1e-6);
    assert_float_equal(s.stddev, sqrt(90.0 / 3.0), 1e-6);
    assert_float_equal(s.median, 1e9 + 10, 1e-6);
}

static void test_constant(void **state)
{
    (void)state;
    double v[7];
    for (int i = 0; i < 7; i++)
        v[i] = 0.1;
    zkbi_stats s;
    zkbi_stats_compute(v, 7, &s);
    assert_float_equal(s.stddev, 0.0, 1e-15);
    assert_float_equal(s.median, 0.1, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odd),          cmocka_unit_test(test_even),
        cmocka_unit_test(test_single_and_empty), cmocka_unit_test(test_large_offset),
        cmocka_unit_test(test_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
