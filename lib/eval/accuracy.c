/* Accuracy loss of fixed-point inference: the float and the fixed-point
 * reference evaluators over a dataset, on all cores, with results that do
 * not depend on the thread count (each sample's classes are stored, then
 * counted in sample order). See docs/accuracy.md. */
#include "eval_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 64         /* samples per work item */
#define THREADS_MAX 64u
#define CLS_OVERFLOW (-1) /* fixed class of a sample that overflowed */

/* ---- argmax ------------------------------------------------------------------------ */

uint32_t zkbi_argmax_f(const float *v, size_t n)
{
    uint32_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = (uint32_t)i;
    return best;
}

uint32_t zkbi_argmax_i(const int64_t *v, size_t n)
{
    uint32_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = (uint32_t)i;
    return best;
}

/* ---- the evaluation ------------------------------------------------------------------- */

typedef struct acc_scratch {
    float *fout;   /* classes */
    int64_t *x_q;  /* features */
    int64_t *qout; /* classes */
    void *buf;     /* zkbi_fast_scratch_bytes, aligned */
    int64_t *bout; /* BLOCK * classes logits of the fast evaluator */
    zkb_status st;
    char err[ZKBI_ERR_LEN];
} acc_scratch;

typedef struct acc_job {
    const zkb_model *m;
    zkbi_qmodel **qm; /* n_q; NULL when the model cannot be quantized */
    zkbi_fast **fast;    /* n_q; set when no sample can overflow (eval_int.h) */
    size_t n_q;
    const float *x;
    size_t features;
    uint32_t classes;
    size_t n;
    int32_t *float_cls; /* n */
    int32_t *fixed_cls; /* n_q * n */
    acc_scratch *scr;   /* one per thread */
    atomic_int failed;
} acc_job;

static void acc_block(void *arg, size_t block, uint32_t tid)
{
    acc_job *J = arg;
    acc_scratch *S = &J->scr[tid];
    if (atomic_load(&J->failed))
        return;
    size_t lo = block * BLOCK, hi = lo + BLOCK < J->n ? lo + BLOCK : J->n;
    zkb_status st;
    for (size_t i = lo; i < hi; i++) {
        st = zkbi_model_eval_float(J->m, J->x + i * J->features, J->features, S->fout, J->classes,
                                   S->err, sizeof S->err);
        if (st != ZKB_OK)
            goto fail;
        J->float_cls[i] = (int32_t)zkbi_argmax_f(S->fout, J->classes);
    }
    /* quantization-major: one quantized model's weights stay in cache over the block */
    for (size_t k = 0; k < J->n_q; k++) {
        const zkbi_qmodel *qm = J->qm[k];
        int32_t *cls = J->fixed_cls + k * J->n;
        for (size_t i = lo; i < hi; i++) {
            if (!qm) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (J->fast[k]) { /* the whole block at once; same integers */
                const zkbi_fast *f = J->fast[k];
                size_t B = zkbi_fast_block_images(f);
                for (size_t j = i; j < hi; j += B) {
                    size_t cnt = hi - j < B ? hi - j : B;
                    zkbi_fast_eval_block(f, J->x + j * J->features, NULL, cnt, S->bout, S->buf);
                    for (size_t t = 0; t < cnt; t++)
                        cls[j + t] = (int32_t)zkbi_argmax_i(S->bout + t * J->classes, J->classes);
                }
                break;
            }
            const float *x = J->x + i * J->features;
            st = zkbi_quantize_input_fast(&qm->quant, qm->scale, x, J->features, S->x_q);
            if (st == ZKB_ERR_OVERFLOW) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (st != ZKB_OK) {
                zkbi_errf(S->err, sizeof S->err, "sample %zu: an input value is not finite", i);
                goto fail;
            }
            st = zkbi_qmodel_eval(qm, S->x_q, J->features, S->qout, J->classes, S->err,
                                  sizeof S->err);
            if (st == ZKB_ERR_OVERFLOW) {
                cls[i] = CLS_OVERFLOW;
                continue;
            }
            if (st != ZKB_OK)
                goto fail;
            cls[i] = (int32_t)zkbi_argmax_i(S->qout, J->classes);
        }
    }
    return;
fail:
    if (S->st == ZKB_OK)
        S->st = st;
    atomic_store(&J->failed, 1);
}

