/* The EVM step (lib/evm, docs/evm.md) through the runner, with the test
 * plugins of tests/plugins/evm_fixture.h: figures recorded, tampered proofs
 * rejected, an unsound verifier or a rejected proof failing the cell, the
 * step turned off or unavailable without losing the cell. Skips when the
 * EVM toolchain is not installed (fails under ZKB_REQUIRE_BACKENDS). */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkmlbench.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define DENSE ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json"

typedef struct fx {
    zkb_ctx *ctx;
    char out[256];
    int available;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->out, sizeof f->out, "evm") != 0)
        return -1;
    const char *plugins[] = {TP("rt_evm"), TP("rt_evm_unsound"), TP("rt_evm_rejects"), TP("rt_evm_unsupported"),
                             TP("rt_evm_big")};
    for (size_t i = 0; i < sizeof plugins / sizeof *plugins; i++)
        if (zkb_ctx_load_plugin(f->ctx, plugins[i]) != ZKB_OK) {
            fprintf(stderr, "cannot load %s: %s\n", plugins[i], zkb_ctx_last_error(f->ctx));
            return -1;
        }
    char detail[1024];
    f->available = zkb_evm_probe(f->ctx, detail, sizeof detail) == ZKB_OK;
    if (!f->available) {
        fprintf(stderr, "EVM step unavailable: %s\n", detail);
        if (zkbt_backends_required())
            return -1;
    }
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

/* One cell of backend on the tiny dense model, 3 samples; its record. */
static cJSON *run_cell(fx *f, const char *backend, const char *const *settings)
{
    const char *base[] = {"samples", "3", "force", "1", NULL, NULL, NULL, NULL};
    for (size_t i = 0; settings && settings[i] && i < 4; i++)
        base[4 + i] = settings[i];
    zkb_run *run = zkbt_run_new(f->ctx, f->out, base);
    zkbt_run_add(run, DENSE, backend, NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    cJSON *rec = cJSON_Parse(zkb_run_cell_record(run, 0));
    zkb_run_free(run);
    assert_non_null(rec);
    return rec;
}

static const char *status(const cJSON *rec) { return zkbt_json_str(rec, "status", NULL); }

static void test_figures_recorded(void **state)
{
    fx *f = *state;
    if (!f->available)
        skip();
    cJSON *rec = run_cell(f, "rt_evm", NULL);
    assert_string_equal(status(rec), "ok");
    assert_true(zkbt_metric(rec, "evm_runtime_bytes") > 50);
    assert_true(zkbt_metric(rec, "evm_runtime_bytes") < 24576);
    assert_true(zkbt_metric(rec, "evm_exceeds_eip170") == 0);
    assert_true(zkbt_metric(rec, "evm_deploy_gas") > 53000); /* a creation's own cost */
    double gas = zkbt_metric(rec, "evm_verify_gas");
    assert_true(gas > 21000 && gas < 100000);
    assert_true(zkbt_metric(rec, "evm_verify_gas_min") <= gas && gas <= zkbt_metric(rec, "evm_verify_gas_max"));
    /* selector, proof, offset, length and one word per class of tiny_dense */
    assert_true(zkbt_metric(rec, "evm_calldata_bytes") == 4 + 3 * 32 + 3 * 32);
    assert_true(zkbt_metric(rec, "evm_calldata_gas") > 0);
    assert_true(zkbt_metric(rec, "evm_public_inputs") == 3);
    assert_true(zkbt_metric(rec, "evm_proofs_verified") == 3);
    assert_true(zkbt_metric(rec, "evm_tampered_rejected") == 2);
    assert_non_null(strstr(zkbt_info(rec, "evm_compiler"), "solc 0.8.37"));
    assert_non_null(strstr(zkbt_info(rec, "evm_vm"), "hardfork osaka"));
    assert_non_null(strstr(zkbt_info(rec, "evm_mainnet"), "deployable and verifiable on Ethereum mainnet"));
    assert_true(zkbt_metric(rec, "evm_exceeds_eip3860") == 0);
    assert_non_null(strstr(zkbt_info(rec, "evm_tampered"), "proof byte"));
    assert_string_equal(zkbt_info(rec, "evm_contract"), "FixtureVerifier");
    const cJSON *evm = cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "phases"), "evm");
    assert_non_null(evm);
    assert_int_equal(cJSON_GetObjectItem(evm, "n")->valueint, 1);
    cJSON_Delete(rec);
}

