/* Internal to the library: the evaluation layer (lib/eval/): the float and
 * fixed-point reference evaluators (eval_float.c, eval_fixed.c; the ezkl
 * scheme in eval_ezkl.c), range analysis (range.c), accuracy over a dataset
 * (accuracy.c) and the fast batched evaluator (fast/). See docs/accuracy.md. */
#ifndef ZKBI_EVAL_INT_H
#define ZKBI_EVAL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"
#include "data/data_int.h"
#include "model/model_int.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkb_eval.h"

/* ---- the reference evaluators (eval_float.c, eval_fixed.c, eval_ezkl.c) ------- */

/* Fixed-point forward pass; thread-safe (no shared mutable state; one scratch
 * allocation per call); n_in = input size, n_out = classes. */
zkb_status zkbi_qmodel_eval(const zkbi_qmodel *qm, const int64_t *x_q, size_t n_in, int64_t *out,
                            size_t n_out, char *err, size_t errlen);
/* Float forward pass (double accumulation); thread-safe. Gives the logits
 * (the last layer's outputs): the model's output_fn is applied by
 * zkb_model_eval_float only, so argmax, accuracy and ranges see logits. */
zkb_status zkbi_model_eval_float(const zkb_model *m, const float *x, size_t n_in, float *out,
                                 size_t n_out, char *err, size_t errlen);

/* The ezkl scheme's forward pass (eval_ezkl.c); zkbi_qmodel_eval calls it. */
zkb_status zkbi_qmodel_eval_ezkl(const zkbi_qmodel *qm, const int64_t *x_q, int64_t *out,
                                 char *err, size_t errlen);

/* pad2d (pad2d.c): the [in_c][in_h][in_w] activation x, of elements of
 * `elem` bytes, into the middle of y [in_c][out_h][out_w] with a border of
 * zero bytes (d: an inferred pad2d layer); and back, y's interior into x
 * (the trainer's gradient). x and y do not overlap. */
void zkbi_pad2d_forward(const zkb_layer_desc *d, const void *x, void *y, size_t elem);
void zkbi_pad2d_crop(const zkb_layer_desc *d, const void *y, void *x, size_t elem);

/* zkb_output_fn fn on the n float logits v, in place (eval_float.c): each
 * output computed in double from the float32 logits (softmax and
 * log_softmax relative to their maximum) and rounded to float32 once. */
void zkbi_apply_output_fn(uint32_t fn, float *v, size_t n);

/* Index of the largest value (the first on a tie). */
uint32_t zkbi_argmax_f(const float *v, size_t n);
uint32_t zkbi_argmax_i(const int64_t *v, size_t n);

/* ---- range analysis (range.c) --------------------------------------------------- */

/* The fixed-point reference evaluation of one sample (same arithmetic and
 * overflow checks as zkbi_qmodel_eval), recording per layer the largest
 * |accumulator| and |output| into acc_max[i], out_max[i] (raised, never
 * lowered). buf holds 2 * qm->max_act values. Returns 0, or the index + 1
 * of the layer where int64 overflowed (the maxima of earlier layers are
 * recorded). out receives qm->n_out logits on success (may be NULL). */
uint32_t zkbi_range_eval(const zkbi_qmodel *qm, const int64_t *x_q, int64_t *buf, int64_t *out,
                         uint64_t *acc_max, uint64_t *out_max);

/* The widest analytic bound of qm for inputs with |x_q| <= in_bound, in
 * bits as zkb_range_bits counts them (sign included; up to 128), over the
 * input and every layer's accumulator and output; 0 when out of memory. */
uint32_t zkbi_range_bound_bits(const zkbi_qmodel *qm, uint64_t in_bound);

/* ---- the fast batched evaluator (fast/) ------------------------------------------ */

/* The fast batched fixed-point evaluator (lib/eval/fast/).
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
 * Images are processed in blocks of zkbi_fast_block_images() images, stored
 * feature-major ([feature][image]) so that every multiply-accumulate is one
 * scalar weight times a vector of images; dense layers skip the input
 * features that are zero in every image of the block. Kernels are compiled for
 * x86-64 baseline, AVX2 and AVX-512 (target pragmas, no -march) and chosen at
 * run time with __builtin_cpu_supports. See docs/performance.md. */
enum { ZKBI_FAST_NONE = 0, ZKBI_FAST_I64 = 1, ZKBI_FAST_I32 = 2 };
enum { ZKBI_FAST_ISA_AUTO = 0, ZKBI_FAST_ISA_GENERIC = 1, ZKBI_FAST_ISA_AVX2 = 2, ZKBI_FAST_ISA_AVX512 = 3 };

typedef struct zkbi_fast zkbi_fast;

/* An evaluator of qm (which must outlive it) for inputs with |x_q| <=
 * in_bound. max_path caps the lane type (ZKBI_FAST_I32: no cap; tests force
 * ZKBI_FAST_I64); isa asks for a kernel family (AUTO: the best the CPU has; a
 * family the CPU lacks falls back to the best one below it). On ZKB_OK
 * check zkbi_fast_path: ZKBI_FAST_NONE means no fast path is proven safe (do not
 * evaluate). ZKB_ERR_NOMEM otherwise. */
zkb_status zkbi_fast_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_path, int isa,
                       zkbi_fast **out);
void zkbi_fast_free(zkbi_fast *f);
int zkbi_fast_path(const zkbi_fast *f);
int zkbi_fast_isa(const zkbi_fast *f);
/* Layers of the int32 path with int64 accumulators (their bound exceeds int32). */
uint32_t zkbi_fast_wide_layers(const zkbi_fast *f);
/* Dense layers run by the AVX-512 VNNI kernel on int16 pairs (int32 path,
 * AVX-512 family, input bound and weights within int16). */
uint32_t zkbi_fast_pair_layers(const zkbi_fast *f);
const char *zkbi_fast_isa_name(int isa); /* "generic", "avx2", "avx512" */
/* Widest analytic bound of the model, in bits with the sign (range.c). */
uint32_t zkbi_fast_bound_bits(const zkbi_fast *f);
/* Images per block, and bytes of scratch one block needs. */
size_t zkbi_fast_block_images(const zkbi_fast *f);
size_t zkbi_fast_scratch_bytes(const zkbi_fast *f);

/* n <= zkbi_fast_block_images(f) images: either xf (floats, quantized as
 * zkb_quantize_input does; each must quantize within the bound) or xq
 * (quantized, within the bound), n * n_in values, row-major; out gets n *
 * n_out logits. scratch: zkbi_fast_scratch_bytes(f) bytes aligned to 256
 * (zkbi_fast_scratch_alloc). */
void zkbi_fast_eval_block(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, void *scratch);
void *zkbi_fast_scratch_alloc(const zkbi_fast *f); /* free() it */

/* Any n, on `threads` threads (0: every online core); the result does not
 * depend on it. ZKB_ERR_NOMEM when scratch cannot be allocated. */
zkb_status zkbi_fast_eval(const zkbi_fast *f, const float *xf, const int64_t *xq, size_t n,
                        int64_t *out, uint32_t threads);

#endif
