/* Checks that run after one combination of the public headers has been
 * included. The build generates one wrapper per combination (each header
 * alone, all of them in one order and in the reverse order), which includes
 * the headers, each twice to check its include guard, then this file. Each
 * wrapper is compiled as C11 (.c) and as C++17 (.cpp) with -Wall -Wextra
 * -Werror -pedantic and more (see CMakeLists.txt). The blocks below use the
 * declarations of whichever headers were included, found by their include
 * guards. Nothing here is linked or run: compiling is the test. */
#include <stddef.h> /* after the headers, which must bring their own */

#ifdef __cplusplus
#define ABI_NULL nullptr
#define ABI_ASSERT(c, msg) static_assert(c, msg)
#define ABI_ZERO {}
#define ABI_EXTERN_C extern "C"
#else
#define ABI_NULL NULL
#define ABI_ASSERT(c, msg) _Static_assert(c, msg)
#define ABI_ZERO {0}
#define ABI_EXTERN_C
#endif

/* ---- zkb_common.h, reached through every header ------------------------ */
#if defined(ZKB_COMMON_H)
ABI_ASSERT(ZKB_VERSION_NUMBER == ZKB_VERSION_MAJOR * 10000 + ZKB_VERSION_MINOR * 100 + ZKB_VERSION_PATCH,
           "version number");
ABI_ASSERT(ZKB_OK == 0, "ZKB_OK is 0");
ABI_ASSERT(ZKB_OP_MAX == ZKB_OP_PAD2D, "ZKB_OP_MAX names the last operator");
ABI_ASSERT(ZKB_OP_PAD2D == 7, "operator values are fixed");
ABI_ASSERT(ZKB_OUTPUT_FN_MAX == ZKB_OUTPUT_SIGMOID && ZKB_OUTPUT_LOGITS == 0,
           "ZKB_OUTPUT_FN_MAX names the last output function; 0 is none");
ABI_ASSERT(sizeof(zkb_quant) == 4 * sizeof(uint32_t), "zkb_quant has no padding");

int zkb_abi_check_common(void);
int zkb_abi_check_common(void)
{
    zkb_quant q = ABI_ZERO;
    zkb_status s = ZKB_ERR_INTERNAL;
    q.struct_size = (uint32_t)sizeof q;
    q.scheme = ZKB_QUANT_POW2;
    q.rounding = ZKB_ROUND_HALF_UP;
    return (int)s + (int)q.struct_size + (int)ZKB_SUPPORT_EMULATED + (int)sizeof ZKB_VERSION_STRING;
}
#endif

/* ---- zkmlbench.h: every declaration is usable as a C function ---------- */
#if defined(ZKMLBENCH_H)
int zkb_abi_check_host(void);
int zkb_abi_check_host(void)
{
    const char *(*vs)(void) = zkb_version_string;
    uint32_t (*vn)(void) = zkb_version_number;
    const char *(*ss)(zkb_status) = zkb_status_str;
    zkb_status (*cn)(zkb_ctx **) = zkb_ctx_new;
    void (*cf)(zkb_ctx *) = zkb_ctx_free;
    zkb_status (*ml)(zkb_ctx *, const char *, zkb_model **) = zkb_model_load_file;
    zkb_status (*ef)(zkb_model *, const float *, size_t, float *, size_t) = zkb_model_eval_float;
    zkb_status (*ex)(zkb_model *, const zkb_quant *, const int64_t *, size_t, int64_t *, size_t) =
        zkb_model_eval_fixed;
    zkb_status (*ra)(zkb_run *, const char *, const char *, const char *, size_t *) =
        zkb_run_add_cell;
    uint32_t (*of)(const zkb_model *) = zkb_model_output_fn;
    const char *(*on)(uint32_t) = zkb_output_fn_name;
    zkb_log_fn lf = ABI_NULL;
    zkb_progress_fn pf = ABI_NULL;
    zkb_backend_ref *b = ABI_NULL;
    (void)b;
    return (vs != ABI_NULL) + (vn != ABI_NULL) + (ss != ABI_NULL) + (cn != ABI_NULL) +
           (cf != ABI_NULL) + (ml != ABI_NULL) + (ef != ABI_NULL) + (ex != ABI_NULL) +
           (ra != ABI_NULL) + (of != ABI_NULL) + (on != ABI_NULL) + (lf == ABI_NULL) + (pf == ABI_NULL);
}
#endif

/* ---- zkb_report.h: reports are usable as plain C functions -------------- */
#if defined(ZKB_REPORT_H)
ABI_ASSERT(ZKB_REPORT_AXIS_ACCURACY == 0 && ZKB_REPORT_AXIS_VERIFY_TIME == ZKB_REPORT_AXIS_COUNT - 1,
           "report axes are 0..ZKB_REPORT_AXIS_COUNT-1");
ABI_ASSERT(ZKB_REPORT_TIME_VS_PARAMS == 0 && ZKB_REPORT_MEMORY_VS_CIRCUIT == ZKB_REPORT_SCALING_COUNT - 1,
           "scaling kinds are 0..ZKB_REPORT_SCALING_COUNT-1");

