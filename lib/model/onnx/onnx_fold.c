/* ONNX import: constant folding. A node whose inputs are all known at import
 * time (initializers, Constant outputs, values folded before, or the shape of
 * an activation, whose batch is taken as 1) is computed here and its output
 * becomes a constant: the shape arithmetic of a dynamic batch
 * (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), Cast/Slice/Squeeze on
 * constants, Constant in all its forms, ConstantOfShape, a Transpose of
 * weights. See docs/onnx.md, "Normalization". */
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

static const char *in_name(const Onnx__NodeProto *n, size_t i)
{
    return i < n->n_input && n->input[i] && n->input[i][0] ? n->input[i] : NULL;
}

/* Input i as a value; absent: *present = 0 (optional inputs). */
static zkb_status input_val(zkbi_onnx_imp *im, size_t i, zkbi_onnx_val *v, int *present)
{
    const char *name = in_name(im->node, i);
    memset(v, 0, sizeof *v);
    if (present)
        *present = name != NULL;
    if (!name) {
        if (present)
            return ZKB_OK;
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "input %zu is missing", i);
    }
    const Onnx__TensorProto *t = zkbi_onnx_const_find(im, name);
    if (!t)
        return zkbi_onnx_fail(im, ZKB_ERR_INTERNAL, "input %zu is not a constant", i);
    return zkbi_onnx_val_from(im, t, v);
}

static int64_t norm_axis(int64_t axis, size_t rank)
{
    return axis < 0 ? axis + (int64_t)rank : axis;
}

static zkb_status bad_axis(zkbi_onnx_imp *im, int64_t axis, size_t rank)
{
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "axis %" PRId64 " is out of range for a %zu-D value",
                          axis, rank);
}

static zkb_status fold_constant(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"value", "value_float", "value_floats", "value_int",
                                        "value_ints", NULL};
    zkb_status st = zkbi_onnx_attr_check(im, attrs);
    if (st != ZKB_OK)
        return st;
    const Onnx__NodeProto *n = im->node;
    const Onnx__AttributeProto *a;
    int64_t one = 1;
    if ((a = zkbi_onnx_attr(n, "value")) && a->t)
        return zkbi_onnx_val_from(im, a->t, out);
    if ((a = zkbi_onnx_attr(n, "value_float"))) {
        if ((st = zkbi_onnx_val_alloc(im, out, DT_FLOAT, 0, NULL)) == ZKB_OK)
            out->f[0] = a->f;
        return st;
    }
    if ((a = zkbi_onnx_attr(n, "value_int"))) {
        if ((st = zkbi_onnx_val_alloc(im, out, DT_INT64, 0, NULL)) == ZKB_OK)
            out->i[0] = a->i;
        return st;
    }
    if ((a = zkbi_onnx_attr(n, "value_floats"))) {
        one = (int64_t)a->n_floats;
        if ((st = zkbi_onnx_val_alloc(im, out, DT_FLOAT, 1, &one)) == ZKB_OK)
            for (size_t k = 0; k < a->n_floats; k++)
                out->f[k] = a->floats[k];
        return st;
    }
    if ((a = zkbi_onnx_attr(n, "value_ints"))) {
        one = (int64_t)a->n_ints;
        if ((st = zkbi_onnx_val_alloc(im, out, DT_INT64, 1, &one)) == ZKB_OK)
            memcpy(out->i, a->ints, a->n_ints * sizeof *out->i);
        return st;
    }
    return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "a Constant needs a value, value_float(s) or "
                          "value_int(s) attribute (sparse and string constants are not supported)");
}

