/* The ezkl backend for real (docs/ezkl.md): tiny_dense and tiny_cnn through
 * gen_settings, calibrate_settings, compile_circuit, gen_srs, setup,
 * gen_witness, prove and verify, one driver process per call, through the
 * runner, ok only when the proofs' outputs equal the evaluator's ezkl scheme
 * exactly, with ezkl's Solidity verifier accepting each proof on the host's
 * EVM and rejecting tampered copies; then the driver alone (export, the EVM
 * verifier and calldata, a tampered proof that must not verify,
 * witness_batch against the scheme on every tiny model). Skips with a
 * message when .venv has no ezkl (scripts/setup-python.sh installs it; the
 * test suite runs that script first). */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkmlbench.h"

#define EZKL ZKB_BUILD_PLUGIN_DIR "/zkb_ezkl.so"
#define PY ZKB_SOURCE_DIR "/.venv/bin/python"
#define DRIVER ZKB_SOURCE_DIR "/plugins/ezkl/driver/zkb_ezkl_driver.py"
#define DENSE ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json"
#define CNN ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json"
#define MAXPOOL ZKB_SOURCE_DIR "/models/tiny/tiny_maxpool.json"

/* Small circuit: scale 8 (the session's S), range checks in base 128, so
 * logrows stays at 9-10 and the whole cell takes seconds. */
#define FAST_OPTS                                                                                  \
    "calibration=resources,calibration_scales=8,scale_rebase_multiplier=1,max_logrows=12,"        \
    "decomp_base=128,decomp_legs=4,calibration_samples=8"

static zkbt_backend *g;
static char g_pad[400]; /* ZKBT_PAD_MODEL, written into g->dir */

static int group_setup(void **state)
{
    (void)state;
    g = zkbt_backend_new("ezkl");
    if (!g)
        return -1;
    unsetenv("ZKB_EZKL_PYTHON");
    unsetenv("ZKB_EZKL_DRIVER");
    zkbt_fmt(g_pad, sizeof g_pad, "%s/tiny_pad.json", g->dir);
    zkbt_write_file(g_pad, ZKBT_PAD_MODEL, strlen(ZKBT_PAD_MODEL));
    return zkbt_backend_open(g, EZKL, "run scripts/setup-python.sh (or zkbench setup ezkl)");
}

static int group_teardown(void **state)
{
    (void)state;
    zkbt_backend_free(g);
    return 0;
}

/* Any status: the cases check it themselves. */
static cJSON *run_cell(const char *model, const char *options, const char *samples)
{
    const char *settings[] = {"samples", samples, "timeout", "170", NULL};
    return zkbt_backend_run(g, model, options, settings, NULL);
}

static const cJSON *at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}


/* Every phase ran and was measured: wall time and peak memory. */
static void expect_phases(const cJSON *j)
{
    const char *ph[] = {"load", "setup", "witness", "prove", "verify"};
    for (size_t i = 0; i < sizeof ph / sizeof *ph; i++) {
        const cJSON *p = at(j, "phases", ph[i]);
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "n");
        if (!cJSON_IsNumber(n) || n->valuedouble < 1)
            fail_msg("phase %s missing", ph[i]);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "wall_s"), "max");
        const cJSON *m =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "peak_rss_bytes"), "max");
        assert_true(cJSON_IsNumber(w) && w->valuedouble > 0);
        assert_true(cJSON_IsNumber(m) && m->valuedouble > 1e6); /* a Python process, at least */
    }
}

/* The EVM step (docs/ezkl.md, "On-chain verification"): ezkl's verifier,
 * compiled and deployed by the host, accepted every proof's calldata and
 * rejected both tampered copies (a proof byte, a public output). */
static void expect_evm(const cJSON *j, double samples, double n_public)
{
    zkbt_check_evm(j, "create_evm_verifier", samples, n_public);
    assert_true(strncmp(zkbt_info(j, "evm_generator"), "ezkl 23.", 8) == 0);
    assert_string_equal(zkbt_info(j, "evm_contract"), "Halo2Verifier");
    double rt = zkbt_metric(j, "evm_runtime_bytes");
    assert_true(rt > 5000 && rt <= 24576);
    assert_true(zkbt_metric(j, "evm_verify_gas") > 100000);
    assert_non_null(strstr(zkbt_info(j, "evm_verifier_ezkl"), "create_evm_verifier wrote Halo2Verifier.sol"));
}

