/* Model fingerprint: XXH3-128 (seed 0) of the canonical little-endian
 * encoding of the topology, weights and output function described in
 * docs/model-format.md ("Fingerprint"). Name and metadata are not part of it. */
#include "model_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#define FP_CHUNK 4096 /* bytes buffered before each XXH3 update */

typedef struct fp_buf {
    XXH3_state_t *st;
    unsigned char b[FP_CHUNK];
    size_t n;
} fp_buf;

static void fp_flush(fp_buf *f)
{
    if (f->n) {
        XXH3_128bits_update(f->st, f->b, f->n);
        f->n = 0;
    }
}

static void fp_u32(fp_buf *f, uint32_t v)
{
    if (f->n + 4 > FP_CHUNK)
        fp_flush(f);
    for (int i = 0; i < 4; i++)
        f->b[f->n++] = (unsigned char)(v >> (8 * i));
}

static void fp_u64(fp_buf *f, uint64_t v)
{
    if (f->n + 8 > FP_CHUNK)
        fp_flush(f);
    for (int i = 0; i < 8; i++)
        f->b[f->n++] = (unsigned char)(v >> (8 * i));
}

static void fp_floats(fp_buf *f, const float *x, uint64_t n)
{
    fp_u64(f, n);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        fp_u32(f, bits);
    }
}

zkb_status zkbi_model_compute_fingerprint(const zkb_model *m, char out[33])
{
    fp_buf f;
    f.n = 0;
    f.st = XXH3_createState();
    if (!f.st)
        return ZKB_ERR_NOMEM;
    XXH3_128bits_reset(f.st);

    static const char magic[16] = "zkmlbench-model"; /* 15 chars + NUL */
    memcpy(f.b, magic, sizeof magic);
    f.n = sizeof magic;
    fp_u32(&f, ZKBI_MODEL_VERSION);
    fp_u32(&f, m->in_c);
    fp_u32(&f, m->in_h);
    fp_u32(&f, m->in_w);
    fp_u32(&f, m->classes);
    fp_u32(&f, m->n_layers);
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const zkb_layer_desc *d = &m->layers[i].d;
        fp_u32(&f, d->op);
        fp_u32(&f, d->in_c);
        fp_u32(&f, d->in_h);
        fp_u32(&f, d->in_w);
        fp_u32(&f, d->out_c);
        fp_u32(&f, d->out_h);
        fp_u32(&f, d->out_w);
        fp_u32(&f, d->kernel_h);
        fp_u32(&f, d->kernel_w);
        fp_u32(&f, d->stride_h);
        fp_u32(&f, d->stride_w);
        if (d->op == ZKB_OP_PAD2D) { /* only there: older encodings stay as they were */
            fp_u32(&f, d->pad_top);
            fp_u32(&f, d->pad_left);
            fp_u32(&f, d->pad_bottom);
            fp_u32(&f, d->pad_right);
        }
        fp_floats(&f, m->layers[i].w, d->n_weights);
        fp_floats(&f, m->layers[i].b, d->n_bias);
    }
    if (m->output_fn != ZKB_OUTPUT_LOGITS) /* absent when 0, as before it existed */
        fp_u32(&f, m->output_fn);
    fp_flush(&f);
    XXH128_hash_t h = XXH3_128bits_digest(f.st);
    XXH3_freeState(f.st);
    snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
    return ZKB_OK;
}
