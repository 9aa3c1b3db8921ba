/* The circom backend end to end through the runner (groth16, plonk, fflonk on
 * a micro model: the runner checks the proof's public outputs against the
 * reference evaluator, so "ok" means equal outputs, and its EVM step that
 * snarkjs's Solidity verifier takes the proof and refuses two tampered
 * copies (more in test_circom_evm); pad2d and what it costs),
 * and soundness: witnesses
 * that cheat (a changed output, a wrong remainder, a flipped ReLU sign) are
 * rejected by `snarkjs wtns check`, and a proof made from one does not
 * verify; prover=arkworks (zkb-circom-arkworks on the same key and
 * witness): a cell, snarkjs's verifier on its proof and on a tampered copy,
 * the refusals. Skips when node/snarkjs are missing (scripts/setup-node.sh),
 * the arkworks cases when the prover is not built (scripts/setup-native.sh);
 * with ZKB_REQUIRE_BACKENDS either is a failure. */
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

static zkbt_backend *g; /* one fixture for the whole group: the cache is shared */
static char g_model[320]; /* ZKBT_MICRO_MODEL, written into g->dir */
static int g_evm;         /* the run's EVM step can run here (docs/evm.md) */
static char g_ark[900];   /* zkb-circom-arkworks where the plugin finds it in the build tree, or "" */

/* Without node and the npm tools the cases skip (loudly, in group_setup);
 * the test suite installs them, so in CI they run. */
static int group_setup(void **state)
{
    (void)state;
    g = zkbt_backend_new("circom");
    if (!g)
        return -1;
    zkbt_fmt(g_model, sizeof g_model, "%s/micro.json", g->dir);
    zkbt_write_file(g_model, ZKBT_MICRO_MODEL, strlen(ZKBT_MICRO_MODEL));
    setenv("ZKB_NODE_TOOLS", TOOLS, 1);
    g_evm = zkb_evm_probe(g->ctx, NULL, 0) == ZKB_OK;
    if (zkbt_backend_open(g, CIRCOM, "run scripts/setup-node.sh") != 0)
        return -1;
    /* <data dir of circom>/../circom-arkworks/toolchain: the build tree's
     * link to tools/circom-arkworks, the plugin's first place to look */
    zkb_backend_ref *b = zkb_backend_find(g->ctx, "circom");
    const char *d = b ? zkb_backend_data_dir(b) : NULL;
    if (d)
        zkbt_fmt(g_ark, sizeof g_ark, "%s/../circom-arkworks/toolchain/bin/zkb-circom-arkworks", d);
    if (!d || access(g_ark, X_OK) != 0) {
        printf("[  SKIP    ] prover=arkworks cases: zkb-circom-arkworks not built (%s): run scripts/setup-native.sh\n",
               d ? g_ark : "no data directory");
        g_ark[0] = '\0';
    }
    return 0;
}

/* In a prover=arkworks case: skip without the binary, unless every backend
 * is required (scripts/test.sh, CI), where that is a failure. */
#define NEED_ARKWORKS()                                                                           \
    do {                                                                                          \
        ZKBT_NEED_BACKEND(g);                                                                     \
        if (!g_ark[0]) {                                                                          \
            if (zkbt_backends_required())                                                         \
                fail_msg("ZKB_REQUIRE_BACKENDS is set but zkb-circom-arkworks is not built "      \
                         "(scripts/setup-native.sh)");                                            \
            skip();                                                                               \
        }                                                                                         \
    } while (0)

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

/* ---- prover=arkworks ---- */

/* A Groth16 cell proved by arkworks: its outputs equal the reference's (the
 * runner), snarkjs's verifier accepted it (verify), so did the EVM step's;
 * the key came from the snarkjs cells' cache entry (the prover is not part of
 * its name), and setup added the converted key model.zkey.<version>.ark to that entry
 * (metric arkworks_key_convert_s); the next arkworks cell finds it there. */
