/* ONNX import: every tensor name is assigned once (ONNX's static single
 * assignment: the graph inputs, the initializers and Constant outputs, the
 * other nodes' outputs) and a node reads only names assigned before it (the
 * nodes are in topological order, as ONNX requires). The importer walks the
 * nodes in file order, each reading the previous one's output; these two
 * rules leave no way to read an output back, so a graph with a cycle, a
 * self-loop included, is refused here with the node named. */
#include "onnx_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct def {
    const char *name;
    long node; /* -1: a graph input */
} def;

static int def_cmp(const void *a, const void *b)
{
    const def *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->node > y->node) - (x->node < y->node);
}

/* The first definition of name at or after node `from` (defs sorted), or NULL. */
static const def *find_def(const def *d, size_t n, const char *name, long from)
{
    size_t lo = 0, hi = n;
    def key = {name, from};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (def_cmp(&d[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(d[lo].name, name) == 0 ? &d[lo] : NULL;
}

static int named(const char *s) { return s && s[0]; }

static zkb_status check(zkbi_onnx_imp *im, const def *d, size_t n)
{
    const Onnx__GraphProto *g = im->g;
    char b[72];
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *nd = g->node[i];
        if (!nd || zkbi_onnx_is_constant(nd))
            continue;
        im->node = nd;
        im->node_i = i;
        for (size_t k = 0; k < nd->n_input; k++) {
            if (!named(nd->input[k]))
                continue;
            const def *first = find_def(d, n, nd->input[k], -1);
            const def *self = find_def(d, n, nd->input[k], (long)i);
            zkbi_printable(nd->input[k], b, 64);
            if (self && self->node == (long)i)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                      "its output '%s' is also its input: a cycle (a node cannot "
                                      "read its own output)", b);
            if (first && first->node > (long)i && !zkbi_onnx_const_find(im, nd->input[k]))
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                      "it reads '%s', the output of node %ld after it: the nodes "
                                      "are not in topological order, or form a cycle",
                                      b, first->node);
        }
        for (size_t k = 0; k < nd->n_output; k++)
            if (named(nd->output[k]) && zkbi_onnx_const_find(im, nd->output[k]))
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                      "its output '%s' has the name of an initializer or "
                                      "Constant: every name must be assigned once",
                                      zkbi_printable(nd->output[k], b, 64));
    }
    for (size_t k = 1; k < n; k++) {
        if (strcmp(d[k - 1].name, d[k].name) != 0)
            continue;
        zkbi_printable(d[k].name, b, 64);
        if (d[k].node < 0) {
            im->node = NULL;
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "two graph inputs are named '%s'", b);
        }
        im->node_i = (size_t)d[k].node;
        im->node = g->node[im->node_i];
        if (d[k - 1].node < 0)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                  "its output '%s' has the name of a graph input: every name must "
                                  "be assigned once", b);
        if (d[k - 1].node == d[k].node)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "it has two outputs named '%s'", b);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "its output '%s' is also the output of node %ld: every name must "
                              "be assigned once", b, d[k - 1].node);
    }
    im->node = NULL;
    return ZKB_OK;
}

zkb_status zkbi_onnx_check_names(zkbi_onnx_imp *im)
{
    const Onnx__GraphProto *g = im->g;
    size_t n = 0;
    for (size_t i = 0; i < g->n_input; i++)
        n += g->input[i] && named(g->input[i]->name);
    for (size_t i = 0; i < g->n_node; i++)
        if (g->node[i] && !zkbi_onnx_is_constant(g->node[i]))
            for (size_t k = 0; k < g->node[i]->n_output; k++)
                n += named(g->node[i]->output[k]);
    def *d = calloc(n ? n : 1, sizeof *d);
    if (!d)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    n = 0;
    for (size_t i = 0; i < g->n_input; i++)
        if (g->input[i] && named(g->input[i]->name))
            d[n++] = (def){g->input[i]->name, -1};
    for (size_t i = 0; i < g->n_node; i++)
        if (g->node[i] && !zkbi_onnx_is_constant(g->node[i]))
            for (size_t k = 0; k < g->node[i]->n_output; k++)
                if (named(g->node[i]->output[k]))
                    d[n++] = (def){g->node[i]->output[k], (long)i};
    qsort(d, n, sizeof *d, def_cmp);
    zkb_status st = check(im, d, n);
    free(d);
    return st;
}