static zkb_status fold_shape(zkbi_onnx_imp *im, int size_only, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"start", "end", NULL};
    const char *name = in_name(im->node, 0);
    int64_t dims[ZKBI_ONNX_RANK_MAX], start, end;
    size_t rank;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, size_only ? attrs + 2 : attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "start", 0, &start)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "end", INT64_MAX, &end)) != ZKB_OK)
        return st;
    const zkbi_onnx_act_shape *a = name ? zkbi_onnx_act_shape_of(im, name) : NULL;
    const Onnx__TensorProto *t = name ? zkbi_onnx_const_find(im, name) : NULL;
    if (a) {
        rank = a->rank;
        memcpy(dims, a->dims, rank * sizeof *dims);
    } else if (t && t->n_dims <= ZKBI_ONNX_RANK_MAX) {
        rank = t->n_dims;
        if (rank)
            memcpy(dims, t->dims, rank * sizeof *dims);
    } else {
        return zkbi_onnx_fail(im, ZKB_ERR_INTERNAL, "no shape known for its input");
    }
    if (size_only) {
        if ((st = zkbi_onnx_val_alloc(im, out, DT_INT64, 0, NULL)) != ZKB_OK)
            return st;
        out->i[0] = 1;
        for (size_t k = 0; k < rank; k++)
            if (dims[k] < 0 || __builtin_mul_overflow(out->i[0], dims[k], &out->i[0])) {
                zkbi_onnx_val_free(out);
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the size of its input is not a "
                                      "number of elements");
            }
        return ZKB_OK;
    }
    int64_t r = (int64_t)rank;
    start = start < 0 ? start + r : start;
    end = end < 0 ? end + r : end;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    int64_t len = end > start ? end - start : 0;
    if ((st = zkbi_onnx_val_alloc(im, out, DT_INT64, 1, &len)) != ZKB_OK)
        return st;
    for (int64_t k = 0; k < len; k++)
        out->i[k] = dims[start + k];
    return ZKB_OK;
}

static zkb_status fold_constant_of_shape(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"value", NULL};
    zkbi_onnx_val shape, fill = {0};
    zkb_status st = zkbi_onnx_attr_check(im, attrs);
    if (st != ZKB_OK || (st = input_val(im, 0, &shape, NULL)) != ZKB_OK)
        return st;
    const Onnx__AttributeProto *a = zkbi_onnx_attr(im->node, "value");
    if (a && a->t && (st = zkbi_onnx_val_from(im, a->t, &fill)) != ZKB_OK) {
        zkbi_onnx_val_free(&shape);
        return st;
    }
    if (!zkbi_onnx_is_int(shape.dt) || shape.rank != 1 || shape.n > ZKBI_ONNX_RANK_MAX || (a && fill.n != 1)) {
        zkbi_onnx_val_free(&shape);
        zkbi_onnx_val_free(&fill);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "ConstantOfShape needs a 1-D integer shape and a "
                              "one-element value");
    }
    st = zkbi_onnx_val_alloc(im, out, a ? fill.dt : DT_FLOAT, (size_t)shape.n, shape.i);
    for (uint64_t k = 0; st == ZKB_OK && k < out->n; k++) {
        if (out->f)
            out->f[k] = a ? fill.f[0] : 0.0f;
        else
            out->i[k] = fill.i[0];
    }
    zkbi_onnx_val_free(&shape);
    zkbi_onnx_val_free(&fill);
    return st;
}

/* Strides of a row-major shape. */
static void strides_of(const zkbi_onnx_val *v, uint64_t *s)
{
    uint64_t acc = 1;
    for (size_t k = v->rank; k-- > 0;) {
        s[k] = acc;
        acc *= (uint64_t)v->dims[k];
    }
}

static void copy_elem(zkbi_onnx_val *dst, uint64_t di, const zkbi_onnx_val *src, uint64_t si)
{
    if (dst->f)
        dst->f[di] = src->f ? src->f[si] : (float)src->i[si];
    else
        dst->i[di] = src->i ? src->i[si] : (int64_t)src->f[si];
}

