/* Setup: the circuit generated, compiled, given powers of tau and keys, all
 * cached by the circuit's content (zkbp_cache) so that a later cell with the
 * same circuit and options starts at witness. */
#include "circom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkmlbench/zkb_srs.h"

/* Fixed seed of the local powers of tau (tau, alpha, beta derive from it):
 * TESTING ONLY, anyone who reads this can forge proofs for circuits set up
 * with it. */
#define CS_TESTING_SEED "zkmlbench-circom TESTING ONLY not a ceremony"
/* Names the local ptau in the key cache: a change of generator or seed must
 * not reuse keys made from another file. */
#define CS_LOCAL_PTAU_ID "native-testing-v1:" CS_TESTING_SEED

static double secs_since(uint64_t t0)
{
    return (double)(zkbp_host->now_ns() - t0) / 1e9;
}

/* A locally generated powers of tau of this power: the native generator
 * (lib/srs, docs/srs.md) writes it prepared for phase 2, which serves
 * Groth16, PLONK and FFLONK alike. Cached by power under <cache>/ptau/ as
 * pot<P>_native_testing.ptau; a cached one up to two powers larger is reused
 * (the keys depend only on the circuit's domain, not on the file's power).
 * TESTING ONLY: tau comes from a fixed seed. */
static zkb_status local_ptau(cs_state *s, uint32_t power, char *out, size_t cap, uint32_t *used)
{
    char cbuf[ZKBP_PATH];
    const char *cache = zkbp_cache_dir(s->h, cbuf, sizeof cbuf);
    if (!cache)
        return zkbp_fail(s->h, ZKB_ERR_IO, "no cache directory");
    char dir[ZKBP_PATH];
    zkbp_fmt(dir, sizeof dir, "%s/ptau", cache);
    if (zkbp_mkdirs(dir) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", dir);
    for (uint32_t p = power; p <= power + 2 && p <= ZKB_SRS_PTAU_MAX_POWER; p++) {
        zkbp_fmt(out, cap, "%s/pot%u_native_testing.ptau", dir, p);
        if (zkbp_file_exists(out)) {
            *used = p;
            return ZKB_OK;
        }
    }
    if (power > ZKB_SRS_PTAU_MAX_POWER)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "circuit needs powers of tau 2^%u (> 2^%d)", power,
                         ZKB_SRS_PTAU_MAX_POWER);
    char tmp[ZKBP_PATH], msg[128], err[512];
    zkbp_fmt(out, cap, "%s/pot%u_native_testing.ptau", dir, power);
    zkbp_fmt(tmp, sizeof tmp, "%s/pot%u_%d.ptau", dir, power, (int)getpid());
    zkbp_fmt(msg, sizeof msg, "powers of tau 2^%u (native, TESTING ONLY)", power);
    zkbp_host->progress(s->h, -1, msg);
    zkb_status st = zkb_srs_write_ptau(tmp, power, CS_TESTING_SEED, 0, err, sizeof err);
    if (st != ZKB_OK) {
        unlink(tmp);
        return zkbp_fail(s->h, st, "native powers of tau: %s", err);
    }
    if (rename(tmp, out) != 0) {
        unlink(tmp);
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot rename %s", tmp);
    }
    *used = power;
    return ZKB_OK;
}

/* PLONK gate count (snarkjs's own, printed by plonk setup before it checks
 * the powers of tau): a dry run against a power-1 file. */
static zkb_status plonk_gates(cs_state *s, const char *dir, uint64_t *gates)
{
    char p0[ZKBP_PATH], z[ZKBP_PATH], log[ZKBP_PATH];
    zkbp_fmt(p0, sizeof p0, "%s/dry.ptau", dir);
    zkbp_fmt(z, sizeof z, "%s/dry.zkey", dir);
    zkbp_fmt(log, sizeof log, "%s/dry.log", dir);
    char err[512];
    zkb_status st = zkb_srs_write_ptau(p0, 1, CS_TESTING_SEED, 1, err, sizeof err);
    if (st != ZKB_OK)
        return zkbp_fail(s->h, st, "native powers of tau (dry run): %s", err);
    const char *a_set[] = {"plonk", "setup", s->r1cs, p0, z, NULL};
    s->quiet = 1; /* it fails on purpose: the file is too small */
    (void)cs_snarkjs(s, "snarkjs plonk setup (dry run for the gate count)", a_set, log);
    s->quiet = 0;
    unlink(p0);
    unlink(z);
    char *txt = zkbp_read_file(log, 1 << 20, NULL);
    unlink(log);
    const char *p = txt ? strstr(txt, "Plonk constraints: ") : NULL;
    if (!p) {
        zkbp_host->free(txt);
        return zkbp_fail(s->h, ZKB_ERR_INTERNAL, "cannot read the PLONK gate count from snarkjs");
    }
    *gates = strtoull(p + 19, NULL, 10);
    zkbp_host->free(txt);
    zkbp_host->set_error(s->h, "");
    return ZKB_OK;
}

