/* Runtime test plugin with a sound EVM verifier (evm_fixture.h). */
#define EVM_VERIFIER_BODY "return proof == sha256(abi.encodePacked(outputs));"
#define EVM_PROOF_TWEAK 0
#include "evm_fixture.h"

RT_BACKEND("rt_evm", .evm_proof = evm_fixture_proof)
