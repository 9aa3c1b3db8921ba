/* ONNX import: listing an ONNX file's operator types without importing it
 * (what `zkbench compat` prints beside the backends' operator support). */
#include "onnx_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlbench/zkb_onnx.h"

typedef struct onnx_op {
    char *type; /* "Conv" or "domain:Type" */
    size_t nodes;
} onnx_op;

struct zkb_onnx_ops {
    onnx_op *ops;
    size_t n;
    size_t total;
    int64_t opset;
};

void zkb_onnx_ops_free(zkb_onnx_ops *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->ops[i].type);
    free(o->ops);
    free(o);
}

/* "domain:Type" (domain omitted for the default domain), printable. */
static char *type_of(const Onnx__NodeProto *n)
{
    char d[72], t[72];
    const char *dom = zkbi_onnx_default_domain(n->domain) ? "" : zkbi_printable(n->domain, d, 64);
    zkbi_printable(n->op_type ? n->op_type : "?", t, 64);
    size_t len = strlen(dom) + strlen(t) + 2;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%s%s%s", dom, dom[0] ? ":" : "", t);
    return s;
}

static zkb_status list_ops(const Onnx__ModelProto *mp, const char *src, zkb_onnx_ops *o,
                           char *err, size_t errlen)
{
    const Onnx__GraphProto *g = mp->graph;
    o->opset = zkbi_onnx_opset(mp);
    o->total = g->n_node;
    size_t cap = g->n_node < ZKBI_ONNX_OP_TYPES_MAX ? g->n_node : ZKBI_ONNX_OP_TYPES_MAX;
    if (cap && !(o->ops = calloc(cap, sizeof *o->ops)))
        goto nomem;
    for (size_t i = 0; i < g->n_node; i++) {
        if (!g->node[i])
            continue;
        char *t = type_of(g->node[i]);
        if (!t)
            goto nomem;
        size_t k = 0;
        while (k < o->n && strcmp(o->ops[k].type, t) != 0)
            k++;
        if (k < o->n) {
            free(t);
            o->ops[k].nodes++;
            continue;
        }
        if (o->n == ZKBI_ONNX_OP_TYPES_MAX) {
            free(t);
            zkbi_errf(err, errlen, "%s: more than %u distinct operator types", src,
                      ZKBI_ONNX_OP_TYPES_MAX);
            return ZKB_ERR_OVERFLOW;
        }
        o->ops[o->n++] = (onnx_op){t, 1};
    }
    return ZKB_OK;
nomem:
    zkbi_errf(err, errlen, "%s: out of memory", src);
    return ZKB_ERR_NOMEM;
}

zkb_status zkb_onnx_ops_load(zkb_ctx *ctx, const char *path, zkb_onnx_ops **out)
{
    char err[ZKBI_ERR_LEN];
    char *buf = NULL;
    size_t len;
    zkbi_onnx_file f;
    zkb_status st;
    if (!out || !path) {
        zkbi_errf(err, sizeof err, "zkb_onnx_ops_load: NULL argument");
        st = ZKB_ERR_INVALID_ARG;
        goto fail;
    }
    *out = NULL;
    if ((st = zkbi_read_file(path, ZKBI_MODEL_FILE_MAX, &buf, &len, err, sizeof err)) != ZKB_OK)
        goto fail;
    st = zkbi_onnx_file_decode(&f, (const uint8_t *)buf, len, path, err, sizeof err);
    free(buf);
    if (st != ZKB_OK)
        goto fail;
    zkb_onnx_ops *o = calloc(1, sizeof *o);
    if (!o) {
        zkbi_errf(err, sizeof err, "%s: out of memory", path);
        st = ZKB_ERR_NOMEM;
    } else {
        st = list_ops(f.model, path, o, err, sizeof err);
    }
    zkbi_onnx_file_free(&f);
    if (st != ZKB_OK) {
        zkb_onnx_ops_free(o);
        goto fail;
    }
    *out = o;
    return ZKB_OK;
fail:
    return ctx ? zkbi_ctx_fail(ctx, st, "%s", err) : st;
}

size_t zkb_onnx_ops_count(const zkb_onnx_ops *o)
{
    return o ? o->n : 0;
}

const char *zkb_onnx_ops_type(const zkb_onnx_ops *o, size_t i)
{
    return o && i < o->n ? o->ops[i].type : NULL;
}

size_t zkb_onnx_ops_nodes(const zkb_onnx_ops *o, size_t i)
{
    return o && i < o->n ? o->ops[i].nodes : 0;
}

size_t zkb_onnx_ops_total_nodes(const zkb_onnx_ops *o)
{
    return o ? o->total : 0;
}

int64_t zkb_onnx_ops_opset(const zkb_onnx_ops *o)
{
    return o ? o->opset : 0;
}