static void record_sizes(cs_state *s)
{
    zkbp_host->metric(s->h, "constraints", (double)s->n_constraints, "count");
    zkbp_host->metric(s->h, "wires", (double)s->n_wires, "count");
    zkbp_host->metric(s->h, "public_signals", (double)s->n_public, "count");
    zkbp_host->metric(s->h, "vk_size", (double)zkbp_file_size(s->vkey), "bytes");
    zkbp_host->metric(s->h, "pk_size", (double)zkbp_file_size(s->zkey), "bytes");
}

static zkb_status build_circuit(cs_state *s, const char *dir, const char *circom_path, char *facts,
                                size_t cap)
{
    /* compile */
    uint64_t t0 = zkbp_host->now_ns();
    zkbp_host->progress(s->h, -1, "circom compile");
    const char *args[] = {circom_path, "--r1cs", "--wasm", "--sym", "--O2", "-l", s->t.circomlib, "-o", dir, NULL};
    zkb_status st;
    if (s->t.circom[0]) {
        const char *argv[12] = {s->t.circom};
        for (int i = 0; args[i]; i++)
            argv[i + 1] = args[i];
        st = cs_run(s, "circom", argv, NULL);
    } else {
        /* circom2 (WASI) resolves include paths relative to its working
         * directory only: run it in the tools directory. */
        args[6] = "node_modules";
        s->cwd = s->t.tools_dir;
        st = cs_node(s, "circom2", s->t.circom2_js, args, NULL);
        s->cwd = NULL;
    }
    if (st != ZKB_OK)
        return st;
    zkbp_host->metric(s->h, "compile_s", secs_since(t0), "s");
    if (cs_r1cs_info(s->r1cs, &s->n_constraints, &s->n_public, &s->n_wires) != 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "cannot read %s", s->r1cs);

    /* powers of tau */
    t0 = zkbp_host->now_ns();
    uint32_t need;
    uint64_t gates = 0;
    if (s->psys == CS_GROTH16) {
        need = zkbp_ceil_log2(s->n_constraints + s->n_public + 1);
    } else {
        if ((st = plonk_gates(s, dir, &gates)) != ZKB_OK)
            return st;
        if (s->psys == CS_PLONK) {
            need = zkbp_ceil_log2(gates);
        } else {
            /* fflonk: domain 2^d >= gates + 2 (d >= 3), and section 2 must
             * hold 9*2^d + 18 tau powers of G1, of which a ptau of power N
             * has 2^(N+1) - 1. */
            uint32_t d = zkbp_ceil_log2(gates + 2);
            if (d < 3)
                d = 3;
            need = zkbp_ceil_log2(9 * ((uint64_t)1 << d) + 19) - 1;
        }
    }
    if (need < 3)
        need = 3;
    char ptau[ZKBP_PATH];
    uint32_t used = need;
    if (s->ptau_opt) {
        int lag = 0;
        int pw = cs_ptau_power(s->ptau_opt, &lag);
        if (pw < 0)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "ptau %s: not a powers of tau file", s->ptau_opt);
        if ((uint32_t)pw < need)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "ptau %s has power %d; this circuit needs %u",
                             s->ptau_opt, pw, need);
        if (!lag)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG,
                             "ptau %s is not prepared for phase 2 (snarkjs powersoftau prepare phase2)",
                             s->ptau_opt);
        zkbp_fmt(ptau, sizeof ptau, "%s", s->ptau_opt);
        used = (uint32_t)pw;
        zkbp_host->info(s->h, "srs", "user-provided ptau");
    } else {
        if ((st = local_ptau(s, need, ptau, sizeof ptau, &used)) != ZKB_OK)
            return st;
        zkbp_host->info(s->h, "srs", "native testing-only ptau (seed " CS_TESTING_SEED ")");
    }
    zkbp_host->metric(s->h, "ptau_s", secs_since(t0), "s");

    /* keys: one setup, no phase-2 contribution (testing only) */
    t0 = zkbp_host->now_ns();
    zkbp_host->progress(s->h, -1, "key generation");
    const char *a_set[] = {cs_psys_name[s->psys], "setup", s->r1cs, ptau, s->zkey, NULL};
    if ((st = cs_snarkjs(s, "snarkjs setup", a_set, NULL)) != ZKB_OK)
        return st;
    const char *a_vk[] = {"zkey", "export", "verificationkey", s->zkey, s->vkey, NULL};
    if ((st = cs_snarkjs(s, "snarkjs zkey export verificationkey", a_vk, NULL)) != ZKB_OK)
        return st;
    zkbp_host->metric(s->h, "keygen_s", secs_since(t0), "s");
    zkbp_fmt(facts, cap, "ptau_power %u\nptau_power_needed %u\nplonk_gates %llu\n", used, need,
             (unsigned long long)gates);
    return ZKB_OK;
}

