/* Its entry point refuses to initialise. */
#include "loader_fixture.h"
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h; (void)abi; (void)out;
    return ZKB_ERR_UNSUPPORTED;
}
