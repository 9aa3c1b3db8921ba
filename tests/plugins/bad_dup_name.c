/* A valid plugin whose name collides with the shipped reference backend. */
#include "loader_fixture.h"
static const zkb_backend vt = FX_BACKEND("reference");
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi;
    *out = &vt;
    return ZKB_OK;
}
