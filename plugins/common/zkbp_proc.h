/* Programs: finding them on PATH, running them through host->spawn (so the
 * host measures their time and memory as part of the phase), and reading
 * their version. */
#ifndef ZKBP_PROC_H
#define ZKBP_PROC_H

#include <stddef.h>

#include "zkmlbench/zkb_plugin.h"

/* The absolute path of an executable name on $PATH into out; 0, or -1 (out
 * is then ""). */
int zkbp_find_on_path(const char *name, char *out, size_t cap);

#define ZKBP_SILENT (-1)

typedef struct zkbp_child {
    const char *what;         /* names the child in messages: "snarkjs prove" */
    const char *const *argv;  /* NULL-terminated; argv[0] a path or a name on PATH */
    const char *const *env;   /* extra "KEY=VALUE" entries, or NULL */
    const char *cwd;          /* NULL: the scratch directory */
    const char *stdout_path;  /* NULL: discarded */
    const char *stderr_path;  /* NULL: kept by the host and quoted in its error */
    double timeout_s;         /* 0: the rest of the cell's limit */
    int log_level;            /* a ZKB_LOG_* level for "<backend> backend: <what> failed
                               * (exit N)" when it fails, or ZKBP_SILENT */
} zkbp_child;

/* Runs c through host->spawn; r (may be NULL) gets the measurements (zeros
 * when nothing ran). When the cell is already cancelled, ZKB_ERR_CANCELLED
 * ("<what>: cancelled") without starting anything. A failure keeps the host's error detail (the
 * child's stderr tail). */
zkb_status zkbp_run(zkb_host_ctx *h, const zkbp_child *c, zkb_spawn_result *r);

/* The first line of what argv prints ("unknown" when it does not run), e.g.
 * of {"node", "--version", NULL}. */
void zkbp_program_version(zkb_host_ctx *h, const char *const *argv, char *out, size_t cap);

#endif
