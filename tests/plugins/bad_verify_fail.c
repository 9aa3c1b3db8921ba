/* Runtime test plugin: every proof is rejected by its verifier. */
#include "runtime_fixture.h"

static zkb_status reject_verify(void *state, int64_t *outputs, uint64_t n)
{
    rt_state *s = state;
    (void)outputs;
    (void)n;
    host->set_error(s->h, "pairing check failed");
    return ZKB_ERR_VERIFY;
}

RT_BACKEND("bad_verify_fail", .verify = reject_verify)
