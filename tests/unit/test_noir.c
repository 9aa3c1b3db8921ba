/* The Noir backend end to end through the runner (tiny_dense, tiny_cnn and a
 * model with pad2d:
 * compile with noir_wasm, witness with noir_js, UltraHonk prove and verify
 * with bb.js; the runner checks the proof's public outputs against the
 * reference evaluator, so "ok" means equal outputs; the run's EVM step
 * checks that bb.js's Solidity verifier, patched for the testing CRS,
 * accepts each proof and rejects two tampered copies), and soundness, with
 * the driver run directly on kept artifacts: tiny_dense's honest proof with
 * a public output changed, and a proof made from a tampered witness, do not
 * verify; with input=hashed, a proof about another input carries another
 * commitment than verify recomputes. Skips when node or the npm packages are
 * missing (scripts/setup-node.sh). The local testing CRS comes from the
 * library's writer built into the plugin; ZKB_NOIR_TEST_CRS_DIR=DIR uses a
 * directory of your own instead. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zkmlbench/zkmlbench.h"

#define NOIR ZKB_BUILD_PLUGIN_DIR "/zkb_noir.so"
#define TOOLS ZKB_SOURCE_DIR "/tools/noir"
#define DRIVER ZKB_SOURCE_DIR "/plugins/noir/driver/noir_driver.mjs"

static zkbt_backend *g;
static char g_crs_opt[600]; /* "crs_dir=..." or "" */
/* artifacts of the tiny_dense cell, for the soundness test */
static char g_program_dir[1024];
static char g_crs_path[1024];
static char g_scratch[1024]; /* the kept scratch directory: proof.bin, witness.gz */
static time_t g_start;
static int g_evm; /* the run's EVM step can run here (docs/evm.md) */

/* ctest allows 300 s; on a loaded machine a case whose usual duration would
 * push the test past ZKB_NOIR_TEST_BUDGET seconds (default 240) skips with
 * a message instead. est: the case's duration on a busy 2-core machine. */
static int over_budget(const char *test, int est)
{
    const char *b = getenv("ZKB_NOIR_TEST_BUDGET");
    int budget = b && *b ? atoi(b) : 240;
    int spent = (int)(time(NULL) - g_start);
    if (spent + est <= budget)
        return 0;
    printf("[  SKIP    ] %s: %d s spent, ~%d s more would pass the %d s budget (ZKB_NOIR_TEST_BUDGET)\n",
           test, spent, est, budget);
    return 1;
}

static int group_setup(void **state)
{
    (void)state;
    g_start = time(NULL);
    g = zkbt_backend_new("noir");
    if (!g)
        return -1;
    setenv("ZKB_NOIR_TOOLS", TOOLS, 1);
    if (zkbt_backend_open(g, NOIR, "run scripts/setup-node.sh") != 0)
        return -1;
    char why[1024];
    g_evm = zkb_evm_probe(g->ctx, why, sizeof why) == ZKB_OK;
    if (!g_evm)
        printf("noir: no EVM checks (%s): run scripts/setup-node.sh\n", why);
    const char *crs = getenv("ZKB_NOIR_TEST_CRS_DIR");
    if (crs && *crs)
        zkbt_fmt(g_crs_opt, sizeof g_crs_opt, "crs_dir=%s", crs);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    zkbt_backend_free(g);
    return 0;
}

enum { KEEP = 1, EVM = 2 };

/* flags: KEEP the cell's scratch directory (under g->run_dir); run the EVM
 * step (EVM; else evm=0: it costs some 8 s a cell) */
static cJSON *run_cell(const char *model, const char *options, const char *want, int flags)
{
    char opts[1200];
    zkbt_fmt(opts, sizeof opts, "%s%s%s", g_crs_opt, g_crs_opt[0] && options[0] ? "," : "", options);
    const char *settings[] = {"samples", "1", "timeout", "280", "keep_scratch", flags & KEEP ? "1" : "0",
                              "evm", flags & EVM ? "1" : "0", NULL};
    return zkbt_backend_run(g, model, opts, settings, want);
}

/* The run's EVM step on a one-sample cell: bb.js's HonkVerifier took the
 * proof (the runner fails the cell otherwise) with all n_public public
 * inputs, and refused both tampered copies; with the local testing CRS its
 * [x]_2 was replaced. */
