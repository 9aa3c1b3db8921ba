/* The host and backend of this plugin (zkbp_host.h). */
#include "zkbp_host.h"

const zkb_host_api *zkbp_host;
const zkb_backend *zkbp_backend;

zkb_status zkbp_init(const zkb_host_api *host, uint32_t host_abi_major, const zkb_backend *backend,
                     const zkb_backend **out)
{
    if (host_abi_major != ZKB_PLUGIN_ABI_MAJOR || !host ||
        host->struct_size < offsetof(zkb_host_api, eval_fixed) + sizeof host->eval_fixed)
        return ZKB_ERR_ABI;
    zkbp_host = host;
    zkbp_backend = backend;
    *out = backend;
    return ZKB_OK;
}

uint32_t zkbp_supports_every_op(uint32_t op)
{
    return op >= ZKB_OP_DENSE && op <= ZKB_OP_MAX ? ZKB_SUPPORT_NATIVE : ZKB_SUPPORT_NONE;
}