static void test_arkworks_cell(void **state)
{
    (void)state;
    NEED_ARKWORKS();
    char dir[600];
    if (find_groth16_dir(dir, sizeof dir) != 0)
        fail_msg("no cached groth16 circuit of the micro model (test_groth16 must run first)");
    /* a fresh conversion, whatever ran before */
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".ark") == 0)
            unlink(zkbt_path(dir, e->d_name));
    }
    closedir(d);
    cJSON *j = run_cell(g_model, "prover=arkworks", "1", "ok");
    assert_string_equal(zkbt_info(j, "prover"), "arkworks");
    const char *v = zkbt_info(j, "prover_version");
    if (strncmp(v, "ark-circom 0.6.0; ark-groth16 0.6.", 34) != 0 || !strstr(v, "; rustc "))
        fail_msg("prover_version %s", v);
    assert_string_equal(zkbt_info(j, "setup_cache"), "hit");
    assert_string_equal(zkbt_info(j, "arkworks_key_cache"), "made");
    assert_true(zkbt_metric(j, "arkworks_key_convert_s") > 0);
    assert_true(zkbt_metric(j, "arkworks_key_size") > 0);
    const char *ark = zkbt_info(j, "arkworks_key");
    assert_true(strncmp(ark, dir, strlen(dir)) == 0 && strstr(ark, ".ark"));
    assert_int_equal(access(ark, R_OK), 0);
    assert_int_equal((int)zkbt_metric(j, "proof_size"), 256);
    assert_true(zkbt_metric(j, "prove_core_s") >= 0 && zkbt_metric(j, "prove_load_s") >= 0);
    assert_true(zkbt_metric(j, "threads") >= 1);
    check_evm(j, "groth16");
    cJSON_Delete(j);

    /* again: the converted key is reused, nothing converted in setup */
    j = run_cell(g_model, "prover=arkworks", "1", "ok");
    assert_string_equal(zkbt_info(j, "arkworks_key_cache"), "hit");
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "metrics"),
                                                 "arkworks_key_convert_s"));
    cJSON_Delete(j);
}

/* a - b for decimal strings with a >= b, into out */
static void dec_sub(const char *a, const char *b, char *out, size_t cap)
{
    size_t na = strlen(a), nb = strlen(b);
    assert_true(na >= nb && na < cap);
    int borrow = 0;
    out[na] = '\0';
    for (size_t i = 0; i < na; i++) {
        int d = a[na - 1 - i] - '0' - borrow - (i < nb ? b[nb - 1 - i] - '0' : 0);
        borrow = d < 0;
        out[na - 1 - i] = (char)('0' + (d + 10) % 10);
    }
    assert_int_equal(borrow, 0);
    size_t z = strspn(out, "0");
    memmove(out, out + (z == na ? na - 1 : z), na - (z == na ? na - 1 : z) + 1);
}

/* The cross-check, by hand: zkb-circom-arkworks proves one witness of the
 * cached micro circuit; `snarkjs groth16 verify` with the cached verifying
 * key accepts it, and its public signals are snarkjs's own for that witness;
 * the proof with pi_c negated (y -> q - y: still a curve point, so only the
 * pairing check can refuse it) does not verify; a file that is not a witness
 * is refused with exit 1. */
