/* proof_system with characters that would break report labels, CSV and
 * Markdown tables: rejected by the loader. */
#include "loader_fixture.h"

static zkb_backend vt = FX_BACKEND("bad_proof_system");

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t abi, const zkb_backend **out)
{
    (void)h;
    (void)abi;
    vt.proof_system = "Groth16 | PLONK";
    *out = &vt;
    return ZKB_OK;
}
