/* evm_proof: what the host needs to check the last verified proof on an EVM.
 * The verifier is snarkjs's own (`zkey export solidityverifier`, for
 * groth16, plonk and fflonk alike), made once per key and cached beside it
 * in the circuit's cache entry; the call is snarkjs's `zkey export
 * soliditycalldata`, turned into binary calldata (selector + ABI words) by
 * driver/evm_calldata.mjs, which reads verifyProof's signature from the
 * generated contract. */
#include "circom_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* <cache entry>/verifier.sol, written under a private name and renamed, so
 * cells sharing the entry never read half a file. */
static zkb_status verifier(cs_state *s)
{
    zkbp_fmt(s->evm_sol, sizeof s->evm_sol, "%s/verifier.sol", s->cdir);
    if (zkbp_file_exists(s->evm_sol))
        return ZKB_OK;
    char tmp[ZKBP_PATH];
    zkbp_fmt(tmp, sizeof tmp, "%s/.verifier%d.sol", s->cdir, (int)getpid());
    const char *args[] = {"zkey", "export", "solidityverifier", s->zkey, tmp, NULL};
    zkb_status st = cs_snarkjs(s, "snarkjs zkey export solidityverifier", args, NULL);
    if (st == ZKB_OK && !zkbp_file_exists(tmp))
        st = zkbp_fail(s->h, ZKB_ERR_IO, "snarkjs wrote no verifier (%s)", tmp);
    if (st == ZKB_OK && rename(tmp, s->evm_sol) != 0)
        st = zkbp_fail(s->h, ZKB_ERR_IO, "cannot rename %s to %s", tmp, s->evm_sol);
    if (st != ZKB_OK) {
        unlink(tmp);
        s->evm_sol[0] = '\0';
    }
    return st;
}

zkb_status cs_evm_proof(void *state, zkb_evm_proof *out)
{
    cs_state *s = state;
    if (!s->have_proof)
        return zkbp_fail(s->h, ZKB_ERR_STATE, "evm_proof before a verified proof");
    zkb_status st = verifier(s);
    if (st != ZKB_OK)
        return st;

    char pf[ZKBP_PATH], pub[ZKBP_PATH], txt[ZKBP_PATH], facts[ZKBP_PATH];
    zkbp_fmt(pf, sizeof pf, "%s/proof.json", s->wdir);
    zkbp_fmt(pub, sizeof pub, "%s/public.json", s->wdir);
    zkbp_fmt(txt, sizeof txt, "%s/soliditycalldata.txt", s->wdir);
    zkbp_fmt(facts, sizeof facts, "%s/evm_calldata.out", s->wdir);
    /* one file per proof: the host may keep every sample's until its EVM step */
    zkbp_fmt(s->evm_calldata, sizeof s->evm_calldata, "%s/evm_calldata_%u.bin", s->wdir, s->evm_proofs++);
    const char *a_cd[] = {"zkey", "export", "soliditycalldata", pub, pf, NULL};
    if ((st = cs_snarkjs(s, "snarkjs zkey export soliditycalldata", a_cd, txt)) != ZKB_OK)
        return st;
    const char *a_bin[] = {s->t.circomlib, s->evm_sol, txt, s->evm_calldata, NULL};
    if ((st = cs_node(s, "EVM calldata (evm_calldata.mjs)", s->t.calldata_js, a_bin, facts)) != ZKB_OK)
        return st;

    char *f = zkbp_read_file(facts, 4096, NULL);
    unsigned long long proof_words = 0, public_words = 0;
    char sig[256] = "";
    int n = f ? sscanf(f, "contract %63s proof_words %llu public_words %llu signature %255s", s->evm_contract,
                       &proof_words, &public_words, sig)
              : 0;
    zkbp_host->free(f);
    if (n != 4 || proof_words == 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: cannot read what evm_calldata.mjs printed", facts);
    if (public_words != s->n_public)
        return zkbp_fail(s->h, ZKB_ERR_INTERNAL, "the verifier takes %llu public signals, the circuit has %llu",
                         public_words, (unsigned long long)s->n_public);
    char call[400];
    zkbp_fmt(call, sizeof call, "%s.%s", s->evm_contract, sig);
    zkbp_host->info(s->h, "evm_call", call);
    zkbp_fmt(s->evm_generator, sizeof s->evm_generator, "snarkjs %s zkey export solidityverifier (%s)",
             s->t.snarkjs_version, cs_psys_name[s->psys]);

    /* the proof's words come first, then the public signals, outputs first */
    zkb_evm_proof p = {.n_public = (uint32_t)public_words, .verifier_path = s->evm_sol,
                       .contract = s->evm_contract, .calldata_path = s->evm_calldata, .proof_offset = 4,
                       .proof_len = 32 * proof_words, .output_offset = 4 + 32 * proof_words,
                       .generator = s->evm_generator};
    zkbp_evm_proof_give(out, &p);
    return ZKB_OK;
}
