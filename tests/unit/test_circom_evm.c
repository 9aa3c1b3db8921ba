/* The circom backend as a verifier on chain sees it, through the runner and
 * its EVM step (docs/evm.md) on a micro model: snarkjs's Groth16 Solidity
 * verifier accepts the proof and rejects both tampered copies, and its gas
 * follows the closed form in the number of public inputs (test_circom checks
 * the PLONK and FFLONK verifiers in its cells); input=hashed makes the input
 * private and publishes its Poseidon commitment (outputs + commitments as
 * public signals), and a proof about another input is refused. Skips when
 * node/snarkjs are missing (scripts/setup-node.sh). */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkmlbench.h"

#define CIRCOM ZKB_BUILD_PLUGIN_DIR "/zkb_circom.so"
#define TOOLS ZKB_SOURCE_DIR "/tools/node"

static zkbt_backend *g;
static char g_model[320];
static int g_evm; /* the EVM step can run here */

static int group_setup(void **state)
{
    (void)state;
    g = zkbt_backend_new("circom");
    if (!g)
        return -1;
    zkbt_fmt(g_model, sizeof g_model, "%s/micro.json", g->dir);
    zkbt_write_file(g_model, ZKBT_MICRO_MODEL, strlen(ZKBT_MICRO_MODEL));
    setenv("ZKB_NODE_TOOLS", TOOLS, 1);
    char why[1024];
    g_evm = zkb_evm_probe(g->ctx, why, sizeof why) == ZKB_OK;
    if (!g_evm) {
        printf("circom EVM: the EVM step cannot run (%s): run scripts/setup-node.sh\n", why);
        if (zkbt_backends_required())
            return -1;
    }
    return zkbt_backend_open(g, CIRCOM, "run scripts/setup-node.sh");
}

static int group_teardown(void **state)
{
    (void)state;
    zkbt_backend_free(g);
    return 0;
}

static cJSON *run_cell(const char *options, const char *want)
{
    const char *settings[] = {"samples", "1", "timeout", "300", "quant.scale", "2", NULL};
    return zkbt_backend_run(g, g_model, options, settings, want);
}

/* A one-sample cell's EVM figures: snarkjs's verifier for psys took the
 * proof (the runner fails the cell otherwise) with every public signal, and
 * refused both tampered copies. */
static void check_evm(const cJSON *j, const char *psys)
{
    if (!g_evm)
        return;
    char gen[64];
    zkbt_fmt(gen, sizeof gen, "solidityverifier (%s)", psys);
    zkbt_check_evm(j, gen, 1, zkbt_metric(j, "public_signals"));
}

/* Groth16 on chain: 21,000 + calldata + one pairing check of four pairs
 * (45,000 + 4 x 34,000, EIP-1108) + an ecMul and an ecAdd (6,150) per
 * public input, plus the contract's own work: measured 3,000-21,000 over
 * that for 4-39 inputs. */
static void check_groth16_gas(const cJSON *j)
{
    if (!g_evm)
        return;
    double n = zkbt_metric(j, "evm_public_inputs");
    double floor = 21000 + zkbt_metric(j, "evm_calldata_gas") + 45000 + 4 * 34000 + n * 6150;
    double gas = zkbt_metric(j, "evm_verify_gas");
    printf("circom groth16: %.0f public inputs, verify gas %.0f, closed form %.0f\n", n, gas, floor);
    assert_true(gas >= floor);
    assert_true(gas <= floor + 5000 + 1000 * n);
}

static void test_groth16(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell("", "ok");
    assert_string_equal(zkbt_info(j, "input_visibility"), "public");
    /* 2 outputs and 3 inputs */
    assert_int_equal((int)zkbt_metric(j, "public_signals"), 5);
    check_evm(j, "groth16");
    check_groth16_gas(j);
    cJSON_Delete(j);
}

/* A witness generator that proves about another input: it changes in[0]
 * before calling the compiled one (generate_witness.orig.js). */
static const char CHEAT_JS[] =
    "const fs = require('fs');\n"
    "const x = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));\n"
    "x.in[0] = x.in[0] === '0' ? '1' : '0';\n"
    "fs.writeFileSync(process.argv[3] + '.other', JSON.stringify(x));\n"
    "process.argv[3] += '.other';\n"
    "require('./generate_witness.orig.js');\n";

/* input=hashed, with weights=hashed so that both commitments are checked in
 * their order: outputs + 2 commitments are the public signals instead of
 * outputs + inputs (+ 1), and verify recomputes the input's commitment from
 * the sample. A prover that proves about another input makes a valid proof
 * whose commitment verify refuses. */
static void test_hashed_input(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell("weights=hashed,input=hashed", "ok");
    assert_string_equal(zkbt_info(j, "input_visibility"), "hashed");
    assert_string_equal(zkbt_info(j, "input_binding"), "poseidon_commitment");
    const char *c = zkbt_info(j, "input_commitment");
    assert_true(strlen(c) > 10);
    assert_string_equal(zkbt_info(j, "input_commitment_expected"), c);
    assert_string_equal(zkbt_info(j, "weights_commitment"), zkbt_info(j, "weights_commitment_expected"));
    assert_int_equal((int)zkbt_metric(j, "public_signals"), 2 + 1 + 1);
    check_evm(j, "groth16");
    check_groth16_gas(j);
    char gen[600], orig[600];
    zkbt_fmt(gen, sizeof gen, "%s/model_js/generate_witness.js", zkbt_info(j, "circuit_cache"));
    zkbt_fmt(orig, sizeof orig, "%s/model_js/generate_witness.orig.js", zkbt_info(j, "circuit_cache"));
    cJSON_Delete(j);

    /* the same cell from the cache, with the cheating witness generator */
    assert_int_equal(rename(gen, orig), 0);
    zkbt_write_file(gen, CHEAT_JS, strlen(CHEAT_JS));
    j = run_cell("weights=hashed,input=hashed", "failed");
    assert_int_equal(rename(orig, gen), 0);
    const char *why = zkbt_json_str(j, "reason", NULL);
    if (!strstr(why, "input commitment") || !strstr(why, "is not the Poseidon commitment of the sample's input"))
        fail_msg("a proof about another input was not refused for its commitment: %s", why);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groth16),
        cmocka_unit_test(test_hashed_input),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
