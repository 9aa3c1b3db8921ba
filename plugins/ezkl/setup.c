/* Setup: ezkl's settings (gen_settings, calibrate_settings), the compiled
 * circuit, the SRS (cached by logrows) and the keys, each one driver call;
 * and, after compile, the quantization scheme the host checks outputs
 * under. */
#include "ezkl_int.h"

#include <cjson/cJSON.h>
#include <string.h>

static zkb_status setup_srs(ez_state *s, int logrows, char *srs, size_t cap)
{
    const char *cache = zkbp_host->cache_dir(s->h);
    char dir[ZKBP_PATH];
    if (!cache || zkbp_fmt(dir, sizeof dir, "%s/srs", cache) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: no cache directory");
    if (zkbp_mkdirs(dir) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: cannot create %s", dir);
    if (zkbp_fmt(srs, cap, "%s/kzg_bn254_%d.srs", dir, logrows) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: path too long");
    char lr[16];
    zkbp_fmt(lr, sizeof lr, "%d", logrows);
    const char *args[] = {"--srs", srs, "--logrows", lr, NULL};
    cJSON *j = NULL;
    zkb_status st = ez_drive(s->h, s->python, s->driver, s->wdir, "srs", args, &j);
    if (st == ZKB_OK)
        zkbp_host->info(s->h, "srs_cache", ez_bool(j, "cached") ? "hit" : "miss");
    ez_json_free(j);
    zkbp_host->info(s->h, "srs", "ezkl.gen_srs: local random SRS, TESTING ONLY (cached by logrows)");
    return st;
}

/* The output scale the evaluator's ezkl scheme gives for these settings
 * (quant.c: a dense/conv2d product at s + param is divided back to
 * G = max(input, param) * multiplier when above it). */
static int scheme_out_scale(const ez_state *s, int in, int par, int mult)
{
    int cur = in, G = (in > par ? in : par) * mult;
    for (uint32_t i = 0; i < s->n_layers; i++)
        if (s->ops[i] == ZKB_OP_DENSE || s->ops[i] == ZKB_OP_CONV2D)
            cur = cur + par > G ? G : cur + par;
    return cur;
}

/* After compile: hand the host the ezkl scheme for ezkl's settings, so the
 * runner checks each proof's outputs against the evaluator exactly
 * (host->set_quant, ABI 1.2). Where the scheme cannot model the settings,
 * say why (info output_check) and keep the old path: outputs brought to the
 * session's scale, which the runner's exact check will then likely reject. */
static zkb_status use_ezkl_scheme(ez_state *s, const cJSON *j)
{
    int in = (int)ez_metric(j, "input_scale", -1), par = (int)ez_metric(j, "param_scale", -1);
    int mult = (int)ez_metric(j, "scale_rebase_multiplier", -1);
    int in_model = (int)ez_metric(j, "model_input_scale", in);
    char why[400] = "";
    s->use_scheme = 0;
    if (in < 0 || in > 30 || par < 0 || par > 30 || mult < 1 || mult > 255)
        zkbp_fmt(why, sizeof why, "ezkl settings out of the scheme's range (input_scale %d, "
                 "param_scale %d, scale_rebase_multiplier %d)", in, par, mult);
    else if (ez_metric(j, "rebase_frac_zero_constants", 0) != 0)
        zkbp_fmt(why, sizeof why, "rebase_frac_zero_constants is set: ezkl keeps integer-valued "
                 "constants at scale 0, which the scheme does not model");
    else if (ez_metric(j, "rebase_scale_set", 0) != 0)
        zkbp_fmt(why, sizeof why, "rebase_scale is set in ezkl's settings: not modelled by the scheme");
    else if (in_model != in)
        zkbp_fmt(why, sizeof why, "model input scale %d differs from input_scale %d", in_model, in);
    else if (scheme_out_scale(s, in, par, mult) != s->out_scale)
        zkbp_fmt(why, sizeof why, "ezkl's output scale 2^%d differs from the scheme's 2^%d: the "
                 "compiled graph rebases differently from our export", s->out_scale,
                 scheme_out_scale(s, in, par, mult));
    else if (zkbp_host->struct_size < offsetof(zkb_host_api, set_quant) + sizeof zkbp_host->set_quant)
        zkbp_fmt(why, sizeof why, "the host has no set_quant (plugin ABI < 1.2)");
    if (!why[0]) {
        zkb_quant q = {.struct_size = sizeof q, .scheme = ZKB_QUANT_EZKL,
                       .scale = ZKB_QUANT_EZKL_SCALE(in, par, mult), .rounding = 0};
        zkb_status st = zkbp_host->set_quant(s->h, &q);
        if (st == ZKB_ERR_UNSUPPORTED) /* a host session outside a benchmark cell */
            zkbp_fmt(why, sizeof why, "this host session takes no set_quant (not a benchmark cell)");
        else if (st != ZKB_OK)
            return st; /* the model or a sample cannot be evaluated under it: say so */
    }
    if (!why[0]) {
        s->use_scheme = 1;
        zkbp_host->info(s->h, "output_check",
                        "exact, against the evaluator's ezkl scheme");
        return ZKB_OK;
    }
    char msg[600];
    zkbp_fmt(msg, sizeof msg, "not exact: %s; outputs brought to the session's scale", why);
    zkbp_host->info(s->h, "output_check", msg);
    zkbp_host->log(s->h, ZKB_LOG_WARN, msg);
    return ZKB_OK;
}

/* Appends "flag value" to args when value > 0 (otherwise ezkl keeps its
 * own default); buf holds the digits. */
static void add_positive(const char **args, size_t *n, const char *flag, int64_t value, char *buf, size_t cap)
{
    if (value <= 0)
        return;
    zkbp_fmt(buf, cap, "%lld", (long long)value);
    args[(*n)++] = flag;
    args[(*n)++] = buf;
}

static size_t count_args(const char *const *args)
{
    size_t n = 0;
    while (args[n])
        n++;
    return n;
}

/* ezkl.gen_settings with the visibilities and scales of the options. */
static zkb_status gen_settings(ez_state *s)
{
    char is[24], ps[24], rm[24], lr[24], db[24], dl[24];
    int64_t in_scale = s->input_scale >= 0 ? s->input_scale : s->session_log2 >= 0 ? s->session_log2 : 7;
    int64_t par_scale = s->param_scale >= 0 ? s->param_scale : in_scale;
    zkbp_fmt(is, sizeof is, "%lld", (long long)in_scale);
    zkbp_fmt(ps, sizeof ps, "%lld", (long long)par_scale);
    const char *a[40] = {"--onnx", s->onnx, "--settings", "settings.json", "--input-visibility", s->input_vis,
                         "--param-visibility", s->param_vis, "--output-visibility", s->output_vis,
                         "--input-scale", is, "--param-scale", ps};
    size_t n = count_args(a);
    add_positive(a, &n, "--scale-rebase-multiplier", s->rebase_mult, rm, sizeof rm);
    add_positive(a, &n, "--logrows", s->logrows, lr, sizeof lr);
    add_positive(a, &n, "--decomp-base", s->decomp_base, db, sizeof db);
    add_positive(a, &n, "--decomp-legs", s->decomp_legs, dl, sizeof dl);
    zkbp_host->progress(s->h, 0.0, "ezkl gen_settings");
    zkb_status st = ez_run(s, "settings", a);
    return st;
}

/* ezkl.calibrate_settings on synthetic inputs, unless calibration=none. */
static zkb_status calibrate(ez_state *s)
{
    zkbp_host->info(s->h, "calibration", s->calibration);
    if (strcmp(s->calibration, "none") == 0)
        return ZKB_OK;
    char ns[24], lo[40], hi[40], rm[24], ml[24];
    zkbp_fmt(ns, sizeof ns, "%lld", (long long)(s->cal_samples > 0 ? s->cal_samples : 1));
    zkbp_fmt(lo, sizeof lo, "%.17g", s->cal_lo);
    zkbp_fmt(hi, sizeof hi, "%.17g", s->cal_hi);
    const char *c[24] = {"--onnx", s->onnx, "--settings", "settings.json", "--data", "calibration.json",
                         "--target", s->calibration, "--samples", ns, "--seed", "1", "--lo", lo, "--hi", hi};
    size_t n = count_args(c);
    if (s->cal_scales && *s->cal_scales) {
        c[n++] = "--scales";
        c[n++] = s->cal_scales;
    }
    add_positive(c, &n, "--scale-rebase-multiplier", s->rebase_mult, rm, sizeof rm);
    add_positive(c, &n, "--max-logrows", s->max_logrows, ml, sizeof ml);
    zkbp_host->progress(s->h, 0.1, "ezkl calibrate_settings");
    zkb_status st = ez_run(s, "calibrate", c);
    return st;
}

zkb_status ez_setup(void *state)
{
    ez_state *s = state;
    if (!s->S)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "setup before quantize");
    zkb_status st = gen_settings(s);
    if (st == ZKB_OK)
        st = calibrate(s);
    if (st != ZKB_OK)
        return st;

    cJSON *j = NULL;
    const char *cc[] = {"--onnx", s->onnx, "--settings", "settings.json", "--compiled", "network.ezkl", NULL};
    zkbp_host->progress(s->h, 0.3, "ezkl compile_circuit");
    st = ez_drive(s->h, s->python, s->driver, s->wdir, "compile", cc, &j);
    if (st != ZKB_OK) {
        ez_json_free(j);
        return st;
    }
    s->logrows_used = (int)ez_metric(j, "logrows", 0);
    s->out_scale = (int)ez_metric(j, "output_scale", -1);
    st = use_ezkl_scheme(s, j);
    ez_json_free(j);
    if (st != ZKB_OK)
        return st;
    if (s->logrows_used <= 0 || s->logrows_used > 30)
        return zkbp_fail(s->h, ZKB_ERR_CHILD, "ezkl: settings without a valid logrows");
    zkbp_host->metric(s->h, "logrows", s->logrows_used, "count");

    char srs[ZKBP_PATH], step[64];
    zkbp_fmt(step, sizeof step, "ezkl gen_srs, logrows %d", s->logrows_used);
    zkbp_host->progress(s->h, 0.4, step);
    st = setup_srs(s, s->logrows_used, srs, sizeof srs);
    if (st != ZKB_OK)
        return st;
    const char *sa[] = {"--compiled", "network.ezkl", "--vk", "vk.key", "--pk", "pk.key", "--srs", srs, NULL};
    zkbp_fmt(step, sizeof step, "ezkl setup, logrows %d", s->logrows_used);
    zkbp_host->progress(s->h, 0.6, step);
    if ((st = ez_run(s, "setup", sa)) != ZKB_OK)
        return st;
    char link[ZKBP_PATH];
    if (zkbp_fmt(link, sizeof link, "%s/srs.path", s->wdir) > 0)
        (void)zkbp_write_text(link, srs); /* for people reading the scratch directory */
    s->setup_done = 1;
    return ZKB_OK;
}

zkb_status ez_srs_path(ez_state *s, char *out, size_t cap)
{
    const char *cache = zkbp_host->cache_dir(s->h);
    if (!cache || zkbp_fmt(out, cap, "%s/srs/kzg_bn254_%d.srs", cache, s->logrows_used) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: no cache directory");
    return ZKB_OK;
}
