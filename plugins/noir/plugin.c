/* The Noir backend: a Noir program generated from the model
 * (gen_program.c), compiled with noir_wasm, executed with noir_js (the
 * witness), proved and verified with Barretenberg's UltraHonk through bb.js
 * (keccak transcript by default, so that bb.js's Solidity verifier checks
 * the same proof: evm.c). Each phase is one node child
 * (driver/noir_driver.mjs) started through host->spawn, so its time and
 * peak memory are measured; the driver reports the library call's own time
 * apart from start-up. See docs/noir.md. */
#include "noir_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const zkb_option_decl nr_options[] = {
    {"weights", ZKB_OPT_STRING, "fixed", "fixed|hashed",
     "fixed: program constants (bound by the verification key); hashed: private inputs with a "
     "Poseidon2 commitment as a public output"},
    {"input", ZKB_OPT_STRING, "public", "public|hashed",
     "public: the input is a public input of the proof; hashed: a private input with a Poseidon2 commitment "
     "as a public output, which verify checks against the sample"},
    {"transcript", ZKB_OPT_STRING, "keccak", "keccak|poseidon2",
     "Fiat-Shamir hash of the UltraHonk proof: keccak (UltraKeccakHonk, checked by bb.js's Solidity verifier: "
     "evm_proof) or poseidon2 (no EVM verifier)"},
    {"crs", ZKB_OPT_STRING, "local", "local|bb-cache",
     "local: a testing-only CRS from a known tau, written natively (as `zkbench srs bb`) and cached; bb-cache: "
     "Aztec's CRS in ~/.bb-crs (never downloaded)"},
    {"crs_dir", ZKB_OPT_STRING, "", NULL,
     "a directory with bn254_g1.dat and bn254_g2.dat of your own (overrides crs)"},
    {"srs_seed", ZKB_OPT_STRING, NR_DEFAULT_SEED, NULL,
     "seed string of the local testing-only CRS (anyone who knows it can forge proofs)"},
    {"threads", ZKB_OPT_INT, "0", NULL, "Barretenberg threads (0: bb.js's default, all cores)"},
    {"tools_dir", ZKB_OPT_STRING, "", NULL,
     "directory with node_modules/{@noir-lang/noir_wasm,@noir-lang/noir_js,@aztec/bb.js} (default "
     "$ZKB_NOIR_TOOLS, else the toolchain of `zkbench setup noir`)"},
};

const char *nr_transcript_name(const nr_state *s)
{
    return s->transcript == NR_T_KECCAK ? "keccak" : "poseidon2";
}

static zkb_status nr_probe(zkb_host_ctx *h)
{
    nr_tools t;
    char why[768];
    zkb_status st = nr_find_tools(h, NULL, &t, why, sizeof why);
    if (st != ZKB_OK)
        return zkbp_fail(h, ZKB_ERR_UNAVAILABLE, "%s", why);
    char v[512];
    nr_versions(&t, v, sizeof v);
    zkbp_host->info(h, "framework_version", v);
    zkbp_host->info(h, "crs_writer", "zkmlbench's native writer (lib/srs), built in");
    if (t.nargo[0])
        zkbp_host->info(h, "native_nargo", t.nargo);
    if (t.bb[0])
        zkbp_host->info(h, "native_bb", t.bb);
    return ZKB_OK;
}

static zkb_status nr_create(zkb_host_ctx *h, void **out)
{
    nr_state *s = zkbp_host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    *out = s;
    return ZKB_OK;
}

static void nr_destroy(void *state)
{
    nr_state *s = state;
    if (!s)
        return;
    zkbp_host->free(s->crs_dir_opt);
    zkbp_host->free(s->srs_seed);
    zkbp_host->free(s->tools_opt);
    zkbp_widths_free(&s->bits);
    zkbp_host->free(s);
}

static zkb_status nr_set_option(void *state, const char *key, const zkb_option_value *v)
{
    nr_state *s = state;
    /* the choices' order is that of the enums in noir_int.h */
    if (strcmp(key, "weights") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->weights);
    if (strcmp(key, "input") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->input);
    if (strcmp(key, "transcript") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->transcript);
    if (strcmp(key, "crs") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->crs);
    if (strcmp(key, "threads") == 0) {
        if (v->i < 0 || v->i > 256)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "threads: 0..256, not %lld", (long long)v->i);
        s->threads = v->i;
        return ZKB_OK;
    }
    if (strcmp(key, "crs_dir") == 0)
        return zkbp_opt_strdup(&s->crs_dir_opt, v);
    if (strcmp(key, "tools_dir") == 0)
        return zkbp_opt_strdup(&s->tools_opt, v);
    if (strcmp(key, "srs_seed") == 0)
        return zkbp_opt_strdup(&s->srs_seed, v);
    return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "unknown option %s", key);
}