/* The circuit size and public input count a cached program's meta.txt records. */
static void read_meta(const char *program_dir, unsigned long long *size, unsigned long long *npub)
{
    char meta[1200];
    zkbt_fmt(meta, sizeof meta, "%s/meta.txt", program_dir);
    FILE *f = fopen(meta, "r");
    assert_non_null(f);
    unsigned long long gates = 0;
    assert_int_equal(fscanf(f, "gates %llu circuit_size %llu public %llu", &gates, size, npub), 3);
    fclose(f);
}

static void check_evm(const cJSON *j, int n_public)
{
    if (!g_evm)
        return;
    zkbt_check_evm(j, "acirHonkSolidityVerifier (UltraKeccakHonk)", 1, n_public);
    if (!g_crs_opt[0])
        assert_non_null(strstr(zkbt_info(j, "evm_generator"), "[x]_2 replaced by the testing CRS's"));
    assert_int_equal((int)zkbt_metric(j, "evm_exceeds_eip170"), 0);
    /* selector, 2 offsets, 2 lengths, the 14,080-byte proof, the inputs */
    assert_int_equal((int)zkbt_metric(j, "evm_calldata_bytes"), 4 + 4 * 32 + 14080 + 32 * n_public);
}

static void test_tiny_dense(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json", "", "ok", KEEP | EVM);
    assert_string_equal(zkbt_info(j, "proof_system"), "ultrahonk");
    assert_string_equal(zkbt_info(j, "transcript"), "keccak (UltraKeccakHonk)");
    assert_string_equal(zkbt_info(j, "input_visibility"), "public");
    check_evm(j, 16 + 3);
    assert_string_equal(zkbt_info(j, "weights_binding"), "verifying_key");
    assert_non_null(strstr(zkbt_info(j, "framework_version"), "bb.js 0.82.2"));
    if (!g_crs_opt[0])
        assert_non_null(strstr(zkbt_info(j, "srs"), "TESTING ONLY"));
    double gates = zkbt_metric(j, "gates");
    assert_true(gates > 100 && gates < 20000);
    assert_true(zkbt_metric(j, "circuit_size") >= gates);
    assert_int_equal((int)zkbt_metric(j, "public_inputs"), 16 + 3);
    assert_true(zkbt_metric(j, "proof_size") > 1000);
    assert_true(zkbt_metric(j, "prove_call_s") > 0);
    zkbt_fmt(g_program_dir, sizeof g_program_dir, "%s", zkbt_info(j, "program_cache"));
    zkbt_fmt(g_crs_path, sizeof g_crs_path, "%s", zkbt_info(j, "crs_path"));
    cJSON_Delete(j);
    /* the cell's kept scratch directory (<out>/scratch/noir-tiny_dense-*,
     * beside its marker <dir>.kept) */
    zkbt_kept_scratch(g->run_dir, "noir-tiny_dense", g_scratch, sizeof g_scratch);
}

static void test_tiny_cnn(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (over_budget("test_tiny_cnn", 90))
        skip();
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json", "", "ok", 0);
    assert_true(zkbt_metric(j, "gates") > 100);
    cJSON_Delete(j);
}

/* pad2d before conv2d, avgpool2d and maxpool2d proves with outputs equal to
 * the reference; and a pad2d costs no gate: main builds its output as an
 * array literal of input values and constant zeros, so a conv after one
 * costs no more than the same conv on the input padded by hand (less: the
 * products with the constant zeros fold away). */
static void test_pad2d(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (over_budget("test_pad2d", 45))
        skip();
    static const char *const names[] = {"tiny_pad.json", "pad_conv.json", "conv_5x5.json"};
    static const char *const text[] = {ZKBT_PAD_MODEL, ZKBT_PAD_CONV_MODEL("[1,3,3]", ZKBT_PAD_1),
                                       ZKBT_PAD_CONV_MODEL("[1,5,5]", "")};
    double gates[3];
    for (int i = 0; i < 3; i++) {
        char path[400];
        zkbt_fmt(path, sizeof path, "%s/%s", g->dir, names[i]);
        zkbt_write_file(path, text[i], strlen(text[i]));
        /* the first with UltraHonk's own transcript: it proves and verifies,
         * and has no EVM verifier */
        cJSON *j = run_cell(path, i == 0 ? "transcript=poseidon2" : "", "ok", i == 0 ? EVM : 0);
        gates[i] = zkbt_metric(j, "gates");
        if (i == 0) {
            assert_string_equal(zkbt_info(j, "transcript"), "poseidon2");
            if (g_evm)
                assert_non_null(strstr(zkbt_info(j, "evm"), "unsupported: transcript=poseidon2"));
        }
        cJSON_Delete(j);
    }
    printf("noir gates: tiny_pad %.0f, pad2d + conv2d %.0f, conv2d on the padded input %.0f\n", gates[0],
           gates[1], gates[2]);
    assert_true(gates[1] > 0);
    assert_true(gates[1] <= gates[2]);
}

