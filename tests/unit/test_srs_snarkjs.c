/* snarkjs accepts the native testing-only powers of tau (lib/srs): for two
 * small circom circuits, Groth16, PLONK and FFLONK setups from a file of
 * zkb_srs_write_ptau succeed, their proofs verify, and a proof checked
 * against changed public signals does not. And snarkjs's own `powersoftau
 * prepare phase2`, run on our file (it reads sections 2-7 only), writes the
 * very same bytes: our Lagrange sections 12-15 are snarkjs's.
 *
 * Needs node and the npm tools (scripts/setup-node.sh): skips without them,
 * fails instead when ZKB_REQUIRE_BACKENDS is set (scripts/test.sh), like the
 * circom backend tests. */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core_int.h"
#include "zkmlbench/zkb_srs.h"

#define TOOLS ZKB_SOURCE_DIR "/tools/node"
#define SNARKJS TOOLS "/node_modules/snarkjs/build/cli.cjs"
#define CIRCOM2 TOOLS "/node_modules/circom2/cli.js"

static char g_dir[64];
static int g_avail;

static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, needle) != NULL;
}

/* The tail of a log, printed before a failure (the directory is removed). */
static void show(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    printf("---- %s ----\n%s\n----\n", path, n > 3000 ? buf + n - 3000 : buf);
}

