/* zkb_onnx.h - ONNX import and operator compatibility (docs/onnx.md).
 *
 * The importer turns an ONNX file whose graph is a single chain of supported
 * operators, with float32 weights stored in the file, into the same model IR
 * as the JSON format (zkmlbench.h): the model gets the same fingerprint as
 * the equivalent JSON model and runs on every backend.
 *
 * Compiles as C11 and C++17. */
#ifndef ZKB_ONNX_H
#define ZKB_ONNX_H

#include "zkmlbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- import ----------------------------------------------------------- */

/* Load an ONNX model file (at most 1 GiB). On failure the context's last
 * error names the file and, for a fault in the graph, the node by index,
 * name and operator type:
 *   "m.onnx: node 3 'conv_2' (ConvTranspose): unsupported operator; supported: ..."
 * Statuses: ZKB_ERR_PARSE (not ONNX, unsupported operator or attribute, bad
 * shapes, missing initializer, not a single chain), ZKB_ERR_UNSUPPORTED (a
 * weight data type or external data), ZKB_ERR_OVERFLOW (a size limit),
 * ZKB_ERR_NOT_FOUND, ZKB_ERR_IO, ZKB_ERR_NOMEM, ZKB_ERR_INVALID_ARG. */
ZKB_API zkb_status zkb_model_load_onnx(zkb_ctx *ctx, const char *path, zkb_model **out);

/* ---- the operators of an ONNX file (without importing it) --------------- */

typedef struct zkb_onnx_ops zkb_onnx_ops;

/* Read an ONNX file and list the operator types of its graph's nodes. Fails
 * only when the file cannot be read or is not an ONNX model. */
ZKB_API zkb_status zkb_onnx_ops_load(zkb_ctx *ctx, const char *path, zkb_onnx_ops **out);
ZKB_API void zkb_onnx_ops_free(zkb_onnx_ops *ops);
/* Distinct operator types, in order of first appearance. */
ZKB_API size_t zkb_onnx_ops_count(const zkb_onnx_ops *ops);
/* Operator type i as in the file ("Conv"); "domain:Type" outside the default
 * ONNX domain; NULL when out of range. */
ZKB_API const char *zkb_onnx_ops_type(const zkb_onnx_ops *ops, size_t i);
/* Number of nodes of operator type i. */
ZKB_API size_t zkb_onnx_ops_nodes(const zkb_onnx_ops *ops, size_t i);
/* Total number of nodes. */
ZKB_API size_t zkb_onnx_ops_total_nodes(const zkb_onnx_ops *ops);
/* Version of the default-domain operator set the file imports, 0 if none. */
ZKB_API int64_t zkb_onnx_ops_opset(const zkb_onnx_ops *ops);

/* How the importer maps an ONNX operator type (as returned by
 * zkb_onnx_ops_type: "Conv", "ai.onnx.ml:LinearClassifier"). */
#define ZKB_ONNX_MAP_NONE 0u     /* the importer cannot map it */
#define ZKB_ONNX_MAP_LAYER 1u    /* becomes (part of) a layer: *ir_op is its zkb_op */
#define ZKB_ONNX_MAP_ABSORBED 2u /* no layer of its own: Identity, Dropout, Transpose,
                                    Constant, Cast; Sub, Mul, Div, BatchNormalization and
                                    Scaler folded into a dense or conv2d layer */
#define ZKB_ONNX_MAP_FOLDED 3u   /* computed at import time (Shape, Gather, Concat, ...) when
                                    its inputs are known then */
#define ZKB_ONNX_MAP_OUTPUT 4u   /* not proven: a final Softmax, LogSoftmax or Sigmoid (applied
                                    by the float evaluator), or what only reformats the
                                    output (ZipMap, Normalizer, a label's ArgMax) */
/* Returns a ZKB_ONNX_MAP_* value; *ir_op (may be NULL) is the zkb_op for
 * ZKB_ONNX_MAP_LAYER, else 0. */
ZKB_API uint32_t zkb_onnx_op_mapping(const char *op_type, uint32_t *ir_op);

/* ---- backend operator support ---------------------------------------------- */

/* Support level (zkb_support) of model IR operator op (zkb_op) by backend b:
 * what its op_support says; ZKB_SUPPORT_NONE when it does not say (see
 * zkb_backend_declares_op_support) or for an out-of-range answer. */
ZKB_API uint32_t zkb_backend_op_support(const zkb_backend_ref *b, uint32_t op);
/* Non-zero when the backend implements op_support at all. */
ZKB_API int zkb_backend_declares_op_support(const zkb_backend_ref *b);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_ONNX_H */