static zkb_status fold_gather(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"axis", NULL};
    zkbi_onnx_val d, ix;
    int64_t axis, dims[ZKBI_ONNX_RANK_MAX];
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "axis", 0, &axis)) != ZKB_OK ||
        (st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    if ((st = input_val(im, 1, &ix, NULL)) != ZKB_OK) {
        zkbi_onnx_val_free(&d);
        return st;
    }
    axis = norm_axis(axis, d.rank);
    if (axis < 0 || axis >= (int64_t)d.rank || !zkbi_onnx_is_int(ix.dt) ||
        d.rank + ix.rank - 1 > ZKBI_ONNX_RANK_MAX) {
        st = axis < 0 || axis >= (int64_t)d.rank ? bad_axis(im, axis, d.rank)
                                                  : zkbi_onnx_fail(im, ZKB_ERR_PARSE,
                                                                   "Gather needs integer indices");
        goto out;
    }
    size_t r = 0;
    for (int64_t k = 0; k < axis; k++)
        dims[r++] = d.dims[k];
    for (size_t k = 0; k < ix.rank; k++)
        dims[r++] = ix.dims[k];
    for (size_t k = (size_t)axis + 1; k < d.rank; k++)
        dims[r++] = d.dims[k];
    if ((st = zkbi_onnx_val_alloc(im, out, d.dt, r, dims)) != ZKB_OK)
        goto out;
    uint64_t outer = 1, inner = 1, A = (uint64_t)d.dims[axis];
    for (int64_t k = 0; k < axis; k++)
        outer *= (uint64_t)d.dims[k];
    for (size_t k = (size_t)axis + 1; k < d.rank; k++)
        inner *= (uint64_t)d.dims[k];
    uint64_t o = 0;
    for (uint64_t p = 0; p < outer; p++)
        for (uint64_t q = 0; q < ix.n; q++) {
            int64_t j = ix.i[q] < 0 ? ix.i[q] + (int64_t)A : ix.i[q];
            if (j < 0 || (uint64_t)j >= A) {
                zkbi_onnx_val_free(out);
                st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Gather index %" PRId64
                                    " is out of range (the axis has %" PRIu64 " values)",
                                    ix.i[q], A);
                goto out;
            }
            for (uint64_t s = 0; s < inner; s++)
                copy_elem(out, o++, &d, (p * A + (uint64_t)j) * inner + s);
        }
out:
    zkbi_onnx_val_free(&d);
    zkbi_onnx_val_free(&ix);
    return st;
}

/* The axes of Unsqueeze/Squeeze/ReduceX: attribute (older opsets) or input 1. */
static zkb_status axes_of(zkbi_onnx_imp *im, int64_t *axes, size_t *n)
{
    const int64_t *a;
    size_t na;
    zkbi_onnx_val v;
    int present;
    zkb_status st = zkbi_onnx_attr_ints(im, "axes", &a, &na);
    if (st != ZKB_OK)
        return st;
    if (na) {
        if (na > ZKBI_ONNX_RANK_MAX)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "too many axes");
        memcpy(axes, a, na * sizeof *axes);
        *n = na;
        return ZKB_OK;
    }
    if ((st = input_val(im, 1, &v, &present)) != ZKB_OK)
        return st;
    *n = 0;
    if (present) {
        if (!zkbi_onnx_is_int(v.dt) || v.n > ZKBI_ONNX_RANK_MAX) {
            zkbi_onnx_val_free(&v);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "axes must be at most %d integers", ZKBI_ONNX_RANK_MAX);
        }
        memcpy(axes, v.i, v.n * sizeof *axes);
        *n = (size_t)v.n;
    }
    zkbi_onnx_val_free(&v);
    return ZKB_OK;
}

static zkb_status fold_squeeze(zkbi_onnx_imp *im, int unsqueeze, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"axes", NULL};
    int64_t axes[ZKBI_ONNX_RANK_MAX], dims[ZKBI_ONNX_RANK_MAX];
    size_t na, r = 0;
    zkbi_onnx_val d;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK || (st = axes_of(im, axes, &na)) != ZKB_OK ||
        (st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    size_t rank = unsqueeze ? d.rank + na : d.rank;
    int mark[ZKBI_ONNX_RANK_MAX * 2] = {0};
    if (rank > ZKBI_ONNX_RANK_MAX) {
        zkbi_onnx_val_free(&d);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the result would have %zu dimensions", rank);
    }
    for (size_t k = 0; k < na; k++) {
        int64_t a = norm_axis(axes[k], rank);
        if (a < 0 || a >= (int64_t)rank || mark[a]) {
            zkbi_onnx_val_free(&d);
            return bad_axis(im, axes[k], rank);
        }
        mark[a] = 1;
    }
    if (unsqueeze) {
        for (size_t k = 0, s = 0; k < rank; k++)
            dims[r++] = mark[k] ? 1 : d.dims[s++];
    } else {
        for (size_t k = 0; k < d.rank; k++) {
            if ((na ? mark[k] : d.dims[k] == 1)) {
                if (d.dims[k] != 1) {
                    zkbi_onnx_val_free(&d);
                    return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "cannot squeeze axis %zu of size %"
                                          PRId64, k, d.dims[k]);
                }
                continue;
            }
            dims[r++] = d.dims[k];
        }
    }
    *out = d; /* same values, new shape */
    out->rank = r;
    memcpy(out->dims, dims, r * sizeof *dims);
    return ZKB_OK;
}

