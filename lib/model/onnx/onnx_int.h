/* Internal to lib/onnx/: decoding an ONNX protobuf (protobuf-c code generated
 * from third_party/onnx/onnx.proto) and the helpers the importer's files
 * share. */
#ifndef ZKBI_ONNX_INT_H
#define ZKBI_ONNX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "model/model_int.h"
#include "onnx.pb-c.h"

/* Memory the protobuf decoder may use: 64 MiB + 4 bytes per input byte.
 * Weights stored as raw_data or packed floats need about 1 byte per byte; a
 * file that would make the decoder allocate more (e.g. millions of tiny
 * nodes) is refused with ZKB_ERR_OVERFLOW instead of exhausting memory. */
#define ZKBI_ONNX_DECODE_BASE (UINT64_C(64) << 20)
#define ZKBI_ONNX_DECODE_PER_BYTE 4u
/* Distinct operator types zkb_onnx_ops_load lists. */
#define ZKBI_ONNX_OP_TYPES_MAX 1024u

/* A decoded ONNX file. The allocator keeps a budget (see above). */
typedef struct zkbi_onnx_file {
    Onnx__ModelProto *model;
    uint64_t used, limit;
    int over_budget;
    ProtobufCAllocator alloc; /* allocator_data points to this struct: do not move it */
} zkbi_onnx_file;

/* Decode buf. On success f->model is the model, with a graph. On failure
 * err holds "<src>: <reason>" and f holds nothing. */
zkb_status zkbi_onnx_file_decode(zkbi_onnx_file *f, const uint8_t *buf, size_t len,
                                 const char *src, char *err, size_t errlen);
void zkbi_onnx_file_free(zkbi_onnx_file *f);


/* The opsets of the default domain the importer takes: 7 (the oldest it
 * maps) to the newest of the ONNX release whose schema is vendored
 * (third_party/onnx: onnx 1.23, opset 28); a newer opset may have changed
 * what an operator means. */
#define ZKBI_ONNX_OPSET_MIN 7
#define ZKBI_ONNX_OPSET_MAX 28

/* The bytes of the graph's name as stored in the file buf (a name with a
 * NUL arrives cut from the decoder): 1 with *name and *n, 0 when the graph
 * has no name, -1 when buf cannot be walked. onnx_wire.c */
int zkbi_onnx_graph_name_bytes(const uint8_t *buf, size_t len, const uint8_t **name, size_t *n);

/* Version of the default-domain ("" or "ai.onnx") opset, 0 when absent. */
int64_t zkbi_onnx_opset(const Onnx__ModelProto *m);
/* Non-zero for the default ONNX domain ("" / NULL / "ai.onnx"). */
int zkbi_onnx_default_domain(const char *domain);

/* Name of a TensorProto data type ("FLOAT", "DOUBLE", ...), or "type <n>". */
const char *zkbi_onnx_dtype_name(int32_t t, char *buf, size_t n);

/* The operator types the importer knows, and what they become. */
typedef struct zkbi_onnx_opinfo {
    const char *type;
    uint32_t map;   /* ZKB_ONNX_MAP_* */
    uint32_t ir_op; /* zkb_op for ZKB_ONNX_MAP_LAYER */
} zkbi_onnx_opinfo;
/* NULL for an operator type the importer cannot map. */
const zkbi_onnx_opinfo *zkbi_onnx_opinfo_find(const char *domain, const char *op_type);
/* "Gemm, MatMul, ..." for error messages. */
const char *zkbi_onnx_op_list(void);

/* ---- the graph importer (onnx_graph.c, onnx_ops.c, onnx_tensor.c) ---------- */

typedef struct zkbi_onnx_const {
    const char *name;
    const Onnx__TensorProto *t;
} zkbi_onnx_const;

/* Tensor name -> pointer, open addressing (onnx_map.c); names are not copied. */
typedef struct zkbi_onnx_map {
    struct zkbi_onnx_map_slot {
        const char *name;
        const void *value;
    } *slot;
    size_t n, cap; /* cap: 0 or a power of two */
} zkbi_onnx_map;

/* What the import did to the graph besides mapping nodes onto layers, for
 * `zkbench model` and the model's metadata ("import_steps"). */
typedef enum zkbi_onnx_step_kind {
    ZKBI_ONNX_FOLDED = 0, /* computed at import time (constants, shapes) */
    ZKBI_ONNX_FUSED = 1,  /* merged into a layer (Pad, BatchNormalization, ...) */
    ZKBI_ONNX_LEFT_OUT = 2 /* not part of the proven computation */
} zkbi_onnx_step_kind;

