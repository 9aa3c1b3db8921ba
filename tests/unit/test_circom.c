/* The circom backend end to end through the runner (groth16, plonk, fflonk on
 * a micro model: the runner checks the proof's public outputs against the
 * reference evaluator, so "ok" means equal outputs, and its EVM step that
 * snarkjs's Solidity verifier takes the proof and refuses two tampered
 * copies (more in test_circom_evm); pad2d and what it costs),
 * and soundness: witnesses
 * that cheat (a changed output, a wrong remainder, a flipped ReLU sign) are
 * rejected by `snarkjs wtns check`, and a proof made from one does not
 * verify. Skips when node/snarkjs are missing (scripts/setup-node.sh). */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkmlbench/zkmlbench.h"

#define CIRCOM ZKB_BUILD_PLUGIN_DIR "/zkb_circom.so"
#define TOOLS ZKB_SOURCE_DIR "/tools/node"

/* [1,1,3] -> flatten -> dense 2 -> relu -> dense 2 at S = 4 (run setting
 * quant.scale 2): small enough that PLONK fits 2^7 and FFLONK 2^10, which
 * keeps the powers-of-tau generation within the ctest time limit. */
static const char MICRO[] =
    "{\"format\":\"zkmlbench-model\",\"version\":1,\"name\":\"micro\",\"input\":{\"shape\":[1,1,3]},"
    "\"classes\":2,\"layers\":[{\"op\":\"flatten\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.5,-0.25,0.75,-0.6,0.3,0.2],\"bias\":[0.1,-0.2]},"
    "{\"op\":\"relu\"},"
    "{\"op\":\"dense\",\"units\":2,\"weights\":[0.4,-0.8,0.6,-0.3],\"bias\":[-0.1,0.25]}]}";

static zkbt_backend *g; /* one fixture for the whole group: the cache is shared */
static char g_model[320]; /* MICRO, written into g->dir */
static int g_evm;         /* the run's EVM step can run here (docs/evm.md) */

/* Without node and the npm tools the cases skip (loudly, in group_setup);
 * the test suite installs them, so in CI they run. */
static int group_setup(void **state)
{
    (void)state;
    g = zkbt_backend_new("circom");
    if (!g)
        return -1;
    zkbt_fmt(g_model, sizeof g_model, "%s/micro.json", g->dir);
    FILE *f = fopen(g_model, "w");
    if (!f || fputs(MICRO, f) < 0 || fclose(f) != 0)
        return -1;
    setenv("ZKB_NODE_TOOLS", TOOLS, 1);
    g_evm = zkb_evm_probe(g->ctx, NULL, 0) == ZKB_OK;
    return zkbt_backend_open(g, CIRCOM, "run scripts/setup-node.sh");
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

/* The EVM step of a one-sample cell, when it can run here: snarkjs's
 * verifier for psys took the proof (the runner fails the cell otherwise) and
 * refused both tampered copies. */
static void check_evm(const cJSON *j, const char *psys)
{
    if (!g_evm)
        return;
    char gen[64];
    zkbt_fmt(gen, sizeof gen, "solidityverifier (%s)", psys);
    zkbt_check_evm(j, gen, 1, zkbt_metric(j, "public_signals"));
}

/* plonk first: its 2^7 powers of tau then serve groth16 too. */
static void test_plonk(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "proof_system=plonk", "1", "ok");
    assert_string_equal(zkbt_info(j, "proof_system"), "plonk");
    assert_true(zkbt_metric(j, "plonk_gates") > zkbt_metric(j, "constraints"));
    assert_true(zkbt_metric(j, "ptau_power") <= 10);
    assert_int_equal((int)zkbt_metric(j, "proof_size"), 9 * 64 + 6 * 32);
    check_evm(j, "plonk");
    cJSON_Delete(j);
}