static zkb_status fold_concat(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"axis", NULL};
    int64_t axis;
    zkb_status st;
    const Onnx__NodeProto *n = im->node;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "axis", 0, &axis)) != ZKB_OK)
        return st;
    if (n->n_input < 1 || n->n_input > 64)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Concat of %zu inputs (1 to 64 supported when "
                              "folding)", n->n_input);
    zkbi_onnx_val v[64];
    size_t nv = 0;
    for (; nv < n->n_input; nv++)
        if ((st = input_val(im, nv, &v[nv], NULL)) != ZKB_OK)
            goto out;
    int64_t dims[ZKBI_ONNX_RANK_MAX];
    size_t rank = v[0].rank;
    axis = norm_axis(axis, rank);
    if (axis < 0 || axis >= (int64_t)rank) {
        st = bad_axis(im, axis, rank);
        goto out;
    }
    memcpy(dims, v[0].dims, rank * sizeof *dims);
    dims[axis] = 0;
    for (size_t k = 0; k < nv; k++) {
        int ok = v[k].rank == rank && zkbi_onnx_is_int(v[k].dt) == zkbi_onnx_is_int(v[0].dt);
        for (size_t j = 0; ok && j < rank; j++)
            ok = (int64_t)j == axis || v[k].dims[j] == v[0].dims[j];
        if (!ok) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Concat inputs of different shapes or types");
            goto out;
        }
        dims[axis] += v[k].dims[axis];
    }
    if ((st = zkbi_onnx_val_alloc(im, out, v[0].dt, rank, dims)) != ZKB_OK)
        goto out;
    uint64_t outer = 1, inner = 1, o = 0;
    for (int64_t j = 0; j < axis; j++)
        outer *= (uint64_t)dims[j];
    for (size_t j = (size_t)axis + 1; j < rank; j++)
        inner *= (uint64_t)dims[j];
    for (uint64_t p = 0; p < outer; p++)
        for (size_t k = 0; k < nv; k++) {
            uint64_t chunk = (uint64_t)v[k].dims[axis] * inner;
            for (uint64_t s = 0; s < chunk; s++)
                copy_elem(out, o++, &v[k], p * chunk + s);
        }
out:
    for (size_t k = 0; k < nv; k++)
        zkbi_onnx_val_free(&v[k]);
    return st;
}

