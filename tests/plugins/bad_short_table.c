/* Says its table ends before the mandatory methods do. */
#include "loader_fixture.h"
static zkb_backend vt = FX_BACKEND("bad_short_table");
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi;
    vt.struct_size = (uint32_t)offsetof(zkb_backend, prove);
    *out = &vt;
    return ZKB_OK;
}
