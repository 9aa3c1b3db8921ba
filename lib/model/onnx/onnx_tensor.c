/* ONNX import: error messages, node attributes and constant tensors. */
#include "onnx_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

zkb_status zkbi_onnx_fail(zkbi_onnx_imp *im, zkb_status st, const char *fmt, ...)
{
    char msg[ZKBI_ERR_LEN], nb[72], ob[72], db[72];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const Onnx__NodeProto *n = im->node;
    if (!n) {
        zkbi_errf(im->err, im->errlen, "%s: %s", im->src, msg);
        return st;
    }
    const char *dom = zkbi_onnx_default_domain(n->domain) ? "" : zkbi_printable(n->domain, db, 48);
    zkbi_printable(n->op_type, ob, 48);
    if (n->name && n->name[0])
        zkbi_errf(im->err, im->errlen, "%s: node %zu '%s' (%s%s%s): %s", im->src, im->node_i,
                  zkbi_printable(n->name, nb, 64), dom, dom[0] ? ":" : "", ob, msg);
    else
        zkbi_errf(im->err, im->errlen, "%s: node %zu (%s%s%s): %s", im->src, im->node_i, dom,
                  dom[0] ? ":" : "", ob, msg);
    return st;
}

/* ---- attributes ---------------------------------------------------------------------------- */

const Onnx__AttributeProto *zkbi_onnx_attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; n && i < n->n_attribute; i++)
        if (n->attribute[i] && n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

static const char *atype_name(int t)
{
    switch (t) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return "FLOAT";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return "INT";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return "STRING";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return "TENSOR";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return "FLOATS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return "INTS";
    default: return "another type";
    }
}

/* The attribute if present with type want (or no declared type and has set). */
static zkb_status attr_typed(zkbi_onnx_imp *im, const char *name, int want, int has,
                             const Onnx__AttributeProto *a)
{
    char b[72];
    if (a->ref_attr_name && a->ref_attr_name[0])
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "attribute '%s' refers to a function attribute; not supported",
                              zkbi_printable(name, b, 48));
    if (a->has_type && (int)a->type != want)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "attribute '%s' has type %s, expected %s",
                              zkbi_printable(name, b, 48), atype_name((int)a->type),
                              atype_name(want));
    if (!a->has_type && !has)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "attribute '%s' has no %s value",
                              zkbi_printable(name, b, 48), atype_name(want));
    return ZKB_OK;
}

zkb_status zkbi_onnx_attr_int(zkbi_onnx_imp *im, const char *name, int64_t def, int64_t *out)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(im->node, name);
    *out = def;
    if (!a)
        return ZKB_OK;
    zkb_status st = attr_typed(im, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, a->has_i, a);
    if (st == ZKB_OK)
        *out = a->i;
    return st;
}

zkb_status zkbi_onnx_attr_float(zkbi_onnx_imp *im, const char *name, float def, float *out)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(im->node, name);
    *out = def;
    if (!a)
        return ZKB_OK;
    zkb_status st =
        attr_typed(im, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, a->has_f, a);
    if (st == ZKB_OK)
        *out = a->f;
    return st;
}

zkb_status zkbi_onnx_attr_ints(zkbi_onnx_imp *im, const char *name, const int64_t **v, size_t *n)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(im->node, name);
    *v = NULL;
    *n = 0;
    if (!a)
        return ZKB_OK;
    zkb_status st =
        attr_typed(im, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, a->n_ints > 0, a);
    if (st == ZKB_OK) {
        *v = a->ints;
        *n = a->n_ints;
    }
    return st;
}

zkb_status zkbi_onnx_attr_str(zkbi_onnx_imp *im, const char *name, const char *def, char *buf,
                              size_t n)
{
    const Onnx__AttributeProto *a = zkbi_onnx_attr(im->node, name);
    snprintf(buf, n, "%s", def);
    if (!a)
        return ZKB_OK;
    zkb_status st =
        attr_typed(im, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, a->has_s, a);
    if (st != ZKB_OK)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < a->s.len && k + 1 < n; i++)
        buf[k++] = (a->s.data[i] >= 0x20 && a->s.data[i] < 0x7f) ? (char)a->s.data[i] : '?';
    buf[k] = '\0';
    return ZKB_OK;
}

