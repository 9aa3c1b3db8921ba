/* Internal to lib/eval/fast/: the fast evaluator's layout and its kernels,
 * compiled once per instruction set (fast_kernels.c, included by
 * fast_avx2.c and fast_avx512.c). */
#ifndef ZKBI_FAST_INT_H
#define ZKBI_FAST_INT_H

#include "eval/eval_int.h"

typedef struct zkbi_fast_layer {
    zkb_layer_desc s; /* shapes (weights/bias NULL) */
    void *w;          /* lane type (int64 when wide); dense: [in_w][units], conv2d: [ic*kh*kw][filters] */
    void *b;          /* lane type; [units] or [filters] */
    int wide;         /* int32 path: int64 accumulators and weights (int64_t *w, *b) */
    int pairs_ok;     /* the layer's input bound fits int16 */
    int32_t *wp;      /* dense, int32 path, AVX-512 VNNI, int16 operands: weight pairs
                         (w[o][2j+1] << 16) | (w[o][2j] & 0xffff), [n_in/2 rounded up][units] */
} zkbi_fast_layer;

struct zkbi_fast {
    const zkbi_qmodel *qm;
    int path, isa;
    uint32_t bits;
    uint32_t n_wide;  /* wide layers of the int32 path */
    uint32_t n_pairs; /* dense layers on the VNNI int16-pair kernel */
    uint32_t n_layers;
    zkbi_fast_layer *L;
    uint64_t n_in, n_out, max_act, max_dense_in;
    int64_t scale;
    uint32_t rnd;
    size_t block; /* images per block for the chosen isa */
    uint32_t first_dense; /* a dense layer reading the input itself (after flatten
                           * only), whose all-zero features are skipped; else n_layers */
};

/* One block through the kernels of one ISA (fast_kernels.c). */
#define ZKBI_FAST_KERNEL_DECL(sfx)                                                               \
    void zkbi_fast_block_##sfx(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,   \
                             int64_t *out, void *scratch);                                     \
    size_t zkbi_fast_images_##sfx(int path);
ZKBI_FAST_KERNEL_DECL(generic)
#if defined(__x86_64__) && defined(__GNUC__)
#define ZKBI_FAST_X86 1
ZKBI_FAST_KERNEL_DECL(avx2)
ZKBI_FAST_KERNEL_DECL(avx512)
#endif

#endif
