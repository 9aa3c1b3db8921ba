/* Internal to the library: the model layer (lib/model/): the model IR (a
 * sequential graph), its loaders (JSON here, ONNX in onnx/), its fingerprint
 * and its quantized image. See docs/model-format.md.
 *
 * struct zkb_model is defined here for lib/model/ and the evaluators
 * (lib/eval/) only; everything else goes through the functions. */
#ifndef ZKBI_MODEL_INT_H
#define ZKBI_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"

/* ---- format and limits ---------------------------------------------------- */

#define ZKBI_MODEL_FORMAT "zkmlbench-model"
#define ZKBI_MODEL_VERSION 1u
#define ZKBI_DIM_MAX (1u << 20)                 /* any dimension, units, filters, classes */
#define ZKBI_PAD_MAX (1u << 20)                 /* each pad of a pad2d layer (0 allowed) */
#define ZKBI_LAYERS_MAX 4096u                   /* layers per model */
#define ZKBI_NAME_MAX 128u                      /* bytes of the model name */
#define ZKBI_PARAMS_MAX (UINT64_C(1) << 28)     /* weights + biases of a model */
#define ZKBI_ACT_MAX (UINT64_C(1) << 28)        /* values of any activation */
#define ZKBI_MACS_MAX (UINT64_C(1) << 40)       /* multiply-accumulates of a forward pass */
#define ZKBI_MODEL_FILE_MAX (UINT64_C(1) << 30) /* bytes of a model file */

/* ---- the IR ------------------------------------------------------------------ */

/* Shape of an activation: [c][h][w]; flat is set after flatten/dense, and
 * a flat activation is then [1][1][w]. */
typedef struct zkbi_shape {
    uint32_t c, h, w;
    int flat;
} zkbi_shape;

typedef struct zkbi_layer {
    zkb_layer_desc d; /* shapes, kernel, stride; d.weights/d.bias point to w/b */
    float *w;         /* owned; n = d.n_weights */
    float *b;         /* owned; n = d.n_bias */
} zkbi_layer;

typedef struct zkbi_qmodel zkbi_qmodel;

struct zkb_model {
    char *name;
    char *metadata;    /* "metadata" member as compact JSON text, or NULL */
    char *source_path; /* or NULL */
    char fingerprint[33];
    uint32_t in_c, in_h, in_w;
    uint32_t classes;
    uint32_t output_fn; /* zkb_output_fn: applied by zkb_model_eval_float only */
    uint32_t n_layers;
    uint64_t n_params;
    uint64_t n_macs;
    uint64_t max_act; /* largest activation (input included), in values */
    zkbi_layer *layers;
    const zkb_layer_desc **layer_ptrs;
    zkb_model_desc desc;
    /* zkb_model_eval_fixed's cache: one quantized image, keyed by its quant */
    zkbi_qmodel *qcache;
    zkb_quant qcache_key;
    char err[ZKBI_ERR_LEN];
};

/* Operator <-> name. zkbi_op_from_name returns 0 for an unknown name. */
uint32_t zkbi_op_from_name(const char *name);
/* "dense, conv2d, ..." for error messages. */
const char *zkbi_op_list(void);
/* zkb_output_fn of "logits", "softmax", "log_softmax", "sigmoid";
 * UINT32_MAX for any other name. */
uint32_t zkbi_output_fn_from_name(const char *name);

/* Shape inference of one layer. On entry d->op and the op's parameters are
 * set (dense: out_w = units; conv2d: out_c = filters, kernel_*, stride_*;
 * pools: kernel_*, stride_*; pad2d: pad_*); *s is the input shape. On success d's in_* and
 * out_* and the expected n_weights/n_bias are filled in, *s becomes the output
 * shape and *macs the layer's multiply-accumulates. On failure err holds the
 * reason (no location prefix) and the status is ZKB_ERR_PARSE (inconsistent
 * model) or ZKB_ERR_OVERFLOW (absurd size). */
zkb_status zkbi_layer_infer(zkb_layer_desc *d, zkbi_shape *s, uint64_t *macs, char *err,
                            size_t errlen);

/* An empty model with n_layers zeroed layers (ops to be filled in), or NULL. */
zkb_model *zkbi_model_alloc(uint32_t n_layers);
/* After every layer is filled in and inferred (and output_fn set): totals,
 * classes and output_fn checks, fingerprint, desc. Error text without
 * location prefix. */
zkb_status zkbi_model_finish(zkb_model *m, char *err, size_t errlen);

/* Parse a model from JSON text (buf need not be NUL-terminated). src names
 * the source in error messages ("model.json: $.layers[2].op: ..."). */
zkb_status zkbi_model_parse_json(const char *buf, size_t len, const char *src, zkb_model **out,
                                 char *err, size_t errlen);