zkb_status zkbi_onnx_attr_check(zkbi_onnx_imp *im, const char *const *allowed)
{
    const Onnx__NodeProto *n = im->node;
    for (size_t i = 0; i < n->n_attribute; i++) {
        const char *name = n->attribute[i] ? n->attribute[i]->name : NULL;
        size_t k = 0;
        for (; allowed[k]; k++)
            if (name && strcmp(name, allowed[k]) == 0)
                break;
        if (!allowed[k]) {
            char b[72], list[256] = "";
            size_t off = 0;
            for (k = 0; allowed[k] && off < sizeof list; k++) {
                int w = snprintf(list + off, sizeof list - off, "%s%s", k ? ", " : "", allowed[k]);
                if (w < 0)
                    break;
                off += (size_t)w;
            }
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "attribute '%s' is not supported%s%s%s",
                                  zkbi_printable(name, b, 48), k ? " (known: " : "", list,
                                  k ? ")" : " (this operator takes no attributes)");
        }
    }
    return ZKB_OK;
}

/* ---- constants ---------------------------------------------------------------------------- */

const Onnx__TensorProto *zkbi_onnx_const_find(const zkbi_onnx_imp *im, const char *name)
{
    if (!name || !name[0])
        return NULL;
    size_t lo = 0, hi = im->n_consts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, im->consts[mid].name);
        if (c == 0)
            return im->consts[mid].t;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return zkbi_onnx_map_get(&im->folded, name);
}

zkb_status zkbi_onnx_const_input(zkbi_onnx_imp *im, size_t idx, const char *what,
                                 const Onnx__TensorProto **t)
{
    const Onnx__NodeProto *n = im->node;
    char b[72];
    *t = NULL;
    if (idx >= n->n_input || !n->input[idx] || !n->input[idx][0])
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "input %zu (%s) is missing", idx, what);
    const char *name = n->input[idx];
    if ((*t = zkbi_onnx_const_find(im, name)))
        return ZKB_OK;
    if (im->cur && strcmp(name, im->cur) == 0)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "input %zu (%s) '%s' is the activation, not an initializer: "
                              "weights must be stored in the file as initializers",
                              idx, what, zkbi_printable(name, b, 64));
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                          "input %zu (%s) '%s': missing initializer (no initializer or Constant "
                          "of that name)",
                          idx, what, zkbi_printable(name, b, 64));
}

void zkbi_onnx_dims_str(const Onnx__TensorProto *t, char *buf, size_t n)
{
    size_t off = 0;
    int w;
    buf[0] = '\0';
    for (size_t i = 0; i <= t->n_dims && off < n; i++, off += w > 0 ? (size_t)w : 0) {
        if (i == t->n_dims)
            w = snprintf(buf + off, n - off, "]");
        else if (i == 8) {
            w = snprintf(buf + off, n - off, ", ...]");
            break;
        } else
            w = snprintf(buf + off, n - off, "%s%" PRId64, i ? ", " : "[", t->dims[i]);
    }
    if (t->n_dims == 0)
        snprintf(buf, n, "[] (a scalar)");
}

static const char *tname(const Onnx__TensorProto *t, char *b, size_t n)
{
    return zkbi_printable(t->name, b, n);
}

zkb_status zkbi_onnx_tensor_numel(zkbi_onnx_imp *im, const Onnx__TensorProto *t, uint64_t *n)
{
    char b[72];
    uint64_t r = 1;
    if (t->n_dims > 8)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' has %zu dimensions (at most 8)",
                              tname(t, b, 64), t->n_dims);
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s': dimension %zu is %" PRId64,
                                  tname(t, b, 64), i, t->dims[i]);
        if ((uint64_t)t->dims[i] > ZKBI_PARAMS_MAX ||
            __builtin_mul_overflow(r, (uint64_t)t->dims[i], &r) || r > ZKBI_PARAMS_MAX)
            return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW,
                                  "tensor '%s' has more than %" PRIu64 " elements",
                                  tname(t, b, 64), ZKBI_PARAMS_MAX);
    }
    *n = r;
    return ZKB_OK;
}

/* Common checks of a constant's storage. */
static zkb_status storage_check(zkbi_onnx_imp *im, const Onnx__TensorProto *t, int32_t want,
                                const char *want_text)
{
    char b[72], tb[32];
    int32_t dt = t->has_data_type ? t->data_type : 0;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED,
                              "tensor '%s' is stored as external data; only weights inside the "
                              "file are supported (save with save_as_external_data=False)",
                              tname(t, b, 64));
    if (t->segment)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED, "tensor '%s' is segmented; not supported",
                              tname(t, b, 64));
    if (dt != want)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED,
                              "tensor '%s' has data type %s; only %s is supported here",
                              tname(t, b, 64), zkbi_onnx_dtype_name(dt, tb, sizeof tb),
                              want_text);
    return ZKB_OK;
}