static void set_paths(void *user, const char *dir)
{
    cs_state *s = user;
    zkbp_fmt(s->cdir, sizeof s->cdir, "%s", dir);
    zkbp_fmt(s->r1cs, sizeof s->r1cs, "%s/model.r1cs", dir);
    zkbp_fmt(s->wasm, sizeof s->wasm, "%s/model_js/model.wasm", dir);
    zkbp_fmt(s->wgen, sizeof s->wgen, "%s/model_js/generate_witness.js", dir);
    zkbp_fmt(s->zkey, sizeof s->zkey, "%s/model.zkey", dir);
    zkbp_fmt(s->vkey, sizeof s->vkey, "%s/vkey.json", dir);
}

/* A new cache entry: the circuit copied in, compiled, and its keys. */
static zkb_status build_entry(void *user, const char *dir, char *facts, size_t cap)
{
    cs_state *s = user;
    char src[ZKBP_PATH], csrc[ZKBP_PATH];
    zkbp_fmt(src, sizeof src, "%s/model.circom", s->wdir);
    zkbp_fmt(csrc, sizeof csrc, "%s/model.circom", dir);
    if (zkbp_copy_file(src, csrc) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", csrc);
    return build_circuit(s, dir, csrc, facts, cap);
}

zkb_status cs_setup(void *state)
{
    cs_state *s = state;
    if (!s->qm)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "setup before quantize");
    char cache[ZKBP_PATH];
    zkb_status st = zkbp_work_dirs(s->h, cache, s->wdir);
    if (st != ZKB_OK)
        return st;

    /* Generate the circuit in scratch; its text (weights, widths, scale,
     * options) + proof system + tool versions + ptau choice name the cache. */
    char src[ZKBP_PATH];
    zkbp_fmt(src, sizeof src, "%s/model.circom", s->wdir);
    if ((st = cs_gen_circuit(s, src)) != ZKB_OK)
        return st;
    char extra[2048];
    zkbp_fmt(extra, sizeof extra, "%s|%s|%s|%s|%s|%s", cs_psys_name[s->psys], s->t.circom_version,
             s->t.snarkjs_version, s->t.circomlib_version, s->ptau_opt ? s->ptau_opt : CS_LOCAL_PTAU_ID,
             s->t.circom[0] ? s->t.circom : "circom2");
    zkbp_cache_job job = {.kind = "circuits", .src = src, .extra = extra, .info_key = "circuit_cache",
                          .use = set_paths, .build = build_entry, .user = s};
    char facts[256];
    if ((st = zkbp_cache_build(s->h, cache, &job, facts, sizeof facts)) != ZKB_OK)
        return st;
    if (cs_r1cs_info(s->r1cs, &s->n_constraints, &s->n_public, &s->n_wires) != 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "cannot read %s", s->r1cs);
    unsigned pw = 0, need = 0;
    unsigned long long gates = 0;
    if (sscanf(facts, "ptau_power %u ptau_power_needed %u plonk_gates %llu", &pw, &need, &gates) == 3) {
        zkbp_host->metric(s->h, "ptau_power", pw, "log2");
        zkbp_host->metric(s->h, "ptau_power_needed", need, "log2");
        if (gates)
            zkbp_host->metric(s->h, "plonk_gates", (double)gates, "count");
    }
    record_sizes(s);
    /* the arkworks prover's own copy of the key, made once per entry: its
     * cost is setup's, not every proof's */
    if (s->prover == CS_PROVER_ARKWORKS && (st = cs_arkworks_key(s)) != ZKB_OK)
        return st;
    if (s->weights == CS_W_HASHED && (st = cs_weights_commit(s)) != ZKB_OK)
        return st;
    s->setup_done = 1;
    return ZKB_OK;
}
