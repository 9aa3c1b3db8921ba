/* The JSON model loader (docs/model-format.md). Every fault is reported with
 * its JSON path: "model.json: $.layers[3].weights[17]: not a finite number".
 * Must never crash on any input. */
#include "model_int.h"
#include "zkmlbench/zkb_onnx.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct jp {
    char *err;
    size_t errlen;
    const char *src;
} jp;

/* "<src>: <base>[.key][[idx]]: <message>" */
static zkb_status jfail(jp *j, zkb_status st, const char *base, const char *key, int64_t idx,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static zkb_status jfail(jp *j, zkb_status st, const char *base, const char *key, int64_t idx,
                        const char *fmt, ...)
{
    char msg[ZKBI_ERR_LEN], where[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int n = snprintf(where, sizeof where, "%s%s%s", base, key ? "." : "", key ? key : "");
    if (idx >= 0 && n >= 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, "[%" PRId64 "]", idx);
    zkbi_errf(j->err, j->errlen, "%s: %s: %s", j->src, where, msg);
    return st;
}

static const char *type_name(const cJSON *it)
{
    if (cJSON_IsNumber(it))
        return "a number";
    if (cJSON_IsString(it))
        return "a string";
    if (cJSON_IsArray(it))
        return "an array";
    if (cJSON_IsObject(it))
        return "an object";
    if (cJSON_IsBool(it))
        return "a boolean";
    if (cJSON_IsNull(it))
        return "null";
    return "an invalid value";
}


static int utf8_ok(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n;
        if (c < 0x80)
            n = 0;
        else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
            n = 1;
        else if ((c & 0xf0) == 0xe0)
            n = 2;
        else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
            n = 3;
        else
            return 0;
        s++;
        for (unsigned i = 0; i < n; i++, s++)
            if ((*s & 0xc0) != 0x80)
                return 0;
    }
    return 1;
}

/* Every member of obj must be in allowed[] and appear once. */
static zkb_status check_keys(jp *j, const cJSON *obj, const char *base, const char *const *allowed,
                             size_t n_allowed)
{
    unsigned seen = 0; /* n_allowed <= 16 */
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t k;
        char b[48];
        for (k = 0; k < n_allowed; k++)
            if (c->string && strcmp(c->string, allowed[k]) == 0)
                break;
        if (k == n_allowed) {
            char list[256] = "";
            size_t off = 0;
            for (size_t a = 0; a < n_allowed && off < sizeof list; a++) {
                int w = snprintf(list + off, sizeof list - off, "%s%s", a ? ", " : "", allowed[a]);
                if (w < 0)
                    break;
                off += (size_t)w;
            }
            return jfail(j, ZKB_ERR_PARSE, base, NULL, -1, "unknown member \"%s\" (allowed: %s)",
                         zkbi_printable(c->string, b, sizeof b), list);
        }
        if (seen & (1u << k))
            return jfail(j, ZKB_ERR_PARSE, base, NULL, -1, "duplicate member \"%s\"", allowed[k]);
        seen |= 1u << k;
    }
    return ZKB_OK;
}

static zkb_status num_uint(jp *j, const cJSON *it, const char *base, const char *key, int64_t idx,
                           uint32_t lo, uint32_t hi, uint32_t *out)
{
    if (!cJSON_IsNumber(it))
        return jfail(j, ZKB_ERR_PARSE, base, key, idx, "expected an integer in %" PRIu32 "..%" PRIu32
                     ", got %s", lo, hi, type_name(it));
    double v = it->valuedouble;
    if (!isfinite(v))
        return jfail(j, ZKB_ERR_PARSE, base, key, idx, "not a finite number");
    if (v != floor(v))
        return jfail(j, ZKB_ERR_PARSE, base, key, idx, "%.17g is not an integer", v);
    if (v < lo || v > hi)
        return jfail(j, ZKB_ERR_PARSE, base, key, idx, "%.15g is not in %" PRIu32 "..%" PRIu32, v,
                     lo, hi);
    *out = (uint32_t)v;
    return ZKB_OK;
}

