/* ONNX import: a map from tensor names to what the walk knows of them (the
 * values it folded, the shapes of the activations), by open addressing, so a
 * graph of many nodes costs linear time. */
#include "onnx_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static size_t slot_of(const zkbi_onnx_map *m, const char *name)
{
    return (size_t)XXH3_64bits(name, strlen(name)) & (m->cap - 1);
}

const void *zkbi_onnx_map_get(const zkbi_onnx_map *m, const char *name)
{
    if (!m->cap || !name)
        return NULL;
    for (size_t k = slot_of(m, name);; k = (k + 1) & (m->cap - 1)) {
        if (!m->slot[k].name)
            return NULL;
        if (strcmp(m->slot[k].name, name) == 0)
            return m->slot[k].value;
    }
}

static void put(zkbi_onnx_map *m, const char *name, const void *value)
{
    size_t k = slot_of(m, name);
    while (m->slot[k].name)
        k = (k + 1) & (m->cap - 1);
    m->slot[k].name = name;
    m->slot[k].value = value;
}

zkb_status zkbi_onnx_map_put(zkbi_onnx_imp *im, zkbi_onnx_map *m, const char *name,
                             const void *value)
{
    if (2 * (m->n + 1) > m->cap) { /* load factor at most 1/2 */
        zkbi_onnx_map grown = {NULL, m->n, m->cap ? m->cap * 2 : 64};
        if (!(grown.slot = calloc(grown.cap, sizeof *grown.slot)))
            return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < m->cap; k++)
            if (m->slot[k].name)
                put(&grown, m->slot[k].name, m->slot[k].value);
        free(m->slot);
        *m = grown;
    }
    put(m, name, value);
    m->n++;
    return ZKB_OK;
}

void zkbi_onnx_map_free(zkbi_onnx_map *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}
