/* Setup: the driver compiles the circuit it defines from the quantized
 * model and makes the proving and verifying keys (testing only: Groth16's
 * toxic waste and PLONK's KZG SRS are drawn in the driver's process), all
 * cached by the model file's content and the options (zkbp_cache), so a
 * later cell with the same circuit starts at witness. */
#include "gnark_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static void set_paths(void *user, const char *dir)
{
    gn_state *s = user;
    zkbp_fmt(s->cdir, sizeof s->cdir, "%s", dir);
    zkbp_fmt(s->model, sizeof s->model, "%s/model.json", dir);
}

/* What a new entry's setup.json says about how long each part took. */
static void record_timings(gn_state *s, const cJSON *j)
{
    static const char *const keys[][2] = {
        {"compile_s", "compile_s"}, {"srs_s", "srs_s"}, {"keys_s", "keygen_s"}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        double v = zkbp_json_num(j, keys[i][0], -1);
        if (v >= 0)
            zkbp_host->metric(s->h, keys[i][1], v, "s");
    }
}

static zkb_status build_entry(void *user, const char *dir, char *facts, size_t cap)
{
    gn_state *s = user;
    char src[ZKBP_PATH], model[ZKBP_PATH], srs[ZKBP_PATH], cbuf[ZKBP_PATH];
    zkbp_fmt(src, sizeof src, "%s/model.json", s->wdir);
    zkbp_fmt(model, sizeof model, "%s/model.json", dir);
    if (zkbp_copy_file(src, model) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", model);
    const char *cache = zkbp_cache_dir(s->h, cbuf, sizeof cbuf);
    /* PLONK's testing-only SRS, by size: shared by every circuit */
    zkbp_fmt(srs, sizeof srs, "%s/srs", cache ? cache : dir);
    if (zkbp_mkdirs(srs) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", srs);
    zkbp_host->progress(s->h, -1, "gnark compile and keys");
    const char *args[] = {"-model", model, "-system", gn_psys_name[s->psys], "-weights",
                          gn_weights_name[s->weights], "-input", gn_input_name[s->input], "-dir", dir,
                          "-srs-cache", srs, NULL};
    zkb_status st = gn_drive(s, "gnark setup (compile, keys)", "setup", args, NULL, 0, NULL);
    /* its setup.json says the rest (record_setup) */
    s->setup_built = st == ZKB_OK;
    facts[0] = '\0';
    (void)cap;
    return st;
}

/* The entry's setup.json: sizes and what the setup was, and when this cell
 * built the entry, how long each part took. */
static zkb_status record_setup(gn_state *s)
{
    char sj[ZKBP_PATH];
    zkbp_fmt(sj, sizeof sj, "%s/setup.json", s->cdir);
    cJSON *j = zkbp_json_read(s->h, sj);
    if (!j)
        return ZKB_ERR_PARSE;
    if (s->setup_built) {
        record_timings(s, j);
        const cJSON *cached = cJSON_GetObjectItemCaseSensitive(j, "srs_cached");
        if (cJSON_IsBool(cached))
            zkbp_host->info(s->h, "srs_cache", cJSON_IsTrue(cached) ? "hit" : "miss");
    }
    static const char *const counts[][2] = {{"constraints", "constraints"},
                                            {"public", "public_signals"},
                                            {"secret", "secret_variables"},
                                            {"internal", "internal_variables"},
                                            {"commitments", "bsb22_commitments"}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        double v = zkbp_json_num(j, counts[i][0], -1);
        if (v >= 0)
            zkbp_host->metric(s->h, counts[i][1], v, "count");
    }
    static const char *const sizes[][2] = {{"pk_bytes", "pk_size"}, {"vk_bytes", "vk_size"}, {"ccs_bytes", "ccs_size"}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double v = zkbp_json_num(j, sizes[i][0], -1);
        if (v >= 0)
            zkbp_host->metric(s->h, sizes[i][1], v, "bytes");
    }
    const char *srs = zkbp_json_str(j, "srs");
    zkbp_host->info(s->h, "srs", srs ? srs : "TESTING ONLY");
    double pub = zkbp_json_num(j, "public", -1);
    const char *sys = zkbp_json_str(j, "system");
    int ok = pub >= 0 && sys && strcmp(sys, gn_psys_name[s->psys]) == 0;
    s->n_public = ok ? (uint64_t)pub : 0;
    cJSON_Delete(j);
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: no public count, or another proof system", sj);
    return ZKB_OK;
}

zkb_status gn_commit(gn_state *s, const char *name, const char *values, char *out, size_t cap)
{
    char what[96], res[ZKBP_PATH];
    zkbp_fmt(what, sizeof what, "gnark commit (MiMC of the %s)", name);
    const char *args[] = {"-values", values, NULL};
    zkb_status st = gn_drive(s, what, "commit", args, res, sizeof res, NULL);
    if (st != ZKB_OK)
        return st;
    if (zkbp_read_decimal(res, out, cap) != 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: no commitment in the driver's output", res);
    return ZKB_OK;
}

static zkb_status weights_commit(gn_state *s)
{
    char wpath[ZKBP_PATH];
    if (zkbp_fmt(wpath, sizeof wpath, "%s/weights.txt", s->wdir) < 0 || zkbp_write_weights(s->qm, wpath) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the weights for their commitment in %s", s->wdir);
    zkb_status st = gn_commit(s, "weights", wpath, s->wcommit_expect, sizeof s->wcommit_expect);
    if (st != ZKB_OK)
        return st;
    zkbp_host->info(s->h, "weights_commitment_expected", s->wcommit_expect);
    zkbp_host->info(s->h, "weights_commitment_check",
                    "every proof's commitment must equal the MiMC (gnark-crypto, native) of the published weights");
    return ZKB_OK;
}

zkb_status gn_setup(void *state)
{
    gn_state *s = state;
    if (!s->qm)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "setup before quantize");
    char cache[ZKBP_PATH];
    zkb_status st = zkbp_work_dirs(s->h, cache, s->wdir);
    if (st != ZKB_OK)
        return st;
    /* The model file (weights, widths, scale) + options + driver version
     * name the cache entry. */
    char src[ZKBP_PATH];
    zkbp_fmt(src, sizeof src, "%s/model.json", s->wdir);
    if (gn_write_model(s, src) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", src);
    char extra[512];
    zkbp_fmt(extra, sizeof extra, "%s|%s|%s|%s", gn_psys_name[s->psys], gn_weights_name[s->weights],
             gn_input_name[s->input], s->version);
    zkbp_cache_job job = {.kind = "circuits", .src = src, .extra = extra, .info_key = "circuit_cache",
                          .use = set_paths, .build = build_entry, .user = s};
    char facts[64];
    if ((st = zkbp_cache_build(s->h, cache, &job, facts, sizeof facts)) != ZKB_OK)
        return st;
    if ((st = record_setup(s)) != ZKB_OK)
        return st;
    if (s->weights == GN_W_HASHED && (st = weights_commit(s)) != ZKB_OK)
        return st;
    s->setup_done = 1;
    return ZKB_OK;
}