static zkb_status get_uint(jp *j, const cJSON *obj, const char *base, const char *key, uint32_t lo,
                           uint32_t hi, uint32_t *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it)
        return jfail(j, ZKB_ERR_PARSE, base, key, -1,
                     "missing (an integer in %" PRIu32 "..%" PRIu32 ")", lo, hi);
    return num_uint(j, it, base, key, -1, lo, hi, out);
}

/* [a, b], both integers in 1..ZKBI_DIM_MAX. Returns ZKB_ERR_NOT_FOUND
 * (without message) when absent and optional. */
static zkb_status get_pair(jp *j, const cJSON *obj, const char *base, const char *key, int optional,
                           uint32_t *a, uint32_t *b)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it) {
        if (optional)
            return ZKB_ERR_NOT_FOUND;
        return jfail(j, ZKB_ERR_PARSE, base, key, -1, "missing (an array [height, width])");
    }
    if (!cJSON_IsArray(it))
        return jfail(j, ZKB_ERR_PARSE, base, key, -1, "expected an array [height, width], got %s",
                     type_name(it));
    const cJSON *x = it->child, *y = x ? x->next : NULL;
    if (!x || !y || y->next)
        return jfail(j, ZKB_ERR_PARSE, base, key, -1,
                     "expected an array of 2 integers [height, width]");
    char sub[160];
    snprintf(sub, sizeof sub, "%s.%s", base, key);
    zkb_status st = num_uint(j, x, sub, NULL, 0, 1, ZKBI_DIM_MAX, a);
    if (st == ZKB_OK)
        st = num_uint(j, y, sub, NULL, 1, 1, ZKBI_DIM_MAX, b);
    return st;
}

#define PADS_WHAT "an array of 4 integers [top, left, bottom, right]"

/* pad2d's "pads": [top, left, bottom, right], each in 0..ZKBI_PAD_MAX. */
static zkb_status get_pads(jp *j, const cJSON *obj, const char *base, zkb_layer_desc *d)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "pads");
    if (!it)
        return jfail(j, ZKB_ERR_PARSE, base, "pads", -1, "missing (" PADS_WHAT ")");
    if (!cJSON_IsArray(it))
        return jfail(j, ZKB_ERR_PARSE, base, "pads", -1, "expected " PADS_WHAT ", got %s",
                     type_name(it));
    if (cJSON_GetArraySize(it) != 4)
        return jfail(j, ZKB_ERR_PARSE, base, "pads", -1, "expected " PADS_WHAT ", got %d values",
                     cJSON_GetArraySize(it));
    uint32_t *pads[4] = {&d->pad_top, &d->pad_left, &d->pad_bottom, &d->pad_right};
    char sub[160];
    snprintf(sub, sizeof sub, "%s.pads", base);
    int k = 0;
    for (const cJSON *c = it->child; c; c = c->next, k++) {
        zkb_status st = num_uint(j, c, sub, NULL, k, 0, ZKBI_PAD_MAX, pads[k]);
        if (st != ZKB_OK)
            return st;
    }
    return ZKB_OK;
}

/* The optional top-level "output_fn" into m->output_fn (absent: logits). */
static zkb_status get_output_fn(jp *j, const cJSON *root, zkb_model *m)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, "output_fn");
    if (!it)
        return ZKB_OK;
    const char *known = "logits, softmax, log_softmax, sigmoid";
    if (!cJSON_IsString(it) || !it->valuestring)
        return jfail(j, ZKB_ERR_PARSE, "$", "output_fn", -1, "expected a string (one of: %s), got %s",
                     known, type_name(it));
    uint32_t fn = zkbi_output_fn_from_name(it->valuestring);
    if (fn == UINT32_MAX) {
        char b[48];
        return jfail(j, ZKB_ERR_PARSE, "$", "output_fn", -1, "unknown output function \"%s\" (known: %s)",
                     zkbi_printable(it->valuestring, b, sizeof b), known);
    }
    m->output_fn = fn;
    return ZKB_OK;
}

