/* The ezkl backend (docs/ezkl.md): halo2-KZG proofs through the ezkl Python
 * package. Every ezkl call is one child process (driver/zkb_ezkl_driver.py)
 * started through host->spawn, so the host measures each phase's wall time
 * and peak memory; the driver times the ezkl call itself (ezkl_<call>_s) and
 * reports interpreter start-up apart (startup_<call>_s). */
#include "ezkl_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const zkb_option_decl ez_options[] = {
    {"python", ZKB_OPT_STRING, "", NULL,
     "Python with ezkl and onnx (default $ZKB_EZKL_PYTHON, else the virtual environment of "
     "`zkbench setup ezkl`)"},
    {"input_visibility", ZKB_OPT_STRING, "public", "public|private|hashed",
     "visibility of the model input in the proof"},
    {"param_visibility", ZKB_OPT_STRING, "fixed", "fixed|private|hashed",
     "visibility of the weights: fixed (in the verifying key), private, hashed"},
    {"output_visibility", ZKB_OPT_STRING, "public", "public",
     "visibility of the outputs (public: verify returns them)"},
    {"input_scale", ZKB_OPT_INT, "-1", NULL,
     "ezkl input scale (log2); -1: the session's log2 S (pow2 schemes) else ezkl's 7"},
    {"param_scale", ZKB_OPT_INT, "-1", NULL, "ezkl parameter scale (log2); -1: as input_scale"},
    {"scale_rebase_multiplier", ZKB_OPT_INT, "0", NULL, "ezkl scale_rebase_multiplier (0: ezkl's default 1)"},
    {"logrows", ZKB_OPT_INT, "0", NULL, "circuit size 2^logrows (0: from gen_settings/calibration)"},
    {"calibration", ZKB_OPT_STRING, "resources", "resources|accuracy|none",
     "calibrate_settings target (none: keep gen_settings' choice)"},
    {"calibration_samples", ZKB_OPT_INT, "20", NULL,
     "synthetic calibration inputs, uniform in [calibration_lo, calibration_hi]"},
    {"calibration_lo", ZKB_OPT_DOUBLE, "0", NULL, "lower bound of the calibration inputs"},
    {"calibration_hi", ZKB_OPT_DOUBLE, "1", NULL, "upper bound of the calibration inputs"},
    {"calibration_scales", ZKB_OPT_STRING, "", NULL,
     "comma-separated log2 scales calibration may try (empty: ezkl's own range)"},
    {"max_logrows", ZKB_OPT_INT, "0", NULL, "largest logrows calibration may choose (0: ezkl's)"},
    {"decomp_base", ZKB_OPT_INT, "0", NULL, "ezkl decomp_base of range checks (0: ezkl's 16384)"},
    {"decomp_legs", ZKB_OPT_INT, "0", NULL, "ezkl decomp_legs (0: ezkl's 2)"},
    {"accuracy_samples", ZKB_OPT_INT, "1000", NULL,
     "zk accuracy pass after the proofs: ezkl witness outputs of this many test samples "
     "(0: none, -1: the whole split)"},
    {"accuracy_max_s", ZKB_OPT_DOUBLE, "120", NULL,
     "time budget of the accuracy pass's witness loop, seconds (0: none); it stops early past it"},
};

static void ez_destroy(void *state);

/* Why the probe driver failed, printable, in out (empty when unknown): the
 * "error" of its JSON answer, else the last line of its stderr. */
static void probe_stderr_tail(const char *dir, char *out, size_t cap)
{
    char path[ZKBP_PATH], buf[512];
    out[0] = '\0';
    if (zkbp_fmt(path, sizeof path, "%s/probe.out", dir) < 0)
        return;
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *nl = strrchr(buf, '{'); /* the answer is the last line */
        cJSON *j = nl ? cJSON_Parse(nl) : NULL;
        const char *e = zkbp_json_str(j, "error");
        if (e)
            zkbp_fmt(out, cap, "%s", e);
        cJSON_Delete(j);
        if (out[0])
            return;
    }
    if (zkbp_fmt(path, sizeof path, "%s/probe.err", dir) < 0)
        return;
    f = fopen(path, "rb");
    if (!f)
        return;
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > (long)sizeof buf - 1 && fseek(f, sz - (long)sizeof buf + 1, SEEK_SET) != 0)
            sz = 0;
        if (sz <= (long)sizeof buf - 1)
            rewind(f);
        n = fread(buf, 1, sizeof buf - 1, f);
    }
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    const char *line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    size_t k = 0;
    for (; *line && k + 1 < cap; line++)
        out[k++] = (*line >= 32 && *line < 127) ? *line : '?';
    out[k] = '\0';
}