static void test_arkworks_cross_check(void **state)
{
    (void)state;
    NEED_ARKWORKS();
    char dir[600];
    if (find_groth16_dir(dir, sizeof dir) != 0)
        fail_msg("no cached groth16 circuit of the micro model (test_groth16 must run first)");
    char wasm[700], gen[700], zkey[700], vkey[700], in[400], wt[400], pf[400], pub[400], times[400], spf[400],
        spub[400];
    zkbt_fmt(wasm, sizeof wasm, "%s/model_js/model.wasm", dir);
    zkbt_fmt(gen, sizeof gen, "%s/model_js/generate_witness.js", dir);
    zkbt_fmt(zkey, sizeof zkey, "%s/model.zkey", dir);
    zkbt_fmt(vkey, sizeof vkey, "%s/vkey.json", dir);
    zkbt_fmt(in, sizeof in, "%s/ark_input.json", g->dir);
    zkbt_fmt(wt, sizeof wt, "%s/ark.wtns", g->dir);
    zkbt_fmt(pf, sizeof pf, "%s/ark_proof.json", g->dir);
    zkbt_fmt(pub, sizeof pub, "%s/ark_public.json", g->dir);
    zkbt_fmt(times, sizeof times, "%s/ark_times.json", g->dir);
    zkbt_fmt(spf, sizeof spf, "%s/sj_proof.json", g->dir);
    zkbt_fmt(spub, sizeof spub, "%s/sj_public.json", g->dir);
    /* x = (1.25, -0.5, 0.75) at S = 4 */
    const char *input = "{\"in\": [\"5\", \"21888242871839275222246405745257275088548364400416034343698204186575808495615\", "
                        "\"3\"]}\n";
    zkbt_write_file(in, input, strlen(input));
    const char *wg[] = {"node", gen, wasm, in, wt, NULL};
    assert_int_equal(zkbt_run(NULL, wg, NULL, 0), 0);

    /* from the converted key (what the backend proves from), then from the
     * zkey itself: both proofs verify, with the same public signals */
    char conv[400], zpf[400], zpub[400];
    zkbt_fmt(conv, sizeof conv, "%s/ark_key.ark", g->dir);
    zkbt_fmt(zpf, sizeof zpf, "%s/ark_zkey_proof.json", g->dir);
    zkbt_fmt(zpub, sizeof zpub, "%s/ark_zkey_public.json", g->dir);
    const char *cv[] = {g_ark, "convert", zkey, conv, NULL};
    assert_int_equal(zkbt_run(NULL, cv, NULL, 0), 0);
    size_t conv_len = 0;
    char *conv_bytes = zkbt_read_file(conv, &conv_len);
    assert_true(conv_len > 100);
    assert_int_equal(memcmp(conv_bytes, "zkb-ark-groth1\n", 16), 0); /* its magic, with the NUL */
    const char *pr[] = {g_ark, "prove", conv, wt, pf, pub, times, NULL};
    assert_int_equal(zkbt_run(NULL, pr, NULL, 0), 0);
    const char *vf[] = {"groth16", "verify", vkey, pub, pf, NULL};
    if (snarkjs(vf) != 0)
        fail_msg("snarkjs groth16 verify refused zkb-circom-arkworks's proof (converted key)");
    assert_non_null(strstr(zkbt_file_text(times), "\"prove_s\""));
    assert_non_null(strstr(zkbt_file_text(times), "\"key_format\": 1"));
    const char *pz[] = {g_ark, "prove", zkey, wt, zpf, zpub, times, NULL};
    assert_int_equal(zkbt_run(NULL, pz, NULL, 0), 0);
    const char *vz[] = {"groth16", "verify", vkey, zpub, zpf, NULL};
    if (snarkjs(vz) != 0)
        fail_msg("snarkjs groth16 verify refused zkb-circom-arkworks's proof (zkey)");
    assert_non_null(strstr(zkbt_file_text(times), "\"key_format\": 0"));
    char *pub_text = zkbt_read_file(pub, NULL);
    assert_string_equal(pub_text, zkbt_file_text(zpub));
    free(pub_text);

    /* the public signals: snarkjs's, from the same witness */
    const char *sp[] = {"groth16", "prove", zkey, wt, spf, spub, NULL};
    assert_int_equal(snarkjs(sp), 0);
    cJSON *a = cJSON_Parse(zkbt_file_text(pub)), *b = cJSON_Parse(zkbt_file_text(spub));
    assert_true(cJSON_IsArray(a) && cJSON_GetArraySize(a) == 5);
    assert_true(cJSON_Compare(a, b, 1));
    cJSON_Delete(a);
    cJSON_Delete(b);

    /* one coordinate changed: pi_c = (x, q - y) */
    cJSON *p = cJSON_Parse(zkbt_file_text(pf));
    assert_non_null(p);
    cJSON *y = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "pi_c"), 1);
    assert_true(cJSON_IsString(y));
    char neg[100];
    dec_sub("21888242871839275222246405745257275088696311157297823662689037894645226208583", y->valuestring, neg,
            sizeof neg);
    cJSON_SetValuestring(y, neg);
    char *txt = cJSON_Print(p);
    char bad[400];
    zkbt_fmt(bad, sizeof bad, "%s/ark_proof_tampered.json", g->dir);
    zkbt_write_file(bad, txt, strlen(txt));
    free(txt);
    cJSON_Delete(p);
    const char *vb[] = {"groth16", "verify", vkey, pub, bad, NULL};
    if (snarkjs(vb) == 0)
        fail_msg("a tampered arkworks proof verified");

    /* not a witness: exit 1 */
    char junk[400];
    zkbt_fmt(junk, sizeof junk, "%s/junk.wtns", g->dir);
    zkbt_write_file(junk, "wtnx", 4);
    const char *pj[] = {g_ark, "prove", conv, junk, pf, pub, NULL};
    assert_int_equal(zkbt_run(NULL, pj, NULL, 0), 1);
    /* not a zkey: convert exits 1 and leaves no file */
    char out[400];
    zkbt_fmt(out, sizeof out, "%s/junk.ark", g->dir);
    const char *cj[] = {g_ark, "convert", junk, out, NULL};
    assert_int_equal(zkbt_run(NULL, cj, NULL, 0), 1);
    assert_int_not_equal(access(out, F_OK), 0);
    /* a truncated converted key: refused, exit 1 */
    char cut[400];
    zkbt_fmt(cut, sizeof cut, "%s/cut.ark", g->dir);
    zkbt_write_file(cut, conv_bytes, conv_len / 2);
    free(conv_bytes);
    const char *pc[] = {g_ark, "prove", cut, wt, pf, pub, NULL};
    assert_int_equal(zkbt_run(NULL, pc, NULL, 0), 1);
}