/* An array of exactly n float32 values; *out allocated (NULL when n == 0). */
static zkb_status get_floats(jp *j, const cJSON *obj, const char *base, const char *key, uint64_t n,
                             const char *layout, float **out)
{
    *out = NULL;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it)
        return jfail(j, ZKB_ERR_PARSE, base, key, -1, "missing (an array of %" PRIu64
                     " numbers %s)", n, layout);
    if (!cJSON_IsArray(it))
        return jfail(j, ZKB_ERR_PARSE, base, key, -1,
                     "expected an array of %" PRIu64 " numbers %s, got %s", n, layout,
                     type_name(it));
    uint64_t got = 0;
    for (const cJSON *c = it->child; c; c = c->next)
        got++;
    if (got != n)
        return jfail(j, ZKB_ERR_PARSE, base, key, -1, "expected %" PRIu64 " numbers %s, got %" PRIu64,
                     n, layout, got);
    if (n == 0)
        return ZKB_OK;
    float *a = malloc(n * sizeof *a);
    if (!a)
        return jfail(j, ZKB_ERR_NOMEM, base, key, -1, "out of memory for %" PRIu64 " values", n);
    uint64_t i = 0;
    for (const cJSON *c = it->child; c; c = c->next, i++) {
        zkb_status st = ZKB_OK;
        if (!cJSON_IsNumber(c))
            st = jfail(j, ZKB_ERR_PARSE, base, key, (int64_t)i, "not a number (got %s)",
                       type_name(c));
        else if (!isfinite(c->valuedouble))
            st = jfail(j, ZKB_ERR_PARSE, base, key, (int64_t)i, "not a finite number");
        else if (!zkbi_fits_float32(c->valuedouble))
            st = jfail(j, ZKB_ERR_PARSE, base, key, (int64_t)i, "%g is out of float32 range",
                       c->valuedouble);
        if (st != ZKB_OK) {
            free(a);
            return st;
        }
        a[i] = (float)c->valuedouble;
    }
    *out = a;
    return ZKB_OK;
}

static const char *const keys_top[] = {"format", "version", "name",     "input",
                                       "classes", "layers",  "metadata", "output_fn"};
static const char *const keys_input[] = {"shape"};
static const char *const keys_dense[] = {"op", "units", "weights", "bias"};
static const char *const keys_conv[] = {"op",      "filters", "kernel", "stride",
                                        "padding", "weights", "bias"};
static const char *const keys_pool[] = {"op", "pool", "stride", "padding"};
static const char *const keys_pad[] = {"op", "pads"};
static const char *const keys_plain[] = {"op"};
#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