static zkb_status ez_probe(zkb_host_ctx *h)
{
    char py[ZKBP_PATH], drv[ZKBP_PATH], why[ZKBP_PATH + 200];
    if (ez_find_python(NULL, py, sizeof py, drv, sizeof drv, why, sizeof why) != ZKB_OK)
        return zkbp_fail(h, ZKB_ERR_UNAVAILABLE, "%s", why);
    const char *dir = zkbp_host->scratch_dir(h);
    cJSON *j = NULL;
    zkb_status st = ez_drive(h, py, drv, dir ? dir : "/tmp", "probe", NULL, &j);
    if (st != ZKB_OK) {
        char tail[200];
        ez_json_free(j);
        if (st == ZKB_ERR_TIMEOUT || st == ZKB_ERR_CANCELLED || st == ZKB_ERR_CRASHED)
            return zkbp_fail(h, ZKB_ERR_UNAVAILABLE, "ezkl probe with %s did not finish (%s)", py,
                             st == ZKB_ERR_TIMEOUT ? "time limit" : st == ZKB_ERR_CRASHED ? "crashed" : "cancelled");
        probe_stderr_tail(dir ? dir : "/tmp", tail, sizeof tail);
        return zkbp_fail(h, ZKB_ERR_UNAVAILABLE,
                         "ezkl not installed or not importable with %s: run `zkbench setup ezkl`%s%s%s",
                         py, tail[0] ? " (" : "", tail, tail[0] ? ")" : "");
    }
    char v[256];
    const char *ev = zkbp_json_str(cJSON_GetObjectItemCaseSensitive(j, "infos"), "ezkl_version");
    const char *ov = zkbp_json_str(cJSON_GetObjectItemCaseSensitive(j, "infos"), "onnx_version");
    zkbp_fmt(v, sizeof v, "ezkl %s; onnx %s (Python package)", ev ? ev : "?", ov ? ov : "?");
    zkbp_host->info(h, "framework_version", v);
    ez_json_free(j);
    return ZKB_OK;
}

static zkb_status ez_create(zkb_host_ctx *h, void **out)
{
    ez_state *s = zkbp_host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    strcpy(s->input_vis, "public");
    strcpy(s->param_vis, "fixed");
    strcpy(s->output_vis, "public");
    strcpy(s->calibration, "resources");
    s->input_scale = -1;
    s->param_scale = -1;
    s->cal_samples = 20;
    s->cal_lo = 0;
    s->cal_hi = 1;
    s->session_log2 = -1;
    s->acc_samples = 1000;
    s->acc_max_s = 120;
    *out = s;
    return ZKB_OK;
}

static void ez_destroy(void *state)
{
    ez_state *s = state;
    if (!s)
        return;
    zkbp_host->free(s->python_opt);
    zkbp_host->free(s->cal_scales);
    zkbp_host->free(s->wit_out);
    zkbp_host->free(s->ref_out);
    zkbp_host->free(s->x_q);
    zkbp_host->free(s->ops);
    zkbp_host->free(s);
}

