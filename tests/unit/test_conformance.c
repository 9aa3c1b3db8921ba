/* zkb_conformance_run: the reference backend passes, deliberately broken
 * plugins fail the check they break (and only crash a child process). */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkmlbench.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define REF ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"
#define CNN ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json"

typedef struct results {
    char text[32768]; /* "name RESULT detail\n" per check */
    unsigned pass, fail, skip;
} results;

static void on_check(void *user, const char *check, uint32_t result, const char *detail)
{
    results *r = user;
    static const char *const names[] = {"PASS", "FAIL", "SKIP"};
    assert_true(result <= ZKB_CHECK_SKIP);
    assert_non_null(detail);
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s %s %s\n", check, names[result], detail);
    r->pass += result == ZKB_CHECK_PASS;
    r->fail += result == ZKB_CHECK_FAIL;
    r->skip += result == ZKB_CHECK_SKIP;
}

static void quiet(void *user, uint32_t level, const char *msg)
{
    (void)user;
    (void)level;
    (void)msg;
}

/* The line of check `name`, or fails the test. */
static const char *line_of(const results *r, const char *name)
{
    static char line[4096];
    char key[128];
    snprintf(key, sizeof key, "%s ", name);
    for (const char *p = r->text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (strncmp(p, key, strlen(key)) == 0) {
            snprintf(line, sizeof line, "%.*s", (int)len, p);
            return line;
        }
        p += len + (nl != NULL);
    }
    fail_msg("no result for check %s in:\n%s", name, r->text);
    return "";
}

static void expect(const results *r, const char *name, const char *result)
{
    const char *l = line_of(r, name);
    if (!strstr(l, result))
        fail_msg("check %s: want %s, got: %s\n(all:\n%s)", name, result, l, r->text);
}

static uint32_t run_capped(const char *plugin, const char *model, double timeout, const char *cap, results *r)
{
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    zkb_ctx_set_logger(ctx, quiet, NULL);
    memset(r, 0, sizeof *r);
    uint32_t failed = 99;
    zkb_status st = zkb_conformance_run(ctx, plugin, model, NULL, timeout, cap, on_check, r, &failed);
    if (st != ZKB_OK)
        fail_msg("zkb_conformance_run: %s", zkb_ctx_last_error(ctx));
    zkb_ctx_free(ctx);
    assert_int_equal(failed, r->fail);
    return failed;
}

static uint32_t run(const char *plugin, const char *model, double timeout, results *r)
{
    return run_capped(plugin, model, timeout, NULL, r);
}

static void test_reference_passes(void **state)
{
    (void)state;
    results r;
    uint32_t failed = run(REF, NULL, 60, &r);
    if (failed)
        fail_msg("reference failed checks:\n%s", r.text);
    expect(&r, "load", "PASS");
    expect(&r, "probe", "PASS available");
    expect(&r, "run", "PASS");
    expect(&r, "run.outputs", "PASS");
    expect(&r, "outputs.bound", "PASS");
    expect(&r, "order.verify_before_prove", "PASS verify refused");
    expect(&r, "order.prove_before_witness", "PASS prove refused");
    expect(&r, "cleanup", "PASS");
    expect(&r, "errors", "PASS");
    expect(&r, "stdout", "PASS nothing written to stdout during the load, probe and session checks");
    expect(&r, "keys", "PASS");
    assert_true(r.pass >= 20);
}

static void test_reference_on_a_cnn(void **state)
{
    (void)state;
    results r;
    assert_int_equal(run(REF, CNN, 60, &r), 0);
}

static void test_unloadable(void **state)
{
    (void)state;
    results r;
    assert_int_equal(run(TP("bad_no_entry"), NULL, 30, &r), 1);
    expect(&r, "load", "FAIL the loader rejects it: missing symbol zkb_plugin_init");
    expect(&r, "table", "SKIP the plugin does not load");
    expect(&r, "options.unknown.host", "SKIP the plugin does not load");
    expect(&r, "probe", "SKIP");
    expect(&r, "cleanup", "SKIP");
    run(TP("bad_missing_method"), NULL, 30, &r);
    expect(&r, "load", "FAIL the loader rejects it: backend 'bad_missing_method': mandatory method 'prove' is NULL");
}

/* A plugin that does not load reports as many checks as one that passes
 * and one that is unavailable: nothing is left out. */
static void test_same_checks_whatever_happens(void **state)
{
    (void)state;
    results r;
    run(REF, NULL, 60, &r);
    unsigned all = r.pass + r.fail + r.skip;
    run(TP("bad_no_entry"), NULL, 30, &r);
    assert_int_equal(r.pass + r.fail + r.skip, all);
    run(TP("rt_unavailable"), NULL, 30, &r);
    assert_int_equal(r.pass + r.fail + r.skip, all);
    run(ZKB_CRASH_PLUGIN, NULL, 30, &r);
    assert_int_equal(r.pass + r.fail + r.skip, all);
}

static void test_init_crash(void **state)
{
    (void)state;
    results r;
    assert_int_equal(run(ZKB_CRASH_PLUGIN, NULL, 30, &r), 1);
    expect(&r, "load", "FAIL the loader rejects it: zkb_plugin_init crashed: signal 11 (SIGSEGV)");
    expect(&r, "table", "SKIP");
    expect(&r, "probe", "SKIP the plugin does not load");
}

static void test_missing_file(void **state)
{
    (void)state;
    results r;
    assert_int_equal(run("/nonexistent/zkb_nothing.so", NULL, 30, &r), 1);
    expect(&r, "load", "FAIL");
}