uint64_t zkbi_onnx_le(const uint8_t *p, int bytes)
{
    uint64_t u = 0;
    for (int b = bytes - 1; b >= 0; b--)
        u = u << 8 | p[b];
    return u;
}

zkb_status zkbi_onnx_tensor_floats(zkbi_onnx_imp *im, const Onnx__TensorProto *t, uint64_t n,
                                   float **out)
{
    char b[72];
    uint64_t numel;
    zkb_status st;
    *out = NULL;
    if ((st = storage_check(im, t, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, "FLOAT (float32)")) !=
        ZKB_OK)
        return st;
    if ((st = zkbi_onnx_tensor_numel(im, t, &numel)) != ZKB_OK)
        return st;
    if (numel != n)
        return zkbi_onnx_fail(im, ZKB_ERR_INTERNAL, "tensor '%s': %" PRIu64 " elements, expected %"
                              PRIu64, tname(t, b, 64), numel, n);
    int raw = t->has_raw_data && t->raw_data.len > 0;
    if (raw && t->n_float_data)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' has both raw_data and float_data",
                              tname(t, b, 64));
    uint64_t have = raw ? t->raw_data.len / 4 : t->n_float_data;
    if ((raw && t->raw_data.len % 4) || have != n)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "tensor '%s' %s holds %" PRIu64 " values%s, its shape needs %" PRIu64,
                              tname(t, b, 64), raw ? "raw_data" : "float_data", have,
                              (raw && t->raw_data.len % 4) ? " and a partial one" : "", n);
    if (n == 0)
        return ZKB_OK;
    float *a = malloc(n * sizeof *a);
    if (!a)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory for %" PRIu64 " values", n);
    for (uint64_t i = 0; i < n; i++) {
        if (raw) {
            uint32_t u = (uint32_t)zkbi_onnx_le(t->raw_data.data + 4 * i, 4);
            memcpy(&a[i], &u, sizeof u);
        } else {
            a[i] = t->float_data[i];
        }
        if (!isfinite(a[i])) {
            free(a);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' element %" PRIu64
                                  " is not a finite number", tname(t, b, 64), i);
        }
    }
    *out = a;
    return ZKB_OK;
}

zkb_status zkbi_onnx_tensor_int64s(zkbi_onnx_imp *im, const Onnx__TensorProto *t, int64_t *v,
                                   size_t max, size_t *n)
{
    char b[72];
    uint64_t numel;
    zkb_status st;
    if ((st = storage_check(im, t, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, "INT64")) != ZKB_OK)
        return st;
    if ((st = zkbi_onnx_tensor_numel(im, t, &numel)) != ZKB_OK)
        return st;
    if (numel > max)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' has %" PRIu64
                              " elements (at most %zu expected)", tname(t, b, 64), numel, max);
    int raw = t->has_raw_data && t->raw_data.len > 0;
    uint64_t have = raw ? t->raw_data.len / 8 : t->n_int64_data;
    if ((raw && t->raw_data.len % 8) || have != numel || (raw && t->n_int64_data))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                              "tensor '%s' holds %" PRIu64 " values, its shape needs %" PRIu64,
                              tname(t, b, 64), have, numel);
    for (uint64_t i = 0; i < numel; i++) {
        if (raw) {
            const uint8_t *p = t->raw_data.data + 8 * i;
            uint64_t u = zkbi_onnx_le(p, 8);
            memcpy(&v[i], &u, sizeof u);
        } else {
            v[i] = t->int64_data[i];
        }
    }
    *n = (size_t)numel;
    return ZKB_OK;
}

zkb_status zkbi_onnx_tensor_bool(zkbi_onnx_imp *im, const Onnx__TensorProto *t, int *v)
{
    char b[72];
    uint64_t numel;
    zkb_status st;
    if ((st = storage_check(im, t, ONNX__TENSOR_PROTO__DATA_TYPE__BOOL, "BOOL")) != ZKB_OK)
        return st;
    if ((st = zkbi_onnx_tensor_numel(im, t, &numel)) != ZKB_OK)
        return st;
    int raw = t->has_raw_data && t->raw_data.len > 0;
    if (numel != 1 || (raw ? t->raw_data.len != 1 : t->n_int32_data != 1))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' is not a BOOL scalar",
                              tname(t, b, 64));
    *v = raw ? t->raw_data.data[0] != 0 : t->int32_data[0] != 0;
    return ZKB_OK;
}
