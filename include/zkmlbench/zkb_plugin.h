/* zkb_plugin.h - the zkb_backend plugin ABI, version 1 (minor 5).
 *
 * A backend is a shared object that exports one symbol, ZKB_PLUGIN_ENTRY_NAME.
 * The host calls it once after dlopen with its table of services; the plugin
 * returns a pointer to a static zkb_backend table. Plugins never link
 * libzkmlbench: everything they need from the host comes through
 * zkb_host_api. See docs/plugin-abi.md for every rule (ownership, which
 * members may be NULL, call order).
 *
 * Compiles as C11 and C++17. */
#ifndef ZKB_PLUGIN_H
#define ZKB_PLUGIN_H

#include "zkb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZKB_PLUGIN_ABI_MAJOR 1
#define ZKB_PLUGIN_ABI_MINOR 5
#define ZKB_PLUGIN_ENTRY zkb_plugin_init
#define ZKB_PLUGIN_ENTRY_NAME "zkb_plugin_init"

/* Opaque handle the host gives a plugin for each call context (a probe or a
 * backend session). Passed back to every host service. */
typedef struct zkb_host_ctx zkb_host_ctx;

typedef enum zkb_log_level {
    ZKB_LOG_ERROR = 0,
    ZKB_LOG_WARN = 1,
    ZKB_LOG_INFO = 2,
    ZKB_LOG_DEBUG = 3
} zkb_log_level;

/* ---- read-only views of the model, owned by the host ------------------ */

/* One layer. Shapes are [channels][height][width]; dense layers use
 * c = 1, h = 1, w = features. Weights are float32 as in the model file. */
typedef struct zkb_layer_desc {
    uint32_t struct_size;
    uint32_t op; /* zkb_op */
    uint32_t in_c, in_h, in_w;
    uint32_t out_c, out_h, out_w;
    uint32_t kernel_h, kernel_w; /* conv2d, pools; 0 otherwise */
    uint32_t stride_h, stride_w; /* conv2d, pools; 0 otherwise */
    uint32_t reserved;
    const float *weights; /* dense [out_w][in]; conv2d [out_c][in_c][kh][kw] */
    uint64_t n_weights;
    const float *bias; /* [units] or [out_c] */
    uint64_t n_bias;
    /* pad2d (since 1.4): zeros added above, left of, below and right of
     * each channel; 0 for every other operator. */
    uint32_t pad_top, pad_left, pad_bottom, pad_right;
} zkb_layer_desc;

typedef struct zkb_model_desc {
    uint32_t struct_size;
    uint32_t n_layers;
    const char *name;
    const char *fingerprint; /* 32 lowercase hex digits, XXH3-128 */
    const char *source_path; /* file the host loaded, or NULL */
    uint32_t in_c, in_h, in_w;
    uint32_t classes;
    uint64_t n_params;
    const zkb_layer_desc *const *layers; /* n_layers pointers */
    /* Since 1.4: zkb_output_fn the float evaluator applies after the last
     * layer; a backend proves the logits (the last layer's outputs) and
     * ignores it. */
    uint32_t output_fn;
} zkb_model_desc;

/* Integer parameters of one layer under a zkb_quant scheme, computed by the
 * host's quantizer (the same one the reference evaluator uses). For dense and
 * conv2d: weights at scale S, bias at scale S*S, and the accumulator is
 * divided by rescale_divisor (= S) with the scheme's rounding. For avgpool2d:
 * the window sum is divided by pool_divisor (= kh*kw). */
typedef struct zkb_qlayer_desc {
    uint32_t struct_size;
    uint32_t op;
    const int64_t *weights; /* NULL for layers without weights */
    uint64_t n_weights;
    const int64_t *bias;
    uint64_t n_bias;
    int64_t rescale_divisor; /* 0 when the layer does not rescale */
    int64_t pool_divisor;    /* 0 unless avgpool2d */
} zkb_qlayer_desc;

typedef struct zkb_qmodel_desc {
    uint32_t struct_size;
    uint32_t n_layers;
    const zkb_quant *quant;
    int64_t scale_factor; /* S; inputs are round(x * S) */
    const zkb_qlayer_desc *const *layers;
} zkb_qmodel_desc;