static zkb_status parse_layer(jp *j, const cJSON *it, uint32_t i, zkbi_shape *s, zkb_model *m,
                              uint64_t *params)
{
    char base[48], b[48];
    zkb_status st;
    snprintf(base, sizeof base, "$.layers[%" PRIu32 "]", i);
    if (!cJSON_IsObject(it))
        return jfail(j, ZKB_ERR_PARSE, base, NULL, -1, "expected an object, got %s",
                     type_name(it));
    const cJSON *opj = cJSON_GetObjectItemCaseSensitive(it, "op");
    if (!opj)
        return jfail(j, ZKB_ERR_PARSE, base, "op", -1, "missing (one of: %s)", zkbi_op_list());
    if (!cJSON_IsString(opj) || !opj->valuestring)
        return jfail(j, ZKB_ERR_PARSE, base, "op", -1, "expected a string (one of: %s), got %s",
                     zkbi_op_list(), type_name(opj));
    uint32_t op = zkbi_op_from_name(opj->valuestring);
    if (!op)
        return jfail(j, ZKB_ERR_PARSE, base, "op", -1, "unknown op \"%s\" (known: %s)",
                     zkbi_printable(opj->valuestring, b, sizeof b), zkbi_op_list());

    zkbi_layer *L = &m->layers[i];
    zkb_layer_desc *d = &L->d;
    d->op = op;
    switch (op) {
    case ZKB_OP_DENSE:
        st = check_keys(j, it, base, keys_dense, NKEYS(keys_dense));
        if (st == ZKB_OK)
            st = get_uint(j, it, base, "units", 1, ZKBI_DIM_MAX, &d->out_w);
        break;
    case ZKB_OP_CONV2D:
        st = check_keys(j, it, base, keys_conv, NKEYS(keys_conv));
        if (st == ZKB_OK)
            st = get_uint(j, it, base, "filters", 1, ZKBI_DIM_MAX, &d->out_c);
        if (st == ZKB_OK)
            st = get_pair(j, it, base, "kernel", 0, &d->kernel_h, &d->kernel_w);
        if (st == ZKB_OK) {
            st = get_pair(j, it, base, "stride", 1, &d->stride_h, &d->stride_w);
            if (st == ZKB_ERR_NOT_FOUND) {
                d->stride_h = d->stride_w = 1;
                st = ZKB_OK;
            }
        }
        break;
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
        st = check_keys(j, it, base, keys_pool, NKEYS(keys_pool));
        if (st == ZKB_OK)
            st = get_pair(j, it, base, "pool", 0, &d->kernel_h, &d->kernel_w);
        if (st == ZKB_OK) {
            st = get_pair(j, it, base, "stride", 1, &d->stride_h, &d->stride_w);
            if (st == ZKB_ERR_NOT_FOUND) {
                d->stride_h = d->kernel_h;
                d->stride_w = d->kernel_w;
                st = ZKB_OK;
            }
        }
        break;
    case ZKB_OP_PAD2D:
        st = check_keys(j, it, base, keys_pad, NKEYS(keys_pad));
        if (st == ZKB_OK)
            st = get_pads(j, it, base, d);
        break;
    default:
        st = check_keys(j, it, base, keys_plain, NKEYS(keys_plain));
        break;
    }
    if (st != ZKB_OK)
        return st;
    const cJSON *pad = cJSON_GetObjectItemCaseSensitive(it, "padding");
    if (pad && (!cJSON_IsString(pad) || !pad->valuestring || strcmp(pad->valuestring, "valid")))
        return jfail(j, ZKB_ERR_PARSE, base, "padding", -1,
                     "only \"valid\" padding is supported, got %s%s%s%s", type_name(pad),
                     cJSON_IsString(pad) ? " \"" : "",
                     cJSON_IsString(pad) ? zkbi_printable(pad->valuestring, b, sizeof b) : "",
                     cJSON_IsString(pad) ? "\"" : "");

    char why[512];
    uint64_t macs = 0;
    st = zkbi_layer_infer(d, s, &macs, why, sizeof why);
    if (st != ZKB_OK)
        return jfail(j, st, base, NULL, -1, "%s", why);
    if (__builtin_add_overflow(m->n_macs, macs, &m->n_macs))
        m->n_macs = UINT64_MAX;
    if (d->n_weights + d->n_bias > ZKBI_PARAMS_MAX - *params) /* both <= 2^28 + 2^20 */
        return jfail(j, ZKB_ERR_OVERFLOW, base, NULL, -1,
                     "the model would have more than %" PRIu64 " parameters", ZKBI_PARAMS_MAX);
    *params += d->n_weights + d->n_bias;

    if (op == ZKB_OP_DENSE || op == ZKB_OP_CONV2D) {
        char layout[160];
        if (op == ZKB_OP_DENSE)
            snprintf(layout, sizeof layout, "[units %" PRIu32 "][inputs %" PRIu32 "]", d->out_w,
                     d->in_w);
        else
            snprintf(layout, sizeof layout,
                     "[filters %" PRIu32 "][in_c %" PRIu32 "][kh %" PRIu32 "][kw %" PRIu32 "]",
                     d->out_c, d->in_c, d->kernel_h, d->kernel_w);
        if ((st = get_floats(j, it, base, "weights", d->n_weights, layout, &L->w)) != ZKB_OK)
            return st;
        snprintf(layout, sizeof layout, "[%s %" PRIu64 "]",
                 op == ZKB_OP_DENSE ? "units" : "filters", d->n_bias);
        if ((st = get_floats(j, it, base, "bias", d->n_bias, layout, &L->b)) != ZKB_OK)
            return st;
    }
    d->weights = L->w;
    d->bias = L->b;
    return ZKB_OK;
}

