/* ONNX import: reading and decoding a file under a memory budget, and the
 * table of operator types the importer knows. */
#include "onnx_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zkmlbench/zkb_onnx.h"

/* ---- decoding under a budget --------------------------------------------------- */

/* Each block carries its size in front, so free can give it back. */
#define ALIGN alignof(max_align_t)
#define HDR ((sizeof(size_t) + ALIGN - 1) / ALIGN * ALIGN)

static void *budget_alloc(void *data, size_t size)
{
    zkbi_onnx_file *f = data;
    if ((uint64_t)size > f->limit - f->used || size > SIZE_MAX - HDR) {
        f->over_budget = 1;
        return NULL;
    }
    unsigned char *p = malloc(size + HDR);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    f->used += size;
    return p + HDR;
}

static void budget_free(void *data, void *ptr)
{
    zkbi_onnx_file *f = data;
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t size;
    memcpy(&size, p, sizeof size);
    f->used -= size;
    free(p);
}

zkb_status zkbi_onnx_file_decode(zkbi_onnx_file *f, const uint8_t *buf, size_t len,
                                 const char *src, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (!src)
        src = "<onnx>";
    if ((uint64_t)len > ZKBI_MODEL_FILE_MAX) {
        zkbi_errf(err, errlen, "%s: %zu bytes is more than the %" PRIu64 "-byte limit", src, len,
                  ZKBI_MODEL_FILE_MAX);
        return ZKB_ERR_OVERFLOW;
    }
    if (len == 0 || !buf) {
        zkbi_errf(err, errlen, "%s: empty file (expected an ONNX model)", src);
        return ZKB_ERR_PARSE;
    }
    f->limit = ZKBI_ONNX_DECODE_BASE + (uint64_t)len * ZKBI_ONNX_DECODE_PER_BYTE;
    f->alloc.alloc = budget_alloc;
    f->alloc.free = budget_free;
    f->alloc.allocator_data = f;
    f->model = onnx__model_proto__unpack(&f->alloc, len, buf);
    if (!f->model) {
        if (f->over_budget) {
            zkbi_errf(err, errlen,
                      "%s: decoding would need more than %" PRIu64
                      " bytes of memory (64 MiB + 4 per byte of the file); refused",
                      src, f->limit);
            return ZKB_ERR_OVERFLOW;
        }
        zkbi_errf(err, errlen,
                  "%s: not an ONNX model (protobuf decoding failed: truncated or corrupt file, or "
                  "another format)",
                  src);
        return ZKB_ERR_PARSE;
    }
    if (!f->model->graph) {
        zkbi_errf(err, errlen, "%s: not an ONNX model (no graph)", src);
        zkbi_onnx_file_free(f);
        return ZKB_ERR_PARSE;
    }
    return ZKB_OK;
}

void zkbi_onnx_file_free(zkbi_onnx_file *f)
{
    if (f && f->model)
        onnx__model_proto__free_unpacked(f->model, &f->alloc);
    if (f)
        f->model = NULL;
}

/* ---- small helpers ------------------------------------------------------------------------ */

int zkbi_onnx_default_domain(const char *domain)
{
    return !domain || !domain[0] || strcmp(domain, "ai.onnx") == 0;
}

int64_t zkbi_onnx_opset(const Onnx__ModelProto *m)
{
    for (size_t i = 0; m && i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (o && zkbi_onnx_default_domain(o->domain))
            return o->has_version ? o->version : 0;
    }
    return 0;
}


const char *zkbi_onnx_dtype_name(int32_t t, char *buf, size_t n)
{
    static const char *const names[] = {
        "UNDEFINED", "FLOAT",    "UINT8",         "INT8",           "UINT16",
        "INT16",     "INT32",    "INT64",         "STRING",         "BOOL",
        "FLOAT16",   "DOUBLE",   "UINT32",        "UINT64",         "COMPLEX64",
        "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
        "FLOAT8E5M2FNUZ", "UINT4", "INT4",         "FLOAT4E2M1",
    };
    if (t >= 0 && (size_t)t < sizeof names / sizeof names[0])
        return names[t];
    snprintf(buf, n, "type %" PRId32, t);
    return buf;
}

/* ---- the operator table ------------------------------------------------------------------- */

