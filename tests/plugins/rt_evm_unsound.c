/* Runtime test plugin whose EVM verifier accepts anything: the EVM step's
 * tampered proofs must catch it. */
#define EVM_VERIFIER_BODY "proof; outputs; return true;"
#define EVM_PROOF_TWEAK 0
#include "evm_fixture.h"

RT_BACKEND("rt_evm_unsound", .evm_proof = evm_fixture_proof)
