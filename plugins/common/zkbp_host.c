/* The host and backend of this plugin (zkbp_host.h). */
#include "zkbp_host.h"

#include <string.h>

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

void zkbp_evm_proof_give(zkb_evm_proof *out, const zkb_evm_proof *p)
{
    size_t from = offsetof(zkb_evm_proof, n_public);
    size_t to = out->struct_size < sizeof *p ? out->struct_size : sizeof *p;
    if (to > from)
        memcpy((char *)out + from, (const char *)p + from, to - from);
}