/* One input sample: the float values and their fixed-point image. */
typedef struct zkb_sample {
    uint32_t struct_size;
    uint32_t index; /* position in the dataset */
    uint64_t n;
    const float *x;
    const int64_t *x_q; /* round(x * S) under the session's zkb_quant */
} zkb_sample;

/* ---- options a backend declares ------------------------------------- */

typedef enum zkb_opt_type {
    ZKB_OPT_STRING = 1,
    ZKB_OPT_INT = 2,
    ZKB_OPT_DOUBLE = 3,
    ZKB_OPT_BOOL = 4
} zkb_opt_type;

/* One declared option. options[] is read with the stride
 * zkb_backend.option_decl_size (ABI 1.3), so new members are only ever
 * appended at the end, and the host reads none past that stride. */
typedef struct zkb_option_decl {
    const char *key;
    uint32_t type;           /* zkb_opt_type */
    const char *default_val; /* textual default, shown in help; may be NULL */
    const char *choices;     /* '|'-separated allowed strings, or NULL */
    const char *help;
} zkb_option_decl;

/* sizeof(zkb_option_decl) up to ABI 1.2 (the stride option_decl_size 0 means). */
#define ZKB_OPTION_DECL_SIZE_V1_2 (offsetof(zkb_option_decl, help) + sizeof(const char *))

typedef struct zkb_option_value {
    uint32_t struct_size;
    uint32_t type; /* zkb_opt_type: which member below is valid */
    const char *s;
    int64_t i;
    double d;
    int32_t b;
    int32_t reserved;
} zkb_option_value;

/* ---- services the host offers ---------------------------------------- */

typedef struct zkb_spawn_opts {
    uint32_t struct_size;
    uint32_t reserved;
    const char *const *argv; /* NULL-terminated; argv[0] is looked up in PATH if it has no '/' */
    const char *const *env;  /* extra "KEY=VALUE" entries, NULL-terminated; may be NULL */
    const char *cwd;         /* may be NULL: the session's scratch directory */
    const char *stdin_path;  /* may be NULL: /dev/null */
    const char *stdout_path; /* may be NULL: discarded */
    const char *stderr_path; /* may be NULL: kept in the scratch dir and quoted in errors */
    double timeout_s;        /* 0: the rest of the cell's wall-clock limit */
} zkb_spawn_opts;

typedef struct zkb_spawn_result {
    uint32_t struct_size;
    int32_t exit_code;   /* -1 when killed by a signal */
    int32_t term_signal; /* 0 when exited normally */
    uint32_t timed_out;
    double wall_s;
    double user_s;
    double sys_s;
    uint64_t peak_rss_bytes; /* ru_maxrss of the child and its waited-for descendants */
} zkb_spawn_result;

