/* Writing a model as JSON in the format of docs/model-format.md. Weights are
 * printed "%.9g" (enough digits for any float32 to round-trip), eight per
 * line; the output depends only on the model, so equal models give equal
 * bytes. */
#include "train_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_grow(sbuf *b, size_t need)
{
    if (b->oom || b->len + need + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    sb_grow(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_printf(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sb_printf(b, "\\%c", c);
        else if (c < 0x20)
            sb_printf(b, "\\u%04x", c);
        else
            sb_printf(b, "%c", c);
    }
    sb_printf(b, "\"");
}

static int sb_floats(sbuf *b, const char *key, const float *v, uint64_t n)
{
    sb_printf(b, ",\n      \"%s\": [", key);
    for (uint64_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return -1;
        if (i)
            sb_printf(b, i % 8 ? ", " : ",\n        ");
        sb_printf(b, "%.9g", (double)v[i]);
    }
    sb_printf(b, "]");
    return 0;
}

zkb_status zkbi_model_to_json(const zkb_model *m, char **out, size_t *len, char *err,
                              size_t errlen)
{
    sbuf b = {NULL, 0, 0, 0};
    if (!m || !out) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    sb_printf(&b, "{\n  \"format\": \"%s\",\n  \"version\": %u,\n  \"name\": ", ZKBI_MODEL_FORMAT,
              ZKBI_MODEL_VERSION);
    sb_str(&b, m->name ? m->name : "model");
    sb_printf(&b,
              ",\n  \"input\": {\"shape\": [%" PRIu32 ", %" PRIu32 ", %" PRIu32 "]},\n"
              "  \"classes\": %" PRIu32 ",\n",
              m->in_c, m->in_h, m->in_w, m->classes);
    if (zkb_output_fn_name(m->output_fn))
        sb_printf(&b, "  \"output_fn\": \"%s\",\n", zkb_output_fn_name(m->output_fn));
    sb_printf(&b, "  \"layers\": [\n");
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkbi_layer *L = &m->layers[i];
        const zkb_layer_desc *d = &L->d;
        sb_printf(&b, "    {\"op\": \"%s\"", zkb_op_name(d->op));
        switch (d->op) {
        case ZKB_OP_DENSE:
            sb_printf(&b, ", \"units\": %" PRIu32, d->out_w);
            break;
        case ZKB_OP_CONV2D:
            sb_printf(&b,
                      ", \"filters\": %" PRIu32 ", \"kernel\": [%" PRIu32 ", %" PRIu32
                      "], \"stride\": [%" PRIu32 ", %" PRIu32 "]",
                      d->out_c, d->kernel_h, d->kernel_w, d->stride_h, d->stride_w);
            break;
        case ZKB_OP_AVGPOOL2D:
        case ZKB_OP_MAXPOOL2D:
            sb_printf(&b,
                      ", \"pool\": [%" PRIu32 ", %" PRIu32 "], \"stride\": [%" PRIu32
                      ", %" PRIu32 "]",
                      d->kernel_h, d->kernel_w, d->stride_h, d->stride_w);
            break;
        case ZKB_OP_PAD2D:
            sb_printf(&b, ", \"pads\": [%" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 "]",
                      d->pad_top, d->pad_left, d->pad_bottom, d->pad_right);
            break;
        default:
            break;
        }
        if (d->op == ZKB_OP_DENSE || d->op == ZKB_OP_CONV2D) {
            if (sb_floats(&b, "weights", L->w, d->n_weights) ||
                sb_floats(&b, "bias", L->b, d->n_bias)) {
                free(b.p);
                zkbi_errf(err, errlen, "layer %" PRIu32 " (%s): a parameter is not finite", i,
                          zkb_op_name(d->op));
                return ZKB_ERR_INVALID_ARG;
            }
        }
        sb_printf(&b, "}%s\n", i + 1 < m->n_layers ? "," : "");
    }
    sb_printf(&b, "  ]");
    if (m->metadata)
        sb_printf(&b, ",\n  \"metadata\": %s", m->metadata);
    sb_printf(&b, "\n}\n");
    if (b.oom) {
        free(b.p);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    *out = b.p;
    if (len)
        *len = b.len;
    return ZKB_OK;
}

zkb_status zkbi_model_save_file(const zkb_model *m, const char *path, char *err, size_t errlen)
{
    char *txt = NULL;
    size_t n = 0;
    if (!path) {
        zkbi_errf(err, errlen, "invalid argument (NULL path)");
        return ZKB_ERR_INVALID_ARG;
    }
    zkb_status st = zkbi_model_to_json(m, &txt, &n, err, errlen);
    if (st != ZKB_OK)
        return st;
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 8);
    if (!tmp) {
        free(txt);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    snprintf(tmp, pl + 8, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        zkbi_errf(err, errlen, "%s: cannot open: %s", tmp, strerror(errno));
        free(tmp);
        free(txt);
        return ZKB_ERR_IO;
    }
    int bad = fwrite(txt, 1, n, f) != n;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        zkbi_errf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        free(txt);
        return ZKB_ERR_IO;
    }
    free(tmp);
    free(txt);
    return ZKB_OK;
}
