/* The gnark backend: the Go driver (driver/, gnark v0.14.0 and gnark-crypto
 * v0.19.0 from the Go module proxy) defines the circuit at run time from the
 * quantized model, with sound rescales (quotient and remainder range-checked
 * with gnark's lookup-based std/rangecheck), and proves it with Groth16 or
 * PLONK on BN254. Each phase is one run of the driver through host->spawn.
 * See docs/gnark.md. */
#include "gnark_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const zkb_option_decl gn_options[] = {
    {"proof_system", ZKB_OPT_STRING, "groth16", "groth16|plonk", "gnark proof system (BN254)"},
    {"weights", ZKB_OPT_STRING, "fixed", "fixed|private|hashed",
     "fixed: circuit constants (bound by the verifying key); private: free private inputs "
     "(proves nothing about the model); hashed: private + MiMC commitment as a public input, "
     "checked against the published weights"},
    {"input", ZKB_OPT_STRING, "public", "public|private|hashed",
     "public: public inputs; private: private (range-checked; proves nothing about which input ran); "
     "hashed: private + MiMC commitment as a public input, checked against the sample's input"},
    {"threads", ZKB_OPT_INT, "0", NULL, "GOMAXPROCS of the driver (0: Go's default, every core)"},
    {"driver", ZKB_OPT_STRING, "", NULL,
     "the zkb-gnark binary (default $ZKB_GNARK_DRIVER, else the one `zkbench setup gnark` built)"},
};

const char *const gn_psys_name[] = {"groth16", "plonk"};
const char *const gn_weights_name[] = {"fixed", "private", "hashed"};
const char *const gn_input_name[] = {"public", "private", "hashed"};

static zkb_status gn_probe(zkb_host_ctx *h)
{
    char driver[ZKBP_PATH], version[192], why[1024];
    if (gn_find_driver(h, NULL, driver, sizeof driver, version, sizeof version, why, sizeof why) != ZKB_OK)
        return zkbp_fail(h, ZKB_ERR_UNAVAILABLE, "%s", why);
    zkbp_host->info(h, "framework_version", version);
    return ZKB_OK;
}

static zkb_status gn_create(zkb_host_ctx *h, void **out)
{
    gn_state *s = zkbp_host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    *out = s;
    return ZKB_OK;
}

static void gn_destroy(void *state)
{
    gn_state *s = state;
    if (!s)
        return;
    zkbp_host->free(s->driver_opt);
    zkbp_widths_free(&s->bits);
    zkbp_host->free(s->x_q);
    zkbp_host->free(s);
}

static zkb_status gn_set_option(void *state, const char *key, const zkb_option_value *v)
{
    gn_state *s = state;
    if (strcmp(key, "proof_system") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->psys);
    if (strcmp(key, "weights") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->weights);
    if (strcmp(key, "input") == 0)
        return zkbp_opt_choice(s->h, key, v, &s->input);
    if (strcmp(key, "threads") == 0) {
        if (v->i < 0 || v->i > 1024)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "threads: 0..1024, not %lld", (long long)v->i);
        s->threads = v->i;
        return ZKB_OK;
    }
    if (strcmp(key, "driver") == 0)
        return zkbp_opt_strdup(&s->driver_opt, v);
    return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "unknown option %s", key);
}

static zkb_status gn_load_model(void *state, const zkb_model_desc *m)
{
    gn_state *s = state;
    char why[1024];
    if (gn_find_driver(s->h, s->driver_opt, s->driver, sizeof s->driver, s->version, sizeof s->version, why,
                       sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "%s", why);
    s->m = m;
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    zkb_status st = zkbp_check_ops(s->h, m);
    if (st != ZKB_OK)
        return st;
    if (s->threads > 0)
        zkbp_fmt(s->gomaxprocs, sizeof s->gomaxprocs, "GOMAXPROCS=%lld", (long long)s->threads);
    zkbp_host->info(s->h, "framework_version", s->version);
    zkbp_host->info(s->h, "proof_system", gn_psys_name[s->psys]);
    zkbp_host->info(s->h, "curve", "bn254");
    zkbp_host->info(s->h, "weights", gn_weights_name[s->weights]);
    zkbp_host->info(s->h, "input_visibility", gn_input_name[s->input]);
    zkbp_host->info(s->h, "input_binding",
                    s->input == GN_IN_PUBLIC   ? "public_inputs"
                    : s->input == GN_IN_HASHED ? "mimc_commitment"
                                               : "none");
    zkbp_host->info(s->h, "weights_binding",
                    s->weights == GN_W_FIXED    ? "verifying_key"
                    : s->weights == GN_W_HASHED ? "mimc_commitment"
                                                : "none");
    zkbp_host->info(s->h, "range_checks", "gnark std/rangecheck (log-derivative lookups)");
    zkbp_host->metric(s->h, "params", (double)m->n_params, "count");
    return ZKB_OK;
}

static zkb_status gn_quantize(void *state, const zkb_qmodel_desc *qm)
{
    gn_state *s = state;
    if (s->qm)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "quantize called twice in one session");
    /* a quotient and its remainder must stay far from the field's size */
    zkb_status st = zkbp_quantize_widths(s->h, s->m, qm, 200, "circuit", &s->bits);
    if (st == ZKB_OK)
        s->qm = qm;
    return st;
}