/* Slice along any axes, opset 10+ (inputs) or older (attributes). */
static zkb_status fold_slice(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"starts", "ends", "axes", NULL};
    int64_t st_[ZKBI_ONNX_RANK_MAX], en[ZKBI_ONNX_RANK_MAX], ax[ZKBI_ONNX_RANK_MAX], sp[ZKBI_ONNX_RANK_MAX];
    size_t ns = 0;
    zkbi_onnx_val d, p[4];
    int have[4] = {0};
    zkb_status st;
    memset(p, 0, sizeof p);
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK || (st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    const int64_t *a;
    size_t na;
    if ((st = zkbi_onnx_attr_ints(im, "starts", &a, &na)) != ZKB_OK)
        goto out;
    if (na) { /* opset < 10 */
        const int64_t *e, *x;
        size_t ne, nx;
        if ((st = zkbi_onnx_attr_ints(im, "ends", &e, &ne)) != ZKB_OK ||
            (st = zkbi_onnx_attr_ints(im, "axes", &x, &nx)) != ZKB_OK)
            goto out;
        if (ne != na || (nx && nx != na) || na > ZKBI_ONNX_RANK_MAX) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "starts, ends and axes differ in length");
            goto out;
        }
        ns = na;
        for (size_t k = 0; k < ns; k++) {
            st_[k] = a[k];
            en[k] = e[k];
            ax[k] = nx ? x[k] : (int64_t)k;
            sp[k] = 1;
        }
    } else {
        for (int k = 0; k < 4; k++)
            if ((st = input_val(im, (size_t)k + 1, &p[k], &have[k])) != ZKB_OK)
                goto out;
        if (!have[0] || !have[1] || p[0].n != p[1].n || p[0].n > ZKBI_ONNX_RANK_MAX ||
            (have[2] && p[2].n != p[0].n) || (have[3] && p[3].n != p[0].n) ||
            !zkbi_onnx_is_int(p[0].dt) || !zkbi_onnx_is_int(p[1].dt) ||
            (have[2] && !zkbi_onnx_is_int(p[2].dt)) || (have[3] && !zkbi_onnx_is_int(p[3].dt))) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Slice needs integer starts and ends of one "
                                "length (and axes, steps of that length)");
            goto out;
        }
        ns = (size_t)p[0].n;
        for (size_t k = 0; k < ns; k++) {
            st_[k] = p[0].i[k];
            en[k] = p[1].i[k];
            ax[k] = have[2] ? p[2].i[k] : (int64_t)k;
            sp[k] = have[3] ? p[3].i[k] : 1;
        }
    }
    int64_t lo[ZKBI_ONNX_RANK_MAX], step[ZKBI_ONNX_RANK_MAX], dims[ZKBI_ONNX_RANK_MAX];
    for (size_t k = 0; k < d.rank; k++) {
        lo[k] = 0;
        step[k] = 1;
        dims[k] = d.dims[k];
    }
    for (size_t k = 0; k < ns; k++) {
        int64_t x = norm_axis(ax[k], d.rank);
        if (x < 0 || x >= (int64_t)d.rank) {
            st = bad_axis(im, ax[k], d.rank);
            goto out;
        }
        int64_t D = d.dims[x], s = st_[k], e = en[k];
        if (sp[k] == 0) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Slice step 0");
            goto out;
        }
        if (s < 0)
            s = s < -D ? 0 : s + D;
        if (e < 0)
            e = e < -D ? -1 : e + D;
        if (sp[k] > 0) {
            s = s > D ? D : s;
            e = e > D ? D : e < 0 ? 0 : e;
            dims[x] = e > s ? 1 + (e - s - 1) / sp[k] : 0;
        } else {
            s = s > D - 1 ? D - 1 : s;
            e = e > D - 1 ? D - 1 : e;
            uint64_t mag = (uint64_t)(-(sp[k] + 1)) + 1; /* |step|, INT64_MIN included */
            dims[x] = s > e ? 1 + (int64_t)((uint64_t)(s - e - 1) / mag) : 0;
        }
        lo[x] = s;
        step[x] = sp[k];
    }
    if ((st = zkbi_onnx_val_alloc(im, out, d.dt, d.rank, dims)) != ZKB_OK)
        goto out;
    uint64_t sstr[ZKBI_ONNX_RANK_MAX];
    strides_of(&d, sstr);
    for (uint64_t o = 0; o < out->n; o++) {
        uint64_t rem = o, si = 0;
        for (size_t k = d.rank; k-- > 0;) {
            uint64_t c = rem % (uint64_t)dims[k];
            rem /= (uint64_t)dims[k];
            si += (uint64_t)(lo[k] + (int64_t)c * step[k]) * sstr[k];
        }
        copy_elem(out, o, &d, si);
    }
out:
    zkbi_onnx_val_free(&d);
    for (int k = 0; k < 4; k++)
        zkbi_onnx_val_free(&p[k]);
    return st;
}

static zkb_status fold_cast(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"to", "saturate", NULL};
    int64_t to;
    char tb[32];
    zkbi_onnx_val d;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "to", 0, &to)) != ZKB_OK)
        return st;
    int32_t dt = to == DT_DOUBLE ? DT_FLOAT : (int32_t)to;
    if (dt != DT_FLOAT && !zkbi_onnx_is_int(dt))
        return zkbi_onnx_fail(im, ZKB_ERR_UNSUPPORTED, "Cast to %s is not supported when folding "
                              "(FLOAT, DOUBLE, INT64, INT32, BOOL)",
                              zkbi_onnx_dtype_name(dt, tb, sizeof tb));
    if ((st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    if ((st = zkbi_onnx_val_alloc(im, out, dt, d.rank, d.dims)) == ZKB_OK)
        for (uint64_t k = 0; k < d.n; k++) {
            double x = zkbi_onnx_val_get(&d, k);
            if (out->f)
                out->f[k] = (float)x;
            else if (dt == DT_BOOL)
                out->i[k] = x != 0;
            else
                out->i[k] = d.i ? d.i[k] : (fabs(x) < 9.2e18 ? (int64_t)x : 0);
        }
    zkbi_onnx_val_free(&d);
    return st;
}

/* Target shape of a Reshape: 0 copies the input's dimension (allowzero 0),
 * -1 is inferred. */
static zkb_status reshape_dims(zkbi_onnx_imp *im, const zkbi_onnx_val *d, const zkbi_onnx_val *shape, int allowzero,
                               int64_t *dims)
{
    int infer = -1;
    uint64_t known = 1;
    if (!zkbi_onnx_is_int(shape->dt) || shape->rank != 1 || shape->n > ZKBI_ONNX_RANK_MAX)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the target shape must be 1-D integers");
    for (size_t k = 0; k < shape->n; k++) {
        int64_t v = shape->i[k];
        if (v == 0 && !allowzero) {
            if (k >= d->rank)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "shape value 0 at %zu has no input "
                                      "dimension to copy", k);
            v = d->dims[k];
        }
        if (v == -1) {
            if (infer >= 0)
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "two -1 in a shape");
            infer = (int)k;
            dims[k] = 1;
            continue;
        }
        if (v < 0)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "shape value %" PRId64, v);
        dims[k] = v;
        if (__builtin_mul_overflow(known, (uint64_t)v, &known))
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "the target shape has too many elements");
    }
    if (infer >= 0) {
        if (known == 0 || d->n % known)
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "cannot infer -1 of the shape");
        dims[infer] = (int64_t)(d->n / known);
        known = d->n;
    }
    if (known != d->n)
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "Reshape of %" PRIu64 " values to %" PRIu64,
                              d->n, known);
    return ZKB_OK;
}