static void test_groth16(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "", "1", "ok");
    assert_string_equal(zkbt_info(j, "proof_system"), "groth16");
    assert_string_equal(zkbt_info(j, "weights_binding"), "verifying_key");
    assert_non_null(strstr(zkbt_info(j, "srs"), "TESTING ONLY"));
    /* 4 rescales x (2 remainder bits + quotient bits) + 2 ReLU products */
    double c = zkbt_metric(j, "constraints");
    assert_true(c > 10 && c < 80);
    assert_int_equal((int)zkbt_metric(j, "proof_size"), 256);
    assert_true(zkbt_metric(j, "pk_size") > 0 && zkbt_metric(j, "vk_size") > 0);
    assert_true(zkbt_metric(j, "compile_s") > 0);
    check_evm(j, "groth16");
    cJSON_Delete(j);
    /* the same cell again: compiled circuit and keys come from the cache */
    j = run_cell(g_model, "", "1", "ok");
    assert_string_equal(zkbt_info(j, "setup_cache"), "hit");
    cJSON_Delete(j);
}

static void test_fflonk(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "proof_system=fflonk", "1", "ok");
    assert_string_equal(zkbt_info(j, "proof_system"), "fflonk");
    assert_true(zkbt_metric(j, "ptau_power") <= 10);
    check_evm(j, "fflonk");
    cJSON_Delete(j);
}

static void test_private_weights(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "weights=private,input=private", "1", "ok");
    assert_string_equal(zkbt_info(j, "weights_binding"), "none");
    /* one constraint per product of two signals: 6 + 4 more than fixed */
    assert_true(zkbt_metric(j, "constraints") >= 10);
    cJSON_Delete(j);
}

static void test_hashed_weights(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "weights=hashed", "1", "ok");
    assert_string_equal(zkbt_info(j, "weights_binding"), "poseidon_commitment");
    /* the commitment is the public signal after the outputs: a field element */
    const char *c = zkbt_info(j, "weights_commitment");
    assert_true(strlen(c) > 10);
    assert_true(strspn(c, "0123456789") == strlen(c));
    /* one Poseidon over the 10 weights costs hundreds of constraints */
    assert_true(zkbt_metric(j, "constraints") > 200);
    /* verify recomputed it from the published weights, apart from the circuit */
    assert_string_equal(zkbt_info(j, "weights_commitment_expected"), c);
    assert_non_null(strstr(zkbt_info(j, "weights_commitment_check"), "circomlibjs"));
    cJSON_Delete(j);

    /* 47 parameters: a chain of four Poseidon calls (16, then 1 + 15 twice, then 1 + 1) */
    j = run_cell(ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json", "weights=hashed", "1", "ok");
    assert_string_equal(zkbt_info(j, "weights_commitment"), zkbt_info(j, "weights_commitment_expected"));
    cJSON_Delete(j);
}

/* pad2d before conv2d, avgpool2d and maxpool2d proves with outputs equal to
 * the reference; and a pad2d costs no constraint: its copies and zeros are
 * linear constraints that --O2 removes, so a conv after one costs what the
 * same conv on the input padded by hand does. */
static void test_pad2d(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    static const char *const names[] = {"tiny_pad.json", "pad_conv.json", "conv_5x5.json"};
    static const char *const text[] = {ZKBT_PAD_MODEL, ZKBT_PAD_CONV_MODEL("[1,3,3]", ZKBT_PAD_1),
                                       ZKBT_PAD_CONV_MODEL("[1,5,5]", "")};
    double constraints[3];
    for (int i = 0; i < 3; i++) {
        char path[400];
        zkbt_fmt(path, sizeof path, "%s/%s", g->dir, names[i]);
        zkbt_write_file(path, text[i], strlen(text[i]));
        cJSON *j = run_cell(path, "", "1", "ok");
        constraints[i] = zkbt_metric(j, "constraints");
        cJSON_Delete(j);
    }
    printf("circom constraints: tiny_pad %.0f, pad2d + conv2d %.0f, conv2d on the padded input %.0f\n",
           constraints[0], constraints[1], constraints[2]);
    assert_true(constraints[1] > 0);
    assert_true(constraints[1] == constraints[2]);
}

/* The recomputation's library against circomlibjs's published test vector,
 * Poseidon([1, 2]) = 0x115cc0f5...4417189a. */
static void test_commitment_script(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    char in[320], cmd[1024], got[128] = "";
    zkbt_fmt(in, sizeof in, "%s/w12.txt", g->dir);
    FILE *f = fopen(in, "w");
    assert_non_null(f);
    fputs("1\n2\n", f);
    fclose(f);
    zkbt_fmt(cmd, sizeof cmd, "node %s %s/node_modules %s", ZKB_SOURCE_DIR "/plugins/circom/driver/poseidon_chain.mjs",
        TOOLS, in);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (!fgets(got, sizeof got, p))
        got[0] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_string_equal(got, "7853200120776062878684798364095072458815029376092732009249414926327459813530\n");
}