static void test_tiny_dense_end_to_end(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(DENSE, FAST_OPTS, "2");
    const char *st = zkbt_json_str(j, "status", NULL);
    const char *reason = zkbt_json_str(j, "reason", NULL);
    printf("ezkl tiny_dense: status %s %s\n", st, reason);
    /* The plugin hands the host the evaluator's ezkl scheme for ezkl's
     * settings (host->set_quant): every proof's outputs must equal it
     * exactly (docs/ezkl.md, "The ezkl scheme"). */
    if (strcmp(st, "ok") != 0)
        fail_msg("ezkl tiny_dense: status %s: %s", st, reason);
    assert_string_equal(zkbt_json_str(j, "infos", "output_check"), "exact, against the evaluator's ezkl scheme");
    assert_string_equal(zkbt_json_str(j, "infos", "reference_quant"),
                        "ezkl: input_scale 8, param_scale 8, scale_rebase_multiplier 1; outputs at 2^8");
    expect_phases(j);
    double lr = zkbt_metric(j, "logrows");
    assert_true(lr >= 8 && lr <= 12);
    assert_true(zkbt_metric(j, "proof_size") > 1000);
    assert_true(zkbt_metric(j, "pk_size") > 0 && zkbt_metric(j, "vk_size") > 0);
    assert_true(zkbt_metric(j, "verified") == 1);
    /* tiny models have no dataset: no accuracy pass */
    assert_string_equal(zkbt_json_str(j, "infos", "zk_accuracy"), "skipped: synthetic inputs, no dataset");
    assert_true(zkbt_metric(j, "input_scale") == 8);
    assert_true(zkbt_metric(j, "rows") > 0);
    /* each ezkl call timed inside the driver, start-up apart */
    const char *calls[] = {"settings", "calibrate", "compile", "srs", "setup", "witness", "prove", "verify"};
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        char k[64];
        zkbt_fmt(k, sizeof k, "ezkl_%s_s", calls[i]);
        assert_true(zkbt_metric(j, k) >= 0);
        zkbt_fmt(k, sizeof k, "startup_%s_s", calls[i]);
        assert_true(zkbt_metric(j, k) > 0);
        zkbt_fmt(k, sizeof k, "peak_rss_%s", calls[i]);
        assert_true(zkbt_metric(j, k) > 1e6);
    }
    assert_true(zkbt_metric(j, "ezkl_prove_s") > 0);
    assert_non_null(strstr(zkbt_json_str(j, "infos", "srs"), "TESTING ONLY"));
    assert_non_null(strstr(zkbt_json_str(j, "infos", "framework_version"), "ezkl 23."));
    assert_string_equal(zkbt_json_str(j, "infos", "srs_cache"), "miss");
    expect_evm(j, 2, 19); /* 16 public inputs, 3 outputs */
    cJSON_Delete(j);

    /* again: the SRS of that logrows now comes from the cache */
    j = run_cell(DENSE, FAST_OPTS, "1");
    expect_phases(j);
    assert_string_equal(zkbt_json_str(j, "infos", "srs_cache"), "hit");
    cJSON_Delete(j);
}

/* The CNN (conv2d, relu, avgpool, dense), and tiny_pad (pad2d before conv2d,
 * avgpool2d and maxpool2d: exported as ONNX Pad nodes), through every phase:
 * ok means the proof's outputs equal the evaluator's ezkl scheme exactly;
 * and on the EVM. */
