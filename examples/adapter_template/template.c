/* template.c - a skeleton zkmlbench backend (plugin ABI v1).
 *
 * Copy this folder to plugins/<name>/ and follow README.md. Everything that
 * a real adapter must fill in is marked "TODO(adapter)". As it stands the
 * backend is honest: it loads, declares its options, probes for a framework
 * executable that does not exist (so it reports "unavailable"), accepts the
 * model only if every operator is supported (none is, yet), and every proving
 * phase returns ZKB_ERR_UNSUPPORTED with a reason.
 *
 * Rules that matter (docs/plugin-abi.md has all of them):
 * - Never link libzkmlbench; use only the services in zkb_host_api.
 * - Export exactly one symbol, zkb_plugin_init (everything else is static;
 *   the build compiles with -fvisibility=hidden).
 * - Memory handed to the host comes from host->alloc, and vice versa.
 * - Report why something failed with host->set_error before returning the
 *   status; the text is copied.
 * - Run framework tools through host->spawn (argv, no shell) so their time,
 *   CPU and peak memory count towards the phase being measured. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "zkmlbench/zkb_plugin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* TODO(adapter): the name of your backend ([a-z0-9_-], at most 32 chars),
 * the version of this adapter, the proof system, and the executable that
 * probe looks for. */
#define TEMPLATE_NAME "template"
#define TEMPLATE_VERSION "0.0.1"
#define TEMPLATE_PROOF_SYSTEM "none"
#define TEMPLATE_TOOL "zkb-template-prover"

static const zkb_host_api *host;

/* ---- options -------------------------------------------------------------
 * Declared here, checked by the host (key and type) before set_option is
 * called. TODO(adapter): declare your framework's knobs. */
static const zkb_option_decl template_options[] = {
    {"curve", ZKB_OPT_STRING, "bn254", "bn254|bls12-381", "elliptic curve of the proof system"},
    {"threads", ZKB_OPT_INT, "0", NULL, "prover threads (0: the framework's default)"},
};
#define TEMPLATE_N_OPTIONS ((uint32_t)(sizeof template_options / sizeof template_options[0]))

/* ---- per-session state ------------------------------------------------ */
typedef struct template_state {
    zkb_host_ctx *h;
    char curve[16];
    int64_t threads;
    /* Copied from the model at load_model: the descriptors belong to the host. */
    uint64_t n_in;
    uint64_t n_out;
    int64_t scale_factor; /* S, from quantize */
    int loaded;
    int quantized;
    /* TODO(adapter): paths of the circuit, keys, witness and proof files in
     * host->scratch_dir(h) or host->cache_dir(h), handles, ... */
} template_state;

/* set_error with printf formatting (the host copies the text). */
__attribute__((format(printf, 2, 3))) static void fail(zkb_host_ctx *h, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    host->set_error(h, msg);
}

/* ---- operator support ---------------------------------------------------
 * TODO(adapter): say what the framework can do: ZKB_SUPPORT_NATIVE,
 * ZKB_SUPPORT_EMULATED (e.g. a pool built from other gates) or
 * ZKB_SUPPORT_NONE. This feeds the compatibility matrix and load_model. */
static uint32_t template_op_support(uint32_t op)
{
    switch (op) {
    case ZKB_OP_DENSE:
    case ZKB_OP_CONV2D:
    case ZKB_OP_AVGPOOL2D:
    case ZKB_OP_MAXPOOL2D:
    case ZKB_OP_RELU:
    case ZKB_OP_FLATTEN:
    case ZKB_OP_PAD2D:
    default:
        return ZKB_SUPPORT_NONE;
    }
}

static const char *op_label(uint32_t op)
{
    static const char *const names[ZKB_OP_MAX + 1] = {"?", "dense", "conv2d", "avgpool2d", "maxpool2d",
                                                      "relu", "flatten", "pad2d"};
    return op <= ZKB_OP_MAX ? names[op] : "unknown";
}

/* ---- probe: is the framework installed? ---------------------------------
 * Looks for TEMPLATE_TOOL in PATH. Must be quick and must not change
 * anything. TODO(adapter): also run `<tool> --version` through host->spawn
 * and record it with host->info(h, "framework_version", ...). */
static int find_in_path(const char *tool, char *out, size_t outsz)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    while (*path) {
        size_t len = strcspn(path, ":");
        if (len > 0 && (size_t)snprintf(out, outsz, "%.*s/%s", (int)len, path, tool) < outsz &&
            access(out, X_OK) == 0)
            return 1;
        path += len;
        if (*path == ':')
            path++;
    }
    return 0;
}

static zkb_status template_probe(zkb_host_ctx *h)
{
    char exe[4096];
    if (!find_in_path(TEMPLATE_TOOL, exe, sizeof exe)) {
        fail(h, "%s not found in PATH (TODO(adapter): this is the adapter template)",
             TEMPLATE_TOOL);
        return ZKB_ERR_UNAVAILABLE;
    }
    host->info(h, "framework_path", exe);
    return ZKB_OK;
}

/* ---- session ------------------------------------------------------------ */
static zkb_status template_create(zkb_host_ctx *h, void **out)
{
    template_state *s = host->alloc(sizeof *s);
    if (!s)
        return ZKB_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->h = h;
    strcpy(s->curve, "bn254");
    *out = s;
    return ZKB_OK;
}

static void template_destroy(void *state)
{
    template_state *s = state;
    if (!s)
        return;
    /* TODO(adapter): release framework handles; files in the scratch
     * directory are removed by the host. */
    host->free(s);
}

