/* Setup: the program generated, compiled by noir_wasm, given a CRS and a
 * verification key, all cached by the program's content (zkbp_cache) so
 * that a later cell with the same program and options starts at witness. */
#include "noir_int.h"

#include <stdio.h>
#include <string.h>

static void set_paths(void *user, const char *dir)
{
    nr_state *s = user;
    zkbp_fmt(s->pdir, sizeof s->pdir, "%s", dir);
    zkbp_fmt(s->program, sizeof s->program, "%s/program.json", dir);
    zkbp_fmt(s->vk, sizeof s->vk, "%s/vk.bin", dir);
}

/* noir_wasm compile + gate count, CRS, keygen: into dir (a .tmp directory). */
static zkb_status build_program(nr_state *s, const char *dir, char *facts, size_t cap)
{
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "project", dir);
    nr_cfg_path(&cfg, "program_out", s->program);
    nr_cfg_int(&cfg, "threads", s->threads);
    zkbp_host->progress(s->h, -1, "noir_wasm compile");
    nr_result r;
    zkb_status st = nr_driver(s, "compile", &cfg, &r);
    if (st != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    double gates = 0, size = 0;
    if (nr_result_num(&r, "gates", &gates) != 0 || nr_result_num(&r, "circuit_size", &size) != 0 || size < 1) {
        nr_result_free(&r);
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "the compile phase reported no gate count");
    }
    nr_result_metric(s, &r, "compile_s", "compile_s", "s");
    nr_result_metric(s, &r, "gates_s", "gates_s", "s");
    nr_result_metric(s, &r, "import_s", "compile_import_s", "s");
    char nv[128];
    if (nr_result_str(&r, "noir_version", nv, sizeof nv))
        zkbp_host->info(s->h, "noir_version", nv);
    nr_result_free(&r);
    s->gates = (uint64_t)gates;
    s->circuit_size = (uint64_t)size;

    if ((st = nr_crs_prepare(s, s->circuit_size + 1)) != ZKB_OK)
        return st;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "program", s->program);
    nr_cfg_path(&cfg, "vk_out", s->vk);
    nr_cfg_path(&cfg, "crs_path", s->crs_path);
    nr_cfg_path(&cfg, "transcript", nr_transcript_name(s));
    nr_cfg_int(&cfg, "circuit_size", (long long)s->circuit_size);
    nr_cfg_int(&cfg, "threads", s->threads);
    zkbp_host->progress(s->h, -1, "verification key");
    if ((st = nr_driver(s, "keygen", &cfg, &r)) != ZKB_OK) {
        nr_result_free(&r);
        return st;
    }
    double npub = 0;
    if (nr_result_num(&r, "num_public_inputs", &npub) != 0) {
        nr_result_free(&r);
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "the keygen phase reported no public input count");
    }
    nr_result_metric(s, &r, "phase_s", "keygen_s", "s");
    nr_result_metric(s, &r, "init_s", "keygen_init_s", "s");
    nr_result_free(&r);
    s->n_public = (uint64_t)npub;
    zkbp_fmt(facts, cap, "gates %llu\ncircuit_size %llu\npublic %llu\n", (unsigned long long)s->gates,
             (unsigned long long)s->circuit_size, (unsigned long long)s->n_public);
    return ZKB_OK;
}

/* A new cache entry: the project copied in, compiled, with its CRS and
 * verification key. */
