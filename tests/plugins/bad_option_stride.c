/* option_decl_size smaller than a 1.2 declaration: the host would read the
 * options out of step, so the loader rejects the table. */
#include "loader_fixture.h"

static const zkb_option_decl opts[] = {{"depth", ZKB_OPT_INT, "2", NULL, "tree depth"}};
static zkb_backend vt = FX_BACKEND("bad_option_stride");

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    vt.options = opts;
    vt.n_options = 1;
    vt.option_decl_size = 12;
    *out = &vt;
    return ZKB_OK;
}