static void test_unavailable_tools(void **state)
{
    (void)state;
    cJSON *j = run_cell(g_model, "tools_dir=/nonexistent-zkb-tools", "1", "unavailable");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "reason");
    assert_true(cJSON_IsString(r));
    assert_non_null(strstr(r->valuestring, "toolchain given as /nonexistent-zkb-tools"));
    cJSON_Delete(j);
}

/* ---- soundness ---- */


static int snarkjs(const char *const *args)
{
    const char *argv[16] = {"node", TOOLS "/node_modules/snarkjs/build/cli.cjs"};
    size_t n = 2;
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return zkbt_run(NULL, argv, NULL, 0);
}

/* The compiled groth16 circuit of the micro model in the cache. */
static int find_groth16_dir(char *out, size_t cap)
{
    char base[400];
    zkbt_fmt(base, sizeof base, "%s/circom/circuits", g->cache);
    DIR *d = opendir(base);
    if (!d)
        return -1;
    struct dirent *e;
    int found = -1;
    while ((e = readdir(d)) && found < 0) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
            continue;
        char vk[800];
        zkbt_fmt(vk, sizeof vk, "%s/%s/vkey.json", base, e->d_name);
        FILE *f = fopen(vk, "r");
        if (!f)
            continue;
        char buf[200] = "";
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char circ[800];
        zkbt_fmt(circ, sizeof circ, "%s/%s/model.circom", base, e->d_name);
        FILE *c = fopen(circ, "r");
        char head[400] = "";
        if (c) {
            size_t k = fread(head, 1, sizeof head - 1, c);
            head[k] = '\0';
            fclose(c);
        }
        if (strstr(buf, "groth16") && strstr(head, "model micro")) {
            zkbt_fmt(out, cap, "%s/%s", base, e->d_name);
            found = 0;
        }
    }
    closedir(d);
    return found;
}

/* Witness index of a signal, from the .sym file the plugin keeps beside the
 * circuit (circom --sym). */
static long sym_index(const char *sym, const char *name)
{
    FILE *f = fopen(sym, "r");
    if (!f)
        return -1;
    char line[512];
    long idx = -1;
    while (fgets(line, sizeof line, f)) {
        long lab, wit, comp;
        char nm[400];
        if (sscanf(line, "%ld,%ld,%ld,%399s", &lab, &wit, &comp, nm) == 4 && strcmp(nm, name) == 0) {
            idx = wit;
            break;
        }
    }
    fclose(f);
    return idx;
}