typedef struct zkbi_onnx_step {
    uint32_t kind;  /* zkbi_onnx_step_kind */
    char *what;     /* "Pad (node 3 'pad0') into pad2d before the AveragePool", ... */
    uint32_t count; /* how many times the same text happened */
} zkbi_onnx_step;

/* Pending per-value affine map y = a*x + b of the IR input (in the IR's
 * channel-major order), from input normalization nodes (Sub, Div, Mul,
 * Add, Scaler, a BatchNormalization before any layer) that the first dense
 * or conv2d layer absorbs. */
typedef struct zkbi_onnx_affine {
    float *a, *b; /* n values each; NULL while the map is the identity */
    uint64_t n;
} zkbi_onnx_affine;

/* State of the import. The current activation is the IR shape s; its ONNX
 * tensor is [N, s.c, s.h, s.w] (nhwc: [N, s.h, s.w, s.c]) or, when s.flat,
 * [N, s.w] -- in the IR's channel-major order, or (perm_c != 0) in the HWC
 * order of an IR activation [perm_c][perm_h][perm_w] flattened after a
 * Transpose to NHWC: the next dense layer's columns are permuted. */
typedef struct zkbi_onnx_imp {
    const char *src;
    char *err;
    size_t errlen;
    const Onnx__GraphProto *g;
    const uint8_t *raw; /* the file, as decoded */
    size_t raw_len;
    zkbi_onnx_const *consts; /* initializers and Constant outputs, sorted by name */
    size_t n_consts;

    size_t node_i;                /* node being imported, for messages */
    const Onnx__NodeProto *node;

    zkbi_shape s;
    int nhwc;
    uint32_t perm_c, perm_h, perm_w;
    int64_t batch;    /* static batch size, or -1 when dynamic */
    const char *cur;  /* name of the current activation */
    long cur_from;    /* index of the node that made it, -1: the graph input */
    int64_t opset;    /* of the default domain */
    size_t out_index; /* which output of the current node continues the chain */

    zkbi_layer *layers;
    uint32_t n_layers, cap_layers;
    uint64_t params;

    zkbi_onnx_map folded; /* name -> Onnx__TensorProto: values folded in the walk */
    zkbi_onnx_map shapes; /* name -> zkbi_onnx_act_shape: the activations' ONNX shapes
                             ([1, ...]: the batch taken as 1, or the static batch),
                             which Shape nodes read */
    uint64_t folded_values; /* values computed by folding so far (a budget) */
    void **owned; /* folded tensors and their arrays, freed at the end */
    size_t n_owned, cap_owned;
    uint8_t *live;      /* per node: 1 when the score output depends on it */
    const char *score;  /* name of the output the model computes */
    const Onnx__ValueInfoProto *score_info; /* its declaration, when a graph output */

    uint32_t affine_open; /* 1 + index of the dense/conv2d layer whose output is the
                             current activation: Add/Sub/Mul/Div by a constant and
                             BatchNormalization fold into it */
    int nonneg;           /* the current activation is >= 0 (after Relu) */
    zkbi_onnx_affine pre; /* input normalization not yet absorbed */
    uint32_t output_fn;   /* zkb_output_fn of a trailing Softmax/LogSoftmax/Sigmoid */
    const char *output_fn_node; /* its operator, for messages */

    zkbi_onnx_step *steps;
    size_t n_steps, cap_steps;
} zkbi_onnx_imp;

typedef struct zkbi_onnx_act_shape {
    const char *name;
    size_t rank;
    int64_t dims[4];
} zkbi_onnx_act_shape;

/* "<src>: node <i> '<name>' (<op>): <message>" (or "<src>: <message>" when
 * no node is being imported). Returns st. */
