/* Internal to the library: the plugin layer (lib/plugin/): loading backends
 * (loader.c), probing them in a child (backend_probe.c), the per-session
 * context a plugin receives (zkb_host_ctx) and the services behind
 * zkb_host_api (host.c, spawn.c). */
#ifndef ZKBI_PLUGIN_INT_H
#define ZKBI_PLUGIN_INT_H

#include "core/core_int.h"

#include <pthread.h>

/* ---- plugin code in a forked child (isolate.c) ------------------------------------ */

/* Limits and descriptors of the child. */
typedef struct zkbi_isolate {
    double timeout_s;        /* 0: none */
    uint64_t memory_cap;     /* bytes of RSS over the child's process tree; 0: none */
    const char *stdout_path; /* appended to; NULL: the child's stdout goes to its stderr */
    const char *stderr_path; /* appended to; NULL: the host's stderr */
} zkbi_isolate;

/* The child's work; fd is the write end of the pipe to the parent (> 2).
 * When it returns the child flushes stdout and stderr and _exits(0). */
typedef void (*zkbi_isolate_body)(void *user, int fd);
/* The parent's side: data (or the end of it) is waiting on the non-blocking
 * fd. Return 1 to go on, 0 at the end of the output, -1 when it is garbled
 * (the child is then killed). */
typedef int (*zkbi_isolate_reader)(void *user, int fd);
/* A reader's usual body: what is waiting on fd appended to buf (at most cap
 * - 1 bytes kept in all, the rest read and dropped), *len raised. */
int zkbi_isolate_read_into(int fd, char *buf, size_t cap, size_t *len);

typedef enum zkbi_isolate_how {
    ZKBI_END_EXITED = 0, /* code: exit status */
    ZKBI_END_SIGNALED,   /* code: the signal */
    ZKBI_END_TIMEOUT,
    ZKBI_END_MEMORY_CAP, /* rss: what the tree held */
    ZKBI_END_GARBLED,
    ZKBI_END_HOST        /* host_err: no pipe, no fork */
} zkbi_isolate_how;

typedef struct zkbi_isolate_end {
    zkbi_isolate_how how;
    int code;
    uint64_t rss;
    char host_err[128];
} zkbi_isolate_end;

/* Exit status of a child whose parent died before it started. */
#define ZKBI_ISOLATE_ORPHAN 3

/* Forks, runs body(user, fd) in the child (own session, default signal
 * actions, stdin /dev/null, descriptors as o says), and feeds rd in the
 * parent until the output ends, the time limit or the memory cap is hit, or
 * rd gives up; then kills what is left of the child's session and reaps it.
 * Not async-signal-safe; see docs/plugin-abi.md on forking in a threaded
 * host. */
void zkbi_isolate_run(const zkbi_isolate *o, zkbi_isolate_body body, zkbi_isolate_reader rd, void *user,
                      zkbi_isolate_end *end);
/* "crashed: signal 11 (SIGSEGV)", "did not return within 5 s", "killed at
 * the memory cap of 20 GiB", "exited with status 1", ... */
void zkbi_isolate_describe(const zkbi_isolate_end *e, const zkbi_isolate *o, char *out, size_t cap);

/* ---- loaded backends (loader.c) ------------------------------------------------ */

struct zkb_backend_ref {
    zkb_ctx *ctx;
    void *dl;                /* dlopen handle */
    const zkb_backend *vt;   /* the plugin's table */
    char *path;
    int probed;
    zkb_status probe_status;
    char *probe_detail;      /* "available: ..." or the reason */
    int probe_no_answer;     /* the probe child crashed, hung, hit the cap or exited */
    char *probe_bad_keys;    /* metric and info keys the host refused in probe, or NULL */
    char *data_dir;          /* zkb_backend_data_dir, or NULL */
};

#define ZKBI_PROBE_TIMEOUT_S 60

/* zkb_backend_probe with the child's limits and descriptors given (the
 * public one: 60 s, no cap, stdout onto stderr). Cached like it. */
zkb_status zkbi_backend_probe_with(zkb_backend_ref *b, const zkbi_isolate *limits);

