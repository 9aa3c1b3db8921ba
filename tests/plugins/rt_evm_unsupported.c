/* Runtime test plugin with evm_proof that answers "unsupported". */
#include "runtime_fixture.h"

static zkb_status no_evm(void *state, zkb_evm_proof *out)
{
    (void)out;
    host->set_error(((rt_state *)state)->h, "this proof system has no EVM verifier");
    return ZKB_ERR_UNSUPPORTED;
}

RT_BACKEND("rt_evm_unsupported", .evm_proof = no_evm)