static void test_tiny_cnn_exact(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    const char *models[] = {CNN, g_pad};
    const double n_public[] = {36 + 3, 9 + 2}; /* public inputs and outputs */
    for (int i = 0; i < 2; i++) {
        cJSON *j = run_cell(models[i], FAST_OPTS, "1");
        const char *st = zkbt_json_str(j, "status", NULL);
        printf("ezkl %s: status %s %s\n", zkbt_json_str(j, "model", "name"), st, zkbt_json_str(j, "reason", NULL));
        if (strcmp(st, "ok") != 0)
            fail_msg("ezkl %s: status %s: %s", models[i], st, zkbt_json_str(j, "reason", NULL));
        assert_string_equal(zkbt_json_str(j, "infos", "output_check"), "exact, against the evaluator's ezkl scheme");
        expect_evm(j, 1, n_public[i]);
        cJSON_Delete(j);
    }
}

/* The accuracy pass (zkb_backend.eval_batch) on real data when
 * ../shared/data has the heart set: ezkl's witness outputs for 40 test
 * samples, both losses, every output equal to the evaluator's ezkl scheme. */
static void test_accuracy_pass_heart(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    struct stat sb;
    const char *data = getenv("ZKB_DATA_DIR") ? getenv("ZKB_DATA_DIR") : ZKB_SOURCE_DIR "/../shared/data";
    char heart[600];
    zkbt_fmt(heart, sizeof heart, "%s/heart/heart.csv", data);
    if (stat(heart, &sb) != 0) {
        printf("no %s: accuracy pass not tested\n", heart);
        skip();
    }
    zkb_ctx_set(g->ctx, "data_dir", data);
    cJSON *j = run_cell(ZKB_SOURCE_DIR "/models/heart_linear_18_2.json",
                        "calibration=resources,max_logrows=12,decomp_base=128,decomp_legs=4,"
                        "calibration_lo=-3,calibration_hi=3,calibration_samples=8,accuracy_samples=40",
                        "1");
    const char *st = zkbt_json_str(j, "status", NULL);
    if (strcmp(st, "ok") != 0)
        fail_msg("ezkl heart_linear: status %s: %s", st, zkbt_json_str(j, "reason", NULL));
    printf("%s\n", zkbt_json_str(j, "infos", "zk_accuracy"));
    assert_true(zkbt_metric(j, "zk_accuracy_samples") == 40);
    assert_true(zkbt_metric(j, "zk_accuracy_outputs_equal_reference") == 40);
    assert_true(zkbt_metric(j, "zk_accuracy_class_equal_reference") == 40);
    double zk = zkbt_metric(j, "zk_accuracy_correct"), fl = zkbt_metric(j, "zk_accuracy_float_correct");
    assert_true(fabs(zkbt_metric(j, "zk_accuracy_loss_points") - 100.0 * (fl - zk) / 40.0) < 1e-9);
    assert_true(zkbt_metric(j, "zk_accuracy_differ_pct") >= 0 && zkbt_metric(j, "zk_accuracy_differ_pct") <= 100);
    assert_true(zkbt_metric(j, "witness_batch_samples") == 40);
    cJSON_Delete(j);
}

static void test_unavailable_python(void **state)
{
    (void)state;
    cJSON *j = run_cell(DENSE, "python=/nonexistent-zkb/bin/python", "1");
    const char *st = zkbt_json_str(j, "status", NULL);
    const char *r = zkbt_json_str(j, "reason", NULL);
    if (strcmp(st, "unavailable") != 0 && strcmp(st, "failed") != 0)
        fail_msg("status %s: %s", st, r);
    assert_non_null(strstr(r, "no Python at /nonexistent-zkb/bin/python"));
    cJSON_Delete(j);
}

/* ---- the driver alone ---- */


/* The driver's answer: the last line of its stdout. */
static cJSON *answer(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[65536], last[65536] = "";
    while (fgets(line, sizeof line, f))
        if (line[0] == '{')
            memcpy(last, line, sizeof last);
    fclose(f);
    cJSON *j = cJSON_Parse(last);
    if (!j)
        fail_msg("driver answer not JSON: %s", last);
    return j;
}

