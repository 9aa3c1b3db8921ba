/* Internal to the library: the plugin layer (lib/plugin/): loading backends
 * (loader.c), probing them in a child (backend_probe.c), the per-session
 * context a plugin receives (zkb_host_ctx) and the services behind
 * zkb_host_api (host.c, spawn.c). */
#ifndef ZKBI_PLUGIN_INT_H
#define ZKBI_PLUGIN_INT_H

#include "core/core_int.h"

#include <pthread.h>

/* ---- loaded backends (loader.c) ------------------------------------------------ */

struct zkb_backend_ref {
    zkb_ctx *ctx;
    void *dl;                /* dlopen handle */
    const zkb_backend *vt;   /* the plugin's table */
    char *path;
    int probed;
    zkb_status probe_status;
    char *probe_detail;      /* "available: ..." or the reason */
    char *data_dir;          /* zkb_backend_data_dir, or NULL */
};

typedef struct zkbi_rejected {
    char *path;
    char *reason;
} zkbi_rejected;

/* True when the plugin's table is long enough to hold member m. */
#define ZKBI_VT_HAS(vt, m) \
    ((vt)->struct_size >= offsetof(zkb_backend, m) + sizeof((vt)->m) && (vt)->m != NULL)

/* Support level of op for backend b, ZKB_SUPPORT_NONE when it does not say. */
uint32_t zkbi_backend_op_support(const zkb_backend_ref *b, uint32_t op);

/* The host services table handed to every plugin (host.c). */
const zkb_host_api *zkbi_host_api(void);

/* ---- the session context and the host services (host.c, spawn.c) ------------------ */

/* Room for an error plus the tail of a child's stderr. */
#define ZKBI_HOST_ERR_LEN 4096
#define ZKBI_STDERR_TAIL 2048

/* Where a session's reports go besides the context itself, e.g. to the
 * supervising parent of a cell. Any member may be NULL. */
typedef struct zkbi_host_sink {
    void (*log)(void *user, uint32_t level, const char *msg);
    void (*metric)(void *user, const char *key, double value, const char *unit);
    void (*info)(void *user, const char *key, const char *value);
    void (*progress)(void *user, double fraction, const char *what);
    void *user;
} zkbi_host_sink;

/* The fixed-point evaluator behind host->eval_fixed. */
typedef zkb_status (*zkbi_eval_fixed_fn)(void *user, const int64_t *x_q, uint64_t n_in,
                                         int64_t *out_q, uint64_t n_out, char *err,
                                         size_t errlen);

/* What host->set_quant does in a cell (lib/run/cell_child.c). */
typedef zkb_status (*zkbi_set_quant_fn)(void *user, const zkb_quant *q, char *err, size_t errlen);

typedef struct zkbi_host_kv {
    char *key;
    char *value;
} zkbi_host_kv;

typedef struct zkbi_host_metric {
    char *key;
    char *unit;
    double last, min, max;
    uint64_t n;
} zkbi_host_metric;

struct zkb_host_ctx {
    zkb_ctx *ctx;
    zkb_backend_ref *b; /* may be NULL */
    pthread_mutex_t mu; /* plugins may call services from several threads */
    char err[ZKBI_HOST_ERR_LEN];
    zkbi_host_kv *infos;
    size_t n_infos;
    zkbi_host_metric *metrics;
    size_t n_metrics;
    char *scratch;
    int own_scratch; /* created lazily here: removed by free */
    char *cache;
    zkbi_host_sink sink;
    zkbi_eval_fixed_fn eval;
    void *eval_user;
    const struct zkb_ranges *ranges; /* analytic ranges behind value_bits; may be NULL */
    zkbi_set_quant_fn set_quant;     /* behind host->set_quant; NULL: unsupported */
    void *set_quant_user;
    zkbi_span *phase;     /* current phase: spawned children are added to it */
    uint64_t deadline_ns; /* 0: none */
    _Atomic int cancel;
    _Atomic uint32_t spawn_seq;
};

/* A context with no model, e.g. for probe. b may be NULL. */
zkb_host_ctx *zkbi_host_ctx_new(zkb_ctx *ctx, zkb_backend_ref *b);
void zkbi_host_ctx_free(zkb_host_ctx *h);

/* Text given through set_error, "" if none. */
const char *zkbi_host_ctx_error(const zkb_host_ctx *h);
void zkbi_host_ctx_clear_error(zkb_host_ctx *h);

/* Facts recorded through host->info (last value per key, in first-seen order). */
size_t zkbi_host_ctx_info_count(const zkb_host_ctx *h);
const char *zkbi_host_ctx_info_key(const zkb_host_ctx *h, size_t i);
const char *zkbi_host_ctx_info_value(const zkb_host_ctx *h, size_t i);
/* Figures recorded through host->metric, aggregated per key. */
size_t zkbi_host_ctx_metric_count(const zkb_host_ctx *h);
const zkbi_host_metric *zkbi_host_ctx_metric(const zkb_host_ctx *h, size_t i);

/* Session wiring (the runner's cell child). Strings are copied. */
int zkbi_host_ctx_set_scratch(zkb_host_ctx *h, const char *dir);
void zkbi_host_ctx_set_sink(zkb_host_ctx *h, const zkbi_host_sink *sink);
void zkbi_host_ctx_set_evaluator(zkb_host_ctx *h, zkbi_eval_fixed_fn fn, void *user);
void zkbi_host_ctx_set_quant_hook(zkb_host_ctx *h, zkbi_set_quant_fn fn, void *user);
/* The session's range analysis (not owned), for host->value_bits. */
void zkbi_host_ctx_set_ranges(zkb_host_ctx *h, const struct zkb_ranges *ranges);
void zkbi_host_ctx_set_phase(zkb_host_ctx *h, zkbi_span *phase);
void zkbi_host_ctx_set_deadline(zkb_host_ctx *h, uint64_t deadline_ns);
void zkbi_host_ctx_cancel(zkb_host_ctx *h);

/* Keys of metrics and infos: [a-z0-9_.]{1,64}. */
int zkbi_host_key_ok(const char *key);

/* The spawn service (lib/spawn.c). */
zkb_status zkbi_host_spawn(zkb_host_ctx *h, const zkb_spawn_opts *opts, zkb_spawn_result *res);

#endif
