/* The Noir backend: a Noir program generated from the model
 * (gen_program.c), compiled with noir_wasm, executed with noir_js (the
 * witness), proved and verified with Barretenberg's UltraHonk through bb.js.
 * Each phase is one node child (driver/noir_driver.mjs) started through
 * host->spawn, so its time and peak memory are measured; the driver reports
 * the library call's own time apart from start-up. See docs/noir.md. */
#include "noir_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const zkb_host_api *nr_host;

#define HOST_HAS(m) \
    (nr_host->struct_size >= offsetof(zkb_host_api, m) + sizeof nr_host->m && nr_host->m)

static const zkb_option_decl nr_options[] = {
    {"weights", ZKB_OPT_STRING, "fixed", "fixed|hashed",
     "fixed: program constants (bound by the verification key); hashed: private inputs with a "
     "Poseidon2 commitment as a public output"},
    {"crs", ZKB_OPT_STRING, "local", "local|bb-cache",
     "local: a testing-only CRS from a known tau, written by `zkbench srs bb` and cached; bb-cache: "
     "Aztec's CRS in ~/.bb-crs (never downloaded)"},
    {"crs_dir", ZKB_OPT_STRING, "", NULL,
     "a directory with bn254_g1.dat and bn254_g2.dat of your own (overrides crs)"},
    {"srs_seed", ZKB_OPT_STRING, NR_DEFAULT_SEED, NULL,
     "seed string of the local testing-only CRS (anyone who knows it can forge proofs)"},
    {"threads", ZKB_OPT_INT, "0", NULL, "Barretenberg threads (0: bb.js's default, all cores)"},
    {"tools_dir", ZKB_OPT_STRING, "", NULL,
     "directory with node_modules/{@noir-lang/noir_wasm,@noir-lang/noir_js,@aztec/bb.js} (default "
     "$ZKB_NOIR_TOOLS, else tools/noir of the source tree)"},
};

static void versions(const nr_tools *t, char *out, size_t cap)
{
    nr_fmt(out, cap, "noir_wasm %s; noir_js %s; bb.js %s; node %s", t->noir_wasm_version,
           t->noir_js_version, t->bb_js_version, t->node_version);
}

static zkb_status nr_probe(zkb_host_ctx *h)
{
    nr_tools t;
    char why[768];
    zkb_status st = nr_find_tools(h, NULL, &t, why, sizeof why);
    if (st != ZKB_OK)
        return nr_fail(h, ZKB_ERR_UNAVAILABLE, "%s", why);
    char v[512];
    versions(&t, v, sizeof v);
    nr_host->info(h, "framework_version", v);
    char w[NR_PATH + 160];
    nr_crs_writer(w, sizeof w);
    nr_host->info(h, "crs_writer", w);
    if (t.nargo[0])
        nr_host->info(h, "native_nargo", t.nargo);
    if (t.bb[0])
        nr_host->info(h, "native_bb", t.bb);
    return ZKB_OK;
}

static zkb_status nr_create(zkb_host_ctx *h, void **out)
{
    nr_state *s = nr_host->alloc(sizeof *s);
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
    nr_host->free(s->crs_dir_opt);
    nr_host->free(s->srs_seed);
    nr_host->free(s->tools_opt);
    nr_host->free(s->acc_bits);
    nr_host->free(s->out_bits);
    nr_host->free(s);
}

static char *dup_str(const char *v)
{
    size_t n = strlen(v);
    char *d = nr_host->alloc(n + 1);
    if (d)
        memcpy(d, v, n + 1);
    return d;
}