static void test_probe_crash(void **state)
{
    (void)state;
    results r;
    run(TP("bad_probe_crash"), NULL, 30, &r);
    expect(&r, "load", "PASS");
    expect(&r, "probe", "FAIL probe crashed");
    expect(&r, "run", "SKIP");
}

static void test_unavailable_with_reason(void **state)
{
    (void)state;
    results r;
    assert_int_equal(run(TP("rt_unavailable"), NULL, 30, &r), 0);
    expect(&r, "probe", "PASS unavailable, with a reason");
    expect(&r, "outputs.bound", "SKIP");
}

static void test_segv_in_prove(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("bad_segv_prove"), NULL, 30, &r) > 0);
    expect(&r, "run", "FAIL crashed: signal 11");
    expect(&r, "outputs.bound", "FAIL crashed: signal 11");
    /* the crash of one check process does not stop the others */
    expect(&r, "order.quantize_before_load", "PASS");
    expect(&r, "cleanup", "FAIL crashed: signal 11");
}

static void test_wrong_outputs(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("bad_verify_mismatch"), NULL, 30, &r) > 0);
    expect(&r, "run", "FAIL");
    expect(&r, "run.outputs", "FAIL");
    expect(&r, "outputs.bound", "FAIL sample 0: verified outputs");
}

static void test_verify_rejects(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("bad_verify_fail"), NULL, 30, &r) > 0);
    expect(&r, "run.verify", "FAIL");
    expect(&r, "run.outputs", "SKIP");
}

/* The EVM step of a backend with evm_proof (docs/evm.md): passes with a
 * sound verifier, fails with one that accepts a tampered proof; skips with
 * the reason where the toolchain is missing. */
static void test_evm_step(void **state)
{
    (void)state;
    results r;
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    char why[1024];
    int have = zkb_evm_probe(ctx, why, sizeof why) == ZKB_OK;
    zkb_ctx_free(ctx);
    assert_true(run(TP("rt_evm"), NULL, 60, &r) > 0);
    expect(&r, "run", "PASS");
    expect(&r, "run.evm", have ? "PASS the EVM verifier FixtureVerifier accepted 2 proofs" : "SKIP unavailable: ");
    if (!have)
        return;
    assert_true(run(TP("rt_evm_unsound"), NULL, 60, &r) > 0);
    expect(&r, "run.verify", "PASS");
    expect(&r, "run.evm", "FAIL failed: proof did not verify in evm: unsound on chain");
}

/* The fixture's verify returns ok without a proof: a contract breach. */
static void test_verify_without_proof(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("rt_noop"), NULL, 30, &r) > 0);
    expect(&r, "run", "PASS");
    expect(&r, "order.verify_before_prove", "FAIL verify returned ok although no proof was made");
}

static void test_hang(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("bad_hang_witness"), NULL, 2, &r) > 0);
    expect(&r, "run", "FAIL timeout");
    expect(&r, "outputs.bound", "FAIL no answer within 2 s");
    expect(&r, "order.quantize_before_load", "PASS");
}

/* Every child, the run's cell included, is killed at the memory cap. */
static void test_memory_cap(void **state)
{
    (void)state;
    results r;
    assert_true(run_capped(TP("bad_alloc_cap"), NULL, 30, "512M", &r) > 0);
    expect(&r, "run", "FAIL killed: memory cap 512 MiB in prove");
    expect(&r, "outputs.bound", "FAIL killed at the memory cap of 512 MiB");
    expect(&r, "cleanup", "FAIL killed at the memory cap of 512 MiB");
    expect(&r, "order.quantize_before_load", "PASS");
}

/* Output on stdout and keys the host refuses are failures, not warnings. */
static void test_stdout_and_bad_keys(void **state)
{
    (void)state;
    results r;
    assert_true(run(TP("bad_chatty"), NULL, 30, &r) > 0);
    expect(&r, "stdout", "FAIL the plugin wrote to stdout");
    expect(&r, "stdout", "in: probe, outputs.bound");
    expect(&r, "stdout", "it began: \"chatty probe");
    expect(&r, "keys", "FAIL the host refused (and dropped) info 'Framework Version', metric 'Proof Size'");
    expect(&r, "run", "PASS");
}

static void test_bad_arguments(void **state)
{
    (void)state;
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    assert_int_equal(zkb_conformance_run(NULL, REF, NULL, NULL, 0, NULL, NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_conformance_run(ctx, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_not_equal(zkb_conformance_run(ctx, REF, "/nonexistent.json", NULL, 0, NULL, NULL, NULL, NULL), ZKB_OK);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "model"));
    assert_int_not_equal(zkb_conformance_run(ctx, REF, NULL, "depth=3", 0, NULL, NULL, NULL, NULL), ZKB_OK);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "depth"));
    assert_int_equal(zkb_conformance_run(ctx, REF, NULL, NULL, 0, "lots", NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(zkb_ctx_last_error(ctx), "memory cap 'lots' is not a size"));
    zkb_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_passes),    cmocka_unit_test(test_reference_on_a_cnn),
        cmocka_unit_test(test_unloadable),          cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_init_crash),          cmocka_unit_test(test_same_checks_whatever_happens),
        cmocka_unit_test(test_probe_crash),         cmocka_unit_test(test_unavailable_with_reason),
        cmocka_unit_test(test_segv_in_prove),       cmocka_unit_test(test_wrong_outputs),
        cmocka_unit_test(test_verify_rejects),      cmocka_unit_test(test_verify_without_proof),
        cmocka_unit_test(test_evm_step),
        cmocka_unit_test(test_hang),                cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_stdout_and_bad_keys), cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
