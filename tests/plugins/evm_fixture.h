/* The runtime fixture with an EVM verifier (plugin ABI 1.5), for the EVM
 * step's tests: its "proof" of a sample is sha256 of the outputs, and its
 * Solidity verifier recomputes it on chain. Not a zero-knowledge proof: it
 * exercises the host's compile-deploy-call step and its soundness check.
 * A plugin including this defines EVM_VERIFIER_BODY (the body of
 * verifyProof) and EVM_PROOF_TWEAK (added to the first output before
 * hashing: 0 for an honest proof); EVM_PAD_BYTES (default 0) adds a
 * constant of that many bytes the verifier reads, to make its code big. */
#ifndef EVM_FIXTURE_H
#define EVM_FIXTURE_H

#include "runtime_fixture.h"

#include <openssl/sha.h>
#include <stdio.h>

#ifndef EVM_PAD_BYTES
#define EVM_PAD_BYTES 0
#endif

/* keccak256("verifyProof(bytes32,int256[])")[0..4], as solc's
 * evm.methodIdentifiers gives it */
static const unsigned char evm_selector[4] = {0x80, 0x2a, 0xcb, 0x54};

static void put_word(unsigned char *w, int64_t v)
{
    memset(w, v < 0 ? 0xff : 0, 32);
    for (int i = 0; i < 8; i++)
        w[31 - i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static char evm_sol[4096], evm_calldata[4096];

static zkb_status evm_fixture_proof(void *state, zkb_evm_proof *out)
{
    rt_state *s = state;
    const char *dir = host->scratch_dir(s->h);
    if (!dir || s->n_out == 0)
        return ZKB_ERR_IO;
    snprintf(evm_sol, sizeof evm_sol, "%s/FixtureVerifier.sol", dir);
    snprintf(evm_calldata, sizeof evm_calldata, "%s/fixture.calldata", dir);
    FILE *f = fopen(evm_sol, "w");
    if (!f)
        return ZKB_ERR_IO;
    fprintf(f, "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
               "contract FixtureVerifier {\n");
    if (EVM_PAD_BYTES > 0) {
        fputs("    bytes constant PAD = hex\"", f);
        for (int i = 0; i < EVM_PAD_BYTES; i++)
            fputs("ab", f);
        fputs("\";\n", f);
    }
    fprintf(f, "    function verifyProof(bytes32 proof, int256[] calldata outputs) external pure returns (bool) {\n"
               "        %s\n    }\n}\n",
            EVM_VERIFIER_BODY);
    if (fclose(f) != 0)
        return ZKB_ERR_IO;

    unsigned char words[64][32], call[4 + 3 * 32 + 64 * 32];
    for (uint64_t i = 0; i < s->n_out; i++)
        put_word(words[i], s->out[i] + (i == 0 ? EVM_PROOF_TWEAK : 0));
    size_t n = 0;
    memcpy(call, evm_selector, 4);
    n += 4;
    SHA256(&words[0][0], 32 * s->n_out, call + n); /* the proof */
    n += 32;
    put_word(call + n, 64); /* where the array starts, after the two head words */
    n += 32;
    put_word(call + n, (int64_t)s->n_out);
    n += 32;
    for (uint64_t i = 0; i < s->n_out; i++, n += 32)
        put_word(call + n, s->out[i]);
    f = fopen(evm_calldata, "wb");
    if (!f || fwrite(call, 1, n, f) != n) {
        if (f)
            fclose(f);
        return ZKB_ERR_IO;
    }
    if (fclose(f) != 0)
        return ZKB_ERR_IO;
    out->n_public = (uint32_t)s->n_out;
    out->verifier_path = evm_sol;
    out->contract = "FixtureVerifier";
    out->calldata_path = evm_calldata;
    out->proof_offset = 4;
    out->proof_len = 32;
    out->output_offset = 4 + 3 * 32;
    out->generator = "the EVM test fixture";
    return ZKB_OK;
}

#endif
