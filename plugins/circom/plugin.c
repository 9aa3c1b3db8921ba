/* The circom backend: circuits generated from the model (gen_circuit.c),
 * compiled with circom (native, or circom2 = circom as WebAssembly), proved
 * with snarkjs (Groth16, PLONK or FFLONK). Every child runs through
 * host->spawn. See docs/circom.md. */
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

static const zkb_option_decl cs_options[] = {
    {"proof_system", ZKB_OPT_STRING, "groth16", "groth16|plonk|fflonk", "snarkjs proof system"},
    {"weights", ZKB_OPT_STRING, "fixed", "fixed|private|hashed",
     "fixed: circuit constants (bound by the verifying key); private: free private inputs "
     "(proves nothing about the model, like circomlib-ml); hashed: private + Poseidon commitment "
     "as a public output"},
    {"input", ZKB_OPT_STRING, "public", "public|private", "visibility of the input"},
    {"ptau", ZKB_OPT_STRING, "", NULL,
     "a .ptau file of your own (e.g. from a public ceremony) instead of a local testing-only one"},
    {"tools_dir", ZKB_OPT_STRING, "", NULL,
     "directory with node_modules/{snarkjs,circom2,circomlib} (default $ZKB_NODE_TOOLS, else "
     "tools/node of the source tree)"},
};

static const char *const psys_name[] = {"groth16", "plonk", "fflonk"};
static const char *const weights_name[] = {"fixed", "private", "hashed"};

static zkb_status cs_probe(zkb_host_ctx *h)
{
    cs_tools t;
    char why[512];
    zkb_status st = cs_find_tools(h, NULL, &t, why, sizeof why);
    if (st != ZKB_OK)
        return zkbp_fail(h, ZKB_ERR_UNAVAILABLE, "%s", why);
    char v[512];
    zkbp_fmt(v, sizeof v, "%s; snarkjs %s; node %s", t.circom_version, t.snarkjs_version,
             t.node_version);
    zkbp_host->info(h, "framework_version", v);
    zkbp_host->info(h, "circom", t.circom[0] ? t.circom : "circom2 (wasm, npm)");
    return ZKB_OK;
}

static zkb_status cs_create(zkb_host_ctx *h, void **out)
{
    cs_state *s = zkbp_host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    s->input_public = 1;
    *out = s;
    return ZKB_OK;
}

static void cs_destroy(void *state)
{
    cs_state *s = state;
    if (!s)
        return;
    zkbp_host->free(s->ptau_opt);
    zkbp_host->free(s->tools_opt);
    zkbp_widths_free(&s->bits);
    zkbp_host->free(s->expect);
    zkbp_host->free(s);
}

static zkb_status cs_set_option(void *state, const char *key, const zkb_option_value *v)
{
    cs_state *s = state;
    if (strcmp(key, "proof_system") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->psys);
    if (strcmp(key, "weights") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->weights);
    if (strcmp(key, "input") == 0) {
        int i = 0;
        zkb_status st = zkbp_opt_choice(s->h, key, v, &i);
        if (st == ZKB_OK)
            s->input_public = i == 0;
        return st;
    }
    if (strcmp(key, "ptau") == 0)
        return zkbp_opt_strdup(&s->ptau_opt, v);
    if (strcmp(key, "tools_dir") == 0)
        return zkbp_opt_strdup(&s->tools_opt, v);
    return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "unknown option %s", key);
}

