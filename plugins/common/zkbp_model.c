/* The model as a circuit generator reads it (zkbp_model.h). */
#include "zkbp_model.h"

#include <inttypes.h>
#include <stdio.h>

#include "zkbp_error.h"
#include "zkbp_host.h"

uint64_t zkbp_layer_in_size(const zkb_layer_desc *L)
{
    return (uint64_t)L->in_c * L->in_h * L->in_w;
}

uint64_t zkbp_layer_out_size(const zkb_layer_desc *L)
{
    return (uint64_t)L->out_c * L->out_h * L->out_w;
}

zkb_status zkbp_check_ops(zkb_host_ctx *h, const zkb_model_desc *m)
{
    for (uint32_t i = 0; i < m->n_layers; i++)
        if (zkbp_backend->op_support(m->layers[i]->op) == ZKB_SUPPORT_NONE)
            return zkbp_fail(h, ZKB_ERR_UNSUPPORTED, "layer %u: operator %u not supported", i,
                             m->layers[i]->op);
    return ZKB_OK;
}

zkb_status zkbp_check_sample(zkb_host_ctx *h, const zkb_sample *x, uint64_t n_in)
{
    if (x->n != n_in)
        return zkbp_fail(h, ZKB_ERR_INVALID_ARG, "sample has %llu values, the model takes %llu",
                         (unsigned long long)x->n, (unsigned long long)n_in);
    return ZKB_OK;
}

zkb_status zkbp_check_outputs(zkb_host_ctx *h, uint64_t n_outputs, uint64_t n_out)
{
    if (n_outputs != n_out)
        return zkbp_fail(h, ZKB_ERR_INVALID_ARG, "%llu outputs asked, the model has %llu",
                         (unsigned long long)n_outputs, (unsigned long long)n_out);
    return ZKB_OK;
}

int zkbp_quant_exact(const zkb_qmodel_desc *qm)
{
    return qm && qm->quant && (qm->quant->scheme == ZKB_QUANT_POW2 || qm->quant->scheme == ZKB_QUANT_POW10) &&
           (qm->quant->rounding == ZKB_ROUND_HALF_UP || qm->quant->rounding == ZKB_ROUND_FLOOR);
}

uint64_t zkbp_weights_count(const zkb_qmodel_desc *qm)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < qm->n_layers; i++)
        if (qm->layers[i]->weights)
            t += qm->layers[i]->n_weights + qm->layers[i]->n_bias;
    return t;
}

int zkbp_write_weights(const zkb_qmodel_desc *qm, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (uint32_t i = 0; i < qm->n_layers; i++) {
        const zkb_qlayer_desc *L = qm->layers[i];
        if (!L->weights)
            continue;
        for (uint64_t k = 0; k < L->n_weights; k++)
            fprintf(f, "%" PRId64 "\n", L->weights[k]);
        for (uint64_t k = 0; k < L->n_bias; k++)
            fprintf(f, "%" PRId64 "\n", L->bias[k]);
    }
    return fclose(f) == 0 ? 0 : -1;
}

zkb_status zkbp_widths_get(zkb_host_ctx *h, uint32_t n_layers, zkbp_widths *w)
{
    zkbp_widths_free(w);
    w->acc = zkbp_host->alloc((n_layers + 1) * sizeof *w->acc);
    w->out = zkbp_host->alloc((n_layers + 1) * sizeof *w->out);
    if (!w->acc || !w->out)
        return ZKB_ERR_NOMEM;
    uint32_t a = 0;
    zkb_status st = zkbp_host->value_bits(h, ZKB_LAYER_INPUT, &a, &w->in);
    for (uint32_t i = 0; i < n_layers && st == ZKB_OK; i++)
        st = zkbp_host->value_bits(h, i, &w->acc[i], &w->out[i]);
    return st;
}

void zkbp_widths_free(zkbp_widths *w)
{
    zkbp_host->free(w->acc);
    zkbp_host->free(w->out);
    w->acc = w->out = NULL;
}