static void line_col(const char *buf, size_t len, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* The model of JSON text buf[0..len) whose buf[len] is the terminating NUL
 * that cJSON needs. */
static zkb_status parse_terminated_json(const char *buf, size_t len, const char *src,
                                        zkb_model **out, char *err, size_t errlen)
{
    jp j = {err, errlen, src ? src : "<json>"};
    jp *J = &j;
    zkb_status st;
    zkb_model *m = NULL;
    char b[48];

    if ((uint64_t)len > ZKBI_MODEL_FILE_MAX) {
        zkbi_errf(err, errlen, "%s: %zu bytes is more than the %" PRIu64 "-byte limit", J->src,
                  len, ZKBI_MODEL_FILE_MAX);
        return ZKB_ERR_OVERFLOW;
    }
    const char *nul = memchr(buf, '\0', len);
    if (nul) { /* cJSON would take it for a blank, or end a string there */
        size_t l, c;
        line_col(buf, len, (size_t)(nul - buf), &l, &c);
        zkbi_errf(err, errlen, "%s: a NUL byte at line %zu, column %zu: not JSON text", J->src, l,
                  c);
        return ZKB_ERR_PARSE;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!root) {
        size_t pos = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : 0, l, c;
        line_col(buf, len, pos, &l, &c);
        if (len == 0)
            zkbi_errf(err, errlen, "%s: empty input (expected a JSON object)", J->src);
        else
            zkbi_errf(err, errlen, "%s: invalid JSON near line %zu, column %zu", J->src, l, c);
        return ZKB_ERR_PARSE;
    }
    if (end && end >= buf && end <= buf + len) {
        size_t pos = (size_t)(end - buf);
        while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' ||
                             buf[pos] == '\r'))
            pos++;
        if (pos < len) {
            size_t l, c;
            line_col(buf, len, pos, &l, &c);
            zkbi_errf(err, errlen, "%s: unexpected data after the JSON value at line %zu, column %zu",
                      J->src, l, c);
            st = ZKB_ERR_PARSE;
            goto out;
        }
    }
    char where[160];
    int is_key;
    if (zkbi_json_nul_string(buf, len, root, where, sizeof where, &is_key)) {
        st = jfail(J, ZKB_ERR_PARSE, where, NULL, -1, "%s a NUL character (\\u0000)%s",
                   is_key ? "a member name holds" : "the string holds",
                   strcmp(where, "$.name") == 0 && !is_key
                       ? ": names may not contain control characters"
                       : ", which no string of a model may hold");
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", NULL, -1, "expected an object, got %s", type_name(root));
        goto out;
    }

    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!fmt) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "format", -1,
                   "missing (expected \"" ZKBI_MODEL_FORMAT "\"; is this a zkmlbench model?)");
        goto out;
    }
    if (!cJSON_IsString(fmt) || !fmt->valuestring || strcmp(fmt->valuestring, ZKBI_MODEL_FORMAT)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "format", -1, "expected \"" ZKBI_MODEL_FORMAT "\", got %s%s%s%s",
                   type_name(fmt), cJSON_IsString(fmt) ? " \"" : "",
                   cJSON_IsString(fmt) ? zkbi_printable(fmt->valuestring, b, sizeof b) : "",
                   cJSON_IsString(fmt) ? "\"" : "");
        goto out;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!ver) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "version", -1, "missing (expected %u)", ZKBI_MODEL_VERSION);
        goto out;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != (double)ZKBI_MODEL_VERSION) {
        if (cJSON_IsNumber(ver))
            st = jfail(J, ZKB_ERR_UNSUPPORTED, "$", "version", -1,
                       "unsupported version %.15g (this library reads version %u)",
                       ver->valuedouble, ZKBI_MODEL_VERSION);
        else
            st = jfail(J, ZKB_ERR_PARSE, "$", "version", -1, "expected the integer %u, got %s",
                       ZKBI_MODEL_VERSION, type_name(ver));
        goto out;
    }
    if ((st = check_keys(J, root, "$", keys_top, NKEYS(keys_top))) != ZKB_OK)
        goto out;

    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!name || !cJSON_IsString(name) || !name->valuestring) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "name", -1, name ? "expected a string, got %s" : "missing%s",
                   name ? type_name(name) : " (a string)");
        goto out;
    }
    size_t name_len = strlen(name->valuestring);
    int ctrl = 0;
    for (const unsigned char *p = (const unsigned char *)name->valuestring; *p; p++)
        ctrl |= *p < 0x20 || *p == 0x7f;
    if (name_len < 1 || name_len > ZKBI_NAME_MAX || ctrl ||
        !utf8_ok((const unsigned char *)name->valuestring)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "name", -1,
                   "must be 1..%u bytes of UTF-8 without control characters", ZKBI_NAME_MAX);
        goto out;
    }

    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    if (!input || !cJSON_IsObject(input)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "input", -1,
                   input ? "expected an object {\"shape\": [C, H, W]}, got %s"
                         : "missing%s (an object {\"shape\": [C, H, W]})",
                   input ? type_name(input) : "");
        goto out;
    }
    if ((st = check_keys(J, input, "$.input", keys_input, NKEYS(keys_input))) != ZKB_OK)
        goto out;
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(input, "shape");
    uint32_t dims[3];
    size_t nd = 0;
    if (shape && cJSON_IsArray(shape))
        for (const cJSON *c = shape->child; c; c = c->next)
            nd++;
    if (!shape || !cJSON_IsArray(shape) || nd != 3) {
        st = jfail(J, ZKB_ERR_PARSE, "$.input", "shape", -1,
                   "expected an array of 3 integers [C, H, W]%s", shape ? "" : " (missing)");
        goto out;
    }
    nd = 0;
    for (const cJSON *c = shape->child; c; c = c->next, nd++)
        if ((st = num_uint(J, c, "$.input", "shape", (int64_t)nd, 1, ZKBI_DIM_MAX, &dims[nd])) !=
            ZKB_OK)
            goto out;
    uint64_t in_n = (uint64_t)dims[0] * dims[1] * dims[2];
    if (in_n > ZKBI_ACT_MAX) {
        st = jfail(J, ZKB_ERR_OVERFLOW, "$.input", "shape", -1,
                   "%" PRIu64 " values is more than %" PRIu64, in_n, ZKBI_ACT_MAX);
        goto out;
    }
    uint32_t classes = 0;
    if ((st = get_uint(J, root, "$", "classes", 1, ZKBI_DIM_MAX, &classes)) != ZKB_OK)
        goto out;

    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
    if (!layers || !cJSON_IsArray(layers)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "layers", -1,
                   layers ? "expected an array of layers, got %s" : "missing%s (an array of layers)",
                   layers ? type_name(layers) : "");
        goto out;
    }
    uint64_t n_layers = 0;
    for (const cJSON *c = layers->child; c; c = c->next)
        n_layers++;
    if (n_layers < 1 || n_layers > ZKBI_LAYERS_MAX) {
        st = jfail(J, n_layers ? ZKB_ERR_OVERFLOW : ZKB_ERR_PARSE, "$", "layers", -1,
                   "%" PRIu64 " layers is not in 1..%u", n_layers, ZKBI_LAYERS_MAX);
        goto out;
    }

    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    if (meta && !cJSON_IsObject(meta)) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "metadata", -1, "expected an object, got %s",
                   type_name(meta));
        goto out;
    }

    m = zkbi_model_alloc((uint32_t)n_layers);
    if (!m)
        goto nomem;
    m->in_c = dims[0];
    m->in_h = dims[1];
    m->in_w = dims[2];
    m->classes = classes;
    if (!(m->name = strdup(name->valuestring)))
        goto nomem;
    if (meta && !(m->metadata = cJSON_PrintUnformatted(meta)))
        goto nomem;
    if ((st = get_output_fn(J, root, m)) != ZKB_OK)
        goto out;

    zkbi_shape s = {dims[0], dims[1], dims[2], 0};
    uint64_t params = 0;
    uint32_t i = 0;
    for (const cJSON *c = layers->child; c; c = c->next, i++)
        if ((st = parse_layer(J, c, i, &s, m, &params)) != ZKB_OK)
            goto out;
    uint64_t out_n = (uint64_t)s.c * s.h * s.w;
    if (out_n != classes) {
        st = jfail(J, ZKB_ERR_PARSE, "$", "classes", -1,
                   "%" PRIu32 " but the last layer (%" PRIu32 ", %s) outputs %" PRIu64 " values",
                   classes, i - 1, zkb_op_name(m->layers[i - 1].d.op), out_n);
        goto out;
    }
    char why[512];
    if ((st = zkbi_model_finish(m, why, sizeof why)) != ZKB_OK) {
        st = jfail(J, st, "$", NULL, -1, "%s", why);
        goto out;
    }
    *out = m;
    m = NULL;
    st = ZKB_OK;
    goto out;