/* Whether a string of the JSON text [text, text+len), which cJSON parsed into
 * root, holds a NUL character (\u0000), which cJSON's C strings cut off
 * ("tiny\u0000dense" would read as "tiny"). When one does: 1, with its JSON
 * path in path ("$.layers[2].op"), and *is_key set when it is a member's name
 * (path is then the object's). json_nul.c */
struct cJSON;
int zkbi_json_nul_string(const char *text, size_t len, const struct cJSON *root, char *path,
                         size_t cap, int *is_key);

/* Fingerprint (fingerprint.c): XXH3-128 of the canonical encoding. */
zkb_status zkbi_model_compute_fingerprint(const zkb_model *m, char out[33]);

/* View for plugins; layers' weights point into the model. */
const zkb_model_desc *zkbi_model_desc(const zkb_model *m);
/* The "metadata" object as compact JSON, or NULL if the file had none. */
const char *zkbi_model_metadata(const zkb_model *m);
uint64_t zkbi_model_macs(const zkb_model *m);
uint64_t zkbi_model_max_activation(const zkb_model *m);

/* ---- quantization --------------------------------------------------------------- */

/* Validates struct_size, scheme, scale (pow2 0..30, pow10 0..9), rounding;
 * ezkl (packed scale): input and param scales 0..30, multiplier 1..255
 * (a layer whose scale passes 2^62 makes zkbi_qmodel_new fail with
 * ZKB_ERR_OVERFLOW). */
zkb_status zkbi_quant_check(const zkb_quant *q, char *err, size_t errlen);
/* round(v / d) half away from zero, as ezkl divides by a constant:
 * (v as f64 / d as f64).round(), the same double operations; d > 0. */
int64_t zkbi_div_half_away(int64_t v, int64_t d);
/* S = 2^scale or 10^scale (q must pass zkbi_quant_check); ezkl: 2^scale,
 * the inputs' scale factor. */
int64_t zkbi_quant_scale_factor(const zkb_quant *q);
/* Exact round-half-away-from-zero of v * S^k for k = 1 (weights, inputs) or
 * k = 2 (biases); ezkl: v * 2^input_scale whatever k. ZKB_ERR_INVALID_ARG for NaN/Inf, ZKB_ERR_OVERFLOW if the
 * result leaves int64. */
zkb_status zkbi_quant_value(const zkb_quant *q, double v, int k, int64_t *out);
/* floor(v / d) (ZKB_ROUND_FLOOR) or floor((v + floor(d/2)) / d) (HALF_UP),
 * with mathematical floor division; d > 0. Never overflows. */
int64_t zkbi_div_round(int64_t v, int64_t d, uint32_t rounding);

/* A model quantized under one zkb_quant. Independent of the model once made
 * (it copies what it needs). */
zkb_status zkbi_qmodel_new(const zkb_model *m, const zkb_quant *q, zkbi_qmodel **out, char *err,
                           size_t errlen);
void zkbi_qmodel_free(zkbi_qmodel *qm);
const zkb_qmodel_desc *zkbi_qmodel_desc(const zkbi_qmodel *qm); /* view for plugins */

/* Internal layout of a quantized model (quant.c, eval_fixed.c). */
typedef struct zkbi_qlayer {
    zkb_qlayer_desc d;
    zkb_layer_desc shape; /* copy of the float layer's shapes; weights/bias NULL */
    int64_t *w;           /* owned */
    int64_t *b;           /* owned */
    /* ZKB_QUANT_EZKL only (eval_ezkl.c): log2 scales of the layer's input and
     * output, the rebase shift (divide by 2^shift; 0: none) and whether the
     * bias is added after the division (dense) or before (conv2d). */
    int32_t in_scale, out_scale;
    uint32_t shift;
    int32_t bias_after;
} zkbi_qlayer;

struct zkbi_qmodel {
    zkb_quant quant;
    int64_t scale;
    uint32_t n_layers;
    uint64_t n_in, n_out, max_act;
    zkbi_qlayer *layers;
    const zkb_qlayer_desc **layer_ptrs;
    zkb_qmodel_desc desc;
    int32_t out_scale; /* log2 scale of the outputs (ezkl), else scale's exponent */
};

/* Inputs of a sample under q: x_q[i] = round_half_away(x[i] * S), exactly
 * as zkb_quantize_input (the product of a float and S <= 10^9 or 2^30 is
 * exact in double), without a libm call per value. */
zkb_status zkbi_quantize_input_fast(const zkb_quant *q, int64_t S, const float *x, size_t n,
                                    int64_t *x_q);

/* ---- ONNX import (onnx/) ------------------------------------------------------- */

/* Import an ONNX model from memory (buf need not outlive the call). src
 * names the source in error messages ("model.onnx: node 3 'c' (Conv): ...").
 * Never crashes on any input; sizes are bounded before allocating (input at
 * most ZKBI_MODEL_FILE_MAX bytes, protobuf decoding memory bounded too). */
zkb_status zkbi_onnx_parse(const uint8_t *buf, size_t len, const char *src, zkb_model **out,
                           char *err, size_t errlen);

#endif
