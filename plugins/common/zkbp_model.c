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

zkb_status zkbp_quantize_widths(zkb_host_ctx *h, const zkb_model_desc *m, const zkb_qmodel_desc *qm,
                                uint32_t max_bits, const char *what, zkbp_widths *w)
{
    if (!m)
        return zkbp_fail(h, ZKB_ERR_STATE, "quantize before load_model");
    if (!zkbp_quant_exact(qm))
        return zkbp_fail(h, ZKB_ERR_UNSUPPORTED, "only the pow2/pow10 schemes with half_up or floor rounding");
    if (!ZKBP_HOST_HAS(value_bits))
        return zkbp_fail(h, ZKB_ERR_UNSUPPORTED, "the host lacks value_bits (ABI 1.1): range checks cannot be sized");
    if (qm->n_layers != m->n_layers)
        return zkbp_fail(h, ZKB_ERR_INVALID_ARG, "quantized model has %u layers, model %u", qm->n_layers,
                         m->n_layers);
    zkb_status st = zkbp_widths_get(h, qm->n_layers, w);
    if (st == ZKB_ERR_NOMEM)
        return zkbp_fail(h, ZKB_ERR_NOMEM, "out of memory");
    if (st != ZKB_OK)
        return zkbp_fail(h, ZKB_ERR_UNSUPPORTED, "values too wide for this %s (range analysis: %s)", what,
                         st == ZKB_ERR_OVERFLOW ? "beyond int64" : "failed");
    for (uint32_t i = 0; max_bits && i < qm->n_layers; i++)
        if (w->out[i] > max_bits || w->acc[i] > max_bits)
            return zkbp_fail(h, ZKB_ERR_UNSUPPORTED, "layer %u: %u-bit values do not fit the field", i,
                             w->acc[i] > w->out[i] ? w->acc[i] : w->out[i]);
    return ZKB_OK;
}

int zkbp_write_int_lines(const char *path, const int64_t *v, uint64_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = 0;
    for (uint64_t k = 0; k < n; k++)
        bad |= fprintf(f, "%" PRId64 "\n", v[k]) < 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}
