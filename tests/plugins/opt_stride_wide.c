/* A table as a plugin built against a later header would make it, whose
 * zkb_option_decl has grown a member at the end: the host must step through
 * options[] by option_decl_size, not by its own sizeof. */
#include "loader_fixture.h"

typedef struct future_decl {
    zkb_option_decl v13; /* the members this host knows */
    const char *unit;    /* a member appended later */
} future_decl;

static const future_decl opts[] = {
    {{"depth", ZKB_OPT_INT, "2", NULL, "tree depth"}, "levels"},
    {{"curve", ZKB_OPT_STRING, "bn254", "bn254|bls12-381", "the curve"}, ""},
};
static zkb_backend vt = FX_BACKEND("opt_stride_wide");

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
    vt.abi_minor = ZKB_PLUGIN_ABI_MINOR + 1;
    vt.options = &opts[0].v13;
    vt.n_options = 2;
    vt.option_decl_size = (uint32_t)sizeof(future_decl);
    vt.set_option = set_option;
    *out = &vt;
    return ZKB_OK;
}
