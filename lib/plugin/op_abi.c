/* Which operators a plugin can know: an operator added in ABI minor N is
 * never handed to a plugin that declares an older minor (docs/plugin-abi.md,
 * "ABI versions"). The one place where the host reads abi_minor: an
 * operator is a value inside a view, not a member struct_size could reveal. */
#include "plugin_int.h"

#include <inttypes.h>

uint32_t zkbi_op_abi_minor(uint32_t op)
{
    return op == ZKB_OP_PAD2D ? 4 : 0;
}

int zkbi_backend_predates_op(const zkb_backend *vt, uint32_t op)
{
    return vt->abi_minor < zkbi_op_abi_minor(op);
}

int zkbi_backend_knows_model_ops(const zkb_backend_ref *b, const zkb_model_desc *m, char *why, size_t cap)
{
    const zkb_backend *vt = b->vt;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        uint32_t op = m->layers[i]->op;
        if (zkbi_backend_predates_op(vt, op)) {
            zkbi_errf(why, cap,
                      "layer %" PRIu32 " (%s) needs plugin ABI %u.%" PRIu32 "; backend '%s' declares ABI %" PRIu32
                      ".%" PRIu32 " (rebuild it against this zkmlbench)",
                      i, zkb_op_name(op), ZKB_PLUGIN_ABI_MAJOR, zkbi_op_abi_minor(op), vt->name, vt->abi_major,
                      vt->abi_minor);
            return -1;
        }
    }
    return 0;
}
