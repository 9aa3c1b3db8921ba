/* Runtime test plugin that works but prints to stdout (in probe and
 * witness) and records figures under keys the host refuses: conformance
 * fails "stdout" and "keys". */
#include "runtime_fixture.h"

#include <stdio.h>

static zkb_status chatty_probe(zkb_host_ctx *h)
{
    printf("chatty probe says hello\n");
    host->info(h, "Framework Version", "chatty 1");
    return ZKB_OK;
}

static zkb_status chatty_witness(void *state, const zkb_sample *x)
{
    printf("chatty witness %u\n", (unsigned)x->index);
    return rt_witness(state, x);
}

static zkb_status chatty_prove(void *state)
{
    rt_state *s = state;
    host->metric(s->h, "Proof Size", 1, "bytes");
    return ZKB_OK;
}

RT_BACKEND("bad_chatty", .probe = chatty_probe, .witness = chatty_witness, .prove = chatty_prove)