static cJSON *drive(const char *wdir, const char *const *args)
{
    const char *argv[40] = {PY, DRIVER};
    size_t n = 2;
    argv[n++] = args[0];
    argv[n++] = "--workdir";
    argv[n++] = wdir;
    for (size_t i = 1; args[i] && n < 39; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char out[400];
    zkbt_fmt(out, sizeof out, "%s/%s.out", wdir, args[0]);
    zkbt_run(NULL, argv, out, 0);
    return answer(out);
}

static double answer_num(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsNumber(v))
        fail_msg("driver answer has no number %s", key);
    return v->valuedouble;
}

static void expect_ok(cJSON *j)
{
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
    if (!cJSON_IsTrue(ok)) {
        char *t = cJSON_PrintUnformatted(j);
        fail_msg("driver: %s", t);
    }
}

static uint64_t be64_tail(const unsigned char *word) /* the low 8 bytes of a 32-byte word */
{
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | word[i];
    return v;
}

/* The driver's evm_export on the dense model's proof (p.json, w.json):
 * Halo2Verifier.sol whole, the calldata verifyProof(bytes, uint256[]) with
 * the proof's bytes and its last instances equal to the witness outputs
 * where the answer says; without a verifying key, no verifier and an
 * error that says so. */
static void expect_evm_export(const char *w, const char *srs)
{
    cJSON *j = drive(w, (const char *const[]){"evm_export", "--sol", "V.sol", "--abi", "V.abi", "--vk", "vk",
                                              "--settings", "d.json", "--srs", srs, "--proof", "p.json",
                                              "--witness", "w.json", "--out", "cd.bin", NULL});
    expect_ok(j);
    assert_string_equal(zkbt_json_str(j, "contract", NULL), "Halo2Verifier");
    double po = answer_num(j, "proof_offset"), pl = answer_num(j, "proof_len");
    double oo = answer_num(j, "output_offset"), np = answer_num(j, "n_public");
    assert_true(np == 16 + 3);
    cJSON_Delete(j);
    const char *sol = zkbt_file_text(zkbt_path(w, "V.sol"));
    assert_non_null(strstr(sol, "contract Halo2Verifier {"));
    assert_non_null(strstr(sol, "function verifyProof("));
    size_t len = 0;
    unsigned char *cd = (unsigned char *)zkbt_read_file(zkbt_path(w, "cd.bin"), &len);
    assert_true(len > 4 + 64 && memcmp(cd, "\x1e\x8e\x1e\x13", 4) == 0); /* verifyProof(bytes,uint256[]) */
    assert_true(po == 4 + 64 + 32 && be64_tail(cd + 4) == 64 && be64_tail(cd + 4 + 64) == (uint64_t)pl);
    cJSON *proof = cJSON_Parse(zkbt_file_text(zkbt_path(w, "p.json")));
    const char *hex = zkbt_json_str(proof, "hex_proof", NULL);
    assert_true(strlen(hex) == 2 + 2 * (size_t)pl);
    for (size_t i = 0; i < (size_t)pl; i++) {
        unsigned b = 0;
        assert_int_equal(sscanf(hex + 2 + 2 * i, "%2x", &b), 1);
        if (cd[(size_t)po + i] != b)
            fail_msg("calldata byte %zu differs from the proof's", (size_t)po + i);
    }
    cJSON_Delete(proof);
    /* instances: length word, then 16 inputs and 3 outputs; ezkl appends one
     * zero word (an empty vka list) that verifyProof never reads */
    size_t inst = 4 + (size_t)be64_tail(cd + 4 + 32);
    assert_true(be64_tail(cd + inst) == 19 && oo == inst + 32 + 16 * 32);
    assert_int_equal(len, inst + 32 + 19 * 32 + 32);
    cJSON *wit = cJSON_Parse(zkbt_file_text(zkbt_path(w, "w.json")));
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(wit, "outputs"), *row = cJSON_GetArrayItem(outs, 0);
    const char *first = cJSON_GetArrayItem(row, 0)->valuestring; /* little-endian hex */
    for (int i = 0; i < 32; i++) {
        unsigned b = 0;
        assert_int_equal(sscanf(first + 2 * i, "%2x", &b), 1);
        assert_int_equal(cd[(size_t)oo + 31 - i], b);
    }
    cJSON_Delete(wit);
    free(cd);

    j = drive(w, (const char *const[]){"evm_export", "--sol", "none.sol", "--abi", "none.abi", "--vk", "no-such-vk",
                                       "--settings", "d.json", "--srs", srs, "--proof", "p.json", "--witness",
                                       "w.json", "--out", "cd2.bin", NULL});
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")));
    assert_non_null(strstr(zkbt_json_str(j, "error", NULL), "wrote no complete none.sol"));
    cJSON_Delete(j);
}