/* weights=hashed and input=hashed: the proof's Poseidon2 commitments
 * (public outputs after the logits; the input is private) must equal the
 * ones verify recomputes with bb.js from the published weights and from the
 * sample; the EVM verifier takes the logits and both commitments. */
static char g_hashed_scratch[1024]; /* that cell's kept scratch, for test_hashed_input_refused */
static char g_hashed_program[1024];

static void test_hashed(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (over_budget("test_hashed", 70))
        skip();
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json", "weights=hashed,input=hashed", "ok", KEEP | EVM);
    assert_string_equal(zkbt_info(j, "weights_binding"), "poseidon2_commitment");
    assert_string_equal(zkbt_info(j, "input_visibility"), "hashed");
    const char *c = zkbt_info(j, "weights_commitment");
    assert_true(strlen(c) > 10);
    assert_string_equal(zkbt_info(j, "weights_commitment_expected"), c);
    assert_non_null(strstr(zkbt_info(j, "weights_commitment_check"), "poseidon2Hash"));
    c = zkbt_info(j, "input_commitment");
    assert_true(strlen(c) > 10);
    assert_string_equal(zkbt_info(j, "input_commitment_expected"), c);
    /* 3 logits, 2 commitments, no input */
    assert_int_equal((int)zkbt_metric(j, "public_inputs"), 3 + 2);
    check_evm(j, 3 + 2);
    zkbt_fmt(g_hashed_program, sizeof g_hashed_program, "%s", zkbt_info(j, "program_cache"));
    cJSON_Delete(j);
    zkbt_kept_scratch(g->run_dir, "noir-tiny_cnn", g_hashed_scratch, sizeof g_hashed_scratch);
}

/* ---- soundness, with the driver run directly on tiny_dense's artifacts ---- */

static int driver(const char *phase, const char *cfg_json)
{
    char cfg[400], out[400];
    zkbt_fmt(cfg, sizeof cfg, "%s/%s.json", g->dir, phase);
    zkbt_fmt(out, sizeof out, "%s/%s.out", g->dir, phase);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fputs(cfg_json, f);
    fclose(f);
    const char *argv[] = {"node", DRIVER, phase, cfg, out, NULL};
    return zkbt_run(NULL, argv, NULL, 0);
}

static void test_soundness(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (!g_program_dir[0] || !g_scratch[0])
        fail_msg("test_tiny_dense did not leave its artifacts");
    char cfg[8192];
    const char *d = g->dir, *p = g_program_dir, *c = g_crs_path, *w = g_scratch;
    unsigned long long size = 0, npub = 0;
    read_meta(p, &size, &npub);
    assert_int_equal((int)npub, 19);
#define PROOF_CFG(wdir, wit, pdir, proof)                                                                    \
    zkbt_fmt(cfg, sizeof cfg,                                                                                \
        "{\"tools_dir\": \"%s\", \"program\": \"%s/program.json\", \"witness\": \"%s/%s\", \"proof_out\": "  \
        "\"%s/%s\", \"crs_path\": \"%s\", \"circuit_size\": %llu, \"proof\": \"%s/%s\", \"vk\": "            \
        "\"%s/vk.bin\", \"num_public_inputs\": 19}",                                                         \
        TOOLS, p, wdir, wit, pdir, proof, c, size, pdir, proof, p)

    /* the cell's honest proof (verified by the runner) with its first
     * logit changed (+1 or -1, the last byte's low bit) */
    char good[1200], bad[400];
    zkbt_fmt(good, sizeof good, "%s/proof.bin", w);
    zkbt_fmt(bad, sizeof bad, "%s/bad_output.bin", d);
    FILE *f = fopen(good, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t at = 4 + 32 * 16 + 31; /* u32 size, 16 inputs, last byte of output 0 */
    assert_true(n > at);
    buf[at] ^= 1;
    f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    PROOF_CFG(w, "witness.gz", d, "bad_output.bin");
    assert_int_equal(driver("verify", cfg), 3);

    /* a tampered witness (an intermediate value + 1): the proof does not verify */
    zkbt_fmt(cfg, sizeof cfg,
        "{\"tools_dir\": \"%s\", \"program\": \"%s/program.json\", \"witness\": \"%s/witness.gz\", "
        "\"witness_out\": \"%s/w_bad.gz\", \"target\": \"last\"}",
        TOOLS, p, w, d);
    assert_int_equal(driver("tamper", cfg), 0);
    PROOF_CFG(d, "w_bad.gz", d, "bad_witness.bin");
    int pr = driver("prove", cfg);
    if (pr == 0 && driver("verify", cfg) == 0)
        fail_msg("a proof from a tampered witness verified");
#undef PROOF_CFG
}

/* The value of key in a driver result file ("key value" lines); "" when absent. */
static const char *result_value(const char *path, const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ' ') {
            line[strcspn(line, "\n")] = '\0';
            zkbt_fmt(out, cap, "%s", line + n + 1);
            break;
        }
    fclose(f);
    return out;
}

