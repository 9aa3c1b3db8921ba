/* The loader accepts the reference backend and rejects each broken plugin
 * with its documented reason, unloading it. */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkmlbench.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define REF ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"

static int setup_ctx(void **state)
{
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return -1;
    zkb_ctx_set(ctx, "log_level", "error");
    *state = ctx;
    return 0;
}

static int teardown_ctx(void **state)
{
    zkb_ctx_free(*state);
    return 0;
}

static void expect_rejected(zkb_ctx *ctx, const char *path, zkb_status want, const char *needle)
{
    size_t before = zkb_ctx_rejected_count(ctx);
    zkb_status st = zkb_ctx_load_plugin(ctx, path);
    assert_int_equal(st, want);
    const char *err = zkb_ctx_last_error(ctx);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not mention '%s'", err, needle);
    assert_int_equal(zkb_ctx_rejected_count(ctx), before + 1);
    assert_non_null(strstr(zkb_ctx_rejected_reason(ctx, before), needle));
}

static void test_reference_loads(void **state)
{
    zkb_ctx *ctx = *state;
    assert_int_equal(zkb_ctx_load_plugin(ctx, REF), ZKB_OK);
    assert_int_equal(zkb_backend_count(ctx), 1);
    zkb_backend_ref *b = zkb_backend_find(ctx, "reference");
    assert_non_null(b);
    assert_string_equal(zkb_backend_proof_system(b), "none");
    assert_true(zkb_backend_is_baseline(b));
    assert_int_equal(zkb_backend_probe(b), ZKB_OK);
    assert_non_null(strstr(zkb_backend_probe_detail(b), "available"));
    /* the same file twice is not a duplicate */
    assert_int_equal(zkb_ctx_load_plugin(ctx, REF), ZKB_OK);
    assert_int_equal(zkb_backend_count(ctx), 1);
}

static void test_no_entry(void **state)
{
    expect_rejected(*state, TP("bad_no_entry"), ZKB_ERR_PLUGIN, "missing symbol zkb_plugin_init");
}

static void test_abi_major(void **state)
{
    expect_rejected(*state, TP("bad_abi_major"), ZKB_ERR_ABI, "ABI major 99");
}

static void test_short_table(void **state)
{
    expect_rejected(*state, TP("bad_short_table"), ZKB_ERR_ABI, "table too small");
}

static void test_missing_method(void **state)
{
    expect_rejected(*state, TP("bad_missing_method"), ZKB_ERR_PLUGIN, "mandatory method 'prove'");
}

static void test_init_fails(void **state)
{
    expect_rejected(*state, TP("bad_init_fails"), ZKB_ERR_PLUGIN, "zkb_plugin_init failed");
}

static void test_duplicate_name(void **state)
{
    zkb_ctx *ctx = *state;
    assert_int_equal(zkb_ctx_load_plugin(ctx, REF), ZKB_OK);
    expect_rejected(ctx, TP("bad_dup_name"), ZKB_ERR_EXISTS, "duplicate backend name 'reference'");
    assert_int_equal(zkb_backend_count(ctx), 1);
    /* the survivor is the one loaded first */
    assert_non_null(strstr(zkb_backend_path(zkb_backend_find(ctx, "reference")), "zkb_reference.so"));
}

static void test_missing_file(void **state)
{
    expect_rejected(*state, TP("does_not_exist"), ZKB_ERR_NOT_FOUND, "no such file");
}

static void test_not_a_shared_object(void **state)
{
    expect_rejected(*state, ZKB_SOURCE_DIR "/CMakeLists.txt", ZKB_ERR_PLUGIN, "dlopen failed");
}

static void test_probe_crash_is_contained(void **state)
{
    zkb_ctx *ctx = *state;
    assert_int_equal(zkb_ctx_load_plugin(ctx, TP("bad_probe_crash")), ZKB_OK);
    zkb_backend_ref *b = zkb_backend_find(ctx, "bad_probe_crash");
    assert_int_equal(zkb_backend_probe(b), ZKB_ERR_UNAVAILABLE);
    assert_non_null(strstr(zkb_backend_probe_detail(b), "probe crashed: signal 11"));
}

static void test_search_path(void **state)
{
    zkb_ctx *ctx = *state;
    /* the test-plugin dir holds broken plugins and one good one; the build
     * plugin dir comes first, so the real reference wins the name */
    setenv("ZKB_PLUGIN_PATH", ZKB_BUILD_PLUGIN_DIR ":" ZKB_TEST_PLUGIN_DIR, 1);
    zkb_ctx_set(ctx, "plugin_dir", "/nonexistent");
    assert_int_equal(zkb_ctx_load_plugins(ctx), ZKB_OK);
    assert_non_null(zkb_backend_find(ctx, "reference"));
    assert_non_null(strstr(zkb_backend_path(zkb_backend_find(ctx, "reference")), "/plugins/zkb_reference.so"));
    assert_null(zkb_backend_find(ctx, "bad_abi_major"));
    assert_true(zkb_ctx_rejected_count(ctx) >= 6);
}

static void test_proof_system_charset(void **state)
{
    expect_rejected(*state, TP("bad_proof_system"), ZKB_ERR_PLUGIN,
                    "backend 'bad_proof_system': proof_system 'Groth16 | PLONK' is not 1-32 chars of [a-z0-9._-]");
}

static void test_option_stride_too_small(void **state)
{
    expect_rejected(*state, TP("bad_option_stride"), ZKB_ERR_ABI,
                    "backend 'bad_option_stride': option_decl_size 12 is not a zkb_option_decl stride");
}

static void test_option_stride_misaligned(void **state)
{
    expect_rejected(*state, TP("bad_option_stride_odd"), ZKB_ERR_ABI, "is not a zkb_option_decl stride");
}

