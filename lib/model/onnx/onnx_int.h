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
    uint32_t bias_open; /* 1 + index of the layer whose bias a following Add may set, or 0 */

    zkbi_layer *layers;
    uint32_t n_layers, cap_layers;
    uint64_t params;
} zkbi_onnx_imp;

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
/* Import the current node (im->node) of a supported type. */
zkb_status zkbi_onnx_node(zkbi_onnx_imp *im, const zkbi_onnx_opinfo *info);

#endif
