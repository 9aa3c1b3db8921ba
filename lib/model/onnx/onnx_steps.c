/* ONNX import: the record of what normalization did (folded, fused, left
 * out), kept in the model's metadata as "import_steps". */
#include "onnx_int.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_MAX 256u

static const char *const kind_names[] = {"folded", "fused", "left_out"};

zkb_status zkbi_onnx_step_add(zkbi_onnx_imp *im, uint32_t kind, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (size_t k = 0; k < im->n_steps; k++)
        if (im->steps[k].kind == kind && strcmp(im->steps[k].what, text) == 0) {
            im->steps[k].count++;
            return ZKB_OK;
        }
    if (im->n_steps == STEPS_MAX) /* a huge graph: the counts of the first kinds suffice */
        return ZKB_OK;
    if (im->n_steps == im->cap_steps) {
        size_t cap = im->cap_steps ? im->cap_steps * 2 : 16;
        zkbi_onnx_step *s = realloc(im->steps, cap * sizeof *s);
        if (!s)
            return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
        im->steps = s;
        im->cap_steps = cap;
    }
    char *w = strdup(text);
    if (!w)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    im->steps[im->n_steps++] = (zkbi_onnx_step){kind, w, 1};
    return ZKB_OK;
}

int zkbi_onnx_steps_json(const zkbi_onnx_imp *im, struct cJSON *meta)
{
    if (im->n_steps == 0)
        return 0;
    cJSON *a = cJSON_AddArrayToObject(meta, "import_steps");
    if (!a)
        return -1;
    for (size_t k = 0; k < im->n_steps; k++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(a, o) ||
            !cJSON_AddStringToObject(o, "kind", kind_names[im->steps[k].kind]) ||
            !cJSON_AddStringToObject(o, "what", im->steps[k].what) ||
            !cJSON_AddNumberToObject(o, "count", im->steps[k].count))
            return -1;
    }
    return 0;
}

void zkbi_onnx_steps_free(zkbi_onnx_imp *im)
{
    for (size_t k = 0; k < im->n_steps; k++)
        free(im->steps[k].what);
    free(im->steps);
    im->steps = NULL;
    im->n_steps = im->cap_steps = 0;
}

const char *zkbi_onnx_node_label(const zkbi_onnx_imp *im, char *buf, size_t n)
{
    const Onnx__NodeProto *nd = im->node;
    char nb[72], ob[72];
    if (!nd) {
        snprintf(buf, n, "the graph");
        return buf;
    }
    zkbi_printable(nd->op_type ? nd->op_type : "?", ob, 64);
    if (nd->name && nd->name[0])
        snprintf(buf, n, "%s (node %zu '%s')", ob, im->node_i, zkbi_printable(nd->name, nb, 64));
    else
        snprintf(buf, n, "%s (node %zu)", ob, im->node_i);
    return buf;
}