static int group_setup(void **state)
{
    (void)state;
    if (zkbt_tmpdir(g_dir, sizeof g_dir, "srs-sj") != 0)
        return -1;
    const char *ver[] = {"node", "--version", NULL};
    g_avail = access(SNARKJS, R_OK) == 0 && access(CIRCOM2, R_OK) == 0 && zkbt_run(NULL, ver, NULL, 1) == 0;
    if (!g_avail) {
        printf("[  SKIP    ] node, snarkjs or circom2 missing: run scripts/setup-node.sh\n");
        if (zkbt_backends_required()) {
            fprintf(stderr, "ZKB_REQUIRE_BACKENDS is set but node/snarkjs/circom2 are missing\n");
            return -1;
        }
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return zkbi_remove_tree(g_dir) == 0 ? 0 : -1;
}

static int snarkjs(const char *const *args, const char *log)
{
    const char *argv[16] = {"node", "--max-old-space-size=4096", SNARKJS};
    int k = 3;
    for (int i = 0; args[i] && k < 15; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    return zkbt_run(NULL, argv, log, 1);
}

/* Two circuits: a product with a public input, and a chain of squarings with
 * additions (more constraints, so PLONK and FFLONK use a larger domain). */
static const struct {
    const char *name, *src, *input;
} circuits[] = {
    {"mul",
     "pragma circom 2.0.0;\n"
     "template Mul() { signal input a; signal input b; signal output c; c <== a * b; }\n"
     "component main {public [a]} = Mul();\n",
     "{\"a\": \"3\", \"b\": \"11\"}"},
    {"chain",
     "pragma circom 2.0.0;\n"
     "template Chain(n) {\n"
     "  signal input x; signal input k; signal output y;\n"
     "  signal s[n + 1]; signal t[n];\n"
     "  s[0] <== x;\n"
     "  for (var i = 0; i < n; i++) { t[i] <== s[i] * s[i]; s[i + 1] <== t[i] * k + i; }\n"
     "  y <== s[n];\n"
     "}\n"
     "component main {public [x]} = Chain(16);\n",
     "{\"x\": \"2\", \"k\": \"7\"}"},
};

static void prove_all(void **state)
{
    (void)state;
    if (!g_avail)
        skip();
    /* power 9: Groth16 and PLONK need 2^6 at most here, FFLONK a tauG1
     * section of 9 * 2^d + 18 points, d = 6 for the chain (2^10 - 1 >= 594) */
    char ptau[160], err[256];
    zkbt_fmt(ptau, sizeof ptau, "%s/native9.ptau", g_dir);
    assert_int_equal(zkb_srs_write_ptau(ptau, 9, "snarkjs-test", 0, err, sizeof err), ZKB_OK);
    for (size_t c = 0; c < sizeof circuits / sizeof circuits[0]; c++) {
        char dir[160], src[200], in[200], r1cs[220], wasm[240], gen[240], wtns[220];
        zkbt_fmt(dir, sizeof dir, "%s/%s", g_dir, circuits[c].name);
        assert_int_equal(mkdir(dir, 0755), 0);
        zkbt_fmt(src, sizeof src, "%s/%s.circom", dir, circuits[c].name);
        zkbt_fmt(in, sizeof in, "%s/input.json", dir);
        FILE *f = fopen(src, "w");
        assert_non_null(f);
        fputs(circuits[c].src, f);
        fclose(f);
        f = fopen(in, "w");
        assert_non_null(f);
        fputs(circuits[c].input, f);
        fclose(f);
        /* circom2 (WASI) sees its working directory only: compile in dir */
        char file[64];
        zkbt_fmt(file, sizeof file, "%s.circom", circuits[c].name);
        const char *cc[] = {"node", CIRCOM2, file, "--r1cs", "--wasm", "-o", ".", NULL};
        char log[220];
        zkbt_fmt(log, sizeof log, "%s/compile.log", dir);
        if (zkbt_run(dir, cc, log, 1) != 0 && (show(log), 1))
            fail_msg("circom2 failed on %s (see %s)", circuits[c].name, log);
        zkbt_fmt(r1cs, sizeof r1cs, "%s/%s.r1cs", dir, circuits[c].name);
        zkbt_fmt(wasm, sizeof wasm, "%s/%s_js/%s.wasm", dir, circuits[c].name, circuits[c].name);
        zkbt_fmt(gen, sizeof gen, "%s/%s_js/generate_witness.js", dir, circuits[c].name);
        zkbt_fmt(wtns, sizeof wtns, "%s/w.wtns", dir);
        const char *wg[] = {"node", gen, wasm, in, wtns, NULL};
        assert_int_equal(zkbt_run(NULL, wg, NULL, 1), 0);
        static const char *const systems[] = {"groth16", "plonk", "fflonk"};
        for (int s = 0; s < 3; s++) {
            char zkey[240], vk[240], proof[240], pub[240], bad[240], vlog[240];
            zkbt_fmt(zkey, sizeof zkey, "%s/%s.zkey", dir, systems[s]);
            zkbt_fmt(vk, sizeof vk, "%s/%s_vk.json", dir, systems[s]);
            zkbt_fmt(proof, sizeof proof, "%s/%s_proof.json", dir, systems[s]);
            zkbt_fmt(pub, sizeof pub, "%s/%s_public.json", dir, systems[s]);
            zkbt_fmt(bad, sizeof bad, "%s/%s_bad.json", dir, systems[s]);
            zkbt_fmt(vlog, sizeof vlog, "%s/%s.log", dir, systems[s]);
            const char *setup[] = {systems[s], "setup", r1cs, ptau, zkey, NULL};
            if (snarkjs(setup, vlog) != 0 && (show(vlog), 1))
                fail_msg("snarkjs %s setup failed on %s (see %s)", systems[s], circuits[c].name, vlog);
            const char *exp[] = {"zkey", "export", "verificationkey", zkey, vk, NULL};
            assert_int_equal(snarkjs(exp, NULL), 0);
            const char *prove[] = {systems[s], "prove", zkey, wtns, proof, pub, NULL};
            if (snarkjs(prove, vlog) != 0 && (show(vlog), 1))
                fail_msg("snarkjs %s prove failed on %s (see %s)", systems[s], circuits[c].name, vlog);
            const char *verify[] = {systems[s], "verify", vk, pub, proof, NULL};
            int rc = snarkjs(verify, vlog);
            if ((rc != 0 || !(file_has(vlog, "OK!") || file_has(vlog, "PROOF VERIFIED SUCCESSFULLY"))) &&
                (show(vlog), 1))
                fail_msg("snarkjs %s verify rejected the proof on %s (see %s)", systems[s], circuits[c].name,
                         vlog);
            /* the same proof against another public input does not verify */
            f = fopen(bad, "w");
            assert_non_null(f);
            fputs(c == 0 ? "[\"33\",\"4\"]" : "[\"1\",\"3\"]", f);
            fclose(f);
            const char *vbad[] = {systems[s], "verify", vk, bad, proof, NULL};
            assert_int_not_equal(snarkjs(vbad, NULL), 0);
            printf("[          ] %s: %s setup, prove, verify ok\n", circuits[c].name, systems[s]);
        }
    }
}

static void prepare_matches(void **state)
{
    (void)state;
    if (!g_avail)
        skip();
    char ours[160], theirs[160], err[256];
    zkbt_fmt(ours, sizeof ours, "%s/native6.ptau", g_dir);
    zkbt_fmt(theirs, sizeof theirs, "%s/native6_prepared_by_snarkjs.ptau", g_dir);
    assert_int_equal(zkb_srs_write_ptau(ours, 6, "prepare-check", 0, err, sizeof err), ZKB_OK);
    const char *prep[] = {"powersoftau", "prepare", "phase2", ours, theirs, NULL};
    assert_int_equal(snarkjs(prep, NULL), 0);
    const char *cmp[] = {"cmp", ours, theirs, NULL};
    assert_int_equal(zkbt_run(NULL, cmp, NULL, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prepare_matches),
        cmocka_unit_test(prove_all),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
