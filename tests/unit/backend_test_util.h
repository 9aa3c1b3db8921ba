/* Shared by the framework backend tests (test_circom.c, test_ezkl.c): load a
 * backend's plugin and decide whether its cases run; run a tool directly. */
#ifndef ZKB_TEST_BACKEND_TEST_UTIL_H
#define ZKB_TEST_BACKEND_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zkmlbench/zkmlbench.h"

/* Loads the plugin at path and probes backend `name`. Returns 1 when it can
 * run, 0 when it cannot (the cases skip; printed with `hint`), -1 when the
 * plugin does not load, or when it cannot run although ZKB_REQUIRE_BACKENDS
 * (set by scripts/test.sh, which installs the tools) asks for it: there, a
 * backend that cannot run is a failure, not a skip. why gets the probe detail. */
static int zkbt_open_backend(zkb_ctx *ctx, const char *path, const char *name, const char *hint,
                             char *why, size_t why_len)
{
    if (zkb_ctx_load_plugin(ctx, path) != ZKB_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, zkb_ctx_last_error(ctx));
        return -1;
    }
    zkb_backend_ref *b = zkb_backend_find(ctx, name);
    int available = b && zkb_backend_probe(b) == ZKB_OK;
    snprintf(why, why_len, "%s", b ? zkb_backend_probe_detail(b) : "no backend");
    if (available)
        return 1;
    printf("[  SKIP    ] %s backend unavailable (%s): %s\n", name, why, hint);
    const char *req = getenv("ZKB_REQUIRE_BACKENDS");
    if (req && strcmp(req, "0") != 0) {
        fprintf(stderr, "ZKB_REQUIRE_BACKENDS is set but %s is unavailable: %s\n", name, why);
        return -1;
    }
    return 0;
}

/* Runs argv (argv[0] looked up in PATH when it has no '/'), stdout to out (or
 * /dev/null), stderr discarded; its exit status, 128 after a signal, -1 when
 * it could not be waited for. */
static int run_argv(const char *const *argv, const char *out)
{
    pid_t pid = fork();
    if (pid == 0) {
        FILE *o = freopen(out ? out : "/dev/null", "w", stdout);
        (void)o;
        FILE *e = freopen("/dev/null", "w", stderr);
        (void)e;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#endif
