/* Claims ABI major 99. */
#include "loader_fixture.h"
static zkb_backend vt = FX_BACKEND("bad_abi_major");
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi;
    vt.abi_major = 99;
    *out = &vt;
    return ZKB_OK;
}
