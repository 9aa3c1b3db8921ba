/* The model IR the host hands over, written back as a zkmlbench JSON model
 * (docs/model-format.md) for driver/export_onnx.py. Used for a model imported
 * from ONNX: ezkl then proves the imported, normalized model (the logits, the
 * folded batch norms and paddings), the computation every other backend
 * proves, not the user's file with its Softmax and shape subgraphs. */
#include "ezkl_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

static cJSON *floats(const float *v, uint64_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (uint64_t i = 0; a && i < n; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]))) {
            cJSON_Delete(a);
            return NULL;
        }
    return a;
}

static cJSON *pair(uint32_t a, uint32_t b)
{
    const int v[2] = {(int)a, (int)b};
    return cJSON_CreateIntArray(v, 2);
}

static cJSON *layer_json(const zkb_layer_desc *L)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = 1;
    switch (L->op) {
    case ZKB_OP_DENSE:
        ok = cJSON_AddStringToObject(o, "op", "dense") && cJSON_AddNumberToObject(o, "units", L->out_w);
        break;
    case ZKB_OP_CONV2D:
        ok = cJSON_AddStringToObject(o, "op", "conv2d") &&
             cJSON_AddNumberToObject(o, "filters", L->out_c) &&
             cJSON_AddItemToObject(o, "kernel", pair(L->kernel_h, L->kernel_w)) &&
             cJSON_AddItemToObject(o, "stride", pair(L->stride_h, L->stride_w));
        break;
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
        ok = cJSON_AddStringToObject(o, "op", L->op == ZKB_OP_AVGPOOL2D ? "avgpool2d" : "maxpool2d") &&
             cJSON_AddItemToObject(o, "pool", pair(L->kernel_h, L->kernel_w)) &&
             cJSON_AddItemToObject(o, "stride", pair(L->stride_h, L->stride_w));
        break;
    case ZKB_OP_RELU:
        ok = cJSON_AddStringToObject(o, "op", "relu") != NULL;
        break;
    case ZKB_OP_FLATTEN:
        ok = cJSON_AddStringToObject(o, "op", "flatten") != NULL;
        break;
    case ZKB_OP_PAD2D: {
        const int p[4] = {(int)L->pad_top, (int)L->pad_left, (int)L->pad_bottom, (int)L->pad_right};
        ok = cJSON_AddStringToObject(o, "op", "pad2d") &&
             cJSON_AddItemToObject(o, "pads", cJSON_CreateIntArray(p, 4));
        break;
    }
    default:
        ok = 0;
    }
    if (ok && (L->op == ZKB_OP_DENSE || L->op == ZKB_OP_CONV2D))
        ok = cJSON_AddItemToObject(o, "weights", floats(L->weights, L->n_weights)) &&
             cJSON_AddItemToObject(o, "bias", floats(L->bias, L->n_bias));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int ez_write_model_json(const zkb_model_desc *m, const char *path)
{
    cJSON *o = cJSON_CreateObject(), *layers = NULL, *in = NULL;
    const int shape[3] = {(int)m->in_c, (int)m->in_h, (int)m->in_w};
    int ok = o && cJSON_AddStringToObject(o, "format", "zkmlbench-model") &&
             cJSON_AddNumberToObject(o, "version", 1) &&
             cJSON_AddStringToObject(o, "name", m->name ? m->name : "model") &&
             (in = cJSON_AddObjectToObject(o, "input")) &&
             cJSON_AddItemToObject(in, "shape", cJSON_CreateIntArray(shape, 3)) &&
             cJSON_AddNumberToObject(o, "classes", m->classes) &&
             (layers = cJSON_AddArrayToObject(o, "layers"));
    for (uint32_t i = 0; ok && i < m->n_layers; i++)
        ok = cJSON_AddItemToArray(layers, layer_json(m->layers[i]));
    char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        return -1;
    FILE *f = fopen(path, "w");
    int rc = f && fputs(text, f) >= 0 ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    return rc;
}
