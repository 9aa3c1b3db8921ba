/* The circom backend: circuits generated from the model (gen_circuit.c),
 * compiled with circom (native, or circom2 = circom as WebAssembly), proved
 * with snarkjs (Groth16, PLONK or FFLONK), or for Groth16 with arkworks on
 * the same key and witness (prover=arkworks, prover.c). Every child runs
 * through host->spawn. See docs/circom.md. */
#include "circom_int.h"

#include <string.h>
#include <unistd.h>

static const zkb_option_decl cs_options[] = {
    {"proof_system", ZKB_OPT_STRING, "groth16", "groth16|plonk|fflonk", "snarkjs proof system"},
    {"weights", ZKB_OPT_STRING, "fixed", "fixed|private|hashed",
     "fixed: circuit constants (bound by the verifying key); private: free private inputs "
     "(proves nothing about the model, like circomlib-ml); hashed: private + Poseidon commitment "
     "as a public output"},
    {"input", ZKB_OPT_STRING, "public", "public|private|hashed",
     "public: public signals; private: private signals (proves nothing about which input ran); "
     "hashed: private + Poseidon commitment as a public output, checked against the sample's input"},
    {"ptau", ZKB_OPT_STRING, "", NULL,
     "a .ptau file of your own (e.g. from a public ceremony) instead of a local testing-only one"},
    {"prover", ZKB_OPT_STRING, "snarkjs", "snarkjs|arkworks",
     "who proves: snarkjs, or arkworks' Groth16 (zkb-circom-arkworks, via ark-circom) on the same "
     "circuit, proving key and witness; verify is snarkjs's either way. arkworks: groth16 only"},
    {"arkworks", ZKB_OPT_STRING, "", NULL,
     "path of the zkb-circom-arkworks binary (default $ZKB_CIRCOM_ARKWORKS, else the one "
     "`zkbench setup circom` built)"},
    {"tools_dir", ZKB_OPT_STRING, "", NULL,
     "directory with node_modules/{snarkjs,circom2,circomlib} (default $ZKB_NODE_TOOLS, else "
     "the toolchain of `zkbench setup circom`)"},
};

const char *const cs_psys_name[] = {"groth16", "plonk", "fflonk"};
static const char *const weights_name[] = {"fixed", "private", "hashed"};
const char *const cs_input_name[] = {"public", "private", "hashed"};
static const char *const prover_name[] = {"snarkjs", "arkworks"};

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
    zkbp_host->free(s->ark_opt);
    zkbp_widths_free(&s->bits);
    zkbp_host->free(s->expect);
    zkbp_host->free(s->x_q);
    zkbp_host->free(s);
}

static zkb_status cs_set_option(void *state, const char *key, const zkb_option_value *v)
{
    cs_state *s = state;
    if (strcmp(key, "proof_system") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->psys);
    if (strcmp(key, "weights") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->weights);
    if (strcmp(key, "input") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->input);
    if (strcmp(key, "ptau") == 0)
        return zkbp_opt_strdup(&s->ptau_opt, v);
    if (strcmp(key, "prover") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->prover);
    if (strcmp(key, "arkworks") == 0)
        return zkbp_opt_strdup(&s->ark_opt, v);
    if (strcmp(key, "tools_dir") == 0)
        return zkbp_opt_strdup(&s->tools_opt, v);
    return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "unknown option %s", key);
}

