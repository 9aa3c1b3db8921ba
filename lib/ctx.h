/* Internal: the context and backend references. */
#ifndef ZKBI_CTX_H
#define ZKBI_CTX_H

#include "error.h"
#include "zkmlbench/zkb_plugin.h"
#include "zkmlbench/zkmlbench.h"

struct zkb_backend_ref {
    zkb_ctx *ctx;
    void *dl;                /* dlopen handle */
    const zkb_backend *vt;   /* the plugin's table */
    char *path;
    int probed;
    zkb_status probe_status;
    char *probe_detail;      /* "available: ..." or the reason */
};

typedef struct zkbi_rejected {
    char *path;
    char *reason;
} zkbi_rejected;

struct zkb_ctx {
    char err[ZKBI_ERR_LEN];
    char *cache_dir;
    char *data_dir;
    char *plugin_dir;
    uint32_t log_level;
    zkb_log_fn log_fn;
    void *log_user;
    zkb_backend_ref **backends;
    size_t n_backends;
    zkbi_rejected *rejected;
    size_t n_rejected;
};

/* Set the context's last error (printf-style) and return status. */
zkb_status zkbi_ctx_fail(zkb_ctx *ctx, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void zkbi_ctx_log(const zkb_ctx *ctx, uint32_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Unload every plugin (lib/plugin.c); called by zkb_ctx_free. */
void zkbi_ctx_unload_plugins(zkb_ctx *ctx);

/* True when the plugin's table is long enough to hold member m. */
#define ZKBI_VT_HAS(vt, m) \
    ((vt)->struct_size >= offsetof(zkb_backend, m) + sizeof((vt)->m) && (vt)->m != NULL)

/* Support level of op for backend b, ZKB_SUPPORT_NONE when it does not say. */
uint32_t zkbi_backend_op_support(const zkb_backend_ref *b, uint32_t op);

/* In a forked child: every signal back to its default action, none blocked,
 * so a fault kills the child even where the host (cmocka, Python, a
 * sanitizer) installed handlers. Async-signal-safe. */
void zkbi_reset_signals(void);

/* The host services table handed to every plugin (lib/host.c). */
const zkb_host_api *zkbi_host_api(void);

#endif