zkb_status zkbi_onnx_fail(zkbi_onnx_imp *im, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attributes of the current node. Each returns ZKB_OK with the default when
 * absent, or fails (with a message) on a wrong type. */
const Onnx__AttributeProto *zkbi_onnx_attr(const Onnx__NodeProto *n, const char *name);
zkb_status zkbi_onnx_attr_int(zkbi_onnx_imp *im, const char *name, int64_t def, int64_t *out);
zkb_status zkbi_onnx_attr_float(zkbi_onnx_imp *im, const char *name, float def, float *out);
/* *v = NULL, *n = 0 when absent. */
zkb_status zkbi_onnx_attr_ints(zkbi_onnx_imp *im, const char *name, const int64_t **v, size_t *n);
/* Copy of a STRING attribute into buf (def when absent). */
zkb_status zkbi_onnx_attr_str(zkbi_onnx_imp *im, const char *name, const char *def, char *buf,
                              size_t n);
/* Every attribute of the node must be in allowed (NULL-terminated). */
zkb_status zkbi_onnx_attr_check(zkbi_onnx_imp *im, const char *const *allowed);

/* Constant tensor by name (an initializer or a Constant node's output), or NULL. */
const Onnx__TensorProto *zkbi_onnx_const_find(const zkbi_onnx_imp *im, const char *name);
/* Input idx of the current node as a constant; fails with "missing
 * initializer" or "not an initializer" messages. what names the role
 * ("weights B"). */
zkb_status zkbi_onnx_const_input(zkbi_onnx_imp *im, size_t idx, const char *what,
                                 const Onnx__TensorProto **t);
/* Number of elements of t (dims checked: each 0..2^28, product <= 2^28). */
zkb_status zkbi_onnx_tensor_numel(zkbi_onnx_imp *im, const Onnx__TensorProto *t, uint64_t *n);
/* "[2, 3]" */
void zkbi_onnx_dims_str(const Onnx__TensorProto *t, char *buf, size_t n);
/* All n float32 values of t (data type FLOAT, raw_data or float_data, no
 * external data, finite) into a new array (*out NULL when n == 0). */
zkb_status zkbi_onnx_tensor_floats(zkbi_onnx_imp *im, const Onnx__TensorProto *t, uint64_t n,
                                   float **out);
/* The values of an INT64 tensor of at most max elements. */
zkb_status zkbi_onnx_tensor_int64s(zkbi_onnx_imp *im, const Onnx__TensorProto *t, int64_t *v,
                                   size_t max, size_t *n);
/* The little-endian unsigned integer of `bytes` bytes (1..8) at p (raw_data). */
uint64_t zkbi_onnx_le(const uint8_t *p, int bytes);
/* Value of a BOOL scalar constant (Dropout's training_mode). */
zkb_status zkbi_onnx_tensor_bool(zkbi_onnx_imp *im, const Onnx__TensorProto *t, int *v);

/* A Constant node of the default domain (its output is a constant). */
int zkbi_onnx_is_constant(const Onnx__NodeProto *n);
/* Every tensor name assigned once, every node reading only names assigned
 * before it: no cycle (onnx_names.c). */
zkb_status zkbi_onnx_check_names(zkbi_onnx_imp *im);

/* Append a layer: d holds op and its parameters; shape inference moves
 * im->s on. Weights and bias are allocated zeroed (n_weights, n_bias). */
zkb_status zkbi_onnx_push(zkbi_onnx_imp *im, zkb_layer_desc *d, zkbi_layer **out);
/* The node's input idx must be the current activation (a single chain). */
zkb_status zkbi_onnx_chain_input(zkbi_onnx_imp *im, size_t idx);
/* Import the current node (im->node) of a supported type. */
zkb_status zkbi_onnx_node(zkbi_onnx_imp *im, const zkbi_onnx_opinfo *info);

/* ---- normalization (onnx_fold.c, onnx_fuse.c, onnx_outputs.c, onnx_steps.c) ---- */

/* A value constant folding computes with (onnx_value.c): FLOAT values in f,
 * or INT64/INT32/BOOL values in i; DOUBLE constants are read as FLOAT. */
#define ZKBI_ONNX_RANK_MAX 8
typedef struct zkbi_onnx_val {
    int32_t dt;
    size_t rank;
    int64_t dims[ZKBI_ONNX_RANK_MAX];
    uint64_t n;
    float *f;
    int64_t *i;
} zkbi_onnx_val;

static inline int zkbi_onnx_is_int(int32_t dt)
{
    return dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
           dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
}
static inline double zkbi_onnx_val_get(const zkbi_onnx_val *v, uint64_t k)
{
    return v->f ? (double)v->f[k] : (double)v->i[k];
}
void zkbi_onnx_val_free(zkbi_onnx_val *v);
/* Zeroed values of type dt and shape dims; every folded value of an import
 * together may hold at most 2^20 + 2 * (file size) elements. */
zkb_status zkbi_onnx_val_alloc(zkbi_onnx_imp *im, zkbi_onnx_val *v, int32_t dt, size_t rank,
                               const int64_t *dims);
/* The values of a constant tensor. */
zkb_status zkbi_onnx_val_from(zkbi_onnx_imp *im, const Onnx__TensorProto *t, zkbi_onnx_val *v);
/* v becomes the constant `name` (its arrays move into the tensor). */
zkb_status zkbi_onnx_val_publish(zkbi_onnx_imp *im, const char *name, zkbi_onnx_val *v);
/* The ONNX shape noted for activation name, or NULL. */
const zkbi_onnx_act_shape *zkbi_onnx_act_shape_of(const zkbi_onnx_imp *im, const char *name);

/* Memory freed with the import (NULL p: out of memory, fails). */
zkb_status zkbi_onnx_own(zkbi_onnx_imp *im, void *p);
/* The value of name in m, or NULL. */
const void *zkbi_onnx_map_get(const zkbi_onnx_map *m, const char *name);
/* Add name (not in m yet) with value. */
zkb_status zkbi_onnx_map_put(zkbi_onnx_imp *im, zkbi_onnx_map *m, const char *name,
                             const void *value);
void zkbi_onnx_map_free(zkbi_onnx_map *m);
/* Register t (owned by the import) as the constant named name. */
zkb_status zkbi_onnx_const_add(zkbi_onnx_imp *im, const char *name, Onnx__TensorProto *t);
/* Note the ONNX shape of activation name (the current one). */
zkb_status zkbi_onnx_note_shape(zkbi_onnx_imp *im, const char *name);

/* 1 when the current node computes a value known at import time (every
 * input a constant, or the shape of an activation); then *st is the result
 * of computing it and registering its outputs as constants. */
int zkbi_onnx_fold(zkbi_onnx_imp *im, zkb_status *st);

/* The normalizing operators: Pad, BatchNormalization, Sub/Mul/Div (and Add
 * that is not a bias), Softmax/LogSoftmax/Sigmoid at the end, and the
 * ai.onnx.ml operators. 1 when n is one of them (*st the result). */
int zkbi_onnx_fuse(zkbi_onnx_imp *im, zkb_status *st);
/* Before a layer of operator op is pushed: absorb or refuse pending state
 * (input normalization; a trailing activation already seen). */
zkb_status zkbi_onnx_before_layer(zkbi_onnx_imp *im, uint32_t op);
/* Fold y = s*x + c (per value of the activation, IR order) into the layer
 * whose output x is, or into the pending input normalization (onnx_fuse.c). */
zkb_status zkbi_onnx_apply_affine(zkbi_onnx_imp *im, float *s, float *c, const char *what);
/* New scale and offset arrays for such a map, one value per value of the
 * activation (the caller frees both, also on failure). */
zkb_status zkbi_onnx_affine_arrays(zkbi_onnx_imp *im, float **s, float **c);
/* scikit-learn's Scaler, LinearClassifier, Normalizer (onnx_ml.c). */
zkb_status zkbi_onnx_ml_scaler(zkbi_onnx_imp *im);
zkb_status zkbi_onnx_ml_linear_classifier(zkbi_onnx_imp *im);
zkb_status zkbi_onnx_ml_normalizer(zkbi_onnx_imp *im);
/* After a dense/conv2d layer L is complete: fold the pending input
 * normalization into it. */
zkb_status zkbi_onnx_absorb_input_affine(zkbi_onnx_imp *im, zkbi_layer *L);
/* The padding of a Conv/AveragePool/MaxPool node (pads, auto_pad) as a pad2d
 * layer before it; in[] is the input's H and W, k and s the window. */
zkb_status zkbi_onnx_window_pads(zkbi_onnx_imp *im, uint32_t op, uint32_t kh, uint32_t kw,
                                 uint32_t sh, uint32_t sw);

/* Choose the output the model computes (a graph output, or the scores a
 * ZipMap reformats) and mark the nodes it depends on (im->live); the other
 * outputs are left out, with a step each. */
zkb_status zkbi_onnx_choose_output(zkbi_onnx_imp *im);

/* Record a step (printf-style text). Same text again: its count grows. */
zkb_status zkbi_onnx_step_add(zkbi_onnx_imp *im, uint32_t kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "import_steps" of the metadata: [{"kind": "folded", "what": ..., "count": n}, ...] */
struct cJSON;
int zkbi_onnx_steps_json(const zkbi_onnx_imp *im, struct cJSON *meta);
void zkbi_onnx_steps_free(zkbi_onnx_imp *im);
/* "node 3 'pad0' (Pad)" for step texts. */
const char *zkbi_onnx_node_label(const zkbi_onnx_imp *im, char *buf, size_t n);

#endif
