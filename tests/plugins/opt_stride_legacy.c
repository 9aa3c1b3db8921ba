/* A table as built against the ABI 1.2 header: option_decl_size is 0 (the
 * member was "reserved"), so the host reads options[] with the 1.2 stride. */
#include "loader_fixture.h"

static const zkb_option_decl opts[] = {
    {"depth", ZKB_OPT_INT, "2", NULL, "tree depth"},
    {"curve", ZKB_OPT_STRING, "bn254", "bn254|bls12-381", "the curve"},
};
static zkb_backend vt = FX_BACKEND("opt_stride_legacy");

static zkb_status set_option(void *s, const char *k, const zkb_option_value *v)
{
    (void)s;
    (void)k;
    (void)v;
    return ZKB_OK;
}

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    vt.abi_minor = 2;
    vt.options = opts;
    vt.n_options = 2;
    vt.option_decl_size = 0;
    vt.set_option = set_option;
    *out = &vt;
    return ZKB_OK;
}
