/* Runtime test plugin: witness never returns. */
#include "runtime_fixture.h"

#include <unistd.h>

static zkb_status hang_witness(void *state, const zkb_sample *x)
{
    (void)state;
    (void)x;
    for (;;)
        pause();
    return ZKB_ERR_INTERNAL; /* not reached */
}

RT_BACKEND("bad_hang_witness", .witness = hang_witness)
