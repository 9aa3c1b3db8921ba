/* zkb_backend.evm_proof (plugin ABI 1.5, docs/ezkl.md "On-chain
 * verification"): ezkl's Solidity verifier, rendered once per session from
 * its verifying key by create_evm_verifier, and each proof's calldata by
 * encode_evm_calldata, both through the driver's evm phase, which also
 * finds the proof bytes and the public outputs in the calldata. */
#include "ezkl_int.h"

#include <cjson/cJSON.h>
#include <string.h>

#define EZ_SOL "Halo2Verifier.sol"
#define EZ_CALLDATA "evm_calldata.bin"

/* A non-negative integer member of the driver's answer, or -1. */
static int64_t answer_u(const cJSON *j, const char *key)
{
    double v = zkbp_json_num(j, key, -1);
    return v >= 0 && v < 9.0e15 ? (int64_t)v : -1;
}

zkb_status ez_evm_proof(void *state, zkb_evm_proof *out)
{
    ez_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "evm_proof before prove");
    if (strcmp(s->output_vis, "public") != 0)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "ezkl: the EVM check needs public outputs");
    char srs[ZKBP_PATH];
    zkb_status st = ez_srs_path(s, srs, sizeof srs);
    if (st != ZKB_OK)
        return st;
    const char *a[24] = {"--proof", "proof.json", "--witness", "witness.json", "--out", EZ_CALLDATA,
                         "--output-visibility", s->output_vis};
    size_t n = 8;
    const int make_sol = !s->evm_sol_done;
    if (make_sol) {
        const char *more[] = {"--sol", EZ_SOL, "--abi", "Halo2Verifier.abi.json", "--vk", "vk.key",
                              "--settings", "settings.json", "--srs", srs};
        for (size_t i = 0; i < sizeof more / sizeof *more; i++)
            a[n++] = more[i];
    }
    a[n] = NULL;
    cJSON *j = NULL;
    st = ez_drive(s->h, s->python, s->driver, s->wdir, "evm_export", a, &j);
    if (st != ZKB_OK) {
        const char *why = zkbp_json_str(j, "error");
        if (make_sol && st == ZKB_ERR_CHILD && why) /* no verifier source: no EVM figures */
            st = zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "ezkl: no Solidity verifier: %s", why);
        ez_json_free(j);
        return st;
    }
    int64_t po = answer_u(j, "proof_offset"), pl = answer_u(j, "proof_len");
    int64_t oo = answer_u(j, "output_offset"), np = answer_u(j, "n_public");
    const char *ver = zkbp_json_str(j, "ezkl_version");
    if (po < 0 || pl <= 0 || oo < 0 || np <= 0 || np > UINT32_MAX) {
        ez_json_free(j);
        return zkbp_fail(s->h, ZKB_ERR_CHILD, "ezkl evm: the driver's answer lacks the calldata's layout");
    }
    if (make_sol)
        zkbp_fmt(s->evm_generator, sizeof s->evm_generator, "ezkl %s create_evm_verifier", ver ? ver : "?");
    ez_json_free(j);
    s->evm_sol_done = 1;
    if (zkbp_fmt(s->evm_sol, sizeof s->evm_sol, "%s/%s", s->wdir, EZ_SOL) < 0 ||
        zkbp_fmt(s->evm_calldata, sizeof s->evm_calldata, "%s/%s", s->wdir, EZ_CALLDATA) < 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "ezkl: work directory path too long");

    zkb_evm_proof p = {.n_public = (uint32_t)np, .verifier_path = s->evm_sol, .contract = "Halo2Verifier",
                       .calldata_path = s->evm_calldata, .proof_offset = (uint64_t)po,
                       .proof_len = (uint64_t)pl, .output_offset = (uint64_t)oo,
                       .generator = s->evm_generator};
    zkbp_evm_proof_give(out, &p);
    return ZKB_OK;
}