nomem:
    zkbi_errf(err, errlen, "%s: out of memory", J->src);
    st = ZKB_ERR_NOMEM;
out:
    zkb_model_free(m);
    cJSON_Delete(root);
    return st;
}

zkb_status zkbi_model_parse_json(const char *buf, size_t len, const char *src, zkb_model **out,
                                 char *err, size_t errlen)
{
    if (!out || (!buf && len)) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    if ((uint64_t)len > ZKBI_MODEL_FILE_MAX) {
        zkbi_errf(err, errlen, "%s: %zu bytes is more than the %" PRIu64 "-byte limit",
                  src ? src : "<json>", len, ZKBI_MODEL_FILE_MAX);
        return ZKB_ERR_OVERFLOW;
    }
    /* Own NUL-terminated copy: the parser never sees the caller's bounds. */
    char *copy = malloc(len + 1);
    if (!copy) {
        zkbi_errf(err, errlen, "%s: out of memory", src ? src : "<json>");
        return ZKB_ERR_NOMEM;
    }
    if (len)
        memcpy(copy, buf, len);
    copy[len] = '\0';
    zkb_status st = parse_terminated_json(copy, len, src, out, err, errlen);
    free(copy);
    return st;
}

/* ---- public entry points ----------------------------------------------------------------- */

