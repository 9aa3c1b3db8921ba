/* option_decl_size large enough but not a multiple of the declaration's
 * alignment: no compiler lays out an array so; the loader rejects it. */
#include "loader_fixture.h"

static const zkb_option_decl opts[] = {{"depth", ZKB_OPT_INT, "2", NULL, "tree depth"}};
static zkb_backend vt = FX_BACKEND("bad_option_stride_odd");

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    vt.options = opts;
    vt.n_options = 1;
    vt.option_decl_size = (uint32_t)sizeof(zkb_option_decl) + 4;
    *out = &vt;
    return ZKB_OK;
}