static zkb_status nr_set_option(void *state, const char *key, const zkb_option_value *v)
{
    nr_state *s = state;
    const char *str = v->type == ZKB_OPT_STRING && v->s ? v->s : "";
    if (strcmp(key, "weights") == 0) {
        if (strcmp(str, "fixed") != 0 && strcmp(str, "hashed") != 0)
            return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "weights: fixed or hashed, not %s", str);
        s->weights = strcmp(str, "hashed") == 0 ? NR_W_HASHED : NR_W_FIXED;
    } else if (strcmp(key, "crs") == 0) {
        if (strcmp(str, "local") != 0 && strcmp(str, "bb-cache") != 0)
            return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "crs: local or bb-cache, not %s", str);
        s->crs = strcmp(str, "bb-cache") == 0 ? NR_CRS_BB_CACHE : NR_CRS_LOCAL;
    } else if (strcmp(key, "threads") == 0) {
        if (v->i < 0 || v->i > 256)
            return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "threads: 0..256, not %lld", (long long)v->i);
        s->threads = v->i;
    } else if (strcmp(key, "crs_dir") == 0 || strcmp(key, "tools_dir") == 0 || strcmp(key, "srs_seed") == 0) {
        char **dst = key[0] == 'c' ? &s->crs_dir_opt : key[0] == 't' ? &s->tools_opt : &s->srs_seed;
        nr_host->free(*dst);
        *dst = NULL;
        if (*str && !(*dst = dup_str(str)))
            return ZKB_ERR_NOMEM;
    } else {
        return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "unknown option %s", key);
    }
    return ZKB_OK;
}

static zkb_status nr_load_model(void *state, const zkb_model_desc *m)
{
    nr_state *s = state;
    char why[768];
    if (nr_find_tools(s->h, s->tools_opt, &s->t, why, sizeof why) != ZKB_OK)
        return nr_fail(s->h, ZKB_ERR_UNAVAILABLE, "%s", why);
    s->m = m;
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    for (uint32_t i = 0; i < m->n_layers; i++)
        if (m->layers[i]->op < ZKB_OP_DENSE || m->layers[i]->op > ZKB_OP_MAX)
            return nr_fail(s->h, ZKB_ERR_UNSUPPORTED, "layer %u: operator %u not supported", i,
                           m->layers[i]->op);
    char v[512];
    versions(&s->t, v, sizeof v);
    nr_host->info(s->h, "framework_version", v);
    nr_host->info(s->h, "compiler", "noir_wasm (npm)");
    nr_host->info(s->h, "prover", "bb.js UltraHonk (wasm, npm)");
    if (s->t.nargo[0] || s->t.bb[0]) {
        char n[NR_PATH * 2 + 64];
        nr_fmt(n, sizeof n, "on PATH but not used (pinned npm pair runs): %s %s", s->t.nargo, s->t.bb);
        nr_host->info(s->h, "native_tools", n);
    }
    nr_host->info(s->h, "proof_system", "ultrahonk");
    nr_host->info(s->h, "weights", s->weights == NR_W_HASHED ? "hashed" : "fixed");
    nr_host->info(s->h, "input_visibility", "public");
    nr_host->info(s->h, "weights_binding", s->weights == NR_W_HASHED ? "poseidon2_commitment" : "verifying_key");
    nr_host->metric(s->h, "params", (double)m->n_params, "count");
    return ZKB_OK;
}