/* input=hashed: a proof about another input (the sample with its first
 * value + 1, executed and proved with the cell's program) verifies as a
 * proof, but the input commitment it publishes is not the one verify
 * recomputes from the sample, which nr_verify compares and refuses; the
 * cell's own proof publishes exactly that one. */
static void test_hashed_input_refused(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (!g_hashed_scratch[0] || !g_hashed_program[0])
        skip(); /* test_hashed skipped or failed */
    const char *w = g_hashed_scratch, *p = g_hashed_program, *d = g->dir;
    char crs[1200];
    unsigned long long size = 0, npub = 0;
    read_meta(p, &size, &npub);
    assert_int_equal((int)npub, 5);
    /* the CRS directory the cell used: its prove config names it */
    char pcfg[1200], *text;
    zkbt_fmt(pcfg, sizeof pcfg, "%s/noir-prove.json", w);
    assert_non_null(text = zkbt_read_file(pcfg, NULL));
    cJSON *pj = cJSON_Parse(text);
    free(text);
    assert_non_null(pj);
    zkbt_fmt(crs, sizeof crs, "%s", zkbt_json_str(pj, "crs_path", NULL));
    cJSON_Delete(pj);

    /* the other input: inputs.json's first x set to 0 (1 when it is 0) */
    char in[1200], *js;
    zkbt_fmt(in, sizeof in, "%s/inputs.json", w);
    assert_non_null(js = zkbt_read_file(in, NULL));
    cJSON *ij = cJSON_Parse(js);
    free(js);
    assert_non_null(ij);
    cJSON *x = cJSON_GetObjectItemCaseSensitive(ij, "x");
    assert_true(cJSON_IsArray(x) && cJSON_IsString(cJSON_GetArrayItem(x, 0)));
    int was0 = strcmp(cJSON_GetArrayItem(x, 0)->valuestring, "0") == 0;
    cJSON_ReplaceItemInArray(x, 0, cJSON_CreateString(was0 ? "1" : "0"));
    char *other = cJSON_PrintUnformatted(ij);
    cJSON_Delete(ij);
    char other_in[400];
    zkbt_fmt(other_in, sizeof other_in, "%s/other_inputs.json", d);
    zkbt_write_file(other_in, other, strlen(other));
    free(other);

    char cfg[8192], out[400], got[200], want[200];
    zkbt_fmt(cfg, sizeof cfg,
             "{\"tools_dir\": \"%s\", \"program\": \"%s/program.json\", \"inputs\": \"%s\", "
             "\"witness_out\": \"%s/other_w.gz\", \"witness\": \"%s/other_w.gz\", \"proof_out\": "
             "\"%s/other.bin\", \"crs_path\": \"%s\", \"circuit_size\": %llu}",
             TOOLS, p, other_in, d, d, d, crs, size);
    assert_int_equal(driver("execute", cfg), 0);
    assert_int_equal(driver("prove", cfg), 0);
    /* verify each proof against the sample's input values */
    const char *proofs[] = {"%s/proof.bin", "%s/other.bin"};
    const char *dirs[] = {w, d};
    for (int k = 0; k < 2; k++) {
        char pf[1200];
        zkbt_fmt(pf, sizeof pf, proofs[k], dirs[k]);
        zkbt_fmt(cfg, sizeof cfg,
                 "{\"tools_dir\": \"%s\", \"proof\": \"%s\", \"vk\": \"%s/vk.bin\", \"crs_path\": \"%s\", "
                 "\"num_public_inputs\": 5, \"input_values\": \"%s/input_values.txt\"}",
                 TOOLS, pf, p, crs, w);
        assert_int_equal(driver("verify", cfg), 0); /* both are valid proofs */
        zkbt_fmt(out, sizeof out, "%s/verify.out", d);
        result_value(out, "input_commitment_expected", want, sizeof want);
        result_value(out, "public_inputs.4", got, sizeof got); /* after 3 logits, the weights' commitment */
        assert_true(strlen(want) > 10 && strlen(got) > 10);
        if (k == 0)
            assert_string_equal(got, want);
        else if (strcmp(got, want) == 0)
            fail_msg("a proof about another input publishes the sample's commitment %s", got);
    }
}

