/* libFuzzer target: the heart.csv parser (zkbi_heart_parse) and, on inputs
 * that parse, zkbi_heart_split. See docs/fuzzing.md; invariants in
 * fuzz_common.h. */
#include <math.h>

#include "data/data_int.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Features 8..11, 12..14 and 15..17 are one-hot groups; 1 and 6 (Sex,
 * ExerciseAngina) are label-encoded 0/1 (lib/data/dataset_heart.c). */
static void check_row(const float *x, int32_t y)
{
    static const unsigned groups[][2] = {{8, 4}, {12, 3}, {15, 3}};
    FUZZ_CHECK(y == 0 || y == 1);
    FUZZ_CHECK(x[1] == 0.0f || x[1] == 1.0f);
    FUZZ_CHECK(x[6] == 0.0f || x[6] == 1.0f);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        unsigned ones = 0;
        for (unsigned k = 0; k < groups[g][1]; k++) {
            float v = x[groups[g][0] + k];
            FUZZ_CHECK(v == 0.0f || v == 1.0f);
            ones += v == 1.0f;
        }
        FUZZ_CHECK(ones == 1);
    }
    for (size_t f = 0; f < ZKBI_HEART_FEATURES; f++)
        FUZZ_CHECK(!isnan(x[f]));
}

static void check_split(const zkbi_heart *h, const char *split, int standardize, size_t *n_out)
{
    char err[ZKBI_ERR_LEN];
    fuzz_err_prepare(err, sizeof err);
    zkbi_heart s;
    zkb_status st = zkbi_heart_split(h, split, standardize, &s, err, sizeof err);
    if (h->n < 2) {
        FUZZ_CHECK(st != ZKB_OK);
        fuzz_check_err(err, sizeof err);
        *n_out = 0;
        return;
    }
    FUZZ_CHECK(st == ZKB_OK);
    FUZZ_CHECK(s.n >= 1 && s.n < h->n);
    for (size_t i = 0; i < s.n; i++) {
        FUZZ_CHECK(s.y[i] == 0 || s.y[i] == 1);
        if (!standardize)
            check_row(s.x + i * ZKBI_HEART_FEATURES, s.y[i]);
    }
    *n_out = s.n;
    zkbi_heart_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[ZKBI_ERR_LEN];
    fuzz_err_prepare(err, sizeof err);
    zkbi_heart h;
    zkb_status st = zkbi_heart_parse((const char *)data, size, "fuzz.csv", &h, err, sizeof err);
    if (st != ZKB_OK) {
        fuzz_check_err(err, sizeof err);
        FUZZ_CHECK(h.n == 0 && h.x == NULL && h.y == NULL);
        fuzz_err_prepare(err, sizeof err);
        FUZZ_CHECK(zkbi_heart_parse((const char *)data, size, "fuzz.csv", &h, err,
                                    FUZZ_SMALL_ERR) == st);
        fuzz_check_small_err(err, sizeof err);
        return 0;
    }
    FUZZ_CHECK(h.n >= 1 && h.x && h.y);
    for (size_t i = 0; i < h.n; i++)
        check_row(h.x + i * ZKBI_HEART_FEATURES, h.y[i]);
    size_t n_test = 0, n_train = 0, n_std = 0;
    check_split(&h, "test", 0, &n_test);
    check_split(&h, "train", 0, &n_train);
    check_split(&h, "train", 1, &n_std);
    if (h.n >= 2)
        FUZZ_CHECK(n_test + n_train == h.n && n_std == n_train);
    zkbi_heart_free(&h);
    return 0;
}
