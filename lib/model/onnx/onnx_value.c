/* ONNX import: the values constant folding computes with (floats or
 * integers of any ONNX shape up to 8 dimensions), read from constant tensors
 * and published back as constants; the import's own allocations; the ONNX
 * shapes of the activations, which Shape nodes read. */
#include "onnx_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DT_FLOAT ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define DT_DOUBLE ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE
#define DT_INT64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64
#define DT_INT32 ONNX__TENSOR_PROTO__DATA_TYPE__INT32
#define DT_BOOL ONNX__TENSOR_PROTO__DATA_TYPE__BOOL

void zkbi_onnx_val_free(zkbi_onnx_val *v)
{
    free(v->f);
    free(v->i);
    memset(v, 0, sizeof *v);
}

/* Folded values may not take more than this many elements in all (each
 * value computed counts): a small file cannot make the import allocate or
 * compute much (ConstantOfShape, Gather chains). */
static uint64_t fold_budget(const zkbi_onnx_imp *im)
{
    return (UINT64_C(1) << 20) + 2 * (uint64_t)im->raw_len;
}

zkb_status zkbi_onnx_val_alloc(zkbi_onnx_imp *im, zkbi_onnx_val *v, int32_t dt, size_t rank,
                               const int64_t *dims)
{
    uint64_t n = 1;
    memset(v, 0, sizeof *v);
    if (rank > ZKBI_ONNX_RANK_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "a folded value would have %zu dimensions (at "
                              "most %d)", rank, ZKBI_ONNX_RANK_MAX);
    for (size_t k = 0; k < rank; k++) {
        if (dims[k] < 0 || __builtin_mul_overflow(n, (uint64_t)dims[k], &n) ||
            n > fold_budget(im))
            return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW, "a folded value would have more than %"
                                  PRIu64 " elements", fold_budget(im));
        v->dims[k] = dims[k];
    }
    if (n > fold_budget(im) - im->folded_values)
        return zkbi_onnx_fail(im, ZKB_ERR_OVERFLOW, "folding would compute more than %" PRIu64
                              " values in all", fold_budget(im));
    im->folded_values += n;
    v->dt = dt;
    v->rank = rank;
    v->n = n;
    size_t bytes = n ? n : 1;
    if (zkbi_onnx_is_int(dt) ? !(v->i = calloc(bytes, sizeof *v->i)) : !(v->f = calloc(bytes, sizeof *v->f)))
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    return ZKB_OK;
}

/* A constant tensor's values. */
zkb_status zkbi_onnx_val_from(zkbi_onnx_imp *im, const Onnx__TensorProto *t, zkbi_onnx_val *v)
{
    char b[72], tb[32];
    uint64_t n;
    zkb_status st;
    int32_t dt = t->has_data_type ? t->data_type : 0;
    memset(v, 0, sizeof *v);
    if (dt == DT_FLOAT) {
        if ((st = zkbi_onnx_tensor_numel(im, t, &n)) != ZKB_OK)
            return st;
        if (t->n_dims > ZKBI_ONNX_RANK_MAX) /* numel allows 8 */
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' has too many dimensions",
                                  zkbi_printable(t->name, b, 64));
        v->dt = DT_FLOAT;
        v->rank = t->n_dims;
        if (t->n_dims)
            memcpy(v->dims, t->dims, t->n_dims * sizeof *v->dims);
        v->n = n;
        return zkbi_onnx_tensor_floats(im, t, n, &v->f);
    }
    int bytes = dt == DT_INT64 ? 8 : dt == DT_INT32 ? 4 : dt == DT_BOOL ? 1 : dt == DT_DOUBLE ? 8 : 0;
    if (!bytes)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED,
                              "constant '%s' has data type %s; folding takes FLOAT, DOUBLE, "
                              "INT64, INT32 and BOOL",
                              zkbi_printable(t->name, b, 64), zkbi_onnx_dtype_name(dt, tb, sizeof tb));
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED, "tensor '%s' is stored as external data",
                              zkbi_printable(t->name, b, 64));
    if ((st = zkbi_onnx_tensor_numel(im, t, &n)) != ZKB_OK ||
        (st = zkbi_onnx_val_alloc(im, v, dt == DT_DOUBLE ? DT_FLOAT : dt, t->n_dims, t->dims)) != ZKB_OK)
        return st;
    int raw = t->has_raw_data && t->raw_data.len > 0;
    uint64_t have = raw ? t->raw_data.len / (uint64_t)bytes
                  : dt == DT_INT64 ? t->n_int64_data
                  : dt == DT_DOUBLE ? t->n_double_data : t->n_int32_data;
    if ((raw && t->raw_data.len % (uint64_t)bytes) || have != n) {
        zkbi_onnx_val_free(v);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' holds %" PRIu64
                              " values, its shape needs %" PRIu64,
                              zkbi_printable(t->name, b, 64), have, n);
    }
    for (uint64_t k = 0; k < n; k++) {
        if (dt == DT_DOUBLE) {
            double d;
            if (raw) {
                uint64_t u = zkbi_onnx_le(t->raw_data.data + 8 * k, 8);
                memcpy(&d, &u, sizeof d);
            } else {
                d = t->double_data[k];
            }
            if (!isfinite(d) || fabs(d) > 3.0e38) {
                zkbi_onnx_val_free(v);
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "tensor '%s' element %" PRIu64
                                      " is not a finite float32", zkbi_printable(t->name, b, 64), k);
            }
            v->f[k] = (float)d;
        } else if (raw) {
            uint64_t u = zkbi_onnx_le(t->raw_data.data + (uint64_t)bytes * k, bytes);
            v->i[k] = bytes == 8 ? (int64_t)u : bytes == 4 ? (int64_t)(int32_t)(uint32_t)u
                                                           : (int64_t)(u != 0);
        } else {
            v->i[k] = dt == DT_INT64 ? t->int64_data[k]
                    : dt == DT_BOOL ? (int64_t)(t->int32_data[k] != 0)
                                    : (int64_t)t->int32_data[k];
        }
    }
    return ZKB_OK;
}

