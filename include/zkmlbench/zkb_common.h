/* zkb_common.h - definitions shared by the host API (zkmlbench.h) and the
 * plugin ABI (zkb_plugin.h). Compiles as C11 and C++17. */
#ifndef ZKB_COMMON_H
#define ZKB_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The one place the library's version is written: CMakeLists.txt and the
 * Python package read these three lines (see README, "Versions"). */
#define ZKB_VERSION_MAJOR 0
#define ZKB_VERSION_MINOR 1
#define ZKB_VERSION_PATCH 0
#define ZKB_VERSION_NUMBER \
    (ZKB_VERSION_MAJOR * 10000 + ZKB_VERSION_MINOR * 100 + ZKB_VERSION_PATCH)
#define ZKB_VERSION_QUOTE_(x) #x
#define ZKB_VERSION_QUOTE(x) ZKB_VERSION_QUOTE_(x)
#define ZKB_VERSION_STRING                                                   \
    ZKB_VERSION_QUOTE(ZKB_VERSION_MAJOR) "." ZKB_VERSION_QUOTE(ZKB_VERSION_MINOR) "." \
        ZKB_VERSION_QUOTE(ZKB_VERSION_PATCH)

#if defined(_WIN32)
#define ZKB_EXPORT __declspec(dllexport)
#else
#define ZKB_EXPORT __attribute__((visibility("default")))
#endif

#ifdef ZKB_BUILDING_LIBRARY
#define ZKB_API ZKB_EXPORT
#else
#define ZKB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Values are part of the ABI: they are never renumbered or
 * reused; new codes are only appended. */
typedef enum zkb_status {
    ZKB_OK = 0,
    ZKB_ERR_NOMEM = 1,           /* allocation failed */
    ZKB_ERR_INVALID_ARG = 2,     /* a caller passed a bad argument */
    ZKB_ERR_IO = 3,              /* reading or writing a file failed */
    ZKB_ERR_PARSE = 4,           /* malformed input (JSON, model, data, options) */
    ZKB_ERR_UNSUPPORTED = 5,     /* operation or option not supported */
    ZKB_ERR_UNAVAILABLE = 6,     /* backend cannot run on this machine */
    ZKB_ERR_PLUGIN = 7,          /* plugin rejected by the loader */
    ZKB_ERR_ABI = 8,             /* ABI version or table size mismatch */
    ZKB_ERR_TIMEOUT = 9,         /* wall-clock limit exceeded */
    ZKB_ERR_MEMORY_CAP = 10,     /* memory cap exceeded */
    ZKB_ERR_CRASHED = 11,        /* a process died from a signal */
    ZKB_ERR_VERIFY = 12,         /* a proof failed verification */
    ZKB_ERR_MISMATCH = 13,       /* proof outputs differ from the reference */
    ZKB_ERR_CANCELLED = 14,      /* the host asked to stop */
    ZKB_ERR_CHILD = 15,          /* a child process failed (non-zero exit) */
    ZKB_ERR_NOT_FOUND = 16,      /* named thing (backend, file, key) not found */
    ZKB_ERR_EXISTS = 17,         /* duplicate (e.g. backend name) */
    ZKB_ERR_OVERFLOW = 18,       /* arithmetic overflow or absurd size */
    ZKB_ERR_STATE = 19,          /* call out of order (e.g. prove before setup) */
    ZKB_ERR_INTERNAL = 20,       /* bug: please report */
    ZKB_ERR_LOCKED = 21          /* another process holds the lock (e.g. of a results file) */
} zkb_status;

/* Layer operators of the model IR. Values are part of the ABI. */
typedef enum zkb_op {
    ZKB_OP_DENSE = 1,      /* y = W x + b, W is [units][in] row-major */
    ZKB_OP_CONV2D = 2,     /* valid padding; W is [out_c][in_c][kh][kw] */
    ZKB_OP_AVGPOOL2D = 3,  /* mean over a kh x kw window, valid padding */
    ZKB_OP_MAXPOOL2D = 4,  /* max over a kh x kw window, valid padding */
    ZKB_OP_RELU = 5,       /* max(0, x) elementwise */
    ZKB_OP_FLATTEN = 6,    /* [C][H][W] -> [C*H*W], channel-major */
    ZKB_OP_PAD2D = 7       /* zero padding (ABI 1.4): [C][H][W] -> [C][pt+H+pb][pl+W+pr] */
} zkb_op;
#define ZKB_OP_MAX 7

