/* zkb_eval.h - accuracy loss of fixed-point inference and range analysis
 * (see docs/accuracy.md).
 *
 * Same conventions as zkmlbench.h: zkb_status returns, the detail of a
 * failure in the model handle (zkb_model_last_error), structs passed by
 * pointer with struct_size first (set it to sizeof the struct), opaque
 * handles with accessors, only scalars and pointers passed, so ctypes and
 * libffi can call everything. Compiles as C11 and C++17. */
#ifndef ZKB_EVAL_H
#define ZKB_EVAL_H

#include "zkb_data.h"
#include "zkmlbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- accuracy ------------------------------------------------------------- */

/* Result of evaluating a model on a dataset, in float and in fixed point.
 * The class of a sample is the index of its largest logit (the first one on
 * a tie). A sample whose fixed-point pass overflows int64 has no fixed class:
 * it counts as wrong and as differing from the float model. Percentages are
 * of `samples` (0 when there are none). */
typedef struct zkb_accuracy {
    uint32_t struct_size;   /* sizeof(zkb_accuracy), set by the caller */
    int32_t status;         /* ZKB_OK, or ZKB_ERR_OVERFLOW when the model itself
                               cannot be quantized at this scale (every sample
                               then counts as overflowed) */
    uint64_t samples;       /* samples evaluated */
    uint64_t float_correct; /* float class == label */
    uint64_t fixed_correct; /* fixed-point class == label */
    uint64_t differ;        /* fixed-point class != float class */
    uint64_t overflowed;    /* samples whose fixed-point pass left int64 */
    double float_acc;       /* 100 * float_correct / samples */
    double fixed_acc;       /* 100 * fixed_correct / samples */
    double loss_points;     /* float_acc - fixed_acc, in percentage points */
    double differ_pct;      /* 100 * differ / samples */
} zkb_accuracy;

/* Evaluate m on the first max_samples samples of ds (0: all of them) with
 * the float reference evaluator and the fixed-point reference evaluator
 * under q, on `threads` threads (0: every online core). Results do not
 * depend on the thread count. The dataset's features must equal the model's
 * input size and its classes the model's classes.
 * Returns ZKB_OK when the samples were evaluated (including when some or all
 * of them overflowed: see out->overflowed and out->status); otherwise
 * ZKB_ERR_INVALID_ARG (NULL, bad q, size mismatch), ZKB_ERR_NOMEM,
 * ZKB_ERR_INTERNAL, with the detail in zkb_model_last_error(m). */
ZKB_API zkb_status zkb_eval_accuracy(zkb_model *m, const zkb_quant *q, zkb_dataset *ds,
                                     size_t max_samples, uint32_t threads, zkb_accuracy *out);

/* The same for n_q quantizations at once (a sweep); the float pass runs
 * once. q and out are arrays of n_q elements; their element sizes are
 * q[0].struct_size and out[0].struct_size (so a caller built against an
 * older, shorter struct still works). An entry whose model cannot be
 * quantized gets status ZKB_ERR_OVERFLOW (the reason, of the last such
 * entry, is in zkb_model_last_error); the call still returns ZKB_OK. */
ZKB_API zkb_status zkb_eval_accuracy_multi(zkb_model *m, const zkb_quant *q, size_t n_q,
                                           zkb_dataset *ds, size_t max_samples, uint32_t threads,
                                           zkb_accuracy *out);

/* The dataset a model is meant for (static string), or NULL when it cannot
 * tell: the metadata's "dataset" string, else its "train_set"."name" (what
 * the trainer records), else by input shape: one-channel 28x28 images
 * ([1][28][28], [28][28][1] or 784 flat values) -> "mnist", the same at 14x14
 * -> "mnist14", 18 inputs -> "heart". Only names zkb_dataset_open knows are
 * returned. */
ZKB_API const char *zkb_eval_default_dataset(const zkb_model *m);

/* ---- range analysis --------------------------------------------------------- */