/* Highest index i such that "<prefix>[i]" is in the .sym file. */
static long sym_last(const char *sym, const char *prefix)
{
    long best = -1;
    for (long i = 0; i < 254; i++) {
        char nm[300];
        zkbt_fmt(nm, sizeof nm, "%s[%ld]", prefix, i);
        if (sym_index(sym, nm) >= 0)
            best = i;
    }
    return best;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Pointer to witness element idx inside a .wtns image (section 2). */
static unsigned char *wtns_elem(unsigned char *b, size_t n, long idx)
{
    assert_true(n > 12 && memcmp(b, "wtns", 4) == 0);
    uint32_t ns = le32(b + 8);
    size_t off = 12;
    uint32_t n8 = 32;
    for (uint32_t i = 0; i < ns && off + 12 <= n; i++) {
        uint32_t type = le32(b + off);
        uint64_t size = (uint64_t)le32(b + off + 4) | (uint64_t)le32(b + off + 8) << 32;
        if (type == 1)
            n8 = le32(b + off + 12);
        if (type == 2) {
            assert_true((uint64_t)(idx + 1) * n8 <= size);
            return b + off + 12 + (size_t)idx * n8;
        }
        off += 12 + (size_t)size;
    }
    fail_msg("no witness section");
    return NULL;
}

static void test_soundness(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    char dir[600];
    if (find_groth16_dir(dir, sizeof dir) != 0)
        fail_msg("no cached groth16 circuit of the micro model (test_groth16 must run first)");
    char p[8][800];
    zkbt_fmt(p[0], sizeof p[0], "%s/model.circom", dir);
    zkbt_fmt(p[1], sizeof p[1], "%s/sym", g->dir);
    zkbt_fmt(p[2], sizeof p[2], "%s/model.r1cs", dir);
    zkbt_fmt(p[3], sizeof p[3], "%s/model_js/model.wasm", dir);
    zkbt_fmt(p[4], sizeof p[4], "%s/input.json", g->dir);
    zkbt_fmt(p[5], sizeof p[5], "%s/good.wtns", g->dir);
    zkbt_fmt(p[6], sizeof p[6], "%s/model.zkey", dir);
    zkbt_fmt(p[7], sizeof p[7], "%s/vkey.json", dir);
    char sym[900];
    zkbt_fmt(sym, sizeof sym, "%s/model.sym", dir);
    (void)p[1];

    /* an honest witness: x = (0.5, -0.25, 1) at S = 4 */
    FILE *f = fopen(p[4], "w");
    assert_non_null(f);
    fprintf(f, "{\"in\": [\"2\", \"%s\", \"4\"]}\n",
            "21888242871839275222246405745257275088548364400416034343698204186575808495616");
    fclose(f);
    char gen[700];
    zkbt_fmt(gen, sizeof gen, "%s/model_js/generate_witness.js", dir);
    const char *wg[] = {"node", gen, p[3], p[4], p[5], NULL};
    assert_int_equal(zkbt_run(NULL, wg, NULL, 0), 0);
    const char *chk[] = {"wtns", "check", p[2], p[5], NULL};
    assert_int_equal(snarkjs(chk), 0);

    long i_out = sym_index(sym, "main.out[0]");
    long i_rem = sym_index(sym, "main.d1[1].rbits.b[0]");
    long top = sym_last(sym, "main.d1[1].qbits.b");
    assert_true(i_out > 0 && i_rem > 0 && top > 0);
    char nm[200];
    zkbt_fmt(nm, sizeof nm, "main.d1[1].qbits.b[%ld]", top);
    long i_sign = sym_index(sym, nm);
    assert_true(i_sign > 0);

    size_t n = 0;
    unsigned char *good = (unsigned char *)zkbt_read_file(p[5], &n);
    struct {
        const char *what;
        long idx;
        int kind; /* 0: add 1, 1: flip a bit */
    } cheats[] = {{"changed output", i_out, 0}, {"wrong remainder", i_rem, 1}, {"flipped ReLU sign", i_sign, 1}};
    for (size_t c = 0; c < sizeof cheats / sizeof cheats[0]; c++) {
        unsigned char *b = malloc(n);
        assert_non_null(b);
        memcpy(b, good, n);
        unsigned char *e = wtns_elem(b, n, cheats[c].idx);
        if (cheats[c].kind == 0) {
            for (int k = 0; k < 32 && ++e[k] == 0; k++)
                ;
        } else {
            assert_true(e[0] <= 1);
            e[0] ^= 1;
        }
        char bad[700];
        zkbt_fmt(bad, sizeof bad, "%s/bad%zu.wtns", g->dir, c);
        zkbt_write_file(bad, b, n);
        free(b);
        const char *bchk[] = {"wtns", "check", p[2], bad, NULL};
        if (snarkjs(bchk) == 0)
            fail_msg("cheating witness (%s) passed snarkjs wtns check", cheats[c].what);
        if (c == 0) {
            /* a proof from the cheating witness: made, but it does not verify */
            char pf[700], pub[700];
            zkbt_fmt(pf, sizeof pf, "%s/bad_proof.json", g->dir);
            zkbt_fmt(pub, sizeof pub, "%s/bad_public.json", g->dir);
            const char *pr[] = {"groth16", "prove", p[6], bad, pf, pub, NULL};
            assert_int_equal(snarkjs(pr), 0);
            const char *vf[] = {"groth16", "verify", p[7], pub, pf, NULL};
            if (snarkjs(vf) == 0)
                fail_msg("a proof of a changed output verified");
        }
    }
    free(good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plonk),
        cmocka_unit_test(test_groth16),
        cmocka_unit_test(test_soundness),
        cmocka_unit_test(test_fflonk),
        cmocka_unit_test(test_private_weights),
        cmocka_unit_test(test_hashed_weights),
        cmocka_unit_test(test_pad2d),
        cmocka_unit_test(test_commitment_script),
        cmocka_unit_test(test_unavailable_tools),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