/* The [x]_2 substitution of driver/evm_verifier.mjs on stand-in sources: the
 * CRS's point goes in, in EIP-197 order, where Aztec's was; a source without
 * Aztec's constants, or with them twice, is refused. */
static void test_evm_verifier_patch(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    static const char script[] =
        "import { evmVerifier } from '" ZKB_SOURCE_DIR "/plugins/noir/driver/evm_verifier.mjs';\n"
        "const ign = ['0x260e01b251f6f1c7e7ff4e580791dee8ea51d87a358e038b4efe30fac09383c1',\n"
        "  '0x0118c4d5b837bcc2bc89b5b398b5974e9f5944073b32078b7e231fec938883b0',\n"
        "  '0x04fc6369f7110fe3d25156c1bb9a72859cf2a04641f99ba4ee413c80da6a5fe4',\n"
        "  '0x22febda3c0c0632a56475b4214e5615e11e6dd3f96e6cea2854a87d4dacc5e55'];\n"
        "const head = 'uint256 constant NUMBER_OF_PUBLIC_INPUTS = 7;\\nuint256 constant PROOF_SIZE = 440;\\n' +\n"
        "  'function verify(bytes calldata proof, bytes32[] calldata publicInputs) public view returns (bool) {}\\n';\n"
        "const block = ign.map((w) => `uint256(${w})`).join(',\\n    ');\n"
        "const bbm = { RawBuffer: class { constructor(b) { this.b = b; } } };\n"
        "const run = (src) => evmVerifier({ acirHonkSolidityVerifier: async () => new TextEncoder().encode(src) },\n"
        "  bbm, new Uint8Array(1), new Uint8Array(1), g2);\n"
        "const g2 = Buffer.alloc(128);\n"
        "for (let i = 0; i < 4; i++) g2[32 * i + 31] = i + 1; /* x.c0 = 1, x.c1 = 2, y.c0 = 3, y.c1 = 4 */\n"
        "const w = (v) => 'uint256(0x' + v.toString(16).padStart(64, '0') + ')';\n"
        "const ok = await run(head + 'pairing(' + block + ');');\n"
        "const want = [2, 1, 4, 3].map(w).join(',\\n            ');\n"
        "if (ok.error || ok.g2 !== 'replaced' || ok.n_public !== 7 || ok.proof_fields !== 440 ||\n"
        "    !ok.source.includes(want) || ign.some((c) => ok.source.includes(c)) || !ok.source.includes('testing-only'))\n"
        "  throw new Error('not patched: ' + JSON.stringify(ok).slice(0, 300));\n"
        "const none = await run(head + 'pairing();');\n"
        "if (!none.error || !none.error.includes('0 times')) throw new Error('patched without the constants');\n"
        "const twice = await run(head + block + ';' + block);\n"
        "if (!twice.error || !twice.error.includes('2 times')) throw new Error('patched twice');\n"
        "const nosig = await run(block);\n"
        "if (!nosig.error) throw new Error('a source without verify(bytes, bytes32[]) passed');\n";
    char path[400];
    zkbt_fmt(path, sizeof path, "%s/patch_test.mjs", g->dir);
    zkbt_write_file(path, script, strlen(script));
    char out[400];
    zkbt_fmt(out, sizeof out, "%s/patch_test.out", g->dir);
    const char *argv[] = {"node", path, NULL};
    int rc = zkbt_run(NULL, argv, out, 1);
    if (rc != 0)
        fail_msg("evm_verifier.mjs: %s", zkbt_file_text(out));
}

static void test_unavailable_tools(void **state)
{
    (void)state;
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json", "tools_dir=/nonexistent-zkb-tools",
                        "unavailable", 0);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "reason");
    assert_true(cJSON_IsString(r));
    assert_non_null(strstr(r->valuestring, "toolchain given as /nonexistent-zkb-tools"));
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_dense),
        cmocka_unit_test(test_soundness),
        cmocka_unit_test(test_tiny_cnn),
        cmocka_unit_test(test_pad2d),
        cmocka_unit_test(test_hashed),
        cmocka_unit_test(test_hashed_input_refused),
        cmocka_unit_test(test_evm_verifier_patch),
        cmocka_unit_test(test_unavailable_tools),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