typedef struct zkb_host_api {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t reserved;

    /* Memory: what a plugin hands the host (error text aside) it allocates
     * with alloc and the host frees with free, and vice versa. */
    void *(*alloc)(size_t size);
    void (*free)(void *p);

    void (*log)(zkb_host_ctx *h, uint32_t level, const char *msg);
    /* Detail for the status the current call is about to return. Copied. */
    void (*set_error)(zkb_host_ctx *h, const char *msg);
    /* Monotonic clock in nanoseconds. */
    uint64_t (*now_ns)(void);

    /* Run a program (no shell), wait for it, measure it. Its wall time, CPU
     * time and peak RSS are added to the current phase. Returns ZKB_OK on
     * exit status 0, ZKB_ERR_CHILD on another exit status, ZKB_ERR_CRASHED on
     * a signal, ZKB_ERR_TIMEOUT, ZKB_ERR_CANCELLED; res (may be NULL) is
     * filled in every case where the child started. */
    zkb_status (*spawn)(zkb_host_ctx *h, const zkb_spawn_opts *opts, zkb_spawn_result *res);

    /* Directories, owned by the host, valid for the session. scratch is
     * private to the session and removed afterwards unless kept; cache is
     * shared across runs (keyed by the plugin: <cache>/<backend name>). */
    const char *(*scratch_dir)(zkb_host_ctx *h);
    const char *(*cache_dir)(zkb_host_ctx *h);

    /* Progress of a long phase, fraction in [0,1] or negative if unknown. */
    void (*progress)(zkb_host_ctx *h, double fraction, const char *what);
    /* Non-zero once the host wants the plugin to stop: return ZKB_ERR_CANCELLED. */
    int (*cancelled)(zkb_host_ctx *h);

    /* Record a figure or a fact into the result of the current cell, e.g.
     * ("constraints", 910, "count"), ("proof_size", 805, "bytes"),
     * ("framework_version", "circom 2.2.3"). Keys: [a-z0-9_.]. */
    void (*metric)(zkb_host_ctx *h, const char *key, double value, const char *unit);
    void (*info)(zkb_host_ctx *h, const char *key, const char *value);

    /* The reference evaluator: fixed-point forward pass of the session's
     * model under the session's quantization (available after quantize). */
    zkb_status (*eval_fixed)(zkb_host_ctx *h, const int64_t *x_q, uint64_t n_in,
                             int64_t *out_q, uint64_t n_out);

    /* ---- ABI 1.1 (check struct_size before use) ---- */

    /* Worst-case signed widths, in bits including the sign, of layer i's
     * accumulator (before its division; 0 for layers without one) and of its
     * output, for the session's model and quantization and inputs bounded by
     * the session's input bound (docs/accuracy.md, "Range analysis"); layer
     * ZKB_LAYER_INPUT gives the quantized input's width in out_bits. For
     * sizing range checks: every honest value fits. ZKB_ERR_OVERFLOW when a
     * bound leaves int64 (bits are still reported, up to 128). Available from
     * quantize on. */
    zkb_status (*value_bits)(zkb_host_ctx *h, uint32_t layer, uint32_t *acc_bits,
                             uint32_t *out_bits);

    /* ---- ABI 1.2 (check struct_size before use) ---- */

    /* For a framework that quantizes on its own (e.g. ezkl, whose scales
     * calibration chooses): the quantization its proofs follow, to be used
     * instead of the session's from now on. Call it in setup, before the
     * first witness. The host then checks every verified output against the
     * reference evaluator under q (verify returns outputs at q's output
     * scale), and eval_fixed evaluates under q (its inputs quantized under
     * q; zkb_sample.x_q stays the session's). ZKB_ERR_INVALID_ARG for a bad
     * q, ZKB_ERR_OVERFLOW when the model or a sample cannot be evaluated
     * under q, ZKB_ERR_UNSUPPORTED outside a benchmark cell. Recorded as
     * info "reference_quant". */
    zkb_status (*set_quant)(zkb_host_ctx *h, const zkb_quant *q);
} zkb_host_api;

#define ZKB_LAYER_INPUT 0xFFFFFFFFu

/* ---- the on-chain check of a proof (ABI 1.5) --------------------------- */

/* What the host needs to verify the last verified proof on an EVM: the
 * verifier contract the framework's own tool generated and the call that
 * checks this proof with it. The host compiles, deploys and calls it
 * (docs/evm.md); a backend never runs an EVM itself. Strings are owned by
 * the plugin and stay valid until its next call on the session. */
typedef struct zkb_evm_proof {
    uint32_t struct_size; /* set by the host; fill in only what fits in it */
    uint32_t n_public;    /* public inputs the verifier takes (all of them) */
    const char *verifier_path; /* Solidity source; the same file for every proof of a session */
    const char *contract;      /* contract to deploy from it; NULL or "": the largest one */
    const char *calldata_path; /* the whole call: 4-byte selector and ABI-encoded arguments */
    /* Where to tamper, for the soundness check: the proof's bytes within
     * the calldata (a byte flipped there must be rejected), and a 32-byte
     * big-endian word holding one of the public outputs (+1 there must be
     * rejected). */
    uint64_t proof_offset, proof_len;
    uint64_t output_offset;
    const char *generator; /* how the verifier was made, e.g. "snarkjs 0.7.6 zkey export solidityverifier" */
} zkb_evm_proof;

/* ---- the backend table a plugin exports ------------------------------- */

