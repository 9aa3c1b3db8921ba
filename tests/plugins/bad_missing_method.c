/* Leaves the mandatory prove method NULL. */
#include "loader_fixture.h"
static zkb_backend vt = FX_BACKEND("bad_missing_method");
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi;
    vt.prove = NULL;
    *out = &vt;
    return ZKB_OK;
}