int zkb_abi_check_report(void);
int zkb_abi_check_report(void)
{
    zkb_status (*rn)(zkb_report **) = zkb_report_new;
    void (*rf)(zkb_report *) = zkb_report_free;
    zkb_status (*ap)(zkb_report *, const char *) = zkb_report_add_path;
    zkb_status (*at)(zkb_report *, const char *, const char *, size_t) = zkb_report_add_text;
    zkb_status (*ev)(const zkb_report *, size_t, const char *, double *, double *, double *) =
        zkb_report_entry_value;
    zkb_status (*es)(const zkb_report *, size_t, uint32_t, double *) = zkb_report_entry_score;
    zkb_status (*sl)(const zkb_report *, size_t, uint32_t, double *, double *, size_t *) =
        zkb_report_series_slope;
    zkb_status (*wr)(zkb_report *, const char *) = zkb_report_write;
    zkb_report *r = ABI_NULL;
    (void)r;
    return (rn != ABI_NULL) + (rf != ABI_NULL) + (ap != ABI_NULL) + (at != ABI_NULL) + (ev != ABI_NULL) +
           (es != ABI_NULL) + (sl != ABI_NULL) + (wr != ABI_NULL);
}
#endif

/* ---- zkb_plugin.h: a complete backend table and entry point ------------ */
#if defined(ZKB_PLUGIN_H)

ABI_ASSERT(offsetof(zkb_backend, struct_size) == 0, "struct_size comes first");
ABI_ASSERT(offsetof(zkb_backend, abi_major) == 4, "abi_major comes second");
ABI_ASSERT(offsetof(zkb_host_api, struct_size) == 0, "host api: struct_size first");
ABI_ASSERT(ZKB_BACKEND_MIN_SIZE_V1 <= sizeof(zkb_backend), "v1 minimum fits the table");
ABI_ASSERT(ZKB_PLUGIN_ABI_MAJOR == 1, "this test knows ABI v1");

static zkb_status t_probe(zkb_host_ctx *h) { (void)h; return ZKB_ERR_UNAVAILABLE; }
static zkb_status t_create(zkb_host_ctx *h, void **s) { (void)h; *s = ABI_NULL; return ZKB_OK; }
static void t_destroy(void *s) { (void)s; }
static zkb_status t_set_option(void *s, const char *k, const zkb_option_value *v)
{
    (void)s; (void)k; (void)v;
    return ZKB_ERR_UNSUPPORTED;
}
static zkb_status t_load(void *s, const zkb_model_desc *m) { (void)s; (void)m; return ZKB_OK; }
static zkb_status t_quant(void *s, const zkb_qmodel_desc *q) { (void)s; (void)q; return ZKB_OK; }
static zkb_status t_setup(void *s) { (void)s; return ZKB_OK; }
static zkb_status t_witness(void *s, const zkb_sample *x) { (void)s; (void)x; return ZKB_OK; }
static zkb_status t_prove(void *s) { (void)s; return ZKB_OK; }
static zkb_status t_verify(void *s, int64_t *o, uint64_t n) { (void)s; (void)o; (void)n; return ZKB_OK; }
static uint32_t t_op_support(uint32_t op) { (void)op; return ZKB_SUPPORT_NONE; }

static const zkb_option_decl t_options[] = {
    {"curve", ZKB_OPT_STRING, "bn254", "bn254|bls12-381", "elliptic curve"},
};

static zkb_backend t_backend(void)
{
    zkb_backend b = ABI_ZERO;
    b.struct_size = (uint32_t)sizeof(zkb_backend);
    b.abi_major = ZKB_PLUGIN_ABI_MAJOR;
    b.abi_minor = ZKB_PLUGIN_ABI_MINOR;
    b.flags = ZKB_BACKEND_BASELINE;
    b.name = "abi-test";
    b.version = "0";
    b.proof_system = "none";
    b.description = "header test";
    b.options = t_options;
    b.n_options = (uint32_t)(sizeof t_options / sizeof t_options[0]);
    b.option_decl_size = (uint32_t)sizeof(zkb_option_decl);
    b.probe = t_probe;
    b.create = t_create;
    b.destroy = t_destroy;
    b.set_option = t_set_option;
    b.load_model = t_load;
    b.quantize = t_quant;
    b.setup = t_setup;
    b.witness = t_witness;
    b.prove = t_prove;
    b.verify = t_verify;
    b.op_support = t_op_support;
    return b;
}

static zkb_backend t_table;

ABI_EXTERN_C ZKB_PLUGIN_EXPORT zkb_status ZKB_PLUGIN_ENTRY(const zkb_host_api *host,
                                                           uint32_t host_abi_major,
                                                           const zkb_backend **out);
ABI_EXTERN_C ZKB_PLUGIN_EXPORT zkb_status ZKB_PLUGIN_ENTRY(const zkb_host_api *host,
                                                           uint32_t host_abi_major,
                                                           const zkb_backend **out)
{
    zkb_plugin_init_fn self = ZKB_PLUGIN_ENTRY;
    zkb_spawn_opts so = ABI_ZERO;
    zkb_spawn_result sr = ABI_ZERO;
    const char *argv[] = {"true", ABI_NULL};
    (void)self;
    if (host_abi_major != ZKB_PLUGIN_ABI_MAJOR || !host || host->struct_size < sizeof(zkb_host_api))
        return ZKB_ERR_ABI;
    so.struct_size = (uint32_t)sizeof so;
    so.argv = argv;
    sr.struct_size = (uint32_t)sizeof sr;
    (void)sr;
    t_table = t_backend();
    *out = &t_table;
    return ZKB_OK;
}
#endif