static zkb_status nr_load_model(void *state, const zkb_model_desc *m)
{
    nr_state *s = state;
    char why[768];
    if (nr_find_tools(s->h, s->tools_opt, &s->t, why, sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "%s", why);
    s->m = m;
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    zkb_status st = zkbp_check_ops(s->h, m);
    if (st != ZKB_OK)
        return st;
    char v[512];
    nr_versions(&s->t, v, sizeof v);
    zkbp_host->info(s->h, "framework_version", v);
    zkbp_host->info(s->h, "compiler", "noir_wasm (npm)");
    zkbp_host->info(s->h, "prover", "bb.js UltraHonk (wasm, npm)");
    if (s->t.nargo[0] || s->t.bb[0]) {
        char n[ZKBP_PATH * 2 + 64];
        zkbp_fmt(n, sizeof n, "on PATH but not used (pinned npm pair runs): %s %s", s->t.nargo, s->t.bb);
        zkbp_host->info(s->h, "native_tools", n);
    }
    zkbp_host->info(s->h, "proof_system", "ultrahonk");
    zkbp_host->info(s->h, "transcript", s->transcript == NR_T_KECCAK ? "keccak (UltraKeccakHonk)" : "poseidon2");
    zkbp_host->info(s->h, "weights", s->weights == NR_W_HASHED ? "hashed" : "fixed");
    zkbp_host->info(s->h, "input_visibility", s->input == NR_IN_HASHED ? "hashed" : "public");
    zkbp_host->info(s->h, "weights_binding", s->weights == NR_W_HASHED ? "poseidon2_commitment" : "verifying_key");
    zkbp_host->metric(s->h, "params", (double)m->n_params, "count");
    return ZKB_OK;
}

static zkb_status nr_quantize(void *state, const zkb_qmodel_desc *qm)
{
    nr_state *s = state;
    zkb_status st = zkbp_quantize_widths(s->h, s->m, qm, 0, "program", &s->bits);
    if (st == ZKB_OK)
        s->qm = qm;
    return st;
}

/* ---- witness, prove, verify ---- */

static void record_startup(nr_state *s, const nr_result *r, const char *phase)
{
    char k[64];
    zkbp_fmt(k, sizeof k, "%s_call_s", phase);
    nr_result_metric(s, r, "phase_s", k, "s");
    zkbp_fmt(k, sizeof k, "%s_import_s", phase);
    nr_result_metric(s, r, "import_s", k, "s");
    zkbp_fmt(k, sizeof k, "%s_bb_init_s", phase);
    nr_result_metric(s, r, "init_s", k, "s");
}

static zkb_status write_input_values(nr_state *s, const zkb_sample *x)
{
    char p[ZKBP_PATH];
    zkbp_fmt(p, sizeof p, "%s/input_values.txt", s->wdir);
    if (zkbp_write_int_lines(p, x->x_q, x->n) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", p);
    return ZKB_OK;
}

static zkb_status nr_witness(void *state, const zkb_sample *x)
{
    nr_state *s = state;
    if (!s->setup_done)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "witness before setup");
    zkb_status st = zkbp_check_sample(s->h, x, s->n_in);
    if (st != ZKB_OK)
        return st;
    s->have_witness = s->have_proof = 0;
    char in[ZKBP_PATH], wt[ZKBP_PATH];
    zkbp_fmt(in, sizeof in, "%s/inputs.json", s->wdir);
    zkbp_fmt(wt, sizeof wt, "%s/witness.gz", s->wdir);
    /* weights=hashed: the weights are private inputs */
    if (zkbp_write_input_json(in, "x", x->x_q, x->n, s->weights == NR_W_HASHED ? s->qm : NULL) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", in);
    /* input=hashed: the verifier's own copy of the input, for verify to
     * hash (the sample is handed to witness only) */
    if (s->input == NR_IN_HASHED && (st = write_input_values(s, x)) != ZKB_OK)
        return st;
    unlink(wt);
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "program", s->program);
    nr_cfg_path(&cfg, "inputs", in);
    nr_cfg_path(&cfg, "witness_out", wt);
    nr_result r;
    st = nr_driver(s, "execute", &cfg, &r);
    if (st == ZKB_OK) {
        record_startup(s, &r, "witness");
        nr_result_metric(s, &r, "witness_size", "witness_size", "bytes");
        s->have_witness = 1;
    }
    nr_result_free(&r);
    return st;
}

static zkb_status nr_prove(void *state)
{
    nr_state *s = state;
    if (!s->have_witness)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "prove before witness");
    char wt[ZKBP_PATH], pf[ZKBP_PATH];
    zkbp_fmt(wt, sizeof wt, "%s/witness.gz", s->wdir);
    zkbp_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    unlink(pf);
    s->have_proof = 0;
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "program", s->program);
    nr_cfg_path(&cfg, "witness", wt);
    nr_cfg_path(&cfg, "proof_out", pf);
    nr_cfg_path(&cfg, "crs_path", s->crs_path);
    nr_cfg_path(&cfg, "transcript", nr_transcript_name(s));
    nr_cfg_int(&cfg, "circuit_size", (long long)s->circuit_size);
    nr_cfg_int(&cfg, "threads", s->threads);
    nr_result r;
    zkb_status st = nr_driver(s, "prove", &cfg, &r);
    if (st == ZKB_OK) {
        record_startup(s, &r, "prove");
        double t = 0;
        if (nr_result_num(&r, "threads", &t) == 0)
            zkbp_host->metric(s->h, "threads", t, "count");
        long long total = zkbp_file_size(pf);
        if (total <= 0) {
            nr_result_free(&r);
            return zkbp_fail(s->h, ZKB_ERR_IO, "no proof written (%s)", pf);
        }
        /* bb.js's buffer: u32 size, public inputs (32 B each), the proof proper */
        zkbp_host->metric(s->h, "proof_size", (double)(total - 4 - 32 * (long long)s->n_public), "bytes");
        zkbp_host->metric(s->h, "proof_with_public_inputs_size", (double)total, "bytes");
        s->have_proof = 1;
    }
    nr_result_free(&r);
    return st;
}