static zkb_status cs_load_model(void *state, const zkb_model_desc *m)
{
    cs_state *s = state;
    char why[512];
    if (cs_find_tools(s->h, s->tools_opt, &s->t, why, sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "%s", why);
    s->have_tools = 1;
    s->m = m;
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    zkb_status st = zkbp_check_ops(s->h, m);
    if (st != ZKB_OK)
        return st;
    char v[512];
    zkbp_fmt(v, sizeof v, "%s; snarkjs %s; node %s", s->t.circom_version, s->t.snarkjs_version,
             s->t.node_version);
    zkbp_host->info(s->h, "framework_version", v);
    zkbp_host->info(s->h, "compiler", s->t.circom[0] ? "circom (native)" : "circom2 (wasm, npm)");
    zkbp_host->info(s->h, "proof_system", psys_name[s->psys]);
    zkbp_host->info(s->h, "weights", weights_name[s->weights]);
    zkbp_host->info(s->h, "input_visibility", s->input_public ? "public" : "private");
    zkbp_host->info(s->h, "weights_binding",
                    s->weights == CS_W_FIXED    ? "verifying_key"
                    : s->weights == CS_W_HASHED ? "poseidon_commitment"
                                              : "none");
    zkbp_host->metric(s->h, "params", (double)m->n_params, "count");
    return ZKB_OK;
}

static zkb_status cs_quantize(void *state, const zkb_qmodel_desc *qm)
{
    cs_state *s = state;
    if (!zkbp_quant_exact(qm))
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "only the pow2/pow10 schemes with half_up or floor rounding");
    if (!ZKBP_HOST_HAS(value_bits))
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED,
                       "the host lacks value_bits (ABI 1.1): range checks cannot be sized");
    if (!s->m)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "quantize called before load_model");
    if (s->qm)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "quantize called twice in one session");
    if (qm->n_layers != s->m->n_layers)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "quantized model has %u layers, model %u",
                         qm->n_layers, s->m->n_layers);
    s->qm = qm;
    uint32_t n = qm->n_layers;
    s->expect = zkbp_host->alloc((s->n_out + 1) * sizeof *s->expect);
    zkb_status st = s->expect ? zkbp_widths_get(s->h, n, &s->bits) : ZKB_ERR_NOMEM;
    if (st == ZKB_ERR_NOMEM)
        return zkbp_fail(s->h, ZKB_ERR_NOMEM, "out of memory");
    if (st != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "values too wide for this circuit (range analysis: %s)",
                         st == ZKB_ERR_OVERFLOW ? "beyond int64" : "failed");
    const uint32_t *acc = s->bits.acc, *out = s->bits.out;
    for (uint32_t i = 0; i < n; i++)
        if (out[i] > 200 || acc[i] > 200)
            return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values do not fit the field", i,
                             acc[i] > out[i] ? acc[i] : out[i]);
    return ZKB_OK;
}

/* ---- setup ---- */

static zkb_status snarkjs(cs_state *s, const char *what, const char *const *args, const char *out)
{
    return cs_node(s, what, s->t.snarkjs_js, args, out);
}

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
    (void)snarkjs(s, "snarkjs plonk setup (dry run for the gate count)", a_set, log);
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

static zkb_status build_circuit(cs_state *s, const char *dir, const char *circom_path)
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
    const char *a_set[] = {psys_name[s->psys], "setup", s->r1cs, ptau, s->zkey, NULL};
    if ((st = snarkjs(s, "snarkjs setup", a_set, NULL)) != ZKB_OK)
        return st;
    const char *a_vk[] = {"zkey", "export", "verificationkey", s->zkey, s->vkey, NULL};
    if ((st = snarkjs(s, "snarkjs zkey export verificationkey", a_vk, NULL)) != ZKB_OK)
        return st;
    zkbp_host->metric(s->h, "keygen_s", secs_since(t0), "s");
    char meta[256];
    zkbp_fmt(meta, sizeof meta, "ptau_power %u\nptau_power_needed %u\nplonk_gates %llu\n", used, need,
             (unsigned long long)gates);
    char mp[ZKBP_PATH];
    zkbp_fmt(mp, sizeof mp, "%s/meta.txt", dir);
    if (zkbp_write_text(mp, meta) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", mp);
    return ZKB_OK;
}

static void set_paths(cs_state *s, const char *dir)
{
    zkbp_fmt(s->cdir, sizeof s->cdir, "%s", dir);
    zkbp_fmt(s->r1cs, sizeof s->r1cs, "%s/model.r1cs", dir);
    zkbp_fmt(s->wasm, sizeof s->wasm, "%s/model_js/model.wasm", dir);
    zkbp_fmt(s->wgen, sizeof s->wgen, "%s/model_js/generate_witness.js", dir);
    zkbp_fmt(s->zkey, sizeof s->zkey, "%s/model.zkey", dir);
    zkbp_fmt(s->vkey, sizeof s->vkey, "%s/vkey.json", dir);
}