static zkb_status ez_set_option(void *state, const char *key, const zkb_option_value *v)
{
    ez_state *s = state;
    struct {
        const char *k;
        char *dst;
        size_t cap;
    } words[] = {{"input_visibility", s->input_vis, sizeof s->input_vis},
                 {"param_visibility", s->param_vis, sizeof s->param_vis},
                 {"output_visibility", s->output_vis, sizeof s->output_vis},
                 {"calibration", s->calibration, sizeof s->calibration}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(key, words[i].k) == 0) {
            zkbp_fmt(words[i].dst, words[i].cap, "%s", zkbp_opt_string(v));
            return ZKB_OK;
        }
    if (strcmp(key, "python") == 0)
        return zkbp_opt_strdup(&s->python_opt, v);
    if (strcmp(key, "calibration_scales") == 0)
        return zkbp_opt_strdup(&s->cal_scales, v);
    struct {
        const char *k;
        int64_t *p;
    } ints[] = {{"input_scale", &s->input_scale},     {"param_scale", &s->param_scale},
                {"scale_rebase_multiplier", &s->rebase_mult}, {"logrows", &s->logrows},
                {"calibration_samples", &s->cal_samples}, {"max_logrows", &s->max_logrows},
                {"decomp_base", &s->decomp_base},     {"decomp_legs", &s->decomp_legs},
                {"accuracy_samples", &s->acc_samples}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (strcmp(key, ints[i].k) == 0) {
            if (v->i < -1 || v->i > (1 << 24))
                return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "ezkl option %s: %lld out of range", key,
                                 (long long)v->i);
            *ints[i].p = v->i;
            return ZKB_OK;
        }
    if (strcmp(key, "calibration_lo") == 0) {
        s->cal_lo = v->d;
        return ZKB_OK;
    }
    if (strcmp(key, "calibration_hi") == 0) {
        s->cal_hi = v->d;
        return ZKB_OK;
    }
    if (strcmp(key, "accuracy_max_s") == 0) {
        if (!(v->d >= 0))
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "ezkl option accuracy_max_s: %g is not >= 0", v->d);
        s->acc_max_s = v->d;
        return ZKB_OK;
    }
    return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "ezkl: unknown option %s", key);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static zkb_status ez_load_model(void *state, const zkb_model_desc *m)
{
    ez_state *s = state;
    char why[ZKBP_PATH + 200];
    if (ez_find_python(s->python_opt, s->python, sizeof s->python, s->driver, sizeof s->driver, why,
                       sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "unavailable: %s", why);
    const char *scratch = zkbp_host->scratch_dir(s->h);
    if (!scratch || zkbp_fmt(s->wdir, sizeof s->wdir, "%s", scratch) < 0 ||
        zkbp_fmt(s->onnx, sizeof s->onnx, "%s/network.onnx", s->wdir) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: no scratch directory");
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    s->wit_out = zkbp_host->alloc(s->n_out * sizeof *s->wit_out);
    s->ref_out = zkbp_host->alloc(s->n_out * sizeof *s->ref_out);
    s->x_q = zkbp_host->alloc(s->n_in * sizeof *s->x_q);
    if (!s->wit_out || !s->ref_out || !s->x_q)
        return ZKB_ERR_NOMEM;
    zkbp_host->metric(s->h, "params", (double)m->n_params, "count");
    s->n_layers = m->n_layers;
    s->ops = zkbp_host->alloc((m->n_layers ? m->n_layers : 1) * sizeof *s->ops);
    if (!s->ops)
        return ZKB_ERR_NOMEM;
    for (uint32_t i = 0; i < m->n_layers; i++)
        s->ops[i] = m->layers[i]->op;

    char src[ZKBP_PATH];
    if (m->source_path && *m->source_path && !realpath(m->source_path, src))
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot resolve %s", m->source_path);
    if (m->source_path && ends_with(src, ".onnx")) {
        /* The imported model, not the user's file: see model_json.c. */
        if (zkbp_fmt(src, sizeof src, "%s/imported_model.json", s->wdir) < 0 ||
            ez_write_model_json(m, src) != 0)
            return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot write the imported model of %s",
                             m->source_path);
        s->onnx_user = 1;
    }
    if (!m->source_path || !*m->source_path)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "ezkl: the model has no source file to export");
    const char *args[] = {"--model", src, "--out", s->onnx, NULL};
    zkb_status st = ez_run(s, "export", args);
    if (st == ZKB_OK)
        zkbp_host->info(s->h, "onnx_source",
                        s->onnx_user ? "the user's ONNX as zkmlbench imported it (normalized), "
                                       "exported by plugins/ezkl/driver/export_onnx.py"
                                     : "exported by plugins/ezkl/driver/export_onnx.py");
    return st;
}

static zkb_status ez_quantize(void *state, const zkb_qmodel_desc *qm)
{
    ez_state *s = state;
    /* ezkl quantizes on its own (its scales, its rounding): the host's
     * parameters are not used. Remember S so outputs can be brought to it. */
    s->S = qm->scale_factor;
    int l = -1;
    for (int k = 0; k < 62; k++)
        if ((int64_t)1 << k == qm->scale_factor)
            l = k;
    s->session_log2 = l;
    return ZKB_OK;
}

