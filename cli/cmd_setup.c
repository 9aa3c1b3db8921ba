/* zkbench setup: install the frameworks' toolchains of an installed zkbench. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void setup_help(void)
{
    printf("usage: zkbench setup [--list] [BACKEND...]\n\n"
           "Installs the toolchains the framework backends drive (the npm packages of\n"
           "circom and noir, a Python virtual environment with ezkl, the gnark driver\n"
           "built with go, circom's arkworks prover built with cargo) and the EVM step's\n"
           "(`evm`: solc and @ethereumjs/vm from npm, docs/evm.md), pinned by the lock\n"
           "files installed with each (its data directory), into the toolchain\n"
           "directory, one folder each:\n"
           "  $ZKB_TOOLCHAIN_DIR, else $XDG_DATA_HOME/zkmlbench/toolchains,\n"
           "  else ~/.local/share/zkmlbench/toolchains\n"
           "Without BACKEND, every backend that has a toolchain to install, and evm. Needs node\n"
           "and npm (circom, noir), python3 with venv (ezkl), go >= 1.21 (gnark) or cargo\n"
           "(circom's prover=arkworks); downloads from the npm registry, PyPI, the Go module\n"
           "proxy and crates.io (native drivers are built once per source into\n"
           "$ZKB_BUILD_CACHE, default ~/.cache/zkmlbench/build). Running it again checks\n"
           "and returns at once when nothing changed. Then it probes each backend and says\n"
           "whether it is available.\n\n"
           "  --list   say what would be installed where, and install nothing\n\n"
           "exit: 0 every backend set up and available, 1 a setup failed or a backend\n"
           "is still unavailable, 2 usage, 3 an unknown backend or one without a\n"
           "toolchain, 4 internal error\n");
}

/* <data dir>/setup.sh, or NULL when the backend has no toolchain to install. */
static const char *setup_script(const zkb_backend_ref *b, char *buf, size_t cap)
{
    const char *d = zkb_backend_data_dir(b);
    struct stat st;
    if (!d || (size_t)snprintf(buf, cap, "%s/setup.sh", d) >= cap || stat(buf, &st) != 0 ||
        !S_ISREG(st.st_mode))
        return NULL;
    return buf;
}

/* sh SCRIPT DEST, with this terminal; 0 when it exits 0. */
static int run_script(const char *script, const char *dest)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", script, dest, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    pid_t r;
    while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
    }
    return r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int wanted(const char *name, int argc, char **argv, int first)
{
    if (first >= argc)
        return 1;
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int cmd_setup(int argc, char **argv)
{
    int list_only = 0, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
            setup_help();
            return EXIT_OK;
        } else if (strcmp(argv[first], "--list") == 0) {
            list_only = 1;
        } else {
            cli_error("setup: unknown option '%s'", argv[first]);
            return EXIT_USAGE;
        }
    }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 1, &ctx);
    if (rc != EXIT_OK)
        return rc;
    const char *root = zkb_ctx_get(ctx, "toolchain_dir");
    char script[PATH_MAX + 16];
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "evm") == 0)
            continue;
        zkb_backend_ref *b = zkb_backend_find(ctx, argv[i]);
        if (!b) {
            cli_error("setup: no backend '%s' (zkbench list shows those found)", argv[i]);
            zkb_ctx_free(ctx);
            return EXIT_INPUT;
        }
        if (!setup_script(b, script, sizeof script)) {
            cli_error("setup: backend '%s' has no toolchain to install (no setup.sh in its data "
                      "directory %s)",
                      argv[i], zkb_backend_data_dir(b) ? zkb_backend_data_dir(b) : "(none)");
            zkb_ctx_free(ctx);
            return EXIT_INPUT;
        }
    }

    int failed = 0, done = 0;
    char evm_data[PATH_MAX], evm_script[PATH_MAX + 16];
    int want_evm = wanted("evm", argc, argv, first) &&
                   zkb_evm_data_dir(ctx, evm_data, sizeof evm_data) == ZKB_OK &&
                   (size_t)snprintf(evm_script, sizeof evm_script, "%s/setup.sh", evm_data) < sizeof evm_script;
    for (size_t i = 0; i < zkb_backend_count(ctx); i++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, i);
        const char *name = zkb_backend_name(b);
        if (!wanted(name, argc, argv, first) || !setup_script(b, script, sizeof script))
            continue;
        char dest[PATH_MAX];
        if ((size_t)snprintf(dest, sizeof dest, "%s/%s", root, name) >= sizeof dest) {
            cli_error("setup: toolchain directory too long: %s", root);
            zkb_ctx_free(ctx);
            return EXIT_INTERNAL;
        }
        done++;
        printf("%s: sh %s %s\n", name, script, dest);
        if (list_only)
            continue;
        if (run_script(script, dest) != 0) {
            printf("%s: setup FAILED (see the messages above)\n", name);
            failed++;
        }
    }
    if (want_evm) {
        char dest[PATH_MAX];
        if ((size_t)snprintf(dest, sizeof dest, "%s/evm", root) >= sizeof dest) {
            cli_error("setup: toolchain directory too long: %s", root);
            zkb_ctx_free(ctx);
            return EXIT_INTERNAL;
        }
        done++;
        printf("evm: sh %s %s\n", evm_script, dest);
        if (!list_only && run_script(evm_script, dest) != 0) {
            printf("evm: setup FAILED (see the messages above)\n");
            failed++;
        }
    } else if (first < argc && wanted("evm", argc, argv, first)) {
        cli_error("setup: the EVM step's data directory (share/zkmlbench/evm) is missing: reinstall zkmlbench");
        failed++;
    }
    if (done == 0)
        printf("no backend has a toolchain to install (zkbench list shows the backends found)\n");
    zkb_ctx_free(ctx);
    if (list_only || done == 0)
        return EXIT_OK;

    /* A new context: probes are cached per context. */
    rc = cli_new_ctx(NULL, 1, &ctx);
    if (rc != EXIT_OK)
        return rc;
    for (size_t i = 0; i < zkb_backend_count(ctx); i++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, i);
        if (!wanted(zkb_backend_name(b), argc, argv, first) || !setup_script(b, script, sizeof script))
            continue;
        zkb_status st = zkb_backend_probe(b);
        printf("%-12s %s%s\n", zkb_backend_name(b), st == ZKB_OK ? "" : "unavailable: ",
               zkb_backend_probe_detail(b));
        failed += st != ZKB_OK;
    }
    if (want_evm) {
        char detail[1200];
        zkb_status st = zkb_evm_probe(ctx, detail, sizeof detail);
        printf("%-12s %s%s\n", "evm", st == ZKB_OK ? "" : "unavailable: ", detail);
        failed += st != ZKB_OK;
    }
    zkb_ctx_free(ctx);
    return failed ? EXIT_CELLS : EXIT_OK;
}