static zkb_status ctx_fail(zkb_ctx *ctx, zkb_status st, const char *msg)
{
    if (ctx)
        return zkbi_ctx_fail(ctx, st, "%s", msg);
    return st;
}

zkb_status zkb_model_load_json(zkb_ctx *ctx, const char *json, size_t len, zkb_model **out)
{
    char err[ZKBI_ERR_LEN];
    err[0] = '\0';
    zkb_status st = zkbi_model_parse_json(json, len, "<json>", out, err, sizeof err);
    return st == ZKB_OK ? st : ctx_fail(ctx, st, err);
}

zkb_status zkb_model_load_file(zkb_ctx *ctx, const char *path, zkb_model **out)
{
    char err[ZKBI_ERR_LEN];
    err[0] = '\0';
    if (!out || !path)
        return ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_model_load_file: NULL argument");
    *out = NULL;
    size_t plen = strlen(path);
    if (plen > 5 && strcmp(path + plen - 5, ".onnx") == 0)
        return zkb_model_load_onnx(ctx, path, out);
    char *buf;
    size_t len;
    zkb_status st = zkbi_read_file(path, ZKBI_MODEL_FILE_MAX, &buf, &len, err, sizeof err);
    if (st != ZKB_OK)
        return ctx_fail(ctx, st, err);
    zkb_model *m = NULL;
    st = parse_terminated_json(buf, len, path, &m, err, sizeof err);
    free(buf);
    if (st != ZKB_OK)
        return ctx_fail(ctx, st, err);
    if (!(m->source_path = strdup(path))) {
        zkb_model_free(m);
        return ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    }
    m->desc.source_path = m->source_path;
    *out = m;
    return ZKB_OK;
}