/* Magnitudes are absolute values of the int64 fixed-point integers. "bits"
 * is the width of a signed integer holding every value in [-max, max]:
 * ceil(log2(max + 1)) + 1 (so 0 -> 1 bit, 1 -> 2, 255 -> 9, 256 -> 10).
 *
 * For each layer: the accumulator is the value before the layer's division
 * (dense, conv2d: b_q + sum w_q x_q at scale S^2, before dividing by S;
 * avgpool2d: the window sum, before dividing by kh*kw); for maxpool2d, relu
 * and flatten it is the output itself. The output is the layer's activation.
 *
 * empirical: the largest magnitudes the reference evaluator produces over
 * the dataset's samples. analytic: a worst-case bound for any input with
 * |x| <= input_abs_max: per output value, |b_q| + sum |w_q| * bound(x_q)
 * (it also bounds every partial sum), divided as the evaluator divides;
 * relu and maxpool2d keep their input's bound. The analytic bound is
 * computed in 128-bit arithmetic: it may exceed int64 (then *_overflow is
 * set and the bits exceed 64; the fixed-point evaluator may overflow), and
 * is saturated at 2^127 - 1 beyond that. */
typedef struct zkb_layer_range {
    uint32_t struct_size;   /* sizeof(zkb_layer_range), set by the caller */
    uint32_t op;            /* zkb_op; 0 for the input (zkb_ranges_input) */
    uint64_t emp_acc_max;   /* empirical largest |accumulator| */
    uint64_t emp_out_max;   /* empirical largest |output| */
    uint64_t emp_overflows; /* samples whose evaluation overflowed in this layer */
    uint64_t ana_acc_max;   /* analytic bound on |accumulator| (UINT64_MAX if larger) */
    uint64_t ana_out_max;   /* analytic bound on |output| (UINT64_MAX if larger) */
    uint32_t emp_acc_bits;
    uint32_t emp_out_bits;
    uint32_t ana_acc_bits;  /* up to 128 */
    uint32_t ana_out_bits;
    uint32_t ana_acc_overflow; /* 1 when the accumulator bound exceeds INT64_MAX */
    uint32_t ana_out_overflow; /* 1 when the output bound exceeds INT64_MAX */
} zkb_layer_range;

typedef struct zkb_ranges zkb_ranges;

/* Range analysis of m under q. ds may be NULL (analytic bound only; the
 * empirical fields stay 0); else the first max_samples samples (0: all) are
 * evaluated on `threads` threads (0: every online core; the result does not
 * depend on it). input_abs_max bounds |x| of every input feature (1 for
 * MNIST pixels in [0, 1]; must be finite and >= 0).
 * Errors: ZKB_ERR_INVALID_ARG (NULL, bad q or bound, size mismatch),
 * ZKB_ERR_OVERFLOW (the model or input_abs_max cannot be quantized at this
 * scale), ZKB_ERR_NOMEM, with the detail in zkb_model_last_error(m). */
ZKB_API zkb_status zkb_range_analysis(zkb_model *m, const zkb_quant *q, zkb_dataset *ds,
                                      size_t max_samples, double input_abs_max, uint32_t threads,
                                      zkb_ranges **out);
ZKB_API void zkb_ranges_free(zkb_ranges *r);

/* Number of layers (the model's). */
ZKB_API uint32_t zkb_ranges_layer_count(const zkb_ranges *r);
/* Samples evaluated, and how many of them overflowed int64 somewhere. */
ZKB_API uint64_t zkb_ranges_samples(const zkb_ranges *r);
ZKB_API uint64_t zkb_ranges_overflowed(const zkb_ranges *r);
/* Non-zero when the analytic bound of some layer exceeds int64. */
ZKB_API int zkb_ranges_analytic_overflow(const zkb_ranges *r);
/* Layer i's ranges into *out (out->struct_size must be set; fields beyond
 * it are not written). ZKB_ERR_INVALID_ARG when i is out of range. */
ZKB_API zkb_status zkb_ranges_layer(const zkb_ranges *r, uint32_t i, zkb_layer_range *out);
/* The quantized input x_q (op 0; accumulator = output). */
ZKB_API zkb_status zkb_ranges_input(const zkb_ranges *r, zkb_layer_range *out);
/* ceil(log2(v + 1)) + 1 for a magnitude v, as used above. */
ZKB_API uint32_t zkb_range_bits(uint64_t v);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_EVAL_H */
