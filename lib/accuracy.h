/* Internal: helpers shared by the accuracy (accuracy.c) and range analysis
 * (range.c) code, and an in-memory dataset constructor for tests and hosts
 * that already hold their samples. */
#ifndef ZKBI_ACCURACY_H
#define ZKBI_ACCURACY_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkb_eval.h"

/* A dataset handle over copies of count samples of c*h*w floats and count
 * labels in 0..classes-1 (checked). name is at most 15 bytes, split "test"
 * or "train" (NULL: "test"). Free with zkb_dataset_free. */
zkb_status zkbi_dataset_from_arrays(const char *name, const char *split, const float *x,
                                    const int32_t *y, size_t count, uint32_t c, uint32_t h,
                                    uint32_t w, uint32_t classes, zkb_dataset **out, char *err,
                                    size_t errlen);

/* Thread count for `requested` (0: online cores), at most `work` and 64,
 * at least 1. */
uint32_t zkbi_eval_threads(uint32_t requested, size_t work);

/* Run fn(arg, block) for block = 0..n_blocks-1 on `threads` threads (blocks
 * are handed out in order through an atomic counter; fn must only write
 * state owned by its block or by its thread, tid = 0..threads-1). Falls back
 * to the calling thread when threads are unavailable. Returns 0, or -1 when
 * no thread could be started and the calling thread did all the work (not an
 * error). */
typedef void (*zkbi_block_fn)(void *arg, size_t block, uint32_t tid);
int zkbi_parallel_blocks(size_t n_blocks, uint32_t threads, zkbi_block_fn fn, void *arg);

/* x_q[i] = round_half_away(x[i] * S), exactly as zkb_quantize_input (the
 * product of a float and S <= 10^9 or 2^30 is exact in double). */
zkb_status zkbi_quantize_input_fast(const zkb_quant *q, int64_t S, const float *x, size_t n,
                                    int64_t *x_q);

/* Index of the largest value (the first on a tie). */
uint32_t zkbi_argmax_f(const float *v, size_t n);
uint32_t zkbi_argmax_i(const int64_t *v, size_t n);

/* The fixed-point reference evaluation of one sample (same arithmetic and
 * overflow checks as zkbi_qmodel_eval), recording per layer the largest
 * |accumulator| and |output| into acc_max[i], out_max[i] (raised, never
 * lowered). buf holds 2 * qm->max_act values. Returns 0, or the index + 1
 * of the layer where int64 overflowed (the maxima of earlier layers are
 * recorded). out receives qm->n_out logits on success (may be NULL). */
uint32_t zkbi_range_eval(const zkbi_qmodel *qm, const int64_t *x_q, int64_t *buf, int64_t *out,
                         uint64_t *acc_max, uint64_t *out_max);

/* The widest analytic bound (range.c) of qm for inputs with |x_q| <=
 * in_bound, in bits as zkb_range_bits counts them (sign included; up to
 * 128), over the input and every layer's accumulator and output; 0 when out
 * of memory. */
uint32_t zkbi_range_bound_bits(const zkbi_qmodel *qm, uint64_t in_bound);

/* A fast evaluator of qm for inputs with |x_q| <= in_bound, giving the same
 * integers as zkbi_qmodel_eval, chosen from that bound: mode 2 (double
 * arithmetic, bound < 2^53), mode 1 (unchecked int64, bound <= INT64_MAX) or
 * mode 0 (none: some input may overflow; do not call zkbi_fastq_eval).
 * max_mode caps the mode (tests). qm must outlive it. */
typedef struct zkbi_fastq zkbi_fastq;
zkb_status zkbi_fastq_new(const zkbi_qmodel *qm, uint64_t in_bound, int max_mode,
                          zkbi_fastq **out);
void zkbi_fastq_free(zkbi_fastq *f);
int zkbi_fastq_mode(const zkbi_fastq *f);
/* int64 values of scratch that zkbi_fastq_eval needs. */
size_t zkbi_fastq_scratch(const zkbi_fastq *f);
/* x_q: qm->n_in values within the bound; out: qm->n_out logits. */
void zkbi_fastq_eval(const zkbi_fastq *f, const int64_t *x_q, int64_t *scratch, int64_t *out);

#endif