static zkb_status cs_setup(void *state)
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
    zkbp_fmt(extra, sizeof extra, "%s|%s|%s|%s|%s|%s", psys_name[s->psys], s->t.circom_version,
             s->t.snarkjs_version, s->t.circomlib_version, s->ptau_opt ? s->ptau_opt : CS_LOCAL_PTAU_ID,
             s->t.circom[0] ? s->t.circom : "circom2");
    char dir[ZKBP_PATH];
    if (zkbp_cache_entry(cache, "circuits", src, extra, dir, sizeof dir) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot read %s", src);
    zkbp_host->info(s->h, "circuit_cache", dir);

    if (zkbp_cache_done(dir)) {
        set_paths(s, dir);
        zkbp_host->info(s->h, "setup_cache", "hit");
    } else {
        char tmp[ZKBP_PATH], csrc[ZKBP_PATH];
        if (zkbp_cache_start(dir, tmp, sizeof tmp) != 0)
            return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", tmp);
        zkbp_fmt(csrc, sizeof csrc, "%s/model.circom", tmp);
        if (zkbp_copy_file(src, csrc) != 0)
            return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", csrc);
        set_paths(s, tmp);
        if ((st = build_circuit(s, tmp, csrc)) != ZKB_OK)
            return st; /* the .tmp directory stays for inspection */
        int moved = zkbp_cache_finish(tmp, dir);
        if (moved < 0)
            return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s/DONE", tmp);
        if (moved == 0)
            set_paths(s, dir); /* ours, or a concurrent cell's identical one */
        zkbp_host->info(s->h, "setup_cache", "miss");
    }
    if (cs_r1cs_info(s->r1cs, &s->n_constraints, &s->n_public, &s->n_wires) != 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "cannot read %s", s->r1cs);
    char meta_p[ZKBP_PATH];
    zkbp_fmt(meta_p, sizeof meta_p, "%s/meta.txt", s->cdir);
    char *meta = zkbp_read_file(meta_p, 1 << 16, NULL);
    if (meta) {
        unsigned pw = 0, need = 0;
        unsigned long long gates = 0;
        if (sscanf(meta, "ptau_power %u ptau_power_needed %u plonk_gates %llu", &pw, &need, &gates) == 3) {
            zkbp_host->metric(s->h, "ptau_power", pw, "log2");
            zkbp_host->metric(s->h, "ptau_power_needed", need, "log2");
            if (gates)
                zkbp_host->metric(s->h, "plonk_gates", (double)gates, "count");
        }
        zkbp_host->free(meta);
    }
    record_sizes(s);
    if (s->weights == CS_W_HASHED && (st = cs_weights_commit(s)) != ZKB_OK)
        return st;
    s->setup_done = 1;
    return ZKB_OK;
}

/* ---- witness, prove, verify ---- */

static zkb_status cs_witness(void *state, const zkb_sample *x)
{
    cs_state *s = state;
    if (!s->setup_done)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "witness before setup");
    zkb_status st = zkbp_check_sample(s->h, x, s->n_in);
    if (st != ZKB_OK)
        return st;
    s->have_witness = s->have_proof = 0;
    char in[ZKBP_PATH], wt[ZKBP_PATH];
    zkbp_fmt(in, sizeof in, "%s/input.json", s->wdir);
    zkbp_fmt(wt, sizeof wt, "%s/witness.wtns", s->wdir);
    /* the weights are inputs too unless they are the circuit's constants */
    if (zkbp_write_input_json(in, "in", x->x_q, x->n, s->weights != CS_W_FIXED ? s->qm : NULL) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", in);
    unlink(wt);
    const char *args[] = {s->wasm, in, wt, NULL};
    if ((st = cs_node(s, "witness generation (generate_witness.js)", s->wgen, args, NULL)) != ZKB_OK)
        return st;
    s->have_witness = 1;
    return ZKB_OK;
}

/* Bytes of the proof in binary (uncompressed BN254: G1 64, G2 128, Fr 32),
 * from the shape of snarkjs's proof.json: an array of 3 decimal strings is a
 * projective G1 point, an array of 3 arrays a G2 point, a lone decimal
 * string a field element. */
static long long proof_bin_size(const char *json)
{
    long long total = 0;
    const char *p = json;
    while (*p) {
        if (*p == '[') {
            /* count direct children and whether they are arrays */
            const char *q = p + 1;
            int depth = 0, kids = 0, arrays = 0, strings = 0;
            while (*q) {
                if (*q == '[') {
                    if (depth == 0)
                        arrays++, kids++;
                    depth++;
                } else if (*q == ']') {
                    if (depth == 0)
                        break;
                    depth--;
                } else if (*q == '"' && depth == 0) {
                    strings++, kids++;
                    q = strchr(q + 1, '"');
                    if (!q)
                        return total;
                }
                q++;
            }
            if (arrays == 3 && strings == 0)
                total += 128;
            else if (strings == 3 && arrays == 0)
                total += 64;
            p = *q ? q + 1 : q;
            continue;
        }
        if (*p == ':') {
            const char *q = p + 1;
            while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r')
                q++;
            if (*q == '"' && q[1] >= '0' && q[1] <= '9')
                total += 32;
        }
        p++;
    }
    return total;
}