typedef struct zkb_backend {
    uint32_t struct_size; /* sizeof(zkb_backend) as the plugin was built */
    uint32_t abi_major;   /* ZKB_PLUGIN_ABI_MAJOR */
    uint32_t abi_minor;
    uint32_t flags; /* ZKB_BACKEND_* */

    const char *name;         /* unique, [a-z0-9_-], at most 32 chars */
    const char *version;      /* adapter version */
    const char *proof_system; /* e.g. "groth16", "halo2-kzg", "none" */
    const char *description;

    const zkb_option_decl *options; /* may be NULL when n_options == 0 */
    uint32_t n_options;
    /* ABI 1.3: sizeof(zkb_option_decl) as the plugin was built, the stride
     * of options[]; 0 (what tables built for 1.0-1.2 hold here) means
     * ZKB_OPTION_DECL_SIZE_V1_2. Set it to sizeof(zkb_option_decl). */
    uint32_t option_decl_size;

    /* Mandatory. Is the framework installed and runnable? ZKB_OK or
     * ZKB_ERR_UNAVAILABLE with the reason through set_error. May record
     * framework versions through info. */
    zkb_status (*probe)(zkb_host_ctx *h);
    /* Mandatory. A session holds one model; *state is the plugin's own. */
    zkb_status (*create)(zkb_host_ctx *h, void **state);
    void (*destroy)(void *state);
    /* Optional (NULL: the backend takes no options). Called after create,
     * before load_model, once per key the user set; the host has already
     * checked the key and type against options[]. */
    zkb_status (*set_option)(void *state, const char *key, const zkb_option_value *v);
    /* Mandatory phases, in this order; witness/prove/verify repeat per sample. */
    zkb_status (*load_model)(void *state, const zkb_model_desc *model);
    zkb_status (*quantize)(void *state, const zkb_qmodel_desc *qmodel);
    zkb_status (*setup)(void *state);
    zkb_status (*witness)(void *state, const zkb_sample *sample);
    zkb_status (*prove)(void *state);
    /* Verify the last proof and write its public outputs (fixed-point logits
     * at the session's scale) into outputs[0..n_outputs). ZKB_ERR_VERIFY if
     * the proof does not verify. */
    zkb_status (*verify)(void *state, int64_t *outputs, uint64_t n_outputs);

    /* Optional (NULL: unknown). Support level of an operator (zkb_op). */
    uint32_t (*op_support)(uint32_t op);

    /* ---- ABI 1.2 ---- */

    /* Optional (NULL: none). An accuracy pass without proofs: the
     * framework's own outputs (e.g. ezkl's witness) for n samples at once;
     * x holds n * n_in floats, outputs receives n_outputs integers per
     * sample, at the scale of the proofs' outputs (what verify returns). The
     * backend may stop early (its own time budget): *n_done = the number of
     * leading samples whose outputs it wrote. A sample the framework cannot
     * evaluate (e.g. a value outside its lookup range) gets INT64_MIN as
     * every output: the host counts it as failed, i.e. wrong and differing
     * from the float model. The host calls it once, after
     * the last verify, with the first N test samples of the run's dataset, N
     * being the backend's INT option "accuracy_samples" (0: no pass, -1:
     * the whole split), and records the zk accuracy (docs/accuracy.md, "zk
     * accuracy of a backend"). Not timed as a phase: the backend reports its
     * own metrics; the time counts toward the cell's limit. */
    zkb_status (*eval_batch)(void *state, const float *x, uint64_t n, uint64_t n_in,
                             int64_t *outputs, uint64_t n_outputs, uint64_t *n_done);

    /* ---- ABI 1.5 ---- */

    /* Optional (NULL: the backend has no EVM verifier). Called after a
     * sample's first verify returned ZKB_OK: the verifier contract and the
     * calldata of that proof (zkb_evm_proof). ZKB_ERR_UNSUPPORTED (with the
     * reason through set_error) when this session's proof system or options
     * have no EVM verifier; the host then records no EVM figures. Not timed
     * as a phase: the host's EVM step is. */
    zkb_status (*evm_proof)(void *state, zkb_evm_proof *out);
    /* New members are appended here; the host reads none past struct_size. */
} zkb_backend;

/* flags */
#define ZKB_BACKEND_BASELINE 0x1u /* no proof: a reference point, not a zk framework */

/* Smallest table the v1 host accepts (everything up to verify). */
#define ZKB_BACKEND_MIN_SIZE_V1 (offsetof(zkb_backend, verify) + sizeof(void (*)(void)))

typedef zkb_status (*zkb_plugin_init_fn)(const zkb_host_api *host, uint32_t host_abi_major,
                                         const zkb_backend **out);

#define ZKB_PLUGIN_EXPORT ZKB_EXPORT

/* Each plugin defines exactly this function (declared here with C linkage so
 * that a C++ plugin cannot export a mangled name by mistake). */
ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *host, uint32_t host_abi_major,
                                             const zkb_backend **out);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_PLUGIN_H */
