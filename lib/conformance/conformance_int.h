/* Internal to the library: the conformance layer (lib/conformance/):
 * zkb_conformance_run (conformance.c: orchestration and the isolated
 * children; conformance_session.c: the checks that drive a backend session
 * directly). */
#ifndef ZKBI_CONFORMANCE_INT_H
#define ZKBI_CONFORMANCE_INT_H

#include "run/run_int.h"

#include <limits.h>

#define ZKBI_CONF_SAMPLES 2

typedef struct zkbi_conf {
    zkb_ctx *ctx;          /* private: holds only the plugin under test */
    const char *plugin_path;
    zkb_backend_ref *b;    /* after the load check passed */
    const char *options;   /* the user's "k=v,..." */
    zkbi_opt *opts;
    size_t n_opts;
    double timeout_s;
    uint64_t memory_cap;   /* bytes of each child's process tree; 0: none */
    char work[PATH_MAX];   /* mkdtemp: logs, scratch, the runner's output */
    char model_file[PATH_MAX + 32];
    zkb_model *model;
    zkbi_qmodel *qm;
    zkb_ranges *ranges;
    size_t n_in, n_out;
    float x[ZKBI_CONF_SAMPLES][4096];
    int64_t x_q[ZKBI_CONF_SAMPLES][4096];
    int64_t ref[ZKBI_CONF_SAMPLES][64]; /* the reference evaluator's outputs */
    unsigned n_children;
} zkbi_conf;

/* Child side: report that a check starts (so a crash is pinned on it) and
 * its result. */
void zkbi_conf_begin(int fd, const char *check);
void zkbi_conf_result(int fd, const char *check, uint32_t result, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A status a plugin method returned without a message (for the "errors"
 * check); what names the call. */
void zkbi_conf_silent_error(int fd, const char *what);
void zkbi_conf_error_seen(int fd);
/* Metric and info keys the host refused in a session (zkbi_host_ctx_bad_keys). */
void zkbi_conf_bad_keys(int fd, const char *keys);

/* The session checks, each run in its own child (conformance_session.c).
 * Each body reports the checks it names in its table entry. */
typedef void (*zkbi_conf_body)(const zkbi_conf *c, int fd);

typedef struct zkbi_conf_group {
    const char *checks[4]; /* names this body reports; NULL-terminated */
    zkbi_conf_body body;
} zkbi_conf_group;

extern const zkbi_conf_group zkbi_conf_session_groups[];
extern const size_t zkbi_conf_n_session_groups;

#endif