/* The commitment the proof makes public at index `at`, recorded as `what`,
 * must equal expect: the verifier's own Poseidon2 hash of `of`. */
static zkb_status check_commitment(nr_state *s, const nr_result *r, uint64_t at, const char *what,
                                   const char *expect, const char *of)
{
    char key[48], val[128] = "";
    zkbp_fmt(key, sizeof key, "public_inputs.%llu", (unsigned long long)at);
    nr_result_str(r, key, val, sizeof val);
    return zkbp_check_commitment(s->h, what, "Poseidon2", of, val, expect);
}

static zkb_status nr_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    nr_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "verify before prove");
    zkb_status st = zkbp_check_outputs(s->h, n_outputs, s->n_out);
    if (st != ZKB_OK)
        return st;
    char pf[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "proof", pf);
    nr_cfg_path(&cfg, "vk", s->vk);
    nr_cfg_path(&cfg, "crs_path", s->crs_path);
    nr_cfg_path(&cfg, "transcript", nr_transcript_name(s));
    nr_cfg_int(&cfg, "num_public_inputs", (long long)s->n_public);
    char xv[ZKBP_PATH];
    if (s->input == NR_IN_HASHED) {
        zkbp_fmt(xv, sizeof xv, "%s/input_values.txt", s->wdir);
        nr_cfg_path(&cfg, "input_values", xv);
    }
    nr_cfg_int(&cfg, "threads", s->threads);
    nr_result r;
    st = nr_driver(s, "verify", &cfg, &r);
    char tmp[32];
    int said = nr_result_str(&r, "verified", tmp, sizeof tmp) != NULL;
    int verified = said && strcmp(tmp, "true") == 0;
    if (st == ZKB_ERR_CHILD && said && !verified) {
        nr_result_free(&r);
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "bb.js UltraHonk verify: invalid proof");
    }
    if (st != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    if (!verified) {
        nr_result_free(&r);
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "the verify phase exited 0 without accepting the proof");
    }
    record_startup(s, &r, "verify");
    /* public inputs of the verified proof (nr_public_count): x unless
     * hashed, the outputs, then the commitments */
    uint64_t at = nr_outputs_at(s);
    for (uint64_t k = 0; k < n_outputs; k++) {
        char key[48], val[128];
        zkbp_fmt(key, sizeof key, "public_inputs.%llu", (unsigned long long)(at + k));
        char *end = NULL;
        if (!nr_result_str(&r, key, val, sizeof val) || ((outputs[k] = strtoll(val, &end, 10)), *end != '\0')) {
            nr_result_free(&r);
            return zkbp_fail(s->h, ZKB_ERR_PARSE, "public input %llu of the proof is not an int64 logit",
                             (unsigned long long)(at + k));
        }
    }
    at += s->n_out;
    if (s->weights == NR_W_HASHED)
        st = check_commitment(s, &r, at++, "weights", s->wcommit_expect, "the published weights");
    char xc[100] = "";
    if (st == ZKB_OK && s->input == NR_IN_HASHED) {
        nr_result_str(&r, "input_commitment_expected", xc, sizeof xc);
        zkbp_host->info(s->h, "input_commitment_expected", xc);
        st = check_commitment(s, &r, at++, "input", xc, "the sample's quantized input");
    }
    nr_result_free(&r);
    return st;
}

static const zkb_backend noir_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = 0,
    .name = "noir",
    .version = "0.1.0",
    .proof_system = "ultrahonk",
    .description = "Noir programs generated from the model, UltraHonk proofs with Barretenberg (bb.js)",
    .options = nr_options,
    .n_options = (uint32_t)(sizeof nr_options / sizeof nr_options[0]),
    .option_decl_size = sizeof(zkb_option_decl),
    .probe = nr_probe,
    .create = nr_create,
    .destroy = nr_destroy,
    .set_option = nr_set_option,
    .load_model = nr_load_model,
    .quantize = nr_quantize,
    .setup = nr_setup,
    .witness = nr_witness,
    .prove = nr_prove,
    .verify = nr_verify,
    .op_support = zkbp_supports_every_op,
    .evm_proof = nr_evm_proof,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    return zkbp_init(h, host_abi_major, &noir_backend, out);
}
