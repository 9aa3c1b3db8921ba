/* zkb_run_select_shard: shards are disjoint, cover every cell, do not
 * depend on the order cells were added in, differ in size by at most one,
 * and are recorded in each record. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkmlbench/zkmlbench.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define REF ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"
#define M(name) ZKB_SOURCE_DIR "/models/tiny/" name ".json"

static const char *const models[] = {M("tiny_dense"), M("tiny_cnn"), M("tiny_maxpool"), "/nonexistent/model.json"};
#define N_MODELS 4
static const char *const backends[] = {"reference", "rt_noop"};
#define N_BACKENDS 2
#define N_CELLS (N_MODELS * N_BACKENDS)

typedef struct fx {
    zkb_ctx *ctx;
    char out[256];
} fx;

static void quiet(void *user, uint32_t level, const char *msg)
{
    (void)user;
    (void)level;
    (void)msg;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->out, sizeof f->out, "shard") != 0)
        return -1;
    zkb_ctx_set_logger(f->ctx, quiet, NULL);
    if (zkb_ctx_load_plugin(f->ctx, REF) != ZKB_OK || zkb_ctx_load_plugin(f->ctx, TP("rt_noop")) != ZKB_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbt_ctx_tmpdir_free(f->ctx, f->out);
    free(f);
    return 0;
}

/* A run with every cell, added in the order perm gives (cell c = model c /
 * N_BACKENDS, backend c % N_BACKENDS). */
static zkb_run *make_run(fx *f, const int *perm)
{
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(f->ctx, f->out, &run), ZKB_OK);
    for (int i = 0; i < N_CELLS; i++) {
        int c = perm ? perm[i] : i;
        assert_int_equal(zkb_run_add_cell(run, models[c / N_BACKENDS], backends[c % N_BACKENDS], NULL, NULL), ZKB_OK);
    }
    return run;
}

/* Which cells (as indices into models x backends) are left. */
static unsigned members(const zkb_run *run)
{
    unsigned set = 0;
    for (size_t i = 0; i < zkb_run_cell_count(run); i++) {
        int m = -1, b = -1;
        for (int k = 0; k < N_MODELS; k++)
            if (!strcmp(zkb_run_cell_model(run, i), models[k]))
                m = k;
        for (int k = 0; k < N_BACKENDS; k++)
            if (!strcmp(zkb_run_cell_backend(run, i), backends[k]))
                b = k;
        assert_true(m >= 0 && b >= 0);
        set |= 1u << (m * N_BACKENDS + b);
    }
    return set;
}

static void test_partition(void **state)
{
    fx *f = *state;
    static const int reversed[N_CELLS] = {7, 6, 5, 4, 3, 2, 1, 0};
    static const int shuffled[N_CELLS] = {3, 0, 6, 1, 7, 2, 5, 4};
    for (uint32_t n = 1; n <= 9; n++) {
        unsigned all = 0;
        size_t smallest = N_CELLS, largest = 0;
        for (uint32_t k = 1; k <= n; k++) {
            zkb_run *a = make_run(f, NULL), *b = make_run(f, reversed), *c = make_run(f, shuffled);
            assert_int_equal(zkb_run_select_shard(a, k, n), ZKB_OK);
            assert_int_equal(zkb_run_select_shard(b, k, n), ZKB_OK);
            assert_int_equal(zkb_run_select_shard(c, k, n), ZKB_OK);
            unsigned s = members(a);
            assert_int_equal(s, members(b)); /* the order of adding does not matter */
            assert_int_equal(s, members(c));
            assert_int_equal(s & all, 0); /* disjoint */
            all |= s;
            size_t count = zkb_run_cell_count(a);
            smallest = count < smallest ? count : smallest;
            largest = count > largest ? count : largest;
            zkb_run_free(a), zkb_run_free(b), zkb_run_free(c);
        }
        assert_int_equal(all, (1u << N_CELLS) - 1); /* covering */
        assert_true(largest - smallest <= 1);        /* balanced */
    }
}

static void test_kept_order_and_duplicates(void **state)
{
    fx *f = *state;
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(f->ctx, f->out, &run), ZKB_OK);
    for (int rep = 0; rep < 2; rep++)
        for (int m = 0; m < 3; m++)
            assert_int_equal(zkb_run_add_cell(run, models[m], "reference", NULL, NULL), ZKB_OK);
    assert_int_equal(zkb_run_select_shard(run, 2, 3), ZKB_OK);
    /* one distinct cell, listed twice: both copies stay together */
    assert_int_equal(zkb_run_cell_count(run), 2);
    assert_string_equal(zkb_run_cell_model(run, 0), zkb_run_cell_model(run, 1));
    assert_int_equal(zkb_run_select_shard(run, 1, 3), ZKB_ERR_STATE); /* once per run */
    zkb_run_free(run);
}

static void test_invalid(void **state)
{
    fx *f = *state;
    zkb_run *run = make_run(f, NULL);
    const uint32_t bad[][2] = {{0, 4}, {5, 4}, {1, 0}, {0, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(zkb_run_select_shard(run, bad[i][0], bad[i][1]), ZKB_ERR_INVALID_ARG);
        assert_non_null(strstr(zkb_run_last_error(run), "K in 1..N"));
    }
    assert_int_equal(zkb_run_cell_count(run), N_CELLS); /* untouched */
    assert_int_equal(zkb_run_select_shard(NULL, 1, 1), ZKB_ERR_INVALID_ARG);
    zkb_run_free(run);
}

static void test_recorded(void **state)
{
    fx *f = *state;
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(f->ctx, f->out, &run), ZKB_OK);
    for (int m = 0; m < 3; m++)
        assert_int_equal(zkb_run_add_cell(run, models[m], "reference", NULL, NULL), ZKB_OK);
    assert_int_equal(zkb_run_select_shard(run, 1, 2), ZKB_OK);
    assert_int_equal(zkb_run_cell_count(run), 2);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    const char *id = zkb_run_id(run);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(zkb_run_cell_status(run, i), "ok");
        cJSON *j = cJSON_Parse(zkb_run_cell_record(run, i));
        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(j, "shard");
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(sh, "index")->valueint, 1);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(sh, "count")->valueint, 2);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "run_id")->valuestring, id);
        cJSON_Delete(j);
    }
    zkb_run_free(run);
    /* a run without shards records none; another run has another id */
    zkb_run *other = NULL;
    assert_int_equal(zkb_run_new(f->ctx, f->out, &other), ZKB_OK);
    assert_int_equal(zkb_run_add_cell(other, models[2], "rt_noop", NULL, NULL), ZKB_OK);
    assert_int_equal(zkb_run_execute(other), ZKB_OK);
    cJSON *j = cJSON_Parse(zkb_run_cell_record(other, 0));
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "shard"));
    assert_string_not_equal(cJSON_GetObjectItemCaseSensitive(j, "run_id")->valuestring, "");
    cJSON_Delete(j);
    zkb_run_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_order_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