static zkb_status ez_witness(void *state, const zkb_sample *x)
{
    ez_state *s = state;
    if (!s->setup_done)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "witness before setup");
    if (x->n != s->n_in)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "sample size %llu, model input %llu",
                         (unsigned long long)x->n, (unsigned long long)s->n_in);
    s->have_witness = s->have_proof = 0;
    char p[ZKBP_PATH];
    if (zkbp_fmt(p, sizeof p, "%s/x.txt", s->wdir) < 0)
        return ZKB_ERR_INVALID_ARG;
    FILE *f = fopen(p, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot write %s", p);
    for (uint64_t i = 0; i < x->n; i++)
        fprintf(f, "%.17g\n", (double)x->x[i]); /* the float's exact value */
    if (fclose(f) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot write %s", p);
    memcpy(s->x_q, x->x_q, x->n * sizeof *s->x_q);
    const char *a[] = {"--input", "x.txt", "--data", "input.json", "--compiled", "network.ezkl",
                       "--witness", "witness.json", NULL};
    cJSON *j = NULL;
    zkb_status st = ez_drive(s->h, s->python, s->driver, s->wdir, "witness", a, &j);
    if (st != ZKB_OK) {
        ez_json_free(j);
        return st;
    }
    long n = ez_ints(j, "outputs_q", s->wit_out, s->n_out);
    ez_json_free(j);
    if (n != (long)s->n_out)
        return zkbp_fail(s->h, ZKB_ERR_CHILD, "ezkl witness: %ld outputs, the model has %llu", n,
                         (unsigned long long)s->n_out);
    s->have_witness = 1;
    return ZKB_OK;
}

static zkb_status ez_prove(void *state)
{
    ez_state *s = state;
    if (!s->have_witness)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "prove before witness");
    char srs[ZKBP_PATH];
    zkb_status st = ez_srs_path(s, srs, sizeof srs);
    if (st != ZKB_OK)
        return st;
    const char *a[] = {"--witness", "witness.json", "--compiled", "network.ezkl", "--pk", "pk.key",
                       "--proof", "proof.json", "--srs", srs, NULL};
    st = ez_run(s, "prove", a);
    s->have_proof = st == ZKB_OK;
    return st;
}

/* ezkl's integer at scale 2^e brought to the session's S = 2^s: exact when
 * e == s, else shifted with round-half-up (documented as approximate). */
static int64_t to_session_scale(int64_t v, int e, int s)
{
    if (e < 0 || s < 0 || e == s)
        return v;
    if (e < s)
        return v * ((int64_t)1 << (s - e));
    int64_t d = (int64_t)1 << (e - s);
    int64_t q = (v + d / 2);
    return q >= 0 ? q / d : -((-q + d - 1) / d);
}

static zkb_status ez_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    ez_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "verify before prove");
    if (n_outputs != s->n_out)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "output count differs from the model's classes");
    if (strcmp(s->output_vis, "public") != 0)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "ezkl: verify needs public outputs");
    char srs[ZKBP_PATH];
    zkb_status st = ez_srs_path(s, srs, sizeof srs);
    if (st != ZKB_OK)
        return st;
    const char *a[] = {"--proof", "proof.json", "--settings", "settings.json", "--vk", "vk.key",
                       "--srs", srs, "--witness", "witness.json", "--output-visibility", s->output_vis,
                       NULL};
    cJSON *j = NULL;
    st = ez_drive(s->h, s->python, s->driver, s->wdir, "verify", a, &j);
    if (st != ZKB_OK) {
        ez_json_free(j);
        return st;
    }
    int64_t *proof_out = zkbp_host->alloc(s->n_out * sizeof *proof_out);
    if (!proof_out) {
        ez_json_free(j);
        return ZKB_ERR_NOMEM;
    }
    long n = ez_ints(j, "outputs_q", proof_out, s->n_out);
    int match_wit = ez_bool(j, "outputs_match_witness");
    ez_json_free(j);
    if (n != (long)s->n_out) {
        zkbp_host->free(proof_out);
        return zkbp_fail(s->h, ZKB_ERR_CHILD, "ezkl verify: the proof has %ld public outputs, want %llu",
                         n, (unsigned long long)s->n_out);
    }
    if (!match_wit || memcmp(proof_out, s->wit_out, s->n_out * sizeof *proof_out) != 0) {
        zkbp_host->free(proof_out);
        return zkbp_fail(s->h, ZKB_ERR_VERIFY,
                         "ezkl verify: the proof's public outputs differ from ezkl's witness outputs");
    }
    zkbp_host->metric(s->h, "verified", 1, "bool");
    zkbp_host->info(s->h, "verification", "ezkl.verify passed; public outputs equal the witness outputs");
    if (s->use_scheme) {
        /* The proof's own integers, at ezkl's output scale: the runner
         * compares them with the evaluator's ezkl scheme. */
        memcpy(outputs, proof_out, s->n_out * sizeof *outputs);
        zkbp_host->free(proof_out);
        s->samples_seen++;
        return ZKB_OK;
    }
    /* The proof's outputs at the session's scale. They equal the host's
     * reference evaluator only where ezkl's quantization coincides with the
     * host's (docs/ezkl.md): the runner compares and reports a mismatch. */
    for (uint64_t i = 0; i < s->n_out; i++)
        outputs[i] = to_session_scale(proof_out[i], s->out_scale, s->session_log2);
    zkbp_host->free(proof_out);
    s->samples_seen++;
    if (zkbp_host->eval_fixed(s->h, s->x_q, s->n_in, s->ref_out, s->n_out) == ZKB_OK) {
        int same = memcmp(outputs, s->ref_out, s->n_out * sizeof *outputs) == 0;
        s->samples_match += same;
        zkbp_host->metric(s->h, "outputs_equal_reference", (double)s->samples_match, "count");
        zkbp_host->metric(s->h, "outputs_checked", (double)s->samples_seen, "count");
    }
    zkbp_host->info(s->h, "verification", "ezkl.verify passed; public outputs equal the witness outputs");
    return ZKB_OK;
}