static zkb_status cs_load_model(void *state, const zkb_model_desc *m)
{
    cs_state *s = state;
    if (s->prover == CS_PROVER_ARKWORKS && s->psys != CS_GROTH16)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "prover=arkworks proves Groth16 only (proof_system=%s)",
                         cs_psys_name[s->psys]);
    char why[512];
    if (cs_find_tools(s->h, s->tools_opt, &s->t, why, sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "%s", why);
    s->have_tools = 1;
    if (s->prover == CS_PROVER_ARKWORKS) {
        zkb_status ast = cs_find_arkworks(s);
        if (ast != ZKB_OK)
            return ast;
    } else {
        zkbp_fmt(s->prover_version, sizeof s->prover_version, "snarkjs %s", s->t.snarkjs_version);
    }
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
    zkbp_host->info(s->h, "proof_system", cs_psys_name[s->psys]);
    zkbp_host->info(s->h, "prover", prover_name[s->prover]);
    zkbp_host->info(s->h, "prover_version", s->prover_version);
    zkbp_host->info(s->h, "weights", weights_name[s->weights]);
    zkbp_host->info(s->h, "input_visibility", cs_input_name[s->input]);
    zkbp_host->info(s->h, "input_binding",
                    s->input == CS_IN_PUBLIC   ? "public_signals"
                    : s->input == CS_IN_HASHED ? "poseidon_commitment"
                                               : "none");
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
    if (s->qm)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "quantize called twice in one session");
    zkb_status st = zkbp_quantize_widths(s->h, s->m, qm, 200, "circuit", &s->bits);
    if (st != ZKB_OK)
        return st;
    if (!(s->expect = zkbp_host->alloc((s->n_out + 1) * sizeof *s->expect)))
        return zkbp_fail(s->h, ZKB_ERR_NOMEM, "out of memory");
    s->qm = qm;
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
    if (s->input == CS_IN_HASHED) {
        /* what verify recomputes the input commitment from */
        if (!s->x_q && !(s->x_q = zkbp_host->alloc(s->n_in * sizeof *s->x_q)))
            return zkbp_fail(s->h, ZKB_ERR_NOMEM, "out of memory");
        memcpy(s->x_q, x->x_q, s->n_in * sizeof *s->x_q);
    }
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
    zkb_status st;
    if (s->prover == CS_PROVER_ARKWORKS) {
        st = cs_prove_arkworks(s, wt, pf, pub);
    } else {
        const char *args[] = {cs_psys_name[s->psys], "prove", s->zkey, wt, pf, pub, NULL};
        st = cs_snarkjs(s, "snarkjs prove", args, NULL);
    }
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

/* Public signal k of public.json (an array of decimal strings) must be the
 * commitment want; info <what>_commitment is the proof's. */
static zkb_status check_commitment(cs_state *s, const char *pj, uint64_t k, const char *what, const char *want)
{
    const char *p = strchr(pj, '"');
    for (uint64_t i = 0; i < k && p; i++)
        p = (p = strchr(p + 1, '"')) ? strchr(p + 1, '"') : NULL;
    const char *e = p ? strchr(p + 1, '"') : NULL;
    char c[100] = "";
    if (p && e && e - p < 100)
        zkbp_fmt(c, sizeof c, "%.*s", (int)(e - p - 1), p + 1);
    return zkbp_check_commitment(s->h, what, "Poseidon", strcmp(what, "input") == 0 ? "the sample's input" : "the published weights",
                                 c, want);
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
    const char *args[] = {cs_psys_name[s->psys], "verify", s->vkey, pub, pf, NULL};
    st = cs_snarkjs(s, "snarkjs verify", args, log);
    /* snarkjs verify exits 1 on an invalid proof, 0 on a valid one. */
    char *txt = zkbp_read_file(log, 1 << 20, NULL);
    int ok = txt && (strstr(txt, "OK!") || strstr(txt, "PROOF VERIFIED SUCCESSFULLY"));
    zkbp_host->free(txt);
    if (st == ZKB_ERR_CHILD)
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "snarkjs %s verify: invalid proof", cs_psys_name[s->psys]);
    if (st != ZKB_OK)
        return st;
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "snarkjs %s verify exited 0 without accepting the proof",
                         cs_psys_name[s->psys]);
    char *pj = zkbp_read_file(pub, 1 << 26, NULL);
    if (!pj)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot read %s", pub);
    char why[256];
    int got = zkbp_parse_field_array(pj, "public.json", outputs, n_outputs, why, sizeof why);
    /* after the outputs: wcommit (weights=hashed), then incommit (input=hashed) */
    uint64_t at = n_outputs;
    if (got == (int)n_outputs && s->weights == CS_W_HASHED)
        st = check_commitment(s, pj, at++, "weights", s->wcommit_expect);
    if (got == (int)n_outputs && st == ZKB_OK && s->input == CS_IN_HASHED) {
        char want[100];
        uint64_t t0 = zkbp_host->now_ns();
        st = cs_input_commit(s, want, sizeof want);
        zkbp_host->metric(s->h, "input_commit_s", (double)(zkbp_host->now_ns() - t0) / 1e9, "s");
        if (st == ZKB_OK) {
            zkbp_host->info(s->h, "input_commitment_expected", want);
            st = check_commitment(s, pj, at, "input", want);
        }
    }
    zkbp_host->free(pj);
    if (st != ZKB_OK)
        return st;
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
    .description = "circom 2 circuits generated from the model, proved with snarkjs (groth16|plonk|fflonk) "
                   "or arkworks (groth16)",
    .options = cs_options,
    .n_options = (uint32_t)(sizeof cs_options / sizeof cs_options[0]),
    .option_decl_size = sizeof(zkb_option_decl),
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
    .evm_proof = cs_evm_proof,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    return zkbp_init(h, host_abi_major, &circom_backend, out);
}