/* ---- witness, prove, verify ---- */

static int write_sample(const char *path, const int64_t *x, uint64_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("{\"x\": [", f);
    for (uint64_t k = 0; k < n; k++)
        fprintf(f, k ? ", %" PRId64 : "%" PRId64, x[k]);
    fputs("]}\n", f);
    int bad = ferror(f) != 0;
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static zkb_status gn_witness(void *state, const zkb_sample *x)
{
    gn_state *s = state;
    if (!s->setup_done)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "witness before setup");
    zkb_status st = zkbp_check_sample(s->h, x, s->n_in);
    if (st != ZKB_OK)
        return st;
    s->have_witness = s->have_proof = 0;
    char in[ZKBP_PATH], wj[ZKBP_PATH];
    zkbp_fmt(in, sizeof in, "%s/input.json", s->wdir);
    zkbp_fmt(wj, sizeof wj, "%s/witness.json", s->wdir);
    if (write_sample(in, x->x_q, x->n) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", in);
    if (s->input == GN_IN_HASHED) {
        /* what verify recomputes the input commitment from */
        if (!s->x_q && !(s->x_q = zkbp_host->alloc(s->n_in * sizeof *s->x_q)))
            return zkbp_fail(s->h, ZKB_ERR_NOMEM, "out of memory");
        memcpy(s->x_q, x->x_q, s->n_in * sizeof *s->x_q);
    }
    unlink(wj);
    const char *args[] = {"-model", s->model, "-dir", s->cdir, "-x", in, "-out", s->wdir, NULL};
    if ((st = gn_drive(s, "gnark witness (solve)", "witness", args, NULL, 0, NULL)) != ZKB_OK)
        return st;
    cJSON *j = zkbp_json_read(s->h, wj);
    if (!j)
        return ZKB_ERR_PARSE;
    double solve = zkbp_json_num(j, "solve_s", -1);
    if (solve >= 0)
        zkbp_host->metric(s->h, "witness_solve_s", solve, "s");
    cJSON_Delete(j);
    s->have_witness = 1;
    return ZKB_OK;
}

static zkb_status gn_prove(void *state)
{
    gn_state *s = state;
    if (!s->have_witness)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "prove before witness");
    s->have_proof = 0;
    char wit[ZKBP_PATH], pj[ZKBP_PATH];
    zkbp_fmt(wit, sizeof wit, "%s/witness.bin", s->wdir);
    zkbp_fmt(pj, sizeof pj, "%s/prove.json", s->wdir);
    unlink(pj);
    const char *args[] = {"-dir", s->cdir, "-witness", wit, "-out", s->wdir, NULL};
    zkb_status st = gn_drive(s, "gnark prove", "prove", args, NULL, 0, NULL);
    if (st != ZKB_OK)
        return st;
    cJSON *j = zkbp_json_read(s->h, pj);
    if (!j)
        return ZKB_ERR_PARSE;
    double size = zkbp_json_num(j, "proof_bytes", -1);
    if (size > 0)
        zkbp_host->metric(s->h, "proof_size", size, "bytes");
    double v;
    if ((v = zkbp_json_num(j, "proof_compressed_bytes", -1)) > 0)
        zkbp_host->metric(s->h, "proof_compressed_size", v, "bytes");
    if ((v = zkbp_json_num(j, "load_s", -1)) >= 0)
        zkbp_host->metric(s->h, "prove_load_s", v, "s");
    if ((v = zkbp_json_num(j, "prove_s", -1)) >= 0)
        zkbp_host->metric(s->h, "prove_core_s", v, "s");
    if ((v = zkbp_json_num(j, "threads", -1)) > 0)
        zkbp_host->metric(s->h, "threads", v, "count");
    cJSON_Delete(j);
    if (size <= 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: no proof size", pj);
    s->have_proof = 1;
    return ZKB_OK;
}

/* Public value k (decimal) must be the commitment want. */
static zkb_status check_commitment(gn_state *s, const cJSON *pub, uint64_t k, const char *what, const char *want)
{
    const cJSON *e = cJSON_GetArrayItem(pub, (int)k);
    return zkbp_check_commitment(s->h, what, "MiMC", strcmp(what, "input") == 0 ? "the sample's input" : "the published weights",
                                 cJSON_IsString(e) ? e->valuestring : "", want);
}

static zkb_status input_commit(gn_state *s, char *out, size_t cap)
{
    char ipath[ZKBP_PATH];
    zkbp_fmt(ipath, sizeof ipath, "%s/input.txt", s->wdir);
    if (zkbp_write_int_lines(ipath, s->x_q, s->n_in) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the input for its commitment in %s", s->wdir);
    zkbp_host->info(s->h, "input_commitment_check",
                    "every proof's commitment must equal the MiMC (gnark-crypto, native) of the sample's quantized input");
    return gn_commit(s, "input", ipath, out, cap);
}

/* The public values after the outputs: wcommit (weights=hashed), then
 * incommit (input=hashed). */
static zkb_status check_commitments(gn_state *s, const cJSON *pub)
{
    uint64_t at = s->n_out;
    zkb_status st = ZKB_OK;
    if (s->weights == GN_W_HASHED)
        st = check_commitment(s, pub, at++, "weights", s->wcommit_expect);
    if (st == ZKB_OK && s->input == GN_IN_HASHED) {
        char want[100];
        uint64_t t0 = zkbp_host->now_ns();
        st = input_commit(s, want, sizeof want);
        zkbp_host->metric(s->h, "input_commit_s", (double)(zkbp_host->now_ns() - t0) / 1e9, "s");
        if (st == ZKB_OK) {
            zkbp_host->info(s->h, "input_commitment_expected", want);
            st = check_commitment(s, pub, at, "input", want);
        }
    }
    return st;
}

static zkb_status gn_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    gn_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "verify before prove");
    zkb_status st = zkbp_check_outputs(s->h, n_outputs, s->n_out);
    if (st != ZKB_OK)
        return st;
    char pf[ZKBP_PATH], pub[ZKBP_PATH], vj[ZKBP_PATH], err[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    zkbp_fmt(pub, sizeof pub, "%s/public.bin", s->wdir);
    zkbp_fmt(vj, sizeof vj, "%s/verify.json", s->wdir);
    zkbp_fmt(err, sizeof err, "%s/verify.err", s->wdir);
    unlink(vj);
    const char *args[] = {"-dir", s->cdir, "-proof", pf, "-public", pub, "-out", vj, NULL};
    st = gn_drive(s, "gnark verify", "verify", args, NULL, 0, err);
    if (st == ZKB_ERR_CHILD) {
        char *e = zkbp_read_file(err, 1 << 16, NULL);
        const char *line = e ? strstr(e, "invalid proof") : NULL;
        size_t n = line ? strcspn(line, "\n") : 0;
        zkb_status r = line ? zkbp_fail(s->h, ZKB_ERR_VERIFY, "gnark %s verify: %.*s", gn_psys_name[s->psys],
                                        (int)(n > 300 ? 300 : n), line)
                            : zkbp_fail(s->h, ZKB_ERR_CHILD, "gnark verify failed: %.300s", e ? e : "(no message)");
        zkbp_host->free(e);
        return r;
    }
    if (st != ZKB_OK)
        return st;
    cJSON *j = zkbp_json_read(s->h, vj);
    if (!j)
        return ZKB_ERR_PARSE;
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
    const cJSON *pubv = cJSON_GetObjectItemCaseSensitive(j, "public");
    double v;
    if ((v = zkbp_json_num(j, "verify_s", -1)) >= 0)
        zkbp_host->metric(s->h, "verify_core_s", v, "s");
    if (!cJSON_IsTrue(ok) || !cJSON_IsArray(pubv)) {
        cJSON_Delete(j);
        return zkbp_fail(s->h, ZKB_ERR_VERIFY, "gnark verify exited 0 without accepting the proof (%s)", vj);
    }
    if ((uint64_t)cJSON_GetArraySize(pubv) != s->n_public) {
        int n = cJSON_GetArraySize(pubv);
        cJSON_Delete(j);
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: %d public values, the circuit has %llu", vj, n,
                         (unsigned long long)s->n_public);
    }
    /* the outputs come first */
    char *arr = cJSON_PrintUnformatted(pubv);
    char why[256] = "out of memory";
    int got = arr ? zkbp_parse_field_array(arr, "verify.json public", outputs, n_outputs, why, sizeof why) : -1;
    cJSON_free(arr);
    if (got == (int)n_outputs)
        st = check_commitments(s, pubv);
    cJSON_Delete(j);
    if (st != ZKB_OK)
        return st;
    if (got != (int)n_outputs)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s", why);
    return ZKB_OK;
}

static const zkb_backend gnark_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = 0,
    .name = "gnark",
    .version = "0.1.0",
    .proof_system = "groth16",
    .description = "gnark circuits defined at run time from the model (Go driver), proved natively (groth16|plonk, BN254)",
    .options = gn_options,
    .n_options = (uint32_t)(sizeof gn_options / sizeof gn_options[0]),
    .option_decl_size = sizeof(zkb_option_decl),
    .probe = gn_probe,
    .create = gn_create,
    .destroy = gn_destroy,
    .set_option = gn_set_option,
    .load_model = gn_load_model,
    .quantize = gn_quantize,
    .setup = gn_setup,
    .witness = gn_witness,
    .prove = gn_prove,
    .verify = gn_verify,
    .op_support = zkbp_supports_every_op,
    .evm_proof = gn_evm_proof,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    return zkbp_init(h, host_abi_major, &gnark_backend, out);
}
