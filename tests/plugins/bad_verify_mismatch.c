/* Runtime test plugin: the proof verifies but its outputs are off by one. */
#include "runtime_fixture.h"

static zkb_status off_by_one_verify(void *state, int64_t *outputs, uint64_t n)
{
    zkb_status st = rt_verify(state, outputs, n);
    if (n > 1)
        outputs[1] += 1;
    return st;
}

RT_BACKEND("bad_verify_mismatch", .verify = off_by_one_verify)
