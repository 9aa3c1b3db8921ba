/* ONNX import: which output the model computes. Classifier exports often
 * have more than one: scikit-learn's (skl2onnx) give the predicted label
 * (INT64 or strings, an ArgMax of the scores) and the scores, wrapped by a
 * ZipMap into one map per sample. The model IR computes the scores; the
 * label is their argmax, which zkmlbench computes itself, and ZipMap only
 * reformats them. So: the import takes the one floating-point output (or
 * the scores a ZipMap output wraps), leaves the others out with a step each,
 * and skips the nodes only they need. */
#include "onnx_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct producer {
    const char *name;
    size_t node;
} producer;

static int producer_cmp(const void *a, const void *b)
{
    return strcmp(((const producer *)a)->name, ((const producer *)b)->name);
}

static const producer *find_producer(const producer *p, size_t n, const char *name)
{
    producer key = {name, 0};
    return name ? bsearch(&key, p, n, sizeof *p, producer_cmp) : NULL;
}

static int is_ml(const Onnx__NodeProto *n, const char *type)
{
    return n && n->op_type && strcmp(n->op_type, type) == 0 && n->domain &&
           strcmp(n->domain, "ai.onnx.ml") == 0;
}

static int float_tensor(const Onnx__ValueInfoProto *o)
{
    const Onnx__TypeProto *t = o->type;
    if (!t) /* no type: take it for a tensor of floats, as before */
        return 1;
    if (t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type)
        return 0;
    return !t->tensor_type->has_elem_type ||
           t->tensor_type->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
}

/* Mark every node the tensor `name` depends on. */
static zkb_status mark_live(zkbi_onnx_imp *im, const producer *p, size_t np, const char *name)
{
    const Onnx__GraphProto *g = im->g;
    size_t *stack = malloc((g->n_node + 1) * sizeof *stack), top = 0;
    if (!stack)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    const producer *q = find_producer(p, np, name);
    if (q) {
        im->live[q->node] = 1;
        stack[top++] = q->node;
    }
    while (top) {
        const Onnx__NodeProto *n = g->node[stack[--top]];
        for (size_t k = 0; k < n->n_input; k++) {
            const producer *r = find_producer(p, np, n->input[k]);
            if (r && !im->live[r->node]) {
                im->live[r->node] = 1;
                stack[top++] = r->node;
            }
        }
    }
    free(stack);
    return ZKB_OK;
}

/* Whether type t is one of the ", "-separated names in list. */
static int listed(const char *list, const char *t)
{
    size_t n = strlen(t);
    for (const char *p = list; (p = strstr(p, t)); p += n ? n : 1)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* "ArgMax, ArrayFeatureExtractor, Cast" of the nodes left dead; the list is
 * bounded by len, so a graph of many dead nodes costs linear time. */
static void dead_ops(const zkbi_onnx_imp *im, char *buf, size_t len, size_t *count)
{
    const Onnx__GraphProto *g = im->g;
    size_t off = 0;
    *count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (!n || im->live[i] || zkbi_onnx_is_constant(n))
            continue;
        (*count)++;
        char t[72];
        zkbi_printable(n->op_type && n->op_type[0] ? n->op_type : "?", t, 64);
        if (!listed(buf, t) && off + strlen(t) + 3 < len)
            off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", t);
    }
}

zkb_status zkbi_onnx_choose_output(zkbi_onnx_imp *im)
{
    const Onnx__GraphProto *g = im->g;
    char b[72], b2[72];
    zkb_status st = ZKB_OK;
    if (!(im->live = calloc(g->n_node ? g->n_node : 1, 1)))
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    size_t np = 0;
    for (size_t i = 0; i < g->n_node; i++)
        np += g->node[i] ? g->node[i]->n_output : 0;
    producer *p = malloc((np ? np : 1) * sizeof *p);
    if (!p)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    np = 0;
    for (size_t i = 0; i < g->n_node; i++)
        for (size_t k = 0; g->node[i] && k < g->node[i]->n_output; k++)
            if (g->node[i]->output[k] && g->node[i]->output[k][0])
                p[np++] = (producer){g->node[i]->output[k], i};
    qsort(p, np, sizeof *p, producer_cmp); /* names are unique (checked before) */

    const char *score = NULL;
    const Onnx__ValueInfoProto *score_info = NULL;
    for (size_t k = 0; k < g->n_output; k++) {
        const Onnx__ValueInfoProto *o = g->output[k];
        if (!o || !o->name || !o->name[0]) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "graph output %zu has no name", k);
            goto out;
        }
        const producer *q = find_producer(p, np, o->name);
        const Onnx__NodeProto *n = q ? g->node[q->node] : NULL;
        const char *cand = NULL;
        if (is_ml(n, "ZipMap") && n->n_input >= 1 && n->input[0]) {
            cand = n->input[0];
            if ((st = zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT,
                                         "output '%s': ZipMap only reformats the scores '%s' as "
                                         "one map per sample; the model outputs the scores",
                                         zkbi_printable(o->name, b, 64),
                                         zkbi_printable(cand, b2, 64))) != ZKB_OK)
                goto out;
        } else if (float_tensor(o)) {
            cand = o->name;
        } else {
            if ((st = zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT,
                                         "output '%s': not floating-point scores (a predicted "
                                         "label); zkmlbench takes the argmax of the scores",
                                         zkbi_printable(o->name, b, 64))) != ZKB_OK)
                goto out;
            continue;
        }
        if (score && strcmp(score, cand) != 0) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                "the graph has more than one floating-point output ('%s', '%s'); "
                                "the importer takes a model with one output of scores",
                                zkbi_printable(score, b, 64), zkbi_printable(cand, b2, 64));
            goto out;
        }
        if (!score)
            score_info = cand == o->name ? o : NULL;
        score = cand;
    }
    if (!score) {
        st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the graph has %s", g->n_output
                                ? "no output of floating-point scores"
                                : "no output");
        goto out;
    }
    im->score = score;
    im->score_info = score_info;
    if ((st = mark_live(im, p, np, score)) != ZKB_OK)
        goto out;
    char ops[256];
    size_t dead;
    dead_ops(im, ops, sizeof ops, &dead);
    if (dead)
        st = zkbi_onnx_step_add(im, ZKBI_ONNX_LEFT_OUT,
                                "%zu node%s no output of the model needs (%s)", dead,
                                dead == 1 ? "" : "s", ops);
out:
    free(p);
    return st;
}
