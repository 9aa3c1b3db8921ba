/* Runtime test plugin with a sound EVM verifier over Ethereum mainnet's size
 * limits (EIP-170, EIP-3860): the EVM step still measures it and says so. */
#define EVM_PAD_BYTES 52000
#define EVM_VERIFIER_BODY \
    "return PAD[uint8(proof[0]) % 7] == 0xab && proof == sha256(abi.encodePacked(outputs));"
#define EVM_PROOF_TWEAK 0
#include "evm_fixture.h"

RT_BACKEND("rt_evm_big", .evm_proof = evm_fixture_proof)