typedef struct zkbi_rejected {
    char *path;
    char *reason;
} zkbi_rejected;

/* Where a plugin's loading stands, as the trial child reports it before
 * each step (so that a crash is pinned on the step). */
#define ZKBI_STAGE_DLOPEN 'D' /* dlopen: the plugin's constructors and libraries */
#define ZKBI_STAGE_INIT 'I'   /* zkb_plugin_init */
#define ZKBI_STAGE_CHECK 'C'  /* the loader's checks of the returned table */
#define ZKBI_STAGE_VERDICT 'V'

/* Writes the stage byte to fd; nothing when fd < 0 (loading in-process). */
void zkbi_plugin_stage(int fd, char stage);

/* dlopen, zkb_plugin_init and the table checks, in this process; on
 * success the handle and the table, else the reason in ctx and the status
 * (the object closed again). stage_fd: see zkbi_plugin_stage. */
zkb_status zkbi_plugin_open(zkb_ctx *ctx, const char *real, int stage_fd, void **dl, const zkb_backend **vt);

/* The same in a forked child with a time limit (trial.c): ZKB_OK when the
 * plugin loads there cleanly, else its rejection reason in ctx (including
 * "zkb_plugin_init crashed: signal 11 (SIGSEGV)" and the like). */
#define ZKBI_PLUGIN_TRIAL_TIMEOUT_S 5
zkb_status zkbi_plugin_trial(zkb_ctx *ctx, const char *real);

/* True when the plugin's table is long enough to hold member m. */
#define ZKBI_VT_HAS(vt, m) \
    ((vt)->struct_size >= offsetof(zkb_backend, m) + sizeof((vt)->m) && (vt)->m != NULL)

/* The stride of vt->options (ABI 1.3 option_decl_size; 0: the 1.2 size). */
static inline size_t zkbi_option_stride(const zkb_backend *vt)
{
    return vt->option_decl_size ? vt->option_decl_size : ZKB_OPTION_DECL_SIZE_V1_2;
}

/* Declaration i of a table the loader accepted (stride checked: at least the
 * 1.2 size, so every member this host knows lies within it). */
static inline const zkb_option_decl *zkbi_option_decl(const zkb_backend *vt, size_t i)
{
    return (const zkb_option_decl *)(const void *)((const char *)vt->options + i * zkbi_option_stride(vt));
}

/* ---- operators and the declared ABI minor (op_abi.c) ----------------------------- */

/* The minor of ABI 1 that introduced op: 0 for the first six, 4 for pad2d. */
uint32_t zkbi_op_abi_minor(uint32_t op);
/* Whether a plugin declaring vt->abi_minor predates op (cannot know it). */
int zkbi_backend_predates_op(const zkb_backend *vt, uint32_t op);
/* 0 when the backend's ABI knows every operator of m; else -1 and why:
 * "layer 2 (pad2d) needs plugin ABI 1.4; backend 'x' declares ABI 1.3 ...". */
int zkbi_backend_knows_model_ops(const zkb_backend_ref *b, const zkb_model_desc *m, char *why, size_t cap);

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
    char bad_keys[512]; /* refused metric and info keys */
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
/* The keys host->metric and host->info refused in this context, as
 * "metric 'Bad Key', info ''" (the first few), "" if none. */
const char *zkbi_host_ctx_bad_keys(const zkb_host_ctx *h);

/* The spawn service (lib/spawn.c). */
zkb_status zkbi_host_spawn(zkb_host_ctx *h, const zkb_spawn_opts *opts, zkb_spawn_result *res);
/* name looked up as spawn (and execvp) does: as given when it has a '/',
 * else the first executable regular file of that name in $PATH. 0, or -1. */
int zkbi_find_program(const char *name, char *out, size_t cap);

/* The data directory of `name` beside a plugin directory (its first dir_len
 * bytes): <plugin_dir>/<ZKB_PLUGINS_TO_DATA>/<name>, real path, when it is a
 * directory; else NULL. Caller frees (loader.c). */
char *zkbi_plugin_data_dir(const char *plugin_dir, size_t dir_len, const char *name);

#endif