static zkb_status cs_prove(void *state)
{
    cs_state *s = state;
    if (!s->have_witness)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "prove before witness");
    char wt[ZKBP_PATH], pf[ZKBP_PATH], pub[ZKBP_PATH];
    zkbp_fmt(wt, sizeof wt, "%s/witness.wtns", s->wdir);
    zkbp_fmt(pf, sizeof pf, "%s/proof.json", s->wdir);
    zkbp_fmt(pub, sizeof pub, "%s/public.json", s->wdir);
    unlink(pf);
    unlink(pub);
    s->have_proof = 0;
    const char *args[] = {psys_name[s->psys], "prove", s->zkey, wt, pf, pub, NULL};
    zkb_status st = snarkjs(s, "snarkjs prove", args, NULL);
    if (st != ZKB_OK)
        return st;
    char *txt = zkbp_read_file(pf, 1 << 20, NULL);
    if (!txt)
        return zkbp_fail(s->h, ZKB_ERR_IO, "no proof written (%s)", pf);
    zkbp_host->metric(s->h, "proof_size", (double)proof_bin_size(txt), "bytes");
    zkbp_host->metric(s->h, "proof_json_size", (double)zkbp_file_size(pf), "bytes");
    zkbp_host->free(txt);
    s->have_proof = 1;
    return ZKB_OK;
}

static zkb_status cs_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    cs_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "verify before prove");
    zkb_status st = zkbp_check_outputs(s->h, n_outputs, s->n_out);
    if (st != ZKB_OK)
        return st;
    char pf[ZKBP_PATH], pub[ZKBP_PATH], log[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.json", s->wdir);
    zkbp_fmt(pub, sizeof pub, "%s/public.json", s->wdir);
    zkbp_fmt(log, sizeof log, "%s/verify.log", s->wdir);
    const char *args[] = {psys_name[s->psys], "verify", s->vkey, pub, pf, NULL};
    st = snarkjs(s, "snarkjs verify", args, log);
    /* snarkjs verify exits 1 on an invalid proof, 0 on a valid one. */
    char *txt = zkbp_read_file(log, 1 << 20, NULL);
    int ok = txt && (strstr(txt, "OK!") || strstr(txt, "PROOF VERIFIED SUCCESSFULLY"));
    zkbp_host->free(txt);
    if (st == ZKB_ERR_CHILD)
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "snarkjs %s verify: invalid proof", psys_name[s->psys]);
    if (st != ZKB_OK)
        return st;
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "snarkjs %s verify exited 0 without accepting the proof",
                         psys_name[s->psys]);
    char *pj = zkbp_read_file(pub, 1 << 26, NULL);
    if (!pj)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot read %s", pub);
    char why[256];
    int got = zkbp_parse_field_array(pj, "public.json", outputs, n_outputs, why, sizeof why);
    if (got == (int)n_outputs && s->weights == CS_W_HASHED) {
        /* the next public signal is the weights' Poseidon commitment */
        const char *p = pj;
        for (uint64_t k = 0; k <= n_outputs * 2 && p; k++)
            p = strchr(p + 1, '"');
        const char *e = p ? strchr(p + 1, '"') : NULL;
        char c[100] = "";
        if (p && e && e - p < 100)
            zkbp_fmt(c, sizeof c, "%.*s", (int)(e - p - 1), p + 1);
        zkbp_host->info(s->h, "weights_commitment", c);
        if (strcmp(c, s->wcommit_expect) != 0) {
            zkbp_host->free(pj);
            return zkbp_fail(s->h, ZKB_ERR_VERIFY,
                             "the proof's weights commitment %s is not the Poseidon commitment of the "
                             "published weights (%s)",
                             c[0] ? c : "(missing)", s->wcommit_expect);
        }
    }
    zkbp_host->free(pj);
    if (got != (int)n_outputs)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s", why);
    return ZKB_OK;
}

static const zkb_backend circom_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = 0,
    .name = "circom",
    .version = "0.1.0",
    .proof_system = "groth16",
    .description = "circom 2 circuits generated from the model, proved with snarkjs (groth16|plonk|fflonk)",
    .options = cs_options,
    .n_options = (uint32_t)(sizeof cs_options / sizeof cs_options[0]),
    .probe = cs_probe,
    .create = cs_create,
    .destroy = cs_destroy,
    .set_option = cs_set_option,
    .load_model = cs_load_model,
    .quantize = cs_quantize,
    .setup = cs_setup,
    .witness = cs_witness,
    .prove = cs_prove,
    .verify = cs_verify,
    .op_support = zkbp_supports_every_op,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    return zkbp_init(h, host_abi_major, &circom_backend, out);
}