static zkb_status fold_reshape(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"allowzero", NULL};
    int64_t allowzero, dims[ZKBI_ONNX_RANK_MAX];
    zkbi_onnx_val d, shape;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_int(im, "allowzero", 0, &allowzero)) != ZKB_OK ||
        (st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    if ((st = input_val(im, 1, &shape, NULL)) == ZKB_OK &&
        (st = reshape_dims(im, &d, &shape, allowzero != 0, dims)) == ZKB_OK) {
        *out = d;
        d.f = NULL;
        d.i = NULL;
        out->rank = (size_t)shape.n;
        memcpy(out->dims, dims, out->rank * sizeof *dims);
    }
    zkbi_onnx_val_free(&d);
    zkbi_onnx_val_free(&shape);
    return st;
}

static zkb_status fold_transpose(zkbi_onnx_imp *im, zkbi_onnx_val *out)
{
    static const char *const attrs[] = {"perm", NULL};
    const int64_t *p;
    size_t np;
    int64_t perm[ZKBI_ONNX_RANK_MAX], dims[ZKBI_ONNX_RANK_MAX];
    zkbi_onnx_val d;
    zkb_status st;
    if ((st = zkbi_onnx_attr_check(im, attrs)) != ZKB_OK ||
        (st = zkbi_onnx_attr_ints(im, "perm", &p, &np)) != ZKB_OK ||
        (st = input_val(im, 0, &d, NULL)) != ZKB_OK)
        return st;
    int seen[ZKBI_ONNX_RANK_MAX] = {0};
    if (np && np != d.rank) {
        zkbi_onnx_val_free(&d);
        return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "perm has %zu values for a %zu-D value", np, d.rank);
    }
    for (size_t k = 0; k < d.rank; k++) {
        perm[k] = np ? p[k] : (int64_t)(d.rank - 1 - k);
        if (perm[k] < 0 || perm[k] >= (int64_t)d.rank || seen[perm[k]]++) {
            zkbi_onnx_val_free(&d);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "perm is not a permutation");
        }
        dims[k] = d.dims[perm[k]];
    }
    uint64_t sstr[ZKBI_ONNX_RANK_MAX];
    strides_of(&d, sstr);
    if ((st = zkbi_onnx_val_alloc(im, out, d.dt, d.rank, dims)) == ZKB_OK)
        for (uint64_t o = 0; o < out->n; o++) {
            uint64_t rem = o, si = 0;
            for (size_t k = d.rank; k-- > 0;) {
                si += (rem % (uint64_t)dims[k]) * sstr[perm[k]];
                rem /= (uint64_t)dims[k];
            }
            copy_elem(out, o, &d, si);
        }
    zkbi_onnx_val_free(&d);
    return st;
}

