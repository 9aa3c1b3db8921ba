/* The model as a circuit generator reads it: layer sizes, the operators the
 * backend offers, the quantized weights, and the bit widths of every value
 * from the host's range analysis. */
#ifndef ZKBP_MODEL_H
#define ZKBP_MODEL_H

#include <stdint.h>

#include "zkmlbench/zkb_plugin.h"

uint64_t zkbp_layer_in_size(const zkb_layer_desc *L);  /* in_c * in_h * in_w */
uint64_t zkbp_layer_out_size(const zkb_layer_desc *L); /* out_c * out_h * out_w */

/* ZKB_ERR_UNSUPPORTED ("layer <i>: operator <op> not supported") at the first
 * layer whose operator the backend's op_support does not run. */
zkb_status zkbp_check_ops(zkb_host_ctx *h, const zkb_model_desc *m);

/* ZKB_ERR_INVALID_ARG unless the witness gets a sample of n_in values
 * ("sample has X values, the model takes Y") and verify is asked for the
 * model's n_out outputs ("X outputs asked, the model has Y"). */
zkb_status zkbp_check_sample(zkb_host_ctx *h, const zkb_sample *x, uint64_t n_in);
zkb_status zkbp_check_outputs(zkb_host_ctx *h, uint64_t n_outputs, uint64_t n_out);

/* Whether a field circuit can follow this quantization exactly: a pow2 or
 * pow10 scale with half_up or floor rounding. */
int zkbp_quant_exact(const zkb_qmodel_desc *qm);

/* How many weights and biases the layers hold, and the same written as one
 * decimal integer per line (every layer's weights, then its biases: the
 * order the circuits commit to under weights=hashed); 0 or -1. */
uint64_t zkbp_weights_count(const zkb_qmodel_desc *qm);
int zkbp_write_weights(const zkb_qmodel_desc *qm, const char *path);

/* Signed bit widths of the values (host->value_bits, ABI 1.1): what range
 * checks must cover. */
typedef struct zkbp_widths {
    uint32_t in;   /* the model input */
    uint32_t *acc; /* per layer, its accumulator (host->alloc'd) */
    uint32_t *out; /* per layer, its output (host->alloc'd) */
} zkbp_widths;

/* Fills w for n_layers layers. ZKB_ERR_NOMEM, or the host's status: e.g.
 * ZKB_ERR_OVERFLOW when a value may leave int64. The caller checks
 * ZKBP_HOST_HAS(value_bits) first, hands w zeroed (or from an earlier call)
 * and frees it with zkbp_widths_free. */
zkb_status zkbp_widths_get(zkb_host_ctx *h, uint32_t n_layers, zkbp_widths *w);
void zkbp_widths_free(zkbp_widths *w);

/* What zkb_backend.quantize of a backend whose range checks follow the
 * range analysis checks first: load_model came before (m not NULL), the
 * quantization is exact (zkbp_quant_exact), the host has value_bits, qm has
 * m's layers; then fills w (as zkbp_widths_get). With max_bits > 0, a layer
 * whose accumulator or output may need more bits is ZKB_ERR_UNSUPPORTED
 * (a field circuit's values must stay far from the field's size). `what`
 * names the circuit in messages ("circuit", "program"). Each failure is
 * reported through zkbp_fail. */
zkb_status zkbp_quantize_widths(zkb_host_ctx *h, const zkb_model_desc *m, const zkb_qmodel_desc *qm,
                                uint32_t max_bits, const char *what, zkbp_widths *w);

/* n integers, one a line in decimal, into path (the input of a commitment
 * recomputed apart from the circuit); 0 or -1. */
int zkbp_write_int_lines(const char *path, const int64_t *v, uint64_t n);

#endif
