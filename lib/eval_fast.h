/* Internal: the fast batched fixed-point evaluator (eval_fast*.c).
 *
 * Gives exactly the integers of zkbi_qmodel_eval (eval_fixed.c) for inputs
 * whose magnitude is at most the bound given at creation, when the analytic
 * range bound (same as range.c's) proves that no accumulator, partial sum or
 * output can leave the lane type: int32 activations when the input's and every
 * layer's output bound fit int32, each layer then accumulating in int32 when
 * its accumulator bound and its weights fit int32, else in int64 ("wide");
 * int64 lanes throughout when only the int64 bound holds; else no fast path
 * (use the reference evaluator). Within the bound no partial sum can
 * overflow, so the order of the additions does not matter and the results are
 * bit-identical to the reference whatever the thread count or the ISA.
 *
 * Images are processed in blocks of zkbi_fe_block_images() images, stored
 * feature-major ([feature][image]) so that every multiply-accumulate is one
 * scalar weight times a vector of images; dense layers skip the input
 * features that are zero in every image of the block. Kernels are compiled for
 * x86-64 baseline, AVX2 and AVX-512 (target pragmas, no -march) and chosen at
 * run time with __builtin_cpu_supports. See docs/performance.md. */
#ifndef ZKBI_EVAL_FAST_H
#define ZKBI_EVAL_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum { ZKBI_FE_NONE = 0, ZKBI_FE_I64 = 1, ZKBI_FE_I32 = 2 };
enum { ZKBI_FE_ISA_AUTO = 0, ZKBI_FE_ISA_GENERIC = 1, ZKBI_FE_ISA_AVX2 = 2, ZKBI_FE_ISA_AVX512 = 3 };

typedef struct zkbi_fe zkbi_fe;

/* An evaluator of qm (which must outlive it) for inputs with |x_q| <=
 * in_bound. max_path caps the lane type (ZKBI_FE_I32: no cap; tests force
 * ZKBI_FE_I64); isa asks for a kernel family (AUTO: the best the CPU has; a
 * family the CPU lacks falls back to the best one below it). On ZKB_OK
 * check zkbi_fe_path: ZKBI_FE_NONE means no fast path is proven safe (do not
 * evaluate). ZKB_ERR_NOMEM otherwise. */
zkb_status zkbi_fe_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_path, int isa,
                       zkbi_fe **out);
void zkbi_fe_free(zkbi_fe *f);
int zkbi_fe_path(const zkbi_fe *f);
int zkbi_fe_isa(const zkbi_fe *f);
/* Layers of the int32 path with int64 accumulators (their bound exceeds int32). */
uint32_t zkbi_fe_wide_layers(const zkbi_fe *f);
/* Dense layers run by the AVX-512 VNNI kernel on int16 pairs (int32 path,
 * AVX-512 family, input bound and weights within int16). */
uint32_t zkbi_fe_pair_layers(const zkbi_fe *f);
const char *zkbi_fe_isa_name(int isa); /* "generic", "avx2", "avx512" */
/* Widest analytic bound of the model, in bits with the sign (range.c). */
uint32_t zkbi_fe_bound_bits(const zkbi_fe *f);
/* Images per block, and bytes of scratch one block needs. */
size_t zkbi_fe_block_images(const zkbi_fe *f);
size_t zkbi_fe_scratch_bytes(const zkbi_fe *f);

/* n <= zkbi_fe_block_images(f) images: either xf (floats, quantized as
 * zkb_quantize_input does; each must quantize within the bound) or xq
 * (quantized, within the bound), n * n_in values, row-major; out gets n *
 * n_out logits. scratch: zkbi_fe_scratch_bytes(f) bytes aligned to 256
 * (zkbi_fe_scratch_alloc). */
void zkbi_fe_eval_block(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, void *scratch);
void *zkbi_fe_scratch_alloc(const zkbi_fe *f); /* free() it */

/* Any n, on `threads` threads (0: every online core); the result does not
 * depend on it. ZKB_ERR_NOMEM when scratch cannot be allocated. */
zkb_status zkbi_fe_eval(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, uint32_t threads);

/* ---- for eval_fast*.c only ------------------------------------------------------ */

typedef struct zkbi_fe_layer {
    zkb_layer_desc s; /* shapes (weights/bias NULL) */
    void *w;          /* lane type (int64 when wide); dense: [in_w][units], conv2d: [ic*kh*kw][filters] */
    void *b;          /* lane type; [units] or [filters] */
    int wide;         /* int32 path: int64 accumulators and weights (int64_t *w, *b) */
    int pairs_ok;     /* the layer's input bound fits int16 */
    int32_t *wp;      /* dense, int32 path, AVX-512 VNNI, int16 operands: weight pairs
                         (w[o][2j+1] << 16) | (w[o][2j] & 0xffff), [n_in/2 rounded up][units] */
} zkbi_fe_layer;

struct zkbi_fe {
    const zkbi_qmodel *qm;
    int path, isa;
    uint32_t bits;
    uint32_t n_wide;  /* wide layers of the int32 path */
    uint32_t n_pairs; /* dense layers on the VNNI int16-pair kernel */
    uint32_t n_layers;
    zkbi_fe_layer *L;
    uint64_t n_in, n_out, max_act, max_dense_in;
    int64_t scale;
    uint32_t rnd;
    size_t block; /* images per block for the chosen isa */
    uint32_t first_dense; /* a dense layer reading the input itself (after flatten
                           * only), whose all-zero features are skipped; else n_layers */
};

/* One block through the kernels of one ISA (eval_fast_kern.c). */
#define ZKBI_FE_KERNEL_DECL(sfx)                                                               \
    void zkbi_fe_block_##sfx(const zkbi_fe *f, const float *xf, const int64_t *xq, size_t n,   \
                             int64_t *out, void *scratch);                                     \
    size_t zkbi_fe_images_##sfx(int path);
ZKBI_FE_KERNEL_DECL(generic)
#if defined(__x86_64__) && defined(__GNUC__)
#define ZKBI_FE_X86 1
ZKBI_FE_KERNEL_DECL(avx2)
ZKBI_FE_KERNEL_DECL(avx512)
#endif

#endif
