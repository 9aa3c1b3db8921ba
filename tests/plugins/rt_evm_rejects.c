/* Runtime test plugin whose calldata does not match its proof's outputs:
 * the EVM verifier returns false, so the cell must fail. */
#define EVM_VERIFIER_BODY "return proof == sha256(abi.encodePacked(outputs));"
#define EVM_PROOF_TWEAK 1
#include "evm_fixture.h"

RT_BACKEND("rt_evm_rejects", .evm_proof = evm_fixture_proof)