static zkb_status fail(zkb_model *m, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static zkb_status fail(zkb_model *m, zkb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, sizeof m->err, fmt, ap);
    va_end(ap);
    return st;
}

static double pct(uint64_t a, uint64_t n)
{
    return n ? 100.0 * (double)a / (double)n : 0.0;
}

/* Checks shared with range.c are repeated there; these are the accuracy ones. */
static zkb_status check_pair(zkb_model *m, const zkb_dataset *ds)
{
    uint64_t n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    if (ds->features != n_in)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "dataset %s has %zu features per sample ([%" PRIu32 ", %" PRIu32 ", %" PRIu32
                    "]) but model '%s' takes %" PRIu64 " ([%" PRIu32 ", %" PRIu32 ", %" PRIu32 "])",
                    ds->name, ds->features, ds->c, ds->h, ds->w, m->name ? m->name : "", n_in,
                    m->in_c, m->in_h, m->in_w);
    if (ds->classes != m->classes)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "dataset %s has %" PRIu32 " classes but model '%s' has %" PRIu32, ds->name,
                    ds->classes, m->name ? m->name : "", m->classes);
    return ZKB_OK;
}

#define QUANT_V1_SIZE ((uint32_t)sizeof(zkb_quant))

zkb_status zkb_eval_accuracy_multi(zkb_model *m, const zkb_quant *q, size_t n_q, zkb_dataset *ds,
                                   size_t max_samples, uint32_t threads, zkb_accuracy *out)
{
    if (!m)
        return ZKB_ERR_INVALID_ARG;
    m->err[0] = '\0';
    if (!q || !ds || !out || n_q == 0)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "zkb_eval_accuracy: model, quantizations, dataset and out are required");
    uint32_t q_stride = q->struct_size, out_stride = out->struct_size;
    if (q_stride < QUANT_V1_SIZE || q_stride % 4)
        return fail(m, ZKB_ERR_INVALID_ARG, "zkb_quant.struct_size %" PRIu32 " is not valid",
                    q_stride);
    if (out_stride < sizeof(zkb_accuracy) || out_stride % 8)
        return fail(m, ZKB_ERR_INVALID_ARG,
                    "zkb_accuracy.struct_size %" PRIu32 " is not valid (want %zu)", out_stride,
                    sizeof(zkb_accuracy));
    if (n_q > SIZE_MAX / out_stride || n_q > SIZE_MAX / q_stride || n_q > 4096)
        return fail(m, ZKB_ERR_INVALID_ARG, "too many quantizations (%zu; at most 4096)", n_q);
    zkb_quant *qs = malloc(n_q * sizeof *qs);
    if (!qs)
        return fail(m, ZKB_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n_q; k++) {
        memcpy(&qs[k], (const char *)q + k * q_stride, sizeof qs[k]);
        char e[256];
        zkb_status st = zkbi_quant_check(&qs[k], e, sizeof e);
        if (st != ZKB_OK) {
            free(qs);
            return n_q > 1 ? fail(m, st, "quantization %zu: %s", k, e) : fail(m, st, "%s", e);
        }
    }
    zkb_status st = check_pair(m, ds);
    if (st != ZKB_OK) {
        free(qs);
        return st;
    }

    size_t n = ds->count;
    if (max_samples && max_samples < n)
        n = max_samples;
    acc_job J;
    memset(&J, 0, sizeof J);
    J.m = m;
    J.n_q = n_q;
    J.x = ds->x;
    J.features = ds->features;
    J.classes = m->classes;
    J.n = n;
    atomic_init(&J.failed, 0);
    size_t n_blocks = (n + BLOCK - 1) / BLOCK;
    uint32_t nt = zkbi_thread_count(threads, n_blocks);
    int32_t *st_k = calloc(n_q, sizeof *st_k);
    J.qm = calloc(n_q, sizeof *J.qm);
    J.fast = calloc(n_q, sizeof *J.fast);
    J.float_cls = malloc((n ? n : 1) * sizeof *J.float_cls);
    if (!n || n_q <= SIZE_MAX / sizeof(int32_t) / n)
        J.fixed_cls = malloc((n ? n : 1) * n_q * sizeof(int32_t));
    J.scr = calloc(nt, sizeof *J.scr);
    if (!st_k || !J.qm || !J.fast || !J.float_cls || !J.fixed_cls || !J.scr) {
        st = fail(m, ZKB_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t t = 0; t < nt; t++) {
        J.scr[t].fout = malloc(J.classes * sizeof(float));
        J.scr[t].x_q = malloc((J.features ? J.features : 1) * sizeof(int64_t));
        J.scr[t].qout = malloc(J.classes * sizeof(int64_t));
        if (!J.scr[t].fout || !J.scr[t].x_q || !J.scr[t].qout) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    for (size_t k = 0; k < n_q; k++) {
        char e[ZKBI_ERR_LEN];
        zkb_status qst = zkbi_qmodel_new(m, &qs[k], &J.qm[k], e, sizeof e);
        if (qst == ZKB_ERR_OVERFLOW) {
            st_k[k] = ZKB_ERR_OVERFLOW;
            fail(m, ZKB_OK, "%s", e); /* kept for the caller; the call still succeeds */
        } else if (qst != ZKB_OK) {
            st = fail(m, qst, "%s", e);
            goto done;
        }
    }

    /* The largest |x| of the samples evaluated; round() is monotone, so its
     * quantization bounds every |x_q| (ZKB_ERR_OVERFLOW: no fast path). */
    double x_max = 0;
    for (size_t i = 0; i < n * J.features; i++) {
        double v = fabs((double)J.x[i]);
        if (v > x_max || v != v)
            x_max = v;
    }
    size_t scratch = 0;
    for (size_t k = 0; k < n_q; k++) {
        int64_t b;
        if (!J.qm[k] || qs[k].scheme == ZKB_QUANT_EZKL || /* its own evaluator, eval_ezkl.c */
            !isfinite(x_max) || zkbi_quant_value(&qs[k], x_max, 1, &b) != ZKB_OK)
            continue;
        if (zkbi_fast_new(J.qm[k], (uint64_t)b, ZKBI_FAST_I32, ZKBI_FAST_ISA_AUTO, &J.fast[k]) != ZKB_OK) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (zkbi_fast_path(J.fast[k]) == ZKBI_FAST_NONE) {
            zkbi_fast_free(J.fast[k]);
            J.fast[k] = NULL;
            continue;
        }
        if (zkbi_fast_scratch_bytes(J.fast[k]) > scratch)
            scratch = zkbi_fast_scratch_bytes(J.fast[k]);
    }
    for (uint32_t t = 0; t < nt && scratch; t++)
        if (!(J.scr[t].buf = aligned_alloc(256, scratch)) ||
            !(J.scr[t].bout = malloc((size_t)BLOCK * J.classes * sizeof(int64_t)))) {
            st = fail(m, ZKB_ERR_NOMEM, "out of memory");
            goto done;
        }

    zkbi_parallel_for(n_blocks, nt, acc_block, &J);
    if (atomic_load(&J.failed)) {
        for (uint32_t t = 0; t < nt; t++)
            if (J.scr[t].st != ZKB_OK) {
                st = fail(m, J.scr[t].st, "%s", J.scr[t].err);
                goto done;
            }
        st = fail(m, ZKB_ERR_INTERNAL, "evaluation failed");
        goto done;
    }

    uint64_t float_correct = 0;
    for (size_t i = 0; i < n; i++)
        float_correct += J.float_cls[i] == ds->y[i];
    for (size_t k = 0; k < n_q; k++) {
        zkb_accuracy a;
        memset(&a, 0, sizeof a);
        a.struct_size = out_stride;
        a.status = st_k[k];
        a.samples = n;
        a.float_correct = float_correct;
        const int32_t *cls = J.fixed_cls + k * n;
        for (size_t i = 0; i < n; i++) {
            if (cls[i] == CLS_OVERFLOW) {
                a.overflowed++;
                a.differ++;
                continue;
            }
            a.fixed_correct += cls[i] == ds->y[i];
            a.differ += cls[i] != J.float_cls[i];
        }
        a.float_acc = pct(a.float_correct, n);
        a.fixed_acc = pct(a.fixed_correct, n);
        a.loss_points = a.float_acc - a.fixed_acc;
        a.differ_pct = pct(a.differ, n);
        memcpy((char *)out + k * out_stride, &a, sizeof a);
    }
    st = ZKB_OK;
done:
    if (J.fast) /* before the quantized models they point to */
        for (size_t k = 0; k < n_q; k++)
            zkbi_fast_free(J.fast[k]);
    if (J.qm)
        for (size_t k = 0; k < n_q; k++)
            zkbi_qmodel_free(J.qm[k]);
    if (J.scr)
        for (uint32_t t = 0; t < nt; t++) {
            free(J.scr[t].fout);
            free(J.scr[t].x_q);
            free(J.scr[t].qout);
            free(J.scr[t].buf);
            free(J.scr[t].bout);
        }
    free(J.scr);
    free(J.qm);
    free(J.fast);
    free(J.float_cls);
    free(J.fixed_cls);
    free(st_k);
    free(qs);
    return st;
}

zkb_status zkb_eval_accuracy(zkb_model *m, const zkb_quant *q, zkb_dataset *ds,
                             size_t max_samples, uint32_t threads, zkb_accuracy *out)
{
    return zkb_eval_accuracy_multi(m, q, 1, ds, max_samples, threads, out);
}

/* ---- which dataset a model is for ------------------------------------------------------- */

static const char *known_dataset(const char *s)
{
    static const char *const names[] = {"mnist", "mnist14", "heart", "heart_std"};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return NULL;
}

const char *zkb_eval_default_dataset(const zkb_model *m)
{
    if (!m)
        return NULL;
    const char *found = NULL;
    if (m->metadata) {
        cJSON *meta = cJSON_Parse(m->metadata);
        if (meta) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(meta, "dataset");
            if (cJSON_IsString(d))
                found = known_dataset(d->valuestring);
            if (!found) {
                const cJSON *ts = cJSON_GetObjectItemCaseSensitive(meta, "train_set");
                const cJSON *nm = cJSON_GetObjectItemCaseSensitive(ts, "name");
                if (cJSON_IsString(nm))
                    found = known_dataset(nm->valuestring);
            }
            cJSON_Delete(meta);
        }
    }
    if (found)
        return found;
    /* one-channel images in the orders exporters leave them: [1][H][W], an
     * NHWC input kept as [H][W][1], or flat pixels [1][1][H*W]; each lists
     * the pixels row by row, as the dataset does */
    uint64_t n = (uint64_t)m->in_c * m->in_h * m->in_w;
    int one_channel = (m->in_c == 1 && m->in_h == m->in_w) ||
                      (m->in_w == 1 && m->in_c == m->in_h) || (m->in_c == 1 && m->in_h == 1);
    if (one_channel && n == 28 * 28)
        return "mnist";
    if (one_channel && n == 14 * 14)
        return "mnist14";
    if (n == 18)
        return "heart";
    return NULL;
}
