/* evm_proof: what the host needs to check the last verified proof on an EVM.
 * The verifier is gnark's own export (vk.ExportSolidity, Groth16 or PLONK);
 * gnark's Groth16 verifyProof returns nothing and reverts on a bad proof, so
 * the driver appends a wrapper that calls it and returns true (the EVM step
 * wants a boolean). The driver also writes this proof's calldata and says
 * where the proof bytes and the first output sit in it. */
#include "gnark_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

zkb_status gn_evm_proof(void *state, zkb_evm_proof *out)
{
    gn_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "evm_proof before a verified proof");
    char pf[ZKBP_PATH], pub[ZKBP_PATH], res[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.bin", s->wdir);
    zkbp_fmt(pub, sizeof pub, "%s/public.bin", s->wdir);
    zkbp_fmt(s->evm_sol, sizeof s->evm_sol, "%s/verifier.sol", s->wdir);
    /* one file per proof: the host may keep every sample's until its EVM step */
    zkbp_fmt(s->evm_calldata, sizeof s->evm_calldata, "%s/evm_calldata_%u.bin", s->wdir, s->evm_proofs++);
    const char *args[] = {"-dir", s->cdir, "-proof", pf, "-public", pub, "-sol", s->evm_sol,
                          "-calldata", s->evm_calldata, NULL};
    zkb_status st = gn_drive(s, "gnark evm (Solidity verifier, calldata)", "evm", args, res, sizeof res, NULL);
    if (st != ZKB_OK)
        return st;
    cJSON *j = zkbp_json_read(s->h, res);
    if (!j)
        return ZKB_ERR_PARSE;
    const char *contract = zkbp_json_str(j, "contract"), *fn = zkbp_json_str(j, "function"), *gen = zkbp_json_str(j, "generator");
    double n_public = zkbp_json_num(j, "n_public", -1), po = zkbp_json_num(j, "proof_offset", -1),
           pl = zkbp_json_num(j, "proof_len", -1), oo = zkbp_json_num(j, "output_offset", -1);
    int ok = contract && gen && n_public >= 0 && po >= 4 && pl > 0 && oo >= 4;
    if (ok) {
        zkbp_fmt(s->evm_contract, sizeof s->evm_contract, "%s", contract);
        zkbp_fmt(s->evm_generator, sizeof s->evm_generator, "%s", gen);
        if (fn) {
            char call[400];
            zkbp_fmt(call, sizeof call, "%s.%s", contract, fn);
            zkbp_host->info(s->h, "evm_call", call);
        }
    }
    cJSON_Delete(j);
    if (!ok)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: not what gnark evm prints", res);
    if ((uint64_t)n_public != s->n_public)
        return zkbp_fail(s->h, ZKB_ERR_INTERNAL, "the verifier takes %.0f public inputs, the circuit has %llu",
                         n_public, (unsigned long long)s->n_public);
    zkb_evm_proof p = {.n_public = (uint32_t)n_public, .verifier_path = s->evm_sol,
                       .contract = s->evm_contract, .calldata_path = s->evm_calldata,
                       .proof_offset = (uint64_t)po, .proof_len = (uint64_t)pl,
                       .output_offset = (uint64_t)oo, .generator = s->evm_generator};
    zkbp_evm_proof_give(out, &p);
    return ZKB_OK;
}