/* The zk accuracy pass (zkb_backend.eval_batch): ezkl's witness outputs for
 * n samples, all in one driver process (witness_batch), at the proofs' scale. */
static zkb_status ez_eval_batch(void *state, const float *x, uint64_t n, uint64_t n_in,
                                int64_t *outputs, uint64_t n_outputs, uint64_t *n_done)
{
    ez_state *s = state;
    *n_done = 0;
    if (!s->setup_done)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "eval_batch before setup");
    if (n_in != s->n_in || n_outputs != s->n_out)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "eval_batch: sizes differ from the model's");
    char p[ZKBP_PATH];
    if (zkbp_fmt(p, sizeof p, "%s/batch_x.txt", s->wdir) < 0)
        return ZKB_ERR_INVALID_ARG;
    FILE *f = fopen(p, "w");
    if (!f)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot write %s", p);
    for (uint64_t i = 0; i < n; i++)
        for (uint64_t k = 0; k < n_in; k++)
            fprintf(f, "%.17g%c", (double)x[i * n_in + k], k + 1 < n_in ? ' ' : '\n');
    if (fclose(f) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot write %s", p);
    char ms[40];
    zkbp_fmt(ms, sizeof ms, "%.17g", s->acc_max_s);
    const char *a[] = {"--input", "batch_x.txt", "--compiled", "network.ezkl", "--out", "batch_out.json",
                       "--max-seconds", ms, NULL};
    zkbp_host->progress(s->h, -1, "ezkl witness_batch (accuracy pass)");
    zkb_status st = ez_run(s, "witness_batch", a);
    if (st != ZKB_OK)
        return st;
    if (zkbp_fmt(p, sizeof p, "%s/batch_out.json", s->wdir) < 0)
        return ZKB_ERR_INVALID_ARG;
    return ez_read_batch(s->h, p, n, outputs, n_outputs, n_done);
}

static const zkb_backend ezkl_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = 0,
    .name = "ezkl",
    .version = "0.1.0",
    .proof_system = "halo2-kzg",
    .description = "EZKL (halo2, KZG) through the ezkl Python package; one process per ezkl call",
    .options = ez_options,
    .n_options = sizeof ez_options / sizeof *ez_options,
    .option_decl_size = sizeof(zkb_option_decl),
    .probe = ez_probe,
    .create = ez_create,
    .destroy = ez_destroy,
    .set_option = ez_set_option,
    .load_model = ez_load_model,
    .quantize = ez_quantize,
    .setup = ez_setup,
    .witness = ez_witness,
    .prove = ez_prove,
    .verify = ez_verify,
    .op_support = zkbp_supports_every_op,
    .eval_batch = ez_eval_batch,
    .evm_proof = ez_evm_proof,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    return zkbp_init(h, host_abi_major, &ezkl_backend, out);
}