/* What the float evaluator applies to the last layer's outputs (the logits).
 * Proofs and the fixed-point evaluator cover the logits only; these functions
 * do not change the argmax, so accuracy is the same. Values are part of the
 * ABI (1.4). */
typedef enum zkb_output_fn {
    ZKB_OUTPUT_LOGITS = 0,      /* nothing: the outputs are the logits */
    ZKB_OUTPUT_SOFTMAX = 1,     /* exp(x_i) / sum_j exp(x_j) */
    ZKB_OUTPUT_LOG_SOFTMAX = 2, /* x_i - log(sum_j exp(x_j)) */
    ZKB_OUTPUT_SIGMOID = 3      /* 1 / (1 + exp(-x_i)), each output */
} zkb_output_fn;
#define ZKB_OUTPUT_FN_MAX 3

/* Fixed-point quantization schemes. Values are part of the ABI. */
typedef enum zkb_quant_scheme {
    ZKB_QUANT_POW2 = 1,    /* scale factor S = 2^scale */
    ZKB_QUANT_POW10 = 2,   /* scale factor S = 10^scale */
    /* EZKL's own fixed point (docs/ezkl.md, "The ezkl scheme") for given
     * ezkl settings, packed into `scale` (ZKB_QUANT_EZKL_SCALE below): inputs
     * at 2^input_scale, weights at 2^param_scale, scales powers of two
     * tracked per layer; a dense or conv2d layer whose product scale exceeds
     * G = max(input_scale, param_scale) * rebase_multiplier is divided back
     * to G; every division rounds half away from zero; a dense bias is added
     * after that division at the layer's output scale, a conv2d bias before
     * it. `rounding` is not used. */
    ZKB_QUANT_EZKL = 3
} zkb_quant_scheme;

/* How a value is divided by S (rescale) or by the pool size. */
typedef enum zkb_rounding {
    ZKB_ROUND_HALF_UP = 0, /* floor((v + d/2) / d): round half towards +inf */
    ZKB_ROUND_FLOOR = 1    /* floor(v / d) */
} zkb_rounding;

/* Quantization parameters, passed by pointer. struct_size lets the struct grow
 * at the end; set it to sizeof(zkb_quant). */
typedef struct zkb_quant {
    uint32_t struct_size;
    uint32_t scheme;   /* zkb_quant_scheme */
    uint32_t scale;    /* exponent of the scale factor */
    uint32_t rounding; /* zkb_rounding */
} zkb_quant;

/* ZKB_QUANT_EZKL packs ezkl's three settings into zkb_quant.scale (the
 * struct keeps its size): bits 0-7 input_scale, 8-15 param_scale, 16-23
 * scale_rebase_multiplier (>= 1); bits 24-31 zero. */
#define ZKB_QUANT_EZKL_SCALE(input_scale, param_scale, rebase_multiplier)                        \
    ((uint32_t)(input_scale) | ((uint32_t)(param_scale) << 8) |                                  \
     ((uint32_t)(rebase_multiplier) << 16))
#define ZKB_QUANT_EZKL_INPUT(scale) ((uint32_t)(scale) & 0xFFu)
#define ZKB_QUANT_EZKL_PARAM(scale) (((uint32_t)(scale) >> 8) & 0xFFu)
#define ZKB_QUANT_EZKL_MULT(scale) (((uint32_t)(scale) >> 16) & 0xFFu)

/* Operator support levels (compatibility matrix). */
typedef enum zkb_support {
    ZKB_SUPPORT_NONE = 0,
    ZKB_SUPPORT_NATIVE = 1,
    ZKB_SUPPORT_EMULATED = 2
} zkb_support;

#ifdef __cplusplus
}
#endif

#endif /* ZKB_COMMON_H */
