/* Shared helpers of the libFuzzer targets (docs/fuzzing.md).
 *
 * Every target calls one parser on the raw input and then checks cheap
 * invariants; a broken invariant aborts, which libFuzzer reports as a crash
 * (with the input saved as an artifact), like a sanitizer error:
 *   - on failure the error text is non-empty and NUL-terminated inside the
 *     buffer (which is filled with a non-NUL pattern before the call), and a
 *     second call with a tiny error buffer gives the same status and a
 *     properly truncated message;
 *   - on success the result is self-consistent; for models the fingerprint
 *     computed twice is the same, and equals the one stored at load time. */
#ifndef ZKB_FUZZ_COMMON_H
#define ZKB_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_int.h"

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

#define FUZZ_ERR_FILL 0x5A /* 'Z': anything but NUL */
#define FUZZ_SMALL_ERR 7u  /* size of the second, tiny error buffer */

static inline void fuzz_err_prepare(char *err, size_t n) { memset(err, FUZZ_ERR_FILL, n); }

/* After a failed call: non-empty, NUL-terminated within n bytes. */
static inline void fuzz_check_err(const char *err, size_t n)
{
    FUZZ_CHECK(n > 0);
    FUZZ_CHECK(memchr(err, '\0', n) != NULL);
    FUZZ_CHECK(err[0] != '\0');
}

/* After the same failed call with an FUZZ_SMALL_ERR-byte buffer (inside a
 * larger one): truncated, NUL-terminated, and no byte written past it. */
static inline void fuzz_check_small_err(const char *err, size_t n_total)
{
    fuzz_check_err(err, FUZZ_SMALL_ERR);
    for (size_t i = FUZZ_SMALL_ERR; i < n_total; i++)
        FUZZ_CHECK((unsigned char)err[i] == FUZZ_ERR_FILL);
}

/* Models small enough to evaluate on every successful input. */
#define FUZZ_EVAL_MAX_MACS (UINT64_C(1) << 16)
#define FUZZ_EVAL_MAX_ACT (UINT64_C(1) << 16)

/* Float and fixed-point forward passes of a small model, each twice: the
 * results must be bit-identical (no uninitialized reads, no hidden state). */
static inline void fuzz_eval_model(zkb_model *m)
{
    if (zkbi_model_macs(m) > FUZZ_EVAL_MAX_MACS || zkbi_model_max_activation(m) > FUZZ_EVAL_MAX_ACT)
        return;
    size_t n_in = (size_t)zkb_model_input_size(m), n_out = zkb_model_classes(m);
    float *x = malloc(n_in * sizeof *x);
    float *y1 = malloc(n_out * sizeof *y1), *y2 = malloc(n_out * sizeof *y2);
    int64_t *xq = malloc(n_in * sizeof *xq);
    int64_t *q1 = malloc(n_out * sizeof *q1), *q2 = malloc(n_out * sizeof *q2);
    FUZZ_CHECK(x && y1 && y2 && xq && q1 && q2);
    for (size_t i = 0; i < n_in; i++)
        x[i] = (float)((int)(i % 7) - 3) * 0.25f;

    FUZZ_CHECK(zkb_model_eval_float(m, x, n_in, y1, n_out) == ZKB_OK);
    FUZZ_CHECK(zkb_model_eval_float(m, x, n_in, y2, n_out) == ZKB_OK);
    FUZZ_CHECK(memcmp(y1, y2, n_out * sizeof *y1) == 0);

    zkb_quant q;
    zkb_quant_default(&q);
    FUZZ_CHECK(zkb_quantize_input(&q, x, n_in, xq) == ZKB_OK);
    zkb_status s1 = zkb_model_eval_fixed(m, &q, xq, n_in, q1, n_out);
    zkb_status s2 = zkb_model_eval_fixed(m, &q, xq, n_in, q2, n_out);
    /* Weights beyond int64 at scale S, or an int64 overflow, are refusals. */
    FUZZ_CHECK(s1 == ZKB_OK || s1 == ZKB_ERR_OVERFLOW);
    FUZZ_CHECK(s1 == s2);
    if (s1 == ZKB_OK)
        FUZZ_CHECK(memcmp(q1, q2, n_out * sizeof *q1) == 0);
    free(x);
    free(y1);
    free(y2);
    free(xq);
    free(q1);
    free(q2);
}

/* A loaded model: stable fingerprint, consistent layer chain and totals. */
static inline void fuzz_check_model(zkb_model *m)
{
    FUZZ_CHECK(m != NULL);
    char a[33], b[33];
    memset(a, 1, sizeof a);
    memset(b, 2, sizeof b);
    FUZZ_CHECK(zkbi_model_compute_fingerprint(m, a) == ZKB_OK);
    FUZZ_CHECK(zkbi_model_compute_fingerprint(m, b) == ZKB_OK);
    FUZZ_CHECK(a[32] == '\0' && strlen(a) == 32);
    FUZZ_CHECK(strspn(a, "0123456789abcdef") == 32);
    FUZZ_CHECK(memcmp(a, b, sizeof a) == 0);
    const char *stored = zkb_model_fingerprint(m);
    FUZZ_CHECK(stored != NULL && strcmp(stored, a) == 0);

    const zkb_model_desc *d = zkbi_model_desc(m);
    FUZZ_CHECK(d != NULL && d->layers != NULL);
    FUZZ_CHECK(d->n_layers >= 1 && d->n_layers <= ZKBI_LAYERS_MAX);
    FUZZ_CHECK(d->n_layers == zkb_model_layer_count(m));
    FUZZ_CHECK(d->name != NULL && strlen(d->name) >= 1 && strlen(d->name) <= ZKBI_NAME_MAX);
    const char *meta = zkbi_model_metadata(m);
    if (meta)
        FUZZ_CHECK(meta[0] == '{');
    uint32_t c = d->in_c, h = d->in_h, w = d->in_w;
    FUZZ_CHECK(c >= 1 && h >= 1 && w >= 1);
    uint64_t params = 0;
    for (uint32_t i = 0; i < d->n_layers; i++) {
        const zkb_layer_desc *L = d->layers[i];
        FUZZ_CHECK(L != NULL);
        FUZZ_CHECK(zkb_model_layer_op(m, i) != NULL);
        FUZZ_CHECK(L->in_c == c && L->in_h == h && L->in_w == w);
        FUZZ_CHECK(L->out_c >= 1 && L->out_h >= 1 && L->out_w >= 1);
        FUZZ_CHECK(!L->n_weights || L->weights);
        FUZZ_CHECK(!L->n_bias || L->bias);
        params += L->n_weights + L->n_bias;
        c = L->out_c;
        h = L->out_h;
        w = L->out_w;
    }
    FUZZ_CHECK(zkb_model_layer_op(m, d->n_layers) == NULL);
    FUZZ_CHECK((uint64_t)c * h * w == d->classes);
    FUZZ_CHECK(params == d->n_params && params <= ZKBI_PARAMS_MAX);
    FUZZ_CHECK(zkbi_model_macs(m) <= ZKBI_MACS_MAX);
    FUZZ_CHECK(zkbi_model_max_activation(m) <= ZKBI_ACT_MAX);
    fuzz_eval_model(m);
}

#endif