/* Refusals: arkworks proves Groth16 only; a missing binary makes the cell
 * unavailable, with the command that builds it. */
/* The Groth16 cells of the other cases, proved by arkworks (after them:
 * their circuits and keys come from the cache, so this costs a conversion
 * and a proof each): private and hashed weights, a hashed input, the tiny
 * CNN and pad2d; outputs equal to the reference's, commitments checked,
 * snarkjs's verifier satisfied. */
static void test_arkworks_modes(void **state)
{
    (void)state;
    NEED_ARKWORKS();
    char pad[400];
    zkbt_fmt(pad, sizeof pad, "%s/tiny_pad.json", g->dir);
    zkbt_write_file(pad, ZKBT_PAD_MODEL, strlen(ZKBT_PAD_MODEL));
    const struct {
        const char *model, *options;
    } cells[] = {
        {g_model, "prover=arkworks,weights=private,input=private"},
        {g_model, "prover=arkworks,weights=hashed,input=hashed"},
        {ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json", "prover=arkworks,weights=hashed"},
        {pad, "prover=arkworks"},
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        cJSON *j = run_cell(cells[i].model, cells[i].options, "1", "ok");
        assert_string_equal(zkbt_info(j, "prover"), "arkworks");
        if (strstr(cells[i].options, "weights=hashed"))
            assert_string_equal(zkbt_info(j, "weights_commitment"), zkbt_info(j, "weights_commitment_expected"));
        if (strstr(cells[i].options, "input=hashed"))
            assert_string_equal(zkbt_info(j, "input_commitment"), zkbt_info(j, "input_commitment_expected"));
        cJSON_Delete(j);
    }
}

static void test_arkworks_refused(void **state)
{
    (void)state;
    ZKBT_NEED_BACKEND(g);
    cJSON *j = run_cell(g_model, "proof_system=plonk,prover=arkworks", "1", "failed");
    const char *why = zkbt_json_str(j, "reason", NULL);
    if (!strstr(why, "prover=arkworks proves Groth16 only"))
        fail_msg("plonk with prover=arkworks: %s", why);
    assert_int_equal(cJSON_GetObjectItem(j, "error_code")->valueint, ZKB_ERR_UNSUPPORTED);
    cJSON_Delete(j);

    j = run_cell(g_model, "prover=arkworks,arkworks=/nonexistent-zkb/zkb-circom-arkworks", "1", "unavailable");
    why = zkbt_json_str(j, "reason", NULL);
    if (!strstr(why, "no executable at /nonexistent-zkb/zkb-circom-arkworks") || !strstr(why, "zkbench setup circom"))
        fail_msg("missing zkb-circom-arkworks: %s", why);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plonk),
        cmocka_unit_test(test_groth16),
        cmocka_unit_test(test_soundness),
        cmocka_unit_test(test_arkworks_cell),
        cmocka_unit_test(test_arkworks_cross_check),
        cmocka_unit_test(test_arkworks_refused),
        cmocka_unit_test(test_fflonk),
        cmocka_unit_test(test_private_weights),
        cmocka_unit_test(test_hashed_weights),
        cmocka_unit_test(test_pad2d),
        cmocka_unit_test(test_arkworks_modes),
        cmocka_unit_test(test_commitment_script),
        cmocka_unit_test(test_unavailable_tools),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