static const zkbi_onnx_opinfo op_table[] = {
    {"Gemm", ZKB_ONNX_MAP_LAYER, ZKB_OP_DENSE},
    {"MatMul", ZKB_ONNX_MAP_LAYER, ZKB_OP_DENSE},
    {"Add", ZKB_ONNX_MAP_LAYER, ZKB_OP_DENSE}, /* bias of the preceding MatMul/Gemm/Conv */
    {"Conv", ZKB_ONNX_MAP_LAYER, ZKB_OP_CONV2D},
    {"Relu", ZKB_ONNX_MAP_LAYER, ZKB_OP_RELU},
    {"AveragePool", ZKB_ONNX_MAP_LAYER, ZKB_OP_AVGPOOL2D},
    {"MaxPool", ZKB_ONNX_MAP_LAYER, ZKB_OP_MAXPOOL2D},
    {"GlobalAveragePool", ZKB_ONNX_MAP_LAYER, ZKB_OP_AVGPOOL2D},
    {"GlobalMaxPool", ZKB_ONNX_MAP_LAYER, ZKB_OP_MAXPOOL2D},
    {"Flatten", ZKB_ONNX_MAP_LAYER, ZKB_OP_FLATTEN},
    {"Reshape", ZKB_ONNX_MAP_LAYER, ZKB_OP_FLATTEN},
    {"Pad", ZKB_ONNX_MAP_LAYER, ZKB_OP_PAD2D},
    {"Transpose", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Identity", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Dropout", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Constant", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Cast", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Sub", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Mul", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Div", ZKB_ONNX_MAP_ABSORBED, 0},
    {"BatchNormalization", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Shape", ZKB_ONNX_MAP_FOLDED, 0},
    {"Size", ZKB_ONNX_MAP_FOLDED, 0},
    {"Gather", ZKB_ONNX_MAP_FOLDED, 0},
    {"Unsqueeze", ZKB_ONNX_MAP_FOLDED, 0},
    {"Squeeze", ZKB_ONNX_MAP_FOLDED, 0},
    {"Concat", ZKB_ONNX_MAP_FOLDED, 0},
    {"Slice", ZKB_ONNX_MAP_FOLDED, 0},
    {"ConstantOfShape", ZKB_ONNX_MAP_FOLDED, 0},
    {"Neg", ZKB_ONNX_MAP_FOLDED, 0},
    {"Sqrt", ZKB_ONNX_MAP_FOLDED, 0},
    {"Reciprocal", ZKB_ONNX_MAP_FOLDED, 0},
    {"Softmax", ZKB_ONNX_MAP_OUTPUT, 0},
    {"LogSoftmax", ZKB_ONNX_MAP_OUTPUT, 0},
    {"Sigmoid", ZKB_ONNX_MAP_OUTPUT, 0},
    {"ArgMax", ZKB_ONNX_MAP_OUTPUT, 0},
};

/* scikit-learn's operators (skl2onnx) */
static const zkbi_onnx_opinfo ml_table[] = {
    {"LinearClassifier", ZKB_ONNX_MAP_LAYER, ZKB_OP_DENSE},
    {"Scaler", ZKB_ONNX_MAP_ABSORBED, 0},
    {"Normalizer", ZKB_ONNX_MAP_OUTPUT, 0},
    {"ZipMap", ZKB_ONNX_MAP_OUTPUT, 0},
    {"ArrayFeatureExtractor", ZKB_ONNX_MAP_OUTPUT, 0},
};

const zkbi_onnx_opinfo *zkbi_onnx_opinfo_find(const char *domain, const char *op_type)
{
    const zkbi_onnx_opinfo *t = op_table;
    size_t n = sizeof op_table / sizeof op_table[0];
    if (!op_type)
        return NULL;
    if (domain && strcmp(domain, "ai.onnx.ml") == 0) {
        t = ml_table;
        n = sizeof ml_table / sizeof ml_table[0];
    } else if (!zkbi_onnx_default_domain(domain)) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(op_type, t[i].type) == 0)
            return &t[i];
    return NULL;
}

const char *zkbi_onnx_op_list(void)
{
    return "Gemm, MatMul, Add, Conv, Relu, AveragePool, MaxPool, GlobalAveragePool, "
           "GlobalMaxPool, Flatten, Reshape, Pad, Transpose, Identity, Dropout, Constant, Cast, "
           "Sub, Mul, Div, BatchNormalization, Softmax, LogSoftmax, Sigmoid (at the end), "
           "shape arithmetic on constants (Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, "
           "ConstantOfShape, ...), ai.onnx.ml LinearClassifier, Scaler, Normalizer, ZipMap";
}

uint32_t zkb_onnx_op_mapping(const char *op_type, uint32_t *ir_op)
{
    const zkbi_onnx_opinfo *info = NULL;
    const char *colon = op_type ? strrchr(op_type, ':') : NULL;
    if (colon && (size_t)(colon - op_type) == strlen("ai.onnx.ml") &&
        strncmp(op_type, "ai.onnx.ml", (size_t)(colon - op_type)) == 0)
        info = zkbi_onnx_opinfo_find("ai.onnx.ml", colon + 1);
    else if (!colon)
        info = zkbi_onnx_opinfo_find(NULL, op_type);
    if (ir_op)
        *ir_op = info ? info->ir_op : 0;
    return info ? info->map : ZKB_ONNX_MAP_NONE;
}
