/* The reference backend: plain fixed-point inference through the host's
 * reference evaluator, no proof. It is the baseline every zk backend is
 * compared with, and the ABI's own test subject. */
#include "zkmlbench/zkb_plugin.h"

#include <stddef.h>
#include <string.h>

static const zkb_host_api *host;

typedef struct ref_state {
    zkb_host_ctx *h;
    uint32_t n_layers;
    uint64_t n_in;
    uint64_t n_out;
    int quantized;
    int have_witness;
    int have_proof;
    int64_t *outputs;
} ref_state;

static zkb_status ref_probe(zkb_host_ctx *h)
{
    host->info(h, "framework_version", "zkmlbench reference evaluator");
    return ZKB_OK;
}

static zkb_status ref_create(zkb_host_ctx *h, void **out)
{
    ref_state *s = host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    *out = s;
    return ZKB_OK;
}

static void ref_destroy(void *state)
{
    ref_state *s = state;
    if (!s)
        return;
    host->free(s->outputs);
    host->free(s);
}

static zkb_status ref_load_model(void *state, const zkb_model_desc *m)
{
    ref_state *s = state;
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    s->n_layers = m->n_layers;
    s->outputs = host->alloc(s->n_out * sizeof *s->outputs);
    if (!s->outputs)
        return ZKB_ERR_NOMEM;
    host->metric(s->h, "params", (double)m->n_params, "count");
    return ZKB_OK;
}

static zkb_status ref_quantize(void *state, const zkb_qmodel_desc *qm)
{
    ref_state *s = state;
    (void)qm; /* the host's evaluator already holds the quantized model */
    s->quantized = 1;
    return ZKB_OK;
}

#define HOST_HAS(m) (host->struct_size >= offsetof(zkb_host_api, m) + sizeof host->m && host->m)

static zkb_status ref_setup(void *state)
{
    ref_state *s = state;
    if (!s->quantized) {
        host->set_error(s->h, "setup before quantize");
        return ZKB_ERR_STATE;
    }
    /* The widest integer the evaluator can meet: what a circuit would have
     * to range-check, and whether int64 suffices. */
    if (HOST_HAS(value_bits)) {
        uint32_t widest = 0;
        for (uint32_t i = 0; i < s->n_layers; i++) {
            uint32_t acc = 0, out = 0;
            host->value_bits(s->h, i, &acc, &out);
            widest = acc > widest ? acc : widest;
            widest = out > widest ? out : widest;
        }
        host->metric(s->h, "max_value_bits", widest, "bits");
    }
    return ZKB_OK;
}

static zkb_status ref_witness(void *state, const zkb_sample *x)
{
    ref_state *s = state;
    if (x->n != s->n_in) {
        host->set_error(s->h, "sample size differs from the model's input size");
        return ZKB_ERR_INVALID_ARG;
    }
    s->have_proof = 0;
    zkb_status st = host->eval_fixed(s->h, x->x_q, x->n, s->outputs, s->n_out);
    s->have_witness = st == ZKB_OK;
    return st;
}

/* Proof system "none": there is nothing to prove, so prove only marks that
 * the witness was consumed; timings of this phase measure the harness. */
static zkb_status ref_prove(void *state)
{
    ref_state *s = state;
    if (!s->have_witness) {
        host->set_error(s->h, "prove before witness");
        return ZKB_ERR_STATE;
    }
    s->have_proof = 1;
    host->metric(s->h, "proof_size", 0, "bytes");
    return ZKB_OK;
}

static zkb_status ref_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    ref_state *s = state;
    if (!s->have_proof) {
        host->set_error(s->h, "verify before prove");
        return ZKB_ERR_STATE;
    }
    if (n_outputs != s->n_out) {
        host->set_error(s->h, "output count differs from the model's classes");
        return ZKB_ERR_INVALID_ARG;
    }
    memcpy(outputs, s->outputs, n_outputs * sizeof *outputs);
    return ZKB_OK;
}

static uint32_t ref_op_support(uint32_t op)
{
    return op >= ZKB_OP_DENSE && op <= ZKB_OP_MAX ? ZKB_SUPPORT_NATIVE : ZKB_SUPPORT_NONE;
}

static const zkb_backend reference_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = ZKB_BACKEND_BASELINE,
    .name = "reference",
    .version = ZKB_VERSION_STRING,
    .proof_system = "none",
    .description = "baseline: fixed-point inference by the reference evaluator, no proof",
    .options = NULL,
    .n_options = 0,
    .option_decl_size = sizeof(zkb_option_decl),
    .probe = ref_probe,
    .create = ref_create,
    .destroy = ref_destroy,
    .set_option = NULL,
    .load_model = ref_load_model,
    .quantize = ref_quantize,
    .setup = ref_setup,
    .witness = ref_witness,
    .prove = ref_prove,
    .verify = ref_verify,
    .op_support = ref_op_support,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    if (host_abi_major != ZKB_PLUGIN_ABI_MAJOR || !h ||
        h->struct_size < offsetof(zkb_host_api, eval_fixed) + sizeof h->eval_fixed)
        return ZKB_ERR_ABI;
    host = h;
    *out = &reference_backend;
    return ZKB_OK;
}