static zkb_status nr_quantize(void *state, const zkb_qmodel_desc *qm)
{
    nr_state *s = state;
    if (!s->m)
        return nr_fail(s->h, ZKB_ERR_STATE, "quantize before load_model");
    if (!qm || !qm->quant || (qm->quant->scheme != ZKB_QUANT_POW2 && qm->quant->scheme != ZKB_QUANT_POW10) ||
        (qm->quant->rounding != ZKB_ROUND_HALF_UP && qm->quant->rounding != ZKB_ROUND_FLOOR))
        return nr_fail(s->h, ZKB_ERR_UNSUPPORTED, "only the pow2/pow10 schemes with half_up or floor rounding");
    if (!HOST_HAS(value_bits))
        return nr_fail(s->h, ZKB_ERR_UNSUPPORTED,
                       "the host lacks value_bits (ABI 1.1): range checks cannot be sized");
    if (qm->n_layers != s->m->n_layers)
        return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "quantized model has %u layers, model %u", qm->n_layers,
                       s->m->n_layers);
    s->qm = qm;
    uint32_t n = qm->n_layers;
    s->acc_bits = nr_host->alloc((n + 1) * sizeof *s->acc_bits);
    s->out_bits = nr_host->alloc((n + 1) * sizeof *s->out_bits);
    if (!s->acc_bits || !s->out_bits)
        return ZKB_ERR_NOMEM;
    uint32_t a = 0;
    zkb_status st = nr_host->value_bits(s->h, ZKB_LAYER_INPUT, &a, &s->in_bits);
    for (uint32_t i = 0; i < n && st == ZKB_OK; i++)
        st = nr_host->value_bits(s->h, i, &s->acc_bits[i], &s->out_bits[i]);
    if (st != ZKB_OK)
        return nr_fail(s->h, ZKB_ERR_UNSUPPORTED, "values too wide for this program (range analysis: %s)",
                       st == ZKB_ERR_OVERFLOW ? "beyond int64" : "failed");
    return ZKB_OK;
}

/* ---- setup ---- */

static void record(nr_state *s, const nr_result *r, const char *key, const char *metric, const char *unit)
{
    double v;
    if (nr_result_num(r, key, &v) == 0)
        nr_host->metric(s->h, metric, v, unit);
}

static void set_paths(nr_state *s, const char *dir)
{
    nr_fmt(s->pdir, sizeof s->pdir, "%s", dir);
    nr_fmt(s->program, sizeof s->program, "%s/program.json", dir);
    nr_fmt(s->vk, sizeof s->vk, "%s/vk.bin", dir);
}

static const char *threads_json(nr_state *s, char *buf, size_t cap)
{
    nr_fmt(buf, cap, "%lld", (long long)s->threads);
    return buf;
}

