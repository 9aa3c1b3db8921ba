/* The quantized model as the driver reads it: format "zkmlbench-gnark/1"
 * (plugins/gnark/driver/model.go), with the signed width the host's range
 * analysis gives every layer's input and output values, which size the
 * circuit's range checks. Written with stdio: the weights of a dense layer
 * alone can be a hundred thousand integers. */
#include "gnark_int.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const op_name[ZKB_OP_MAX + 1] = {
    [ZKB_OP_DENSE] = "dense",         [ZKB_OP_CONV2D] = "conv2d", [ZKB_OP_AVGPOOL2D] = "avgpool2d",
    [ZKB_OP_MAXPOOL2D] = "maxpool2d", [ZKB_OP_RELU] = "relu",     [ZKB_OP_FLATTEN] = "flatten",
    [ZKB_OP_PAD2D] = "pad2d",
};

static void ints(FILE *f, const char *key, const int64_t *v, uint64_t n)
{
    fprintf(f, ", \"%s\": [", key);
    for (uint64_t k = 0; k < n; k++)
        fprintf(f, k ? (k % 16 ? ", %" PRId64 : ",\n    %" PRId64) : "%" PRId64, v[k]);
    fputc(']', f);
}

int gn_write_model(const gn_state *s, const char *path)
{
    const zkb_model_desc *m = s->m;
    const zkb_qmodel_desc *qm = s->qm;
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    /* the model's name is the user's text: keep it out of the JSON's syntax */
    char name[64];
    size_t n = 0;
    for (const char *p = m->name ? m->name : "?"; *p && n + 1 < sizeof name; p++)
        name[n++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
    name[n] = '\0';
    fprintf(f,
            "{\"format\": \"zkmlbench-gnark/1\", \"name\": \"%s\", \"fingerprint\": \"%s\",\n"
            " \"input\": {\"c\": %u, \"h\": %u, \"w\": %u, \"bits\": %u},\n"
            " \"classes\": %u, \"rounding\": \"%s\",\n \"layers\": [",
            name, m->fingerprint ? m->fingerprint : "", m->in_c, m->in_h, m->in_w, s->bits.in, m->classes,
            qm->quant->rounding == ZKB_ROUND_HALF_UP ? "half_up" : "floor");
    uint32_t in_bits = s->bits.in;
    int bad = 0;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkb_layer_desc *L = m->layers[i];
        const zkb_qlayer_desc *Q = qm->layers[i];
        if (L->op > ZKB_OP_MAX || !op_name[L->op]) {
            bad = 1;
            break;
        }
        /* flatten passes its input's values on, as they are */
        uint32_t out_bits = L->op == ZKB_OP_FLATTEN ? in_bits : s->bits.out[i];
        fprintf(f, "%s\n  {\"op\": \"%s\", \"in\": [%u, %u, %u], \"out\": [%u, %u, %u], \"in_bits\": %u, \"out_bits\": %u",
                i ? "," : "", op_name[L->op], L->in_c, L->in_h, L->in_w, L->out_c, L->out_h, L->out_w, in_bits,
                out_bits);
        if (L->op == ZKB_OP_CONV2D || L->op == ZKB_OP_AVGPOOL2D || L->op == ZKB_OP_MAXPOOL2D)
            fprintf(f, ", \"kernel\": [%u, %u], \"stride\": [%u, %u]", L->kernel_h, L->kernel_w, L->stride_h,
                    L->stride_w);
        if (L->op == ZKB_OP_PAD2D)
            fprintf(f, ", \"pad\": [%u, %u, %u, %u]", L->pad_top, L->pad_left, L->pad_bottom, L->pad_right);
        if (L->op == ZKB_OP_DENSE || L->op == ZKB_OP_CONV2D)
            fprintf(f, ", \"divisor\": %" PRId64, Q->rescale_divisor);
        if (L->op == ZKB_OP_AVGPOOL2D)
            fprintf(f, ", \"divisor\": %" PRId64, Q->pool_divisor);
        if (Q->weights) {
            ints(f, "weights", Q->weights, Q->n_weights);
            ints(f, "bias", Q->bias, Q->n_bias);
        }
        fputc('}', f);
        in_bits = out_bits;
    }
    fputs("\n ]}\n", f);
    bad |= ferror(f) != 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}
