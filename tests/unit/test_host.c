/* Host services other than spawn: errors, infos and metrics, directories,
 * sinks, the evaluator hook, the cancel flag. */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/plugin_int.h"

typedef struct fx {
    zkb_ctx *ctx;
    zkb_host_ctx *h;
    char dir[256];
    char logged[2048];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->dir, sizeof f->dir, "host") != 0)
        return -1;
    char cache[300];
    snprintf(cache, sizeof cache, "%s/cache/deeper", f->dir);
    zkb_ctx_set(f->ctx, "cache_dir", cache);
    f->h = zkbi_host_ctx_new(f->ctx, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbi_host_ctx_free(f->h);
    zkbt_ctx_tmpdir_free(f->ctx, f->dir);
    free(f);
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_errors(void **state)
{
    fx *f = *state;
    const zkb_host_api *api = zkbi_host_api();
    assert_int_equal(api->struct_size, sizeof *api);
    assert_int_equal(api->abi_major, ZKB_PLUGIN_ABI_MAJOR);
    assert_string_equal(zkbi_host_ctx_error(f->h), "");
    api->set_error(f->h, "first");
    api->set_error(f->h, "second");
    assert_string_equal(zkbi_host_ctx_error(f->h), "second");
    zkbi_host_ctx_clear_error(f->h);
    assert_string_equal(zkbi_host_ctx_error(f->h), "");
    api->set_error(f->h, NULL);
    assert_string_equal(zkbi_host_ctx_error(f->h), "");
    void *p = api->alloc(0);
    assert_non_null(p);
    api->free(p);
    assert_true(api->now_ns() > 0);
}

static void test_infos_and_metrics(void **state)
{
    fx *f = *state;
    const zkb_host_api *api = zkbi_host_api();
    zkb_ctx_set(f->ctx, "log_level", "error");
    api->info(f->h, "framework_version", "circom 2.2.3");
    api->info(f->h, "prover", "snarkjs");
    api->info(f->h, "framework_version", "circom 2.2.4"); /* last wins, order kept */
    api->info(f->h, "Bad Key", "x");
    api->info(f->h, "", "x");
    assert_int_equal(zkbi_host_ctx_info_count(f->h), 2);
    assert_string_equal(zkbi_host_ctx_info_key(f->h, 0), "framework_version");
    assert_string_equal(zkbi_host_ctx_info_value(f->h, 0), "circom 2.2.4");
    assert_string_equal(zkbi_host_ctx_info_value(f->h, 1), "snarkjs");
    assert_null(zkbi_host_ctx_info_key(f->h, 2));

    api->metric(f->h, "proof_size", 805, "bytes");
    api->metric(f->h, "proof_size", 801, "bytes");
    api->metric(f->h, "proof_size", 803, "bytes");
    api->metric(f->h, "constraints", 910, NULL);
    api->metric(f->h, "x-y", 1, "count");
    assert_int_equal(zkbi_host_ctx_metric_count(f->h), 2);
    const zkbi_host_metric *m = zkbi_host_ctx_metric(f->h, 0);
    assert_string_equal(m->key, "proof_size");
    assert_string_equal(m->unit, "bytes");
    assert_int_equal(m->n, 3);
    assert_float_equal(m->last, 803, 0);
    assert_float_equal(m->min, 801, 0);
    assert_float_equal(m->max, 805, 0);
    assert_string_equal(zkbi_host_ctx_metric(f->h, 1)->unit, "");
}

static void sink_log(void *user, uint32_t level, const char *msg)
{
    fx *f = user;
    size_t n = strlen(f->logged);
    snprintf(f->logged + n, sizeof f->logged - n, "%u:%s|", level, msg);
}

static void test_sink_routes_logs_and_warnings(void **state)
{
    fx *f = *state;
    const zkb_host_api *api = zkbi_host_api();
    zkbi_host_sink sink = {.log = sink_log, .user = f};
    zkbi_host_ctx_set_sink(f->h, &sink);
    api->log(f->h, ZKB_LOG_INFO, "hello");
    api->log(f->h, 99, "clamped");
    api->metric(f->h, "BAD", 1, "");
    assert_string_equal(f->logged, "2:hello|3:clamped|1:metric key 'BAD' ignored (allowed: [a-z0-9_.], at most 64)|");
}

static void test_directories(void **state)
{
    fx *f = *state;
    const zkb_host_api *api = zkbi_host_api();
    /* no scratch given: a private one, removed with the context */
    const char *s = api->scratch_dir(f->h);
    assert_non_null(s);
    assert_true(is_dir(s));
    assert_ptr_equal(api->scratch_dir(f->h), s);
    char kept[512];
    snprintf(kept, sizeof kept, "%s", s);
    zkb_host_ctx *h2 = zkbi_host_ctx_new(f->ctx, NULL);
    zkbi_host_ctx_set_scratch(h2, f->dir);
    assert_string_equal(api->scratch_dir(h2), f->dir);
    zkbi_host_ctx_free(h2);
    assert_true(is_dir(f->dir)); /* a given scratch is not the context's to remove */
    zkbi_host_ctx_free(f->h);
    f->h = zkbi_host_ctx_new(f->ctx, NULL);
    assert_false(is_dir(kept));

    /* cache: <cache_dir>/<backend>, created on demand */
    const char *c = api->cache_dir(f->h);
    char want[400];
    snprintf(want, sizeof want, "%s/cache/deeper/unknown", f->dir);
    assert_string_equal(c, want);
    assert_true(is_dir(c));
}

static void test_sanitize(void **state)
{
    (void)state;
    char out[16];
    zkbi_sanitize_name("../etc/passwd", out, sizeof out);
    assert_string_equal(out, "_._etc_passwd"); /* no '/', no leading '.' */
    zkbi_sanitize_name("", out, sizeof out);
    assert_string_equal(out, "_");
    zkbi_sanitize_name("a.b-c_D9", out, sizeof out);
    assert_string_equal(out, "a.b-c_D9");
    zkbi_sanitize_name("averyveryverylongname", out, sizeof out);
    assert_string_equal(out, "averyveryverylo");
    zkbi_sanitize_name("x y\n\xc3\xa9", out, sizeof out);
    assert_string_equal(out, "x_y___");
}

static zkb_status double_it(void *user, const int64_t *x, uint64_t n_in, int64_t *out, uint64_t n_out,
                            char *err, size_t errlen)
{
    (void)user;
    if (n_in != n_out) {
        snprintf(err, errlen, "sizes differ");
        return ZKB_ERR_INVALID_ARG;
    }
    for (uint64_t i = 0; i < n_in; i++)
        out[i] = 2 * x[i];
    return ZKB_OK;
}

static void test_eval_fixed_and_cancel(void **state)
{
    fx *f = *state;
    const zkb_host_api *api = zkbi_host_api();
    int64_t x[3] = {1, -2, 3}, y[3];
    assert_int_equal(api->eval_fixed(f->h, x, 3, y, 3), ZKB_ERR_STATE);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "after quantize"));
    zkbi_host_ctx_set_evaluator(f->h, double_it, NULL);
    assert_int_equal(api->eval_fixed(f->h, x, 3, y, 3), ZKB_OK);
    assert_int_equal(y[1], -4);
    assert_int_equal(api->eval_fixed(f->h, x, 3, y, 2), ZKB_ERR_INVALID_ARG);
    assert_string_equal(zkbi_host_ctx_error(f->h), "eval_fixed: sizes differ");

    assert_false(api->cancelled(f->h));
    zkbi_host_ctx_set_deadline(f->h, api->now_ns() - 1);
    assert_true(api->cancelled(f->h));
    zkbi_host_ctx_set_deadline(f->h, 0);
    zkbi_host_ctx_cancel(f->h);
    assert_true(api->cancelled(f->h));
}

static void test_file_tail(void **state)
{
    fx *f = *state;
    char path[300], out[8];
    snprintf(path, sizeof path, "%s/t.txt", f->dir);
    FILE *fp = fopen(path, "w");
    fputs("abc\x01z\xc3\xa9\xc3\xa9!", fp);
    fclose(fp);
    zkbi_file_tail(path, out, sizeof out);
    assert_string_equal(out, "?z\xc3\xa9\xc3\xa9!");
    zkbi_file_tail(path, out, 6);
    assert_string_equal(out, "\xc3\xa9\xc3\xa9!");
    zkbi_file_tail(path, out, 5); /* 4 bytes would start inside an e-acute */
    assert_string_equal(out, "\xc3\xa9!");
    char big[64];
    zkbi_file_tail(path, big, sizeof big);
    assert_string_equal(big, "abc?z\xc3\xa9\xc3\xa9!");
    zkbi_file_tail("/nonexistent", big, sizeof big);
    assert_string_equal(big, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_infos_and_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sink_routes_logs_and_warnings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sanitize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_fixed_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_tail, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