/* noir_wasm compile + gate count, CRS, keygen: into dir (a .tmp directory). */
static zkb_status build_program(nr_state *s, const char *dir)
{
    char tools[NR_PATH + 8], proj[NR_PATH + 8], prog[NR_PATH + 8], cfg[4 * NR_PATH], th[32];
    nr_json_str(tools, sizeof tools, s->t.tools_dir);
    nr_json_str(proj, sizeof proj, dir);
    nr_json_str(prog, sizeof prog, s->program);
    nr_fmt(cfg, sizeof cfg, "{\"tools_dir\": %s, \"project\": %s, \"program_out\": %s, \"threads\": %s}\n",
           tools, proj, prog, threads_json(s, th, sizeof th));
    nr_host->progress(s->h, -1, "noir_wasm compile");
    nr_result r;
    zkb_status st = nr_driver(s, "compile", cfg, &r);
    if (st != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    double gates = 0, size = 0;
    if (nr_result_num(&r, "gates", &gates) != 0 || nr_result_num(&r, "circuit_size", &size) != 0 || size < 1) {
        nr_result_free(&r);
        return nr_fail(s->h, ZKB_ERR_PARSE, "the compile phase reported no gate count");
    }
    record(s, &r, "compile_s", "compile_s", "s");
    record(s, &r, "gates_s", "gates_s", "s");
    record(s, &r, "import_s", "compile_import_s", "s");
    char nv[128];
    if (nr_result_str(&r, "noir_version", nv, sizeof nv))
        nr_host->info(s->h, "noir_version", nv);
    nr_result_free(&r);
    s->gates = (uint64_t)gates;
    s->circuit_size = (uint64_t)size;

    if ((st = nr_crs_prepare(s, s->circuit_size + 1)) != ZKB_OK)
        return st;
    char crs[NR_PATH + 8], vk[NR_PATH + 8];
    nr_json_str(crs, sizeof crs, s->crs_path);
    nr_json_str(vk, sizeof vk, s->vk);
    nr_fmt(cfg, sizeof cfg,
           "{\"tools_dir\": %s, \"program\": %s, \"vk_out\": %s, \"crs_path\": %s, \"circuit_size\": %llu, "
           "\"threads\": %s}\n",
           tools, prog, vk, crs, (unsigned long long)s->circuit_size, threads_json(s, th, sizeof th));
    nr_host->progress(s->h, -1, "verification key");
    if ((st = nr_driver(s, "keygen", cfg, &r)) != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    double npub = 0;
    if (nr_result_num(&r, "num_public_inputs", &npub) != 0) {
        nr_result_free(&r);
        return nr_fail(s->h, ZKB_ERR_PARSE, "the keygen phase reported no public input count");
    }
    record(s, &r, "phase_s", "keygen_s", "s");
    record(s, &r, "init_s", "keygen_init_s", "s");
    nr_result_free(&r);
    s->n_public = (uint64_t)npub;
    char meta[256], mp[NR_PATH];
    nr_fmt(meta, sizeof meta, "gates %llu\ncircuit_size %llu\npublic %llu\n", (unsigned long long)s->gates,
           (unsigned long long)s->circuit_size, (unsigned long long)s->n_public);
    nr_fmt(mp, sizeof mp, "%s/meta.txt", dir);
    if (zkbp_write_text(mp, meta) != 0)
        return nr_fail(s->h, ZKB_ERR_IO, "cannot write %s", mp);
    return ZKB_OK;
}

static zkb_status nr_setup(void *state)
{
    nr_state *s = state;
    if (!s->qm)
        return nr_fail(s->h, ZKB_ERR_STATE, "setup before quantize");
    char cbuf[NR_PATH], sbuf[NR_PATH];
    const char *cache = nr_cache(s->h, cbuf, sizeof cbuf);
    const char *scratch = nr_scratch(s->h, sbuf, sizeof sbuf);
    if (!cache || !scratch)
        return nr_fail(s->h, ZKB_ERR_IO, "no cache or scratch directory");
    nr_fmt(s->wdir, sizeof s->wdir, "%s", scratch);

    /* Generate the program in scratch; its text (weights, widths, scale,
     * options) + tool versions + CRS choice name the cache entry (the
     * verification key depends on the CRS). */
    char proj[NR_PATH], src[NR_PATH];
    nr_fmt(proj, sizeof proj, "%s/program", scratch);
    zkb_status st = nr_gen_program(s, proj);
    if (st != ZKB_OK)
        return st;
    nr_fmt(src, sizeof src, "%s/src/main.nr", proj);
    size_t len = 0;
    char *text = zkbp_read_file(nr_host, src, (size_t)1 << 31, &len);
    if (!text)
        return nr_fail(s->h, ZKB_ERR_IO, "cannot read %s", src);
    uint64_t h1 = zkbp_fnv(1469598103934665603ULL, text, len);
    uint64_t h2 = zkbp_fnv(0x9e3779b97f4a7c15ULL, text, len);
    nr_host->free(text);
    char extra[2048], crs_id[NR_PATH + 16], v[512];
    nr_crs_id(s, crs_id, sizeof crs_id);
    versions(&s->t, v, sizeof v);
    nr_fmt(extra, sizeof extra, "%s|%s", v, crs_id);
    h1 = zkbp_fnv(h1, extra, strlen(extra));
    h2 = zkbp_fnv(h2, extra, strlen(extra));
    char dir[NR_PATH], done[NR_PATH];
    nr_fmt(dir, sizeof dir, "%s/programs/%016llx%016llx", cache, (unsigned long long)h1, (unsigned long long)h2);
    nr_fmt(done, sizeof done, "%s/DONE", dir);
    nr_host->info(s->h, "program_cache", dir);

    if (zkbp_file_exists(done)) {
        set_paths(s, dir);
        nr_host->info(s->h, "setup_cache", "hit");
    } else {
        char tmp[NR_PATH], p1[NR_PATH], p2[NR_PATH];
        nr_fmt(tmp, sizeof tmp, "%s.tmp%d", dir, (int)getpid());
        nr_fmt(p1, sizeof p1, "%s/src", tmp);
        if (zkbp_mkdirs(p1) != 0)
            return nr_fail(s->h, ZKB_ERR_IO, "cannot create %s", p1);
        nr_fmt(p1, sizeof p1, "%s/src/main.nr", tmp);
        nr_fmt(p2, sizeof p2, "%s/Nargo.toml", tmp);
        char n1[NR_PATH];
        nr_fmt(n1, sizeof n1, "%s/Nargo.toml", proj);
        if (zkbp_copy_file(src, p1) != 0 || zkbp_copy_file(n1, p2) != 0)
            return nr_fail(s->h, ZKB_ERR_IO, "cannot write %s", tmp);
        set_paths(s, tmp);
        if ((st = build_program(s, tmp)) != ZKB_OK)
            return st; /* the .tmp directory stays for inspection */
        char d2[NR_PATH];
        nr_fmt(d2, sizeof d2, "%s/DONE", tmp);
        if (zkbp_write_text(d2, "ok\n") != 0)
            return nr_fail(s->h, ZKB_ERR_IO, "cannot write %s", d2);
        if (rename(tmp, dir) == 0 || zkbp_file_exists(done))
            set_paths(s, dir); /* ours, or a concurrent cell's identical one */
        nr_host->info(s->h, "setup_cache", "miss");
    }
    char mp[NR_PATH];
    nr_fmt(mp, sizeof mp, "%s/meta.txt", s->pdir);
    char *meta = zkbp_read_file(nr_host, mp, 1 << 16, NULL);
    unsigned long long g = 0, cs = 0, np = 0;
    int ok = meta && sscanf(meta, "gates %llu circuit_size %llu public %llu", &g, &cs, &np) == 3;
    nr_host->free(meta);
    if (!ok)
        return nr_fail(s->h, ZKB_ERR_PARSE, "cannot read %s", mp);
    s->gates = g;
    s->circuit_size = cs;
    s->n_public = np;
    uint64_t want = s->n_in + s->n_out + (s->weights == NR_W_HASHED ? 1 : 0);
    if (s->n_public != want)
        return nr_fail(s->h, ZKB_ERR_STATE, "the program has %llu public inputs, expected %llu", np,
                       (unsigned long long)want);
    if (!s->crs_path[0] && (st = nr_crs_prepare(s, s->circuit_size + 1)) != ZKB_OK)
        return st;
    nr_host->info(s->h, "srs", s->crs_desc);
    nr_host->info(s->h, "crs_path", s->crs_path);
    nr_host->metric(s->h, "gates", (double)s->gates, "count");
    nr_host->metric(s->h, "circuit_size", (double)s->circuit_size, "count");
    uint32_t lg = 0;
    while (lg < 40 && ((uint64_t)1 << lg) < s->circuit_size)
        lg++;
    nr_host->metric(s->h, "logrows", lg, "log2");
    nr_host->metric(s->h, "public_inputs", (double)s->n_public, "count");
    nr_host->metric(s->h, "vk_size", (double)zkbp_file_size(s->vk), "bytes");
    nr_host->metric(s->h, "program_size", (double)zkbp_file_size(s->program), "bytes");
    if (s->weights == NR_W_HASHED && (st = nr_weights_commit(s)) != ZKB_OK)
        return st;
    s->setup_done = 1;
    return ZKB_OK;
}

/* ---- witness, prove, verify ---- */

static void record_startup(nr_state *s, const nr_result *r, const char *phase)
{
    char k[64];
    nr_fmt(k, sizeof k, "%s_call_s", phase);
    record(s, r, "phase_s", k, "s");
    nr_fmt(k, sizeof k, "%s_import_s", phase);
    record(s, r, "import_s", k, "s");
    nr_fmt(k, sizeof k, "%s_bb_init_s", phase);
    record(s, r, "init_s", k, "s");
}

static zkb_status nr_witness(void *state, const zkb_sample *x)
{
    nr_state *s = state;
    if (!s->setup_done)
        return nr_fail(s->h, ZKB_ERR_STATE, "witness before setup");
    if (x->n != s->n_in)
        return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "sample has %llu values, the model takes %llu",
                       (unsigned long long)x->n, (unsigned long long)s->n_in);
    s->have_witness = s->have_proof = 0;
    char in[NR_PATH], wt[NR_PATH];
    nr_fmt(in, sizeof in, "%s/inputs.json", s->wdir);
    nr_fmt(wt, sizeof wt, "%s/witness.gz", s->wdir);
    zkb_status st = nr_gen_inputs(s, x->x_q, x->n, in);
    if (st != ZKB_OK)
        return st;
    unlink(wt);
    char tools[NR_PATH + 8], prog[NR_PATH + 8], inj[NR_PATH + 8], wtj[NR_PATH + 8], cfg[5 * NR_PATH];
    nr_json_str(tools, sizeof tools, s->t.tools_dir);
    nr_json_str(prog, sizeof prog, s->program);
    nr_json_str(inj, sizeof inj, in);
    nr_json_str(wtj, sizeof wtj, wt);
    nr_fmt(cfg, sizeof cfg, "{\"tools_dir\": %s, \"program\": %s, \"inputs\": %s, \"witness_out\": %s}\n", tools,
           prog, inj, wtj);
    nr_result r;
    st = nr_driver(s, "execute", cfg, &r);
    if (st == ZKB_OK) {
        record_startup(s, &r, "witness");
        record(s, &r, "witness_size", "witness_size", "bytes");
        s->have_witness = 1;
    }
    nr_result_free(&r);
    return st;
}

static zkb_status nr_prove(void *state)
{
    nr_state *s = state;
    if (!s->have_witness)
        return nr_fail(s->h, ZKB_ERR_STATE, "prove before witness");
    char wt[NR_PATH], pf[NR_PATH];
    nr_fmt(wt, sizeof wt, "%s/witness.gz", s->wdir);
    nr_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    unlink(pf);
    s->have_proof = 0;
    char tools[NR_PATH + 8], prog[NR_PATH + 8], wtj[NR_PATH + 8], pfj[NR_PATH + 8], crs[NR_PATH + 8],
        cfg[6 * NR_PATH], th[32];
    nr_json_str(tools, sizeof tools, s->t.tools_dir);
    nr_json_str(prog, sizeof prog, s->program);
    nr_json_str(wtj, sizeof wtj, wt);
    nr_json_str(pfj, sizeof pfj, pf);
    nr_json_str(crs, sizeof crs, s->crs_path);
    nr_fmt(cfg, sizeof cfg,
           "{\"tools_dir\": %s, \"program\": %s, \"witness\": %s, \"proof_out\": %s, \"crs_path\": %s, "
           "\"circuit_size\": %llu, \"threads\": %s}\n",
           tools, prog, wtj, pfj, crs, (unsigned long long)s->circuit_size, threads_json(s, th, sizeof th));
    nr_result r;
    zkb_status st = nr_driver(s, "prove", cfg, &r);
    if (st == ZKB_OK) {
        record_startup(s, &r, "prove");
        double t = 0;
        if (nr_result_num(&r, "threads", &t) == 0)
            nr_host->metric(s->h, "threads", t, "count");
        long long total = zkbp_file_size(pf);
        if (total <= 0) {
            nr_result_free(&r);
            return nr_fail(s->h, ZKB_ERR_IO, "no proof written (%s)", pf);
        }
        /* bb.js's buffer: u32 size, public inputs (32 B each), the proof proper */
        nr_host->metric(s->h, "proof_size", (double)(total - 4 - 32 * (long long)s->n_public), "bytes");
        nr_host->metric(s->h, "proof_with_public_inputs_size", (double)total, "bytes");
        s->have_proof = 1;
    }
    nr_result_free(&r);
    return st;
}

static zkb_status nr_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    nr_state *s = state;
    if (!s->have_proof)
        return nr_fail(s->h, ZKB_ERR_STATE, "verify before prove");
    if (n_outputs != s->n_out)
        return nr_fail(s->h, ZKB_ERR_INVALID_ARG, "%llu outputs asked, the model has %llu",
                       (unsigned long long)n_outputs, (unsigned long long)s->n_out);
    char pf[NR_PATH];
    nr_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    char tools[NR_PATH + 8], pfj[NR_PATH + 8], vkj[NR_PATH + 8], crs[NR_PATH + 8], cfg[5 * NR_PATH], th[32];
    nr_json_str(tools, sizeof tools, s->t.tools_dir);
    nr_json_str(pfj, sizeof pfj, pf);
    nr_json_str(vkj, sizeof vkj, s->vk);
    nr_json_str(crs, sizeof crs, s->crs_path);
    nr_fmt(cfg, sizeof cfg,
           "{\"tools_dir\": %s, \"proof\": %s, \"vk\": %s, \"crs_path\": %s, \"num_public_inputs\": %llu, "
           "\"threads\": %s}\n",
           tools, pfj, vkj, crs, (unsigned long long)s->n_public, threads_json(s, th, sizeof th));
    nr_result r;
    zkb_status st = nr_driver(s, "verify", cfg, &r);
    char tmp[32];
    int said = nr_result_str(&r, "verified", tmp, sizeof tmp) != NULL;
    int verified = said && strcmp(tmp, "true") == 0;
    if (st == ZKB_ERR_CHILD && said && !verified) {
        nr_result_free(&r);
        return nr_fail(s->h, ZKB_ERR_VERIFY, "bb.js UltraHonk verify: invalid proof");
    }
    if (st != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    if (!verified) {
        nr_result_free(&r);
        return nr_fail(s->h, ZKB_ERR_VERIFY, "the verify phase exited 0 without accepting the proof");
    }
    record_startup(s, &r, "verify");
    /* public inputs of the verified proof: x, then the outputs (then the
     * weights' commitment) */
    for (uint64_t k = 0; k < n_outputs; k++) {
        char key[48], val[128];
        nr_fmt(key, sizeof key, "public_inputs.%llu", (unsigned long long)(s->n_in + k));
        char *end = NULL;
        if (!nr_result_str(&r, key, val, sizeof val) || ((outputs[k] = strtoll(val, &end, 10)), *end != '\0')) {
            nr_result_free(&r);
            return nr_fail(s->h, ZKB_ERR_PARSE, "public input %llu of the proof is not an int64 logit",
                           (unsigned long long)(s->n_in + k));
        }
    }
    if (s->weights == NR_W_HASHED) {
        char key[48], val[128] = "";
        nr_fmt(key, sizeof key, "public_inputs.%llu", (unsigned long long)(s->n_in + s->n_out));
        nr_result_str(&r, key, val, sizeof val);
        nr_host->info(s->h, "weights_commitment", val);
        if (strcmp(val, s->wcommit_expect) != 0) {
            nr_result_free(&r);
            return nr_fail(s->h, ZKB_ERR_VERIFY,
                           "the proof's weights commitment %s is not the Poseidon2 commitment of the "
                           "published weights (%s)",
                           val[0] ? val : "(missing)", s->wcommit_expect);
        }
    }
    nr_result_free(&r);
    return ZKB_OK;
}

static uint32_t nr_op_support(uint32_t op)
{
    return op >= ZKB_OP_DENSE && op <= ZKB_OP_MAX ? ZKB_SUPPORT_NATIVE : ZKB_SUPPORT_NONE;
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
    .op_support = nr_op_support,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    if (host_abi_major != ZKB_PLUGIN_ABI_MAJOR || !h ||
        h->struct_size < offsetof(zkb_host_api, eval_fixed) + sizeof h->eval_fixed)
        return ZKB_ERR_ABI;
    nr_host = h;
    *out = &noir_backend;
    return ZKB_OK;
}
