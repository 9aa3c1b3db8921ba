/* Runtime test plugin: prove dereferences a bad pointer (SIGSEGV). */
#include "runtime_fixture.h"

#include <stdint.h>

static zkb_status segv_prove(void *state)
{
    (void)state;
    int *volatile bad = (int *)(uintptr_t)16; /* not NULL: a sanitizer would catch that first */
    *bad = 1;
    return ZKB_OK;
}

RT_BACKEND("bad_segv_prove", .prove = segv_prove)
