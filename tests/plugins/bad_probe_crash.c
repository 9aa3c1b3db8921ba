/* A loadable plugin whose probe dies of SIGSEGV: probing must survive it. */
#include "loader_fixture.h"
#include <signal.h>
static zkb_status crash_probe(zkb_host_ctx *h) { (void)h; raise(SIGSEGV); return ZKB_OK; }
static zkb_backend vt = FX_BACKEND("bad_probe_crash");
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi;
    vt.probe = crash_probe;
    *out = &vt;
    return ZKB_OK;
}
