/* prover=arkworks: the same circuit, key and witness proved by
 * zkb-circom-arkworks (arkworks' Groth16 through ark-circom, the crate in
 * arkworks/), instead of `snarkjs groth16 prove`; verify stays snarkjs's, so
 * every such proof is checked by snarkjs's verifier and verifying key.
 * docs/circom.md, "Provers: snarkjs or arkworks". */
#include "circom_int.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Built by arkworks/setup.sh (plugins/common/native_setup.sh) into the
 * toolchain folder circom-arkworks; its stamp must equal the data
 * directory's sources.sha256, i.e. the binary was built from these sources. */
static const zkbp_toolchain_spec ark_toolchain = {
    .backend = "circom-arkworks",
    .marker = "bin/zkb-circom-arkworks",
    .lock = "sources.sha256",
    .stamp = ".zkb-sources.sha256",
    .source_hint = "scripts/setup-native.sh",
    /* no backend of its own: the circom backend's setup builds it */
    .setup_hint = "`zkbench setup circom` with cargo (Rust >= 1.89) on PATH",
};

zkb_status cs_find_arkworks(cs_state *s)
{
    const char *env = getenv("ZKB_CIRCOM_ARKWORKS");
    char why[1024];
    if (zkbp_find_driver(s->h, &ark_toolchain, s->ark_opt ? s->ark_opt : env, "ark-circom ", s->ark_bin,
                         sizeof s->ark_bin, s->prover_version, sizeof s->prover_version, why,
                         sizeof why) != ZKB_OK)
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE, "prover=arkworks: %s", why);
    return ZKB_OK;
}

zkb_status cs_arkworks_key(cs_state *s)
{
    /* named by the prover's version (its crates' versions): another build
     * of the prover never reads a key that an older one serialized */
    uint64_t v = zkbp_fnv(0xcbf29ce484222325ULL, s->prover_version, strlen(s->prover_version));
    zkbp_fmt(s->ark_key, sizeof s->ark_key, "%s.%016llx.ark", s->zkey, (unsigned long long)v);
    zkbp_host->info(s->h, "arkworks_key", s->ark_key);
    if (zkbp_file_exists(s->ark_key)) {
        zkbp_host->info(s->h, "arkworks_key_cache", "hit");
        return ZKB_OK;
    }
    /* convert writes ark_key.tmp.<its pid> and renames it: a concurrent cell
     * sees the whole file or none, and two conversions end in one file */
    uint64_t t0 = zkbp_host->now_ns();
    zkbp_host->progress(s->h, -1, "arkworks key conversion");
    const char *argv[] = {s->ark_bin, "convert", s->zkey, s->ark_key, NULL};
    zkb_status st = cs_run(s, "zkb-circom-arkworks convert", argv, NULL);
    if (st != ZKB_OK)
        return st;
    zkbp_host->metric(s->h, "arkworks_key_convert_s", (double)(zkbp_host->now_ns() - t0) / 1e9, "s");
    zkbp_host->metric(s->h, "arkworks_key_size", (double)zkbp_file_size(s->ark_key), "bytes");
    zkbp_host->info(s->h, "arkworks_key_cache", "made");
    return ZKB_OK;
}

zkb_status cs_prove_arkworks(cs_state *s, const char *wtns, const char *proof, const char *pub)
{
    char times[ZKBP_PATH];
    zkbp_fmt(times, sizeof times, "%s/prove_times.json", s->wdir);
    unlink(times);
    const char *argv[] = {s->ark_bin, "prove", s->ark_key, wtns, proof, pub, times, NULL};
    zkb_status st = cs_run(s, "zkb-circom-arkworks prove", argv, NULL);
    if (st != ZKB_OK)
        return st;
    /* its own split of the phase: reading the (converted) key and the
     * witness, the proof */
    cJSON *j = zkbp_json_read(s->h, times);
    if (j) {
        double load = zkbp_json_num(j, "load_s", -1), core = zkbp_json_num(j, "prove_s", -1),
               threads = zkbp_json_num(j, "threads", -1);
        if (load >= 0)
            zkbp_host->metric(s->h, "prove_load_s", load, "s");
        if (core >= 0)
            zkbp_host->metric(s->h, "prove_core_s", core, "s");
        if (threads > 0)
            zkbp_host->metric(s->h, "threads", threads, "count");
        cJSON_Delete(j);
    }
    /* the split is extra: its absence is no failure */
    zkbp_host->set_error(s->h, "");
    return ZKB_OK;
}