static zkb_status build_entry(void *user, const char *dir, char *facts, size_t cap)
{
    nr_state *s = user;
    char from[ZKBP_PATH], to[ZKBP_PATH];
    zkbp_fmt(to, sizeof to, "%s/src", dir);
    if (zkbp_mkdirs(to) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", to);
    static const char *const files[] = {"src/main.nr", "Nargo.toml"};
    for (size_t i = 0; i < 2; i++) {
        zkbp_fmt(from, sizeof from, "%s/program/%s", s->wdir, files[i]);
        zkbp_fmt(to, sizeof to, "%s/%s", dir, files[i]);
        if (zkbp_copy_file(from, to) != 0)
            return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", dir);
    }
    return build_program(s, dir, facts, cap);
}

/* What evm_proof's contract will be (evm.c), said before any is made. */
static void record_evm_verifier(nr_state *s)
{
    char v[512];
    if (s->transcript != NR_T_KECCAK)
        zkbp_fmt(v, sizeof v, "none: transcript=poseidon2 (bb.js's Solidity verifier checks keccak-transcript proofs)");
    else
        zkbp_fmt(v, sizeof v,
                 "bb.js %s acirHonkSolidityVerifier (UltraKeccakHonk) with the pairing's [x]_2 (Aztec's ignition "
                 "point in the generated source) set to this CRS's%s",
                 s->t.bb_js_version,
                 s->crs_dir_opt || s->crs == NR_CRS_BB_CACHE
                     ? ""
                     : ": patched for a TESTING-ONLY CRS, so it accepts proofs forged by anyone who knows the seed");
    zkbp_host->info(s->h, "evm_verifier", v);
}

zkb_status nr_setup(void *state)
{
    nr_state *s = state;
    if (!s->qm)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "setup before quantize");
    char cache[ZKBP_PATH];
    zkb_status st = zkbp_work_dirs(s->h, cache, s->wdir);
    if (st != ZKB_OK)
        return st;

    /* Generate the program in scratch; its text (weights, widths, scale,
     * options) + tool versions + CRS choice + transcript name the cache
     * entry (the verification key depends on the CRS and the transcript). */
    char proj[ZKBP_PATH], src[ZKBP_PATH];
    zkbp_fmt(proj, sizeof proj, "%s/program", s->wdir);
    if ((st = nr_gen_program(s, proj)) != ZKB_OK)
        return st;
    zkbp_fmt(src, sizeof src, "%s/src/main.nr", proj);
    char extra[2048], crs_id[ZKBP_PATH + 16], v[512];
    nr_crs_id(s, crs_id, sizeof crs_id);
    nr_versions(&s->t, v, sizeof v);
    zkbp_fmt(extra, sizeof extra, "%s|%s|transcript=%s", v, crs_id, nr_transcript_name(s));
    zkbp_cache_job job = {.kind = "programs", .src = src, .extra = extra, .info_key = "program_cache",
                          .use = set_paths, .build = build_entry, .user = s};
    char facts[256];
    if ((st = zkbp_cache_build(s->h, cache, &job, facts, sizeof facts)) != ZKB_OK)
        return st;
    unsigned long long g = 0, cs = 0, np = 0;
    if (sscanf(facts, "gates %llu circuit_size %llu public %llu", &g, &cs, &np) != 3)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "cannot read %s/meta.txt", s->pdir);
    s->gates = g;
    s->circuit_size = cs;
    s->n_public = np;
    uint64_t want = nr_public_count(s);
    if (s->n_public != want)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "the program has %llu public inputs, expected %llu", np,
                         (unsigned long long)want);
    if (!s->crs_path[0] && (st = nr_crs_prepare(s, s->circuit_size + 1)) != ZKB_OK)
        return st;
    zkbp_host->info(s->h, "srs", s->crs_desc);
    zkbp_host->info(s->h, "crs_path", s->crs_path);
    record_evm_verifier(s);
    zkbp_host->metric(s->h, "gates", (double)s->gates, "count");
    zkbp_host->metric(s->h, "circuit_size", (double)s->circuit_size, "count");
    zkbp_host->metric(s->h, "logrows", zkbp_ceil_log2(s->circuit_size), "log2");
    zkbp_host->metric(s->h, "public_inputs", (double)s->n_public, "count");
    zkbp_host->metric(s->h, "vk_size", (double)zkbp_file_size(s->vk), "bytes");
    zkbp_host->metric(s->h, "program_size", (double)zkbp_file_size(s->program), "bytes");
    if (s->weights == NR_W_HASHED && (st = nr_weights_commit(s)) != ZKB_OK)
        return st;
    s->setup_done = 1;
    return ZKB_OK;
}
