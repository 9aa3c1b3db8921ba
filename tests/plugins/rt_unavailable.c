/* Runtime test plugin whose framework is "not installed": probe says so. */
#include "runtime_fixture.h"

static zkb_status missing_probe(zkb_host_ctx *h)
{
    host->set_error(h, "zkfw not found in PATH");
    return ZKB_ERR_UNAVAILABLE;
}

RT_BACKEND("rt_unavailable", .probe = missing_probe)