/* Elementwise binary operators with numpy broadcasting. */
static zkb_status fold_binary(zkbi_onnx_imp *im, char op, zkbi_onnx_val *out)
{
    zkbi_onnx_val x, y;
    zkb_status st = zkbi_onnx_attr_check(im, (const char *const[]){NULL});
    if (st != ZKB_OK || (st = input_val(im, 0, &x, NULL)) != ZKB_OK)
        return st;
    if ((st = input_val(im, 1, &y, NULL)) != ZKB_OK) {
        zkbi_onnx_val_free(&x);
        return st;
    }
    size_t rank = x.rank > y.rank ? x.rank : y.rank;
    int64_t dims[ZKBI_ONNX_RANK_MAX];
    int ints = zkbi_onnx_is_int(x.dt) && zkbi_onnx_is_int(y.dt);
    for (size_t k = 0; k < rank; k++) {
        int64_t a = k + x.rank >= rank ? x.dims[k + x.rank - rank] : 1;
        int64_t b = k + y.rank >= rank ? y.dims[k + y.rank - rank] : 1;
        if (a != b && a != 1 && b != 1) {
            st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "shapes do not broadcast");
            goto out;
        }
        dims[k] = a == 1 ? b : a;
    }
    if ((st = zkbi_onnx_val_alloc(im, out, ints ? DT_INT64 : DT_FLOAT, rank, dims)) != ZKB_OK)
        goto out;
    for (uint64_t o = 0; o < out->n; o++) {
        uint64_t rem = o, xi = 0, yi = 0, xs = 1, ys = 1;
        for (size_t k = rank; k-- > 0;) {
            uint64_t c = rem % (uint64_t)dims[k];
            rem /= (uint64_t)dims[k];
            if (k + x.rank >= rank) {
                int64_t dx = x.dims[k + x.rank - rank];
                xi += (dx == 1 ? 0 : c) * xs;
                xs *= (uint64_t)dx;
            }
            if (k + y.rank >= rank) {
                int64_t dy = y.dims[k + y.rank - rank];
                yi += (dy == 1 ? 0 : c) * ys;
                ys *= (uint64_t)dy;
            }
        }
        if (ints) {
            int64_t a = x.i[xi], b = y.i[yi], r = 0;
            int bad = op == '+' ? __builtin_add_overflow(a, b, &r)
                    : op == '-' ? __builtin_sub_overflow(a, b, &r)
                    : op == '*' ? __builtin_mul_overflow(a, b, &r)
                                : (b == 0 || (a == INT64_MIN && b == -1));
            if (op == '/' && !bad)
                r = a / b;
            if (bad) {
                zkbi_onnx_val_free(out);
                st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "integer overflow or division by zero "
                                    "while folding");
                goto out;
            }
            out->i[o] = r;
        } else {
            double a = zkbi_onnx_val_get(&x, xi), b = zkbi_onnx_val_get(&y, yi);
            double r = op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : a / b;
            if (!isfinite(r) || fabs(r) > 3.0e38) {
                zkbi_onnx_val_free(out);
                st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "a folded value is not a finite float32");
                goto out;
            }
            out->f[o] = (float)r;
        }
    }
out:
    zkbi_onnx_val_free(&x);
    zkbi_onnx_val_free(&y);
    return st;
}

static zkb_status fold_unary(zkbi_onnx_imp *im, const char *op, zkbi_onnx_val *out)
{
    zkbi_onnx_val x;
    zkb_status st = zkbi_onnx_attr_check(im, (const char *const[]){NULL});
    if (st != ZKB_OK || (st = input_val(im, 0, &x, NULL)) != ZKB_OK)
        return st;
    if (strcmp(op, "Identity") == 0) {
        *out = x;
        return ZKB_OK;
    }
    if (zkbi_onnx_is_int(x.dt)) { /* Neg */
        for (uint64_t k = 0; k < x.n; k++)
            if (x.i[k] == INT64_MIN) {
                zkbi_onnx_val_free(&x);
                return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "integer overflow while folding");
            } else {
                x.i[k] = -x.i[k];
            }
        if (strcmp(op, "Neg") != 0) {
            zkbi_onnx_val_free(&x);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "%s of integers is not folded", op);
        }
        *out = x;
        return ZKB_OK;
    }
    for (uint64_t k = 0; k < x.n; k++) {
        double v = x.f[k];
        v = op[0] == 'N' ? -v : op[0] == 'S' ? sqrt(v) : 1.0 / v; /* Neg, Sqrt, Reciprocal */
        if (!isfinite(v) || fabs(v) > 3.0e38) {
            zkbi_onnx_val_free(&x);
            return zkbi_onnx_fail(im, ZKB_ERR_PARSE, "a folded value is not a finite float32");
        }
        x.f[k] = (float)v;
    }
    *out = x;
    return ZKB_OK;
}