static zkb_status template_set_option(void *state, const char *key, const zkb_option_value *v)
{
    template_state *s = state;
    if (strcmp(key, "curve") == 0) {
        if (!v->s || strlen(v->s) >= sizeof s->curve) {
            fail(s->h, "bad value for option curve: %s", v->s ? v->s : "(null)");
            return ZKB_ERR_INVALID_ARG;
        }
        strcpy(s->curve, v->s);
        return ZKB_OK;
    }
    if (strcmp(key, "threads") == 0) {
        if (v->i < 0) {
            fail(s->h, "option threads must be >= 0, not %lld", (long long)v->i);
            return ZKB_ERR_INVALID_ARG;
        }
        s->threads = v->i;
        return ZKB_OK;
    }
    fail(s->h, "unknown option %s", key);
    return ZKB_ERR_NOT_FOUND;
}

/* ---- phases, in order: load_model, quantize, setup, then witness, prove,
 * verify for every sample ----------------------------------------------- */
static zkb_status template_load_model(void *state, const zkb_model_desc *m)
{
    template_state *s = state;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        uint32_t op = m->layers[i]->op;
        if (template_op_support(op) == ZKB_SUPPORT_NONE) {
            fail(s->h, "operator %s is not supported by " TEMPLATE_NAME " (TODO(adapter))",
                 op_label(op));
            return ZKB_ERR_UNSUPPORTED;
        }
    }
    s->n_in = (uint64_t)m->in_c * m->in_h * m->in_w;
    s->n_out = m->classes;
    s->loaded = 1;
    /* TODO(adapter): translate the model into the framework's format (a
     * circuit, an ONNX file, ...) under host->scratch_dir(s->h). */
    return ZKB_OK;
}

static zkb_status template_quantize(void *state, const zkb_qmodel_desc *qm)
{
    template_state *s = state;
    if (!s->loaded) {
        host->set_error(s->h, "quantize before load_model");
        return ZKB_ERR_STATE;
    }
    s->scale_factor = qm->scale_factor;
    s->quantized = 1;
    /* TODO(adapter): use the host's integer weights (qm->layers[i]->weights,
     * bias, rescale_divisor) so the proof computes exactly what the
     * reference evaluator computes. */
    return ZKB_OK;
}

static zkb_status template_setup(void *state)
{
    template_state *s = state;
    /* TODO(adapter): compile the circuit, generate keys (use
     * host->cache_dir for anything reusable across runs), record
     * host->metric(s->h, "constraints", n, "count"). */
    host->set_error(s->h, TEMPLATE_NAME ": setup is not implemented (TODO(adapter))");
    return ZKB_ERR_UNSUPPORTED;
}

static zkb_status template_witness(void *state, const zkb_sample *x)
{
    template_state *s = state;
    if (x->n != s->n_in) {
        host->set_error(s->h, "sample size differs from the model's input size");
        return ZKB_ERR_INVALID_ARG;
    }
    /* TODO(adapter): compute the witness for x->x_q (inputs at scale S). */
    host->set_error(s->h, TEMPLATE_NAME ": witness is not implemented (TODO(adapter))");
    return ZKB_ERR_UNSUPPORTED;
}

static zkb_status template_prove(void *state)
{
    template_state *s = state;
    /* TODO(adapter): prove; record host->metric(s->h, "proof_size", bytes, "bytes"). */
    host->set_error(s->h, TEMPLATE_NAME ": prove is not implemented (TODO(adapter))");
    return ZKB_ERR_UNSUPPORTED;
}

static zkb_status template_verify(void *state, int64_t *outputs, uint64_t n_outputs)
{
    template_state *s = state;
    (void)outputs;
    if (n_outputs != s->n_out) {
        host->set_error(s->h, "output count differs from the model's classes");
        return ZKB_ERR_INVALID_ARG;
    }
    /* TODO(adapter): verify the last proof; return ZKB_ERR_VERIFY when it
     * does not verify; otherwise copy its public outputs (logits at scale S)
     * into outputs[0..n_outputs). The host compares them with the reference
     * evaluator: never copy them from anywhere but the verified proof. */
    host->set_error(s->h, TEMPLATE_NAME ": verify is not implemented (TODO(adapter))");
    return ZKB_ERR_UNSUPPORTED;
}

/* ---- the table and the entry point -------------------------------------- */
static const zkb_backend template_backend = {
    .struct_size = sizeof(zkb_backend),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .flags = 0,
    .name = TEMPLATE_NAME,
    .version = TEMPLATE_VERSION,
    .proof_system = TEMPLATE_PROOF_SYSTEM,
    .description = "adapter template: copy it to write a backend (not a framework)",
    .options = template_options,
    .n_options = TEMPLATE_N_OPTIONS,
    .option_decl_size = sizeof(zkb_option_decl),
    .probe = template_probe,
    .create = template_create,
    .destroy = template_destroy,
    .set_option = template_set_option,
    .load_model = template_load_model,
    .quantize = template_quantize,
    .setup = template_setup,
    .witness = template_witness,
    .prove = template_prove,
    .verify = template_verify,
    .op_support = template_op_support,
};

ZKB_PLUGIN_EXPORT zkb_status zkb_plugin_init(const zkb_host_api *h, uint32_t host_abi_major,
                                             const zkb_backend **out)
{
    if (host_abi_major != ZKB_PLUGIN_ABI_MAJOR || !h || h->struct_size < sizeof(zkb_host_api))
        return ZKB_ERR_ABI;
    host = h;
    *out = &template_backend;
    return ZKB_OK;
}
