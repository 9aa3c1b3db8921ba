/* Runtime test plugin: prove keeps allocating and touching memory (up to
 * 2 GiB, so a broken memory cap fails the test instead of the machine); it
 * says so through host->progress, which the killed record must name. */
#include "runtime_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#define CHUNK (16u << 20)

static zkb_status greedy_prove(void *state)
{
    rt_state *s = state;
    host->progress(s->h, 0.5, "allocating 16 MiB chunks");
    for (int i = 0; i < 128; i++) {
        char *p = malloc(CHUNK);
        if (!p)
            break;
        memset(p, i + 1, CHUNK);
        usleep(2000);
    }
    host->set_error(s->h, "2 GiB allocated and still alive: the memory cap did not act");
    for (;;)
        pause();
    return ZKB_ERR_INTERNAL; /* not reached */
}

RT_BACKEND("bad_alloc_cap", .prove = greedy_prove)
