/* The gnark backend end to end through the runner: Groth16 and PLONK on a
 * micro model (the runner checks the proof's public outputs against the
 * reference evaluator, so "ok" means equal outputs, and its EVM step that
 * gnark's Solidity verifier takes the proof and refuses two tampered
 * copies), every weights and input mode, the tiny CNNs (conv2d, pools,
 * pad2d), and soundness: witnesses that cheat on a remainder, a quotient, a
 * ReLU sign or an output are refused by gnark's solver and prover, and a
 * proof does not verify against a changed output. Skips when the driver is not built
 * (scripts/setup-native.sh); fails then under ZKB_REQUIRE_BACKENDS. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkmlbench.h"

#define GNARK ZKB_BUILD_PLUGIN_DIR "/zkb_gnark.so"
#define DRIVER ZKB_SOURCE_DIR "/tools/gnark/bin/zkb-gnark"

static zkbt_backend *g;
static char g_model[320];
static int g_evm;
static char g_groth16_dir[600]; /* the micro model's Groth16 cache entry */
static char g_plonk_dir[600];

static int group_setup(void **state)
{
    (void)state;
    g = zkbt_backend_new("gnark");
    if (!g)
        return -1;
    zkbt_fmt(g_model, sizeof g_model, "%s/micro.json", g->dir);
    zkbt_write_file(g_model, ZKBT_MICRO_MODEL, strlen(ZKBT_MICRO_MODEL));
    g_evm = zkb_evm_probe(g->ctx, NULL, 0) == ZKB_OK;
    return zkbt_backend_open(g, GNARK, "run scripts/setup-native.sh");
}

static int group_teardown(void **state)
{
    (void)state;
    zkbt_backend_free(g);
    return 0;
}

static cJSON *run_cell(const char *model, const char *options, const char *samples, const char *want)
{
    /* S = 4 (quant.scale 2) keeps every range check short */
    const char *settings[] = {"samples", samples, "timeout", "300", "quant.scale", "2", NULL};
    return zkbt_backend_run(g, model, options, settings, want);
}

static void check_evm(const cJSON *j, const char *psys, double samples)
{
    if (!g_evm)
        return;
    char gen[64];
    zkbt_fmt(gen, sizeof gen, "ExportSolidity (%s)", psys);
    zkbt_check_evm(j, gen, samples, zkbt_metric(j, "public_signals"));
}

static void test_groth16(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "", "2", "ok");
    assert_string_equal(zkbt_info(j, "proof_system"), "groth16");
    assert_string_equal(zkbt_info(j, "weights_binding"), "verifying_key");
    assert_non_null(strstr(zkbt_info(j, "srs"), "TESTING ONLY"));
    assert_non_null(strstr(zkbt_info(j, "framework_version"), "gnark v0.14.0"));
    /* 2 outputs + 3 inputs public; the range checks share one commitment */
    assert_true(zkbt_metric(j, "public_signals") == 5);
    assert_true(zkbt_metric(j, "bsb22_commitments") == 1);
    double c = zkbt_metric(j, "constraints");
    assert_true(c > 5 && c < 400);
    /* Ar, Krs (G1) and Bs (G2) uncompressed, plus the commitment and its proof of knowledge */
    assert_true(zkbt_metric(j, "proof_size") >= 256);
    assert_true(zkbt_metric(j, "pk_size") > 0 && zkbt_metric(j, "vk_size") > 0);
    assert_true(zkbt_metric(j, "compile_s") > 0);
    assert_true(zkbt_metric(j, "witness_solve_s") >= 0);
    check_evm(j, "groth16", 2);
    zkbt_fmt(g_groth16_dir, sizeof g_groth16_dir, "%s", zkbt_info(j, "circuit_cache"));
    cJSON_Delete(j);
    /* the same cell again: the compiled circuit and keys come from the cache */
    j = run_cell(g_model, "", "1", "ok");
    assert_string_equal(zkbt_info(j, "setup_cache"), "hit");
    cJSON_Delete(j);
}

static void test_plonk(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "proof_system=plonk", "1", "ok");
    assert_string_equal(zkbt_info(j, "proof_system"), "plonk");
    assert_non_null(strstr(zkbt_info(j, "srs"), "TESTING ONLY"));
    assert_true(zkbt_metric(j, "constraints") > 5);
    assert_true(zkbt_metric(j, "proof_size") > 500);
    check_evm(j, "plonk", 1);
    zkbt_fmt(g_plonk_dir, sizeof g_plonk_dir, "%s", zkbt_info(j, "circuit_cache"));
    cJSON_Delete(j);
}

/* Every weights and input mode: private ones bind nothing, hashed ones make
 * a MiMC commitment public that verify recomputes apart from the circuit. */