/* The CNN exported with a real Conv reading the graph input (not folded),
 * then a proof that is tampered with must not verify. */
static void test_driver_export_and_tampered_proof(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    char w[300], srs[400];
    zkbt_fmt(w, sizeof w, "%s/drv", g->dir);
    assert_int_equal(mkdir(w, 0777), 0);
    zkbt_fmt(srs, sizeof srs, "%s/kzg.srs", w);
    cJSON *j = drive(w, (const char *const[]){"export", "--model", CNN, "--out", "net.onnx", NULL});
    expect_ok(j);
    const char *ops = zkbt_json_str(j, "infos", "onnx_ops");
    assert_non_null(strstr(ops, "Conv"));
    assert_non_null(strstr(ops, "AveragePool"));
    assert_non_null(strstr(ops, "Gemm"));
    cJSON_Delete(j);
    j = drive(w, (const char *const[]){"export", "--model", g_pad, "--out", "pad.onnx", NULL});
    expect_ok(j);
    assert_non_null(strstr(zkbt_json_str(j, "infos", "onnx_ops"), "Pad"));
    cJSON_Delete(j);

    const char *steps[][24] = {
        {"settings", "--onnx", "net.onnx", "--settings", "s.json", "--input-scale", "8", "--param-scale", "8",
         "--decomp-base", "128", "--decomp-legs", "4", NULL},
        {"calibrate", "--onnx", "net.onnx", "--settings", "s.json", "--data", "cal.json", "--samples", "4",
         "--seed", "3", "--scales", "8", "--scale-rebase-multiplier", "1", "--max-logrows", "12", NULL},
        {"compile", "--onnx", "net.onnx", "--settings", "s.json", "--compiled", "net.ezkl", NULL},
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        j = drive(w, steps[i]);
        expect_ok(j);
        cJSON_Delete(j);
    }
    /* dense model is quicker to prove: reuse its circuit for the tamper test */
    j = drive(w, (const char *const[]){"export", "--model", DENSE, "--out", "d.onnx", NULL});
    expect_ok(j);
    cJSON_Delete(j);
    const char *dsteps[][24] = {
        {"settings", "--onnx", "d.onnx", "--settings", "d.json", "--input-scale", "8", "--param-scale", "8",
         "--decomp-base", "128", "--decomp-legs", "4", NULL},
        {"calibrate", "--onnx", "d.onnx", "--settings", "d.json", "--data", "dcal.json", "--samples", "4",
         "--seed", "3", "--scales", "8", "--scale-rebase-multiplier", "1", "--max-logrows", "12", NULL},
        {"compile", "--onnx", "d.onnx", "--settings", "d.json", "--compiled", "d.ezkl", NULL},
    };
    int logrows = 0;
    for (size_t i = 0; i < sizeof dsteps / sizeof *dsteps; i++) {
        j = drive(w, dsteps[i]);
        expect_ok(j);
        const cJSON *lr = cJSON_GetArrayItem(at(j, "metrics", "logrows"), 0);
        if (cJSON_IsNumber(lr))
            logrows = (int)lr->valuedouble;
        cJSON_Delete(j);
    }
    assert_true(logrows >= 8 && logrows <= 12);
    char lrs[16];
    zkbt_fmt(lrs, sizeof lrs, "%d", logrows);
    char x[400];
    zkbt_fmt(x, sizeof x, "%s/x.txt", w);
    FILE *f = fopen(x, "w");
    assert_non_null(f);
    for (int i = 0; i < 16; i++)
        fprintf(f, "%g\n", (i % 5) * 0.2);
    fclose(f);
    const char *psteps[][24] = {
        {"srs", "--srs", srs, "--logrows", lrs, NULL},
        {"setup", "--compiled", "d.ezkl", "--vk", "vk", "--pk", "pk", "--srs", srs, NULL},
        {"witness", "--input", "x.txt", "--data", "in.json", "--compiled", "d.ezkl", "--witness", "w.json", NULL},
        {"prove", "--witness", "w.json", "--compiled", "d.ezkl", "--pk", "pk", "--proof", "p.json", "--srs", srs,
         NULL},
        {"verify", "--proof", "p.json", "--settings", "d.json", "--vk", "vk", "--srs", srs, "--witness", "w.json",
         NULL},
    };
    for (size_t i = 0; i < sizeof psteps / sizeof *psteps; i++) {
        j = drive(w, psteps[i]);
        expect_ok(j);
        if (i == 4) {
            assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "verified")));
            assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "outputs_match_witness")));
            assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "outputs_q")), 3);
        }
        cJSON_Delete(j);
    }

    expect_evm_export(w, srs);

    /* Change the claimed first output in the proof's public instances. */
    char pp[400];
    zkbt_fmt(pp, sizeof pp, "%s/p.json", w);
    f = fopen(pp, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
    buf[sz] = '\0';
    fclose(f);
    cJSON *proof = cJSON_Parse(buf);
    free(buf);
    assert_non_null(proof);
    cJSON *inst = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(proof, "instances"), 0);
    int ni = cJSON_GetArraySize(inst);
    assert_true(ni >= 3);
    cJSON *last = cJSON_GetArrayItem(inst, ni - 1);
    assert_true(cJSON_IsString(last) && strlen(last->valuestring) == 64);
    char *h = last->valuestring;
    h[1] = h[1] == '0' ? '1' : '0'; /* little-endian hex: change the low byte */
    char *text = cJSON_PrintUnformatted(proof);
    cJSON_Delete(proof);
    zkbt_fmt(pp, sizeof pp, "%s/bad.json", w);
    f = fopen(pp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    j = drive(w, (const char *const[]){"verify", "--proof", "bad.json", "--settings", "d.json", "--vk", "vk",
                                       "--srs", srs, "--witness", "w.json", NULL});
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "verify_failed")));
    cJSON_Delete(j);
}