/* ---- dispatch ------------------------------------------------------------------------ */

typedef enum { NEEDS_CONSTS, READS_SHAPE } fold_kind;

static const struct {
    const char *type;
    fold_kind kind;
} foldable[] = {
    {"Constant", NEEDS_CONSTS},  {"ConstantOfShape", NEEDS_CONSTS}, {"Shape", READS_SHAPE},
    {"Size", READS_SHAPE},       {"Gather", NEEDS_CONSTS},          {"Unsqueeze", NEEDS_CONSTS},
    {"Squeeze", NEEDS_CONSTS},   {"Concat", NEEDS_CONSTS},          {"Slice", NEEDS_CONSTS},
    {"Cast", NEEDS_CONSTS},      {"Reshape", NEEDS_CONSTS},         {"Transpose", NEEDS_CONSTS},
    {"Identity", NEEDS_CONSTS},  {"Add", NEEDS_CONSTS},             {"Sub", NEEDS_CONSTS},
    {"Mul", NEEDS_CONSTS},       {"Div", NEEDS_CONSTS},             {"Neg", NEEDS_CONSTS},
    {"Sqrt", NEEDS_CONSTS},      {"Reciprocal", NEEDS_CONSTS},
};

static zkb_status compute(zkbi_onnx_imp *im, const char *type, zkbi_onnx_val *out)
{
    if (!strcmp(type, "Constant"))
        return fold_constant(im, out);
    if (!strcmp(type, "ConstantOfShape"))
        return fold_constant_of_shape(im, out);
    if (!strcmp(type, "Shape") || !strcmp(type, "Size"))
        return fold_shape(im, type[1] == 'i', out);
    if (!strcmp(type, "Gather"))
        return fold_gather(im, out);
    if (!strcmp(type, "Unsqueeze") || !strcmp(type, "Squeeze"))
        return fold_squeeze(im, type[0] == 'U', out);
    if (!strcmp(type, "Concat"))
        return fold_concat(im, out);
    if (!strcmp(type, "Slice"))
        return fold_slice(im, out);
    if (!strcmp(type, "Cast"))
        return fold_cast(im, out);
    if (!strcmp(type, "Reshape"))
        return fold_reshape(im, out);
    if (!strcmp(type, "Transpose"))
        return fold_transpose(im, out);
    if (!strcmp(type, "Add") || !strcmp(type, "Sub") || !strcmp(type, "Mul") ||
        !strcmp(type, "Div"))
        return fold_binary(im, type[0] == 'A' ? '+' : type[0] == 'S' ? '-' : type[0] == 'M' ? '*' : '/',
                           out);
    return fold_unary(im, type, out);
}

int zkbi_onnx_fold(zkbi_onnx_imp *im, zkb_status *st)
{
    const Onnx__NodeProto *n = im->node;
    char nb[96];
    if (!zkbi_onnx_default_domain(n->domain))
        return 0;
    size_t k = 0, nk = sizeof foldable / sizeof foldable[0];
    while (k < nk && strcmp(foldable[k].type, n->op_type) != 0)
        k++;
    if (k == nk)
        return 0;
    for (size_t i = 0; i < n->n_input; i++) {
        const char *in = in_name(n, i);
        if (!in || zkbi_onnx_const_find(im, in))
            continue;
        if (foldable[k].kind == READS_SHAPE && i == 0 && zkbi_onnx_act_shape_of(im, in))
            continue;
        return 0;
    }
    if (n->n_output < 1 || !n->output[0] || !n->output[0][0]) {
        *st = zkbi_onnx_fail(im, ZKB_ERR_PARSE, "no output");
        return 1;
    }
    zkbi_onnx_val out;
    if ((*st = compute(im, n->op_type, &out)) != ZKB_OK)
        return 1;
    *st = zkbi_onnx_val_publish(im, n->output[0], &out);
    if (*st == ZKB_OK && strcmp(n->op_type, "Constant") != 0) {
        int shape = strcmp(n->op_type, "Shape") == 0 || strcmp(n->op_type, "Size") == 0;
        *st = zkbi_onnx_step_add(im, ZKBI_ONNX_FOLDED, "%s %s computed at import time",
                                 zkbi_printable(n->op_type, nb, 64),
                                 shape && n->n_input && !zkbi_onnx_const_find(im, n->input[0])
                                     ? "of an activation (batch taken as 1)"
                                     : "on constants");
    }
    return 1;
}
