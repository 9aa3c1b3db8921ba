/* The Noir backend end to end through the runner (tiny_dense, tiny_cnn and a
 * model with pad2d:
 * compile with noir_wasm, witness with noir_js, UltraHonk prove and verify
 * with bb.js; the runner checks the proof's public outputs against the
 * reference evaluator, so "ok" means equal outputs), and soundness, with the
 * driver run directly on tiny_dense's kept artifacts: its honest proof with
 * a public output changed, and a proof made from a tampered witness, do not
 * verify. Skips when node or the npm packages are missing
 * (scripts/setup-node.sh). The local testing CRS comes from the library's
 * writer built into the plugin; ZKB_NOIR_TEST_CRS_DIR=DIR uses a directory of
 * your own instead. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <dirent.h>
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

/* keep: keep the cell's scratch directory (under g->run_dir) */
static cJSON *run_cell(const char *model, const char *options, const char *want, int keep)
{
    char opts[1200];
    zkbt_fmt(opts, sizeof opts, "%s%s%s", g_crs_opt, g_crs_opt[0] && options[0] ? "," : "", options);
    const char *settings[] = {"samples", "1", "timeout", "280", "keep_scratch", keep ? "1" : "0", NULL};
    return zkbt_backend_run(g, model, opts, settings, want);
}

static void test_tiny_dense(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json", "", "ok", 1);
    assert_string_equal(zkbt_info(j, "proof_system"), "ultrahonk");
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
    char sd[400];
    zkbt_fmt(sd, sizeof sd, "%s/scratch", g->run_dir);
    DIR *d = opendir(sd);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "noir-tiny_dense", 15) == 0 && !strstr(e->d_name, ".kept"))
            zkbt_fmt(g_scratch, sizeof g_scratch, "%s/%s", sd, e->d_name);
    closedir(d);
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
        cJSON *j = run_cell(path, "", "ok", 0);
        gates[i] = zkbt_metric(j, "gates");
        cJSON_Delete(j);
    }
    printf("noir gates: tiny_pad %.0f, pad2d + conv2d %.0f, conv2d on the padded input %.0f\n", gates[0],
           gates[1], gates[2]);
    assert_true(gates[1] > 0);
    assert_true(gates[1] <= gates[2]);
}

/* weights=hashed: the proof's Poseidon2 commitment (a public output) must
 * equal the one verify recomputes from the published weights with bb.js. */
static void test_hashed_weights(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    if (over_budget("test_hashed_weights", 60))
        skip();
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json", "weights=hashed", "ok", 0);
    assert_string_equal(zkbt_info(j, "weights_binding"), "poseidon2_commitment");
    const char *c = zkbt_info(j, "weights_commitment");
    assert_true(strlen(c) > 10);
    assert_string_equal(zkbt_info(j, "weights_commitment_expected"), c);
    assert_non_null(strstr(zkbt_info(j, "weights_commitment_check"), "poseidon2Hash"));
    cJSON_Delete(j);
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
    char meta[1200];
    zkbt_fmt(meta, sizeof meta, "%s/meta.txt", p);
    FILE *f = fopen(meta, "r");
    assert_non_null(f);
    unsigned long long gates = 0, size = 0, npub = 0;
    assert_int_equal(fscanf(f, "gates %llu circuit_size %llu public %llu", &gates, &size, &npub), 3);
    fclose(f);
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
    f = fopen(good, "rb");
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
        cmocka_unit_test(test_hashed_weights),
        cmocka_unit_test(test_unavailable_tools),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