/* Over mainnet's code size limits: measured all the same, and flagged. */
static void test_limits_checked_not_enforced(void **state)
{
    fx *f = *state;
    if (!f->available)
        skip();
    cJSON *rec = run_cell(f, "rt_evm_big", NULL);
    assert_string_equal(status(rec), "ok");
    assert_true(zkbt_metric(rec, "evm_runtime_bytes") > 52000);
    assert_true(zkbt_metric(rec, "evm_exceeds_eip170") == 1);
    assert_true(zkbt_metric(rec, "evm_exceeds_eip3860") == 1);
    assert_true(zkbt_metric(rec, "evm_deploy_exceeds_tx_cap") == 0);
    assert_true(zkbt_metric(rec, "evm_verify_exceeds_tx_cap") == 0);
    assert_true(zkbt_metric(rec, "evm_deploy_gas") > 52000 * 200); /* code deposit: 200 gas a byte */
    assert_true(zkbt_metric(rec, "evm_tampered_rejected") == 2);
    const char *m = zkbt_info(rec, "evm_mainnet");
    assert_non_null(strstr(m, "not deployable on Ethereum mainnet (osaka) as is"));
    assert_non_null(strstr(m, "(EIP-170)"));
    assert_non_null(strstr(m, "(EIP-3860)"));
    cJSON_Delete(rec);
}

static void test_unsound_verifier_fails_the_cell(void **state)
{
    fx *f = *state;
    if (!f->available)
        skip();
    cJSON *rec = run_cell(f, "rt_evm_unsound", NULL);
    assert_string_equal(status(rec), "failed");
    assert_non_null(strstr(zkbt_json_str(rec, "reason", NULL), "unsound on chain"));
    assert_int_equal(cJSON_GetObjectItem(rec, "error_code")->valueint, ZKB_ERR_VERIFY);
    cJSON_Delete(rec);
}

static void test_rejected_proof_fails_the_cell(void **state)
{
    fx *f = *state;
    if (!f->available)
        skip();
    cJSON *rec = run_cell(f, "rt_evm_rejects", NULL);
    assert_string_equal(status(rec), "failed");
    assert_non_null(strstr(zkbt_json_str(rec, "reason", NULL), "did not accept sample 0"));
    cJSON_Delete(rec);
}

static void test_unsupported_and_off(void **state)
{
    fx *f = *state;
    cJSON *rec = run_cell(f, "rt_evm_unsupported", NULL);
    assert_string_equal(status(rec), "ok");
    if (f->available)
        assert_string_equal(zkbt_info(rec, "evm"), "unsupported: this proof system has no EVM verifier");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "metrics"), "evm_verify_gas"));
    cJSON_Delete(rec);

    const char *off[] = {"evm", "0", NULL};
    rec = run_cell(f, "rt_evm", off);
    assert_string_equal(status(rec), "ok");
    assert_string_equal(zkbt_info(rec, "evm"), "off (run setting evm=0)");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "metrics"), "evm_verify_gas"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "phases"), "evm"));
    cJSON_Delete(rec);
}

static void test_missing_toolchain_keeps_the_cell(void **state)
{
    fx *f = *state;
    setenv("ZKB_EVM_TOOLS", "/nonexistent/evm-tools", 1);
    char detail[1024];
    assert_int_equal(zkb_evm_probe(f->ctx, detail, sizeof detail), ZKB_ERR_UNAVAILABLE);
    assert_non_null(strstr(detail, "/nonexistent/evm-tools"));
    cJSON *rec = run_cell(f, "rt_evm", NULL);
    unsetenv("ZKB_EVM_TOOLS");
    assert_string_equal(status(rec), "ok");
    assert_non_null(strstr(zkbt_info(rec, "evm"), "unavailable: ZKB_EVM_TOOLS=/nonexistent/evm-tools"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "metrics"), "evm_deploy_gas"));
    cJSON_Delete(rec);
}

static void test_settings_checked(void **state)
{
    fx *f = *state;
    zkb_run *run = zkbt_run_new(f->ctx, f->out, NULL);
    assert_int_equal(zkb_run_set(run, "evm", "maybe"), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_run_set(run, "evm.optimizer_runs", "-1"), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_run_set(run, "evm.optimizer_runs", "0"), ZKB_OK);
    zkb_run_free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits_checked_not_enforced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsound_verifier_fails_the_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_proof_fails_the_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_and_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_toolchain_keeps_the_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