/* ---- the import's own constants ----------------------------------------------------------- */

zkb_status zkbi_onnx_own(zkbi_onnx_imp *im, void *p)
{
    if (!p)
        return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
    if (im->n_owned == im->cap_owned) {
        size_t cap = im->cap_owned ? im->cap_owned * 2 : 64;
        void **o = realloc(im->owned, cap * sizeof *o);
        if (!o) {
            free(p);
            return zkbi_onnx_fail(im, ZKB_ERR_NOMEM, "out of memory");
        }
        im->owned = o;
        im->cap_owned = cap;
    }
    im->owned[im->n_owned++] = p;
    return ZKB_OK;
}

zkb_status zkbi_onnx_const_add(zkbi_onnx_imp *im, const char *name, Onnx__TensorProto *t)
{
    char b[72];
    if (zkbi_onnx_const_find(im, name))
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "'%s' is assigned twice",
                              zkbi_printable(name, b, 64));
    return zkbi_onnx_map_put(im, &im->folded, name, t);
}

/* v becomes the constant `name` (v's arrays move into the tensor). */
zkb_status zkbi_onnx_val_publish(zkbi_onnx_imp *im, const char *name, zkbi_onnx_val *v)
{
    zkb_status st;
    Onnx__TensorProto *t = calloc(1, sizeof *t);
    if ((st = zkbi_onnx_own(im, t)) != ZKB_OK) {
        zkbi_onnx_val_free(v);
        return st;
    }
    onnx__tensor_proto__init(t);
    int64_t *dims = malloc((v->rank ? v->rank : 1) * sizeof *dims);
    if ((st = zkbi_onnx_own(im, dims)) != ZKB_OK) {
        zkbi_onnx_val_free(v);
        return st;
    }
    memcpy(dims, v->dims, v->rank * sizeof *dims);
    t->name = (char *)name;
    t->n_dims = v->rank;
    t->dims = dims;
    t->has_data_type = 1;
    t->data_type = v->dt;
    if (v->dt == DT_FLOAT) {
        t->float_data = v->f;
        t->n_float_data = v->n;
        v->f = NULL;
        st = zkbi_onnx_own(im, t->float_data);
    } else if (v->dt == DT_INT64) {
        t->int64_data = v->i;
        t->n_int64_data = v->n;
        v->i = NULL;
        st = zkbi_onnx_own(im, t->int64_data);
    } else { /* INT32, BOOL */
        int32_t *d = malloc((v->n ? v->n : 1) * sizeof *d);
        if ((st = zkbi_onnx_own(im, d)) == ZKB_OK) {
            for (uint64_t k = 0; k < v->n; k++)
                d[k] = (int32_t)v->i[k];
            t->int32_data = d;
            t->n_int32_data = v->n;
        }
    }
    zkbi_onnx_val_free(v);
    return st == ZKB_OK ? zkbi_onnx_const_add(im, name, t) : st;
}

zkb_status zkbi_onnx_note_shape(zkbi_onnx_imp *im, const char *name)
{
    zkb_status st;
    zkbi_onnx_act_shape *a = malloc(sizeof *a);
    if ((st = zkbi_onnx_own(im, a)) != ZKB_OK)
        return st;
    int64_t n = im->batch > 0 ? im->batch : 1;
    a->name = name;
    if (im->s.flat) {
        a->rank = 2;
        a->dims[0] = n;
        a->dims[1] = im->s.w;
    } else {
        a->rank = 4;
        a->dims[0] = n;
        a->dims[1] = im->nhwc ? im->s.h : im->s.c;
        a->dims[2] = im->nhwc ? im->s.w : im->s.h;
        a->dims[3] = im->nhwc ? im->s.c : im->s.w;
    }
    return zkbi_onnx_map_put(im, &im->shapes, name, a);
}

const zkbi_onnx_act_shape *zkbi_onnx_act_shape_of(const zkbi_onnx_imp *im, const char *name)
{
    return zkbi_onnx_map_get(&im->shapes, name);
}