/* Both options of a table, read through the API and checked by the option
 * parser of a run. */
static void expect_two_options(zkb_ctx *ctx, const char *name)
{
    zkb_backend_ref *b = zkb_backend_find(ctx, name);
    assert_non_null(b);
    assert_int_equal(zkb_backend_option_count(b), 2);
    assert_string_equal(zkb_backend_option_field(b, 0, "key"), "depth");
    assert_string_equal(zkb_backend_option_field(b, 0, "type"), "int");
    assert_string_equal(zkb_backend_option_field(b, 1, "key"), "curve");
    assert_string_equal(zkb_backend_option_field(b, 1, "default"), "bn254");
    assert_string_equal(zkb_backend_option_field(b, 1, "choices"), "bn254|bls12-381");
    assert_string_equal(zkb_backend_option_field(b, 1, "help"), "the curve");
    char dir[] = "/tmp/zkb-loader-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(ctx, dir, &run), ZKB_OK);
    const char *model = ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json";
    assert_int_equal(zkb_run_add_cell(run, model, name, "curve=bls12-381,depth=3", NULL), ZKB_OK);
    assert_int_not_equal(zkb_run_add_cell(run, model, name, "curve=secp256k1", NULL), ZKB_OK);
    assert_non_null(strstr(zkb_run_last_error(run), "secp256k1"));
    zkb_run_free(run);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* option_decl_size 0: a table built against ABI 1.2, read with its stride. */
static void test_option_stride_legacy(void **state)
{
    assert_int_equal(zkb_ctx_load_plugin(*state, TP("opt_stride_legacy")), ZKB_OK);
    expect_two_options(*state, "opt_stride_legacy");
}

/* A declaration grown by a later minor: the host steps by the plugin's stride. */
static void test_option_stride_wider(void **state)
{
    assert_int_equal(zkb_ctx_load_plugin(*state, TP("opt_stride_wide")), ZKB_OK);
    expect_two_options(*state, "opt_stride_wide");
}

#define CP(name) ZKB_CRASH_PLUGIN_DIR "/" name ".so"

/* The rejection reason recorded for the file name ending in `file`, or NULL. */
static const char *rejection_of(const zkb_ctx *ctx, const char *file)
{
    for (size_t i = 0; i < zkb_ctx_rejected_count(ctx); i++) {
        const char *p = zkb_ctx_rejected_path(ctx, i);
        size_t n = strlen(p), m = strlen(file);
        if (n >= m && strcmp(p + n - m, file) == 0)
            return zkb_ctx_rejected_reason(ctx, i);
    }
    return NULL;
}

static void expect_reason(const zkb_ctx *ctx, const char *file, const char *needle)
{
    const char *r = rejection_of(ctx, file);
    if (!r)
        fail_msg("%s was not rejected", file);
    if (!strstr(r, needle))
        fail_msg("%s: reason '%s' does not mention '%s'", file, r, needle);
}

/* Init crashes, aborts, exits, hangs: the search goes on (this process
 * would be dead otherwise), each is rejected with what happened, and the
 * reference backend beside them loads and works. */
static void test_init_faults_are_contained(void **state)
{
    zkb_ctx *ctx = *state;
    setenv("ZKB_PLUGIN_PATH", ZKB_CRASH_PLUGIN_DIR ":" REF, 1);
    zkb_ctx_set(ctx, "plugin_dir", "/nonexistent");
    assert_int_equal(zkb_ctx_load_plugins(ctx), ZKB_OK);
    expect_reason(ctx, "/bad_init_crash.so", "zkb_plugin_init crashed: signal 11 (SIGSEGV)");
    expect_reason(ctx, "/bad_init_abort.so", "zkb_plugin_init crashed: signal 6 (SIGABRT)");
    expect_reason(ctx, "/bad_init_exit.so", "zkb_plugin_init exited with status 0 instead of returning");
    expect_reason(ctx, "/bad_init_hang.so", "zkb_plugin_init did not return within 5 s");
    assert_int_equal(zkb_ctx_rejected_count(ctx), 4);
    assert_int_equal(zkb_backend_count(ctx), 1);
    zkb_backend_ref *b = zkb_backend_find(ctx, "reference");
    assert_non_null(b);
    assert_int_equal(zkb_backend_probe(b), ZKB_OK);
}

static void test_init_crash_one_file(void **state)
{
    expect_rejected(*state, CP("bad_init_crash"), ZKB_ERR_PLUGIN, "zkb_plugin_init crashed: signal 11");
}

static void test_status_strings_are_stable(void **state)
{
    (void)state;
    assert_string_equal(zkb_status_str(ZKB_OK), "ok");
    assert_string_equal(zkb_status_str(ZKB_ERR_TIMEOUT), "timeout");
    assert_string_equal(zkb_status_str((zkb_status)9999), "unknown status");
    assert_int_equal(ZKB_ERR_MEMORY_CAP, 10);
    assert_int_equal(ZKB_ERR_INTERNAL, 20);
    assert_int_equal(zkb_version_number(), ZKB_VERSION_NUMBER);
    assert_string_equal(zkb_version_string(), ZKB_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reference_loads, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_no_entry, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_abi_major, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_short_table, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_missing_method, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_init_fails, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_duplicate_name, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_missing_file, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_not_a_shared_object, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_probe_crash_is_contained, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_search_path, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_init_faults_are_contained, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_init_crash_one_file, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_proof_system_charset, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_option_stride_too_small, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_option_stride_misaligned, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_option_stride_legacy, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_option_stride_wider, setup_ctx, teardown_ctx),
        cmocka_unit_test(test_status_strings_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