static void test_modes(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "weights=private,input=private", "1", "ok");
    assert_string_equal(zkbt_info(j, "weights_binding"), "none");
    assert_string_equal(zkbt_info(j, "input_binding"), "none");
    assert_true(zkbt_metric(j, "public_signals") == 2);
    cJSON_Delete(j);

    j = run_cell(g_model, "weights=hashed,input=hashed", "2", "ok");
    assert_string_equal(zkbt_info(j, "weights_binding"), "mimc_commitment");
    assert_true(zkbt_metric(j, "public_signals") == 4);
    const char *c = zkbt_info(j, "weights_commitment");
    assert_true(strlen(c) > 10 && strspn(c, "0123456789") == strlen(c));
    assert_string_equal(zkbt_info(j, "weights_commitment_expected"), c);
    assert_string_equal(zkbt_info(j, "input_commitment_expected"), zkbt_info(j, "input_commitment"));
    check_evm(j, "groth16", 2);
    cJSON_Delete(j);

    j = run_cell(g_model, "proof_system=plonk,weights=hashed,input=hashed", "1", "ok");
    assert_string_equal(zkbt_info(j, "weights_commitment_expected"), zkbt_info(j, "weights_commitment"));
    check_evm(j, "plonk", 1);
    cJSON_Delete(j);
}

/* conv2d, avgpool2d, maxpool2d and pad2d with outputs equal to the reference. */
static void test_cnns(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    static const char *const models[] = {ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json",
                                         ZKB_SOURCE_DIR "/models/tiny/tiny_maxpool.json"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        cJSON *j = run_cell(models[i], i ? "proof_system=plonk" : "", "2", "ok");
        cJSON_Delete(j);
    }
    char path[400];
    zkbt_fmt(path, sizeof path, "%s/tiny_pad.json", g->dir);
    zkbt_write_file(path, ZKBT_PAD_MODEL, strlen(ZKBT_PAD_MODEL));
    cJSON *j = run_cell(path, "weights=private", "2", "ok");
    cJSON_Delete(j);
}

/* ---- soundness ---- */

/* `zkb-gnark cheat` on the cached circuit in dir: the solver must refuse
 * the lying witness (whose outputs are made consistent with the lie, so only
 * the gadget's own constraints can catch it), gnark's Prove too (it solves
 * again; gnark has no way to prove an unsatisfied witness), and for a
 * changed output the honest proof must not verify against it. */
static void cheat(const char *dir, const char *kind)
{
    char model[700], x[400], out[400], res[400];
    zkbt_fmt(model, sizeof model, "%s/model.json", dir);
    zkbt_fmt(x, sizeof x, "%s/cheat_x.json", g->dir);
    zkbt_fmt(out, sizeof out, "%s/cheat_%s", g->dir, kind);
    zkbt_fmt(res, sizeof res, "%s/cheat_%s.json", g->dir, kind);
    /* x = (0.5, -0.25, 1) at S = 4: both ReLU signs occur */
    zkbt_write_file(x, "{\"x\": [2, -1, 4]}\n", 18);
    const char *argv[] = {DRIVER, "cheat", "-model", model, "-dir", dir, "-x", x, "-kind", kind, "-out", out, NULL};
    assert_int_equal(zkbt_run(NULL, argv, res, 0), 0);
    cJSON *j = cJSON_Parse(zkbt_file_text(res));
    assert_non_null(j);
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "solver_rejected")))
        fail_msg("%s: the solver accepted a witness with a cheating %s", dir, kind);
    if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "proof_verified")))
        fail_msg("%s: a proof from a witness with a cheating %s verified", dir, kind);
    if (strcmp(kind, "output") == 0 &&
        !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "honest_proof_on_cheat_public_verified")))
        fail_msg("%s: the honest proof verified against a changed output", dir);
    cJSON_Delete(j);
}

static void test_soundness(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (!g_groth16_dir[0] || !g_plonk_dir[0])
        fail_msg("no cached circuits of the micro model (test_groth16 and test_plonk must run first)");
    static const char *const kinds[] = {"remainder", "quotient", "relu", "output"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        cheat(g_groth16_dir, kinds[k]);
        cheat(g_plonk_dir, kinds[k]);
    }
}

static void test_unavailable_driver(void **state)
{
    (void)state;
    cJSON *j = run_cell(g_model, "driver=/nonexistent-zkb-gnark", "1", "unavailable");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "reason");
    assert_true(cJSON_IsString(r));
    assert_non_null(strstr(r->valuestring, "/nonexistent-zkb-gnark"));
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groth16),
        cmocka_unit_test(test_plonk),
        cmocka_unit_test(test_soundness),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_cnns),
        cmocka_unit_test(test_unavailable_driver),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