/* witness_batch's answer file: outputs_q, one array per sample (numbers, or
 * decimal strings beyond 2^53). */
static int ez_read_batch_for_test(const char *path, uint64_t n, int64_t *out, uint64_t k, uint64_t *done)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *j = cJSON_Parse(text);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(j, "outputs_q"), *row, *v;
    *done = 0;
    cJSON_ArrayForEach(row, rows)
    {
        uint64_t c = 0;
        if (*done >= n || (uint64_t)cJSON_GetArraySize(row) != k)
            break;
        cJSON_ArrayForEach(v, row)
            out[*done * k + c++] = cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10)
                                                     : (int64_t)v->valuedouble;
        (*done)++;
    }
    cJSON_Delete(j);
    return 0;
}

/* ezkl's witness outputs (witness_batch, no proof) equal the evaluator's
 * ezkl scheme on every tiny model and tiny_pad at input 7 / param 9 /
 * multiplier 2 (some layers not rebased, biases at other scales), and on
 * tiny_maxpool at 8/8/1 (the others are proved at 8/8/1 above). */
static void test_witness_batch_matches_scheme(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    const char *const models[] = {DENSE, CNN, MAXPOOL, g_pad};
    static const int cfg[][3] = {{8, 8, 1}, {7, 9, 2}};
    for (size_t mi = 0; mi < 4; mi++)
        for (size_t ci = 0; ci < 2; ci++) {
            if (ci == 0 && mi != 2)
                continue; /* 8/8/1: tiny_dense, tiny_cnn and tiny_pad are proved above */
            char w[300], is[8], ps[8], rm[8];
            zkbt_fmt(w, sizeof w, "%s/wb%zu_%zu", g->dir, mi, ci);
            assert_int_equal(mkdir(w, 0777), 0);
            zkbt_fmt(is, sizeof is, "%d", cfg[ci][0]);
            zkbt_fmt(ps, sizeof ps, "%d", cfg[ci][1]);
            zkbt_fmt(rm, sizeof rm, "%d", cfg[ci][2]);
            zkb_model *m = NULL;
            assert_int_equal(zkb_model_load_file(g->ctx, models[mi], &m), ZKB_OK);
            uint64_t n_in = zkb_model_input_size(m), k = zkb_model_classes(m);
            enum { N = 6 };
            float x[N * 98];
            assert_true(n_in <= 98);
            char xp[400];
            zkbt_fmt(xp, sizeof xp, "%s/xs.txt", w);
            FILE *f = fopen(xp, "w");
            assert_non_null(f);
            uint32_t r = 12345u + (uint32_t)(mi * 7 + ci);
            for (int sidx = 0; sidx < N; sidx++)
                for (uint64_t i = 0; i < n_in; i++) {
                    r = r * 1103515245u + 12345u;
                    float v = (float)((double)(r >> 8) / (double)(1u << 24) * 2.0 - 1.0);
                    x[sidx * n_in + i] = v;
                    fprintf(f, "%.17g%c", (double)v, i + 1 < n_in ? ' ' : '\n');
                }
            fclose(f);
            const char *steps[][24] = {
                {"export", "--model", models[mi], "--out", "n.onnx", NULL},
                {"settings", "--onnx", "n.onnx", "--settings", "s.json", "--input-scale", is, "--param-scale", ps,
                 "--scale-rebase-multiplier", rm, "--decomp-base", "16384", "--decomp-legs", "3", NULL},
                {"compile", "--onnx", "n.onnx", "--settings", "s.json", "--compiled", "n.ezkl", NULL},
                {"witness_batch", "--input", "xs.txt", "--compiled", "n.ezkl", "--out", "o.json", NULL},
            };
            int out_scale = -1;
            for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
                cJSON *j = drive(w, steps[i]);
                expect_ok(j);
                if (i == 2)
                    out_scale = (int)cJSON_GetArrayItem(at(j, "metrics", "output_scale"), 0)->valuedouble;
                cJSON_Delete(j);
            }
            char op[400];
            zkbt_fmt(op, sizeof op, "%s/o.json", w);
            int64_t got[N * 3];
            uint64_t done = 0;
            assert_true(k <= 3);
            assert_int_equal(ez_read_batch_for_test(op, N, got, k, &done), 0);
            assert_int_equal(done, N);
            zkb_quant q = {.struct_size = sizeof q, .scheme = ZKB_QUANT_EZKL,
                           .scale = ZKB_QUANT_EZKL_SCALE(cfg[ci][0], cfg[ci][1], cfg[ci][2])};
            zkbi_qmodel *qm = NULL;
            assert_int_equal(zkbi_qmodel_new(m, &q, &qm, NULL, 0), ZKB_OK);
            assert_int_equal(qm->out_scale, out_scale);
            zkbi_qmodel_free(qm);
            for (int sidx = 0; sidx < N; sidx++) {
                int64_t xq[98], want[3];
                assert_int_equal(zkb_quantize_input(&q, x + sidx * n_in, n_in, xq), ZKB_OK);
                assert_int_equal(zkb_model_eval_fixed(m, &q, xq, n_in, want, k), ZKB_OK);
                for (uint64_t c = 0; c < k; c++)
                    if (want[c] != got[sidx * k + c])
                        fail_msg("model %zu, settings %d/%d/%d, sample %d, output %llu: ezkl %lld, scheme %lld",
                                 mi, cfg[ci][0], cfg[ci][1], cfg[ci][2], sidx, (unsigned long long)c,
                                 (long long)got[sidx * k + c], (long long)want[c]);
            }
            zkb_model_free(m);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_dense_end_to_end),
        cmocka_unit_test(test_tiny_cnn_exact),
        cmocka_unit_test(test_witness_batch_matches_scheme),
        cmocka_unit_test(test_accuracy_pass_heart),
        cmocka_unit_test(test_unavailable_python),
        cmocka_unit_test(test_driver_export_and_tampered_proof),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
