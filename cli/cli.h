/* zkbench command-line tool: shared definitions. */
#ifndef ZKBENCH_CLI_H
#define ZKBENCH_CLI_H

#include "zkmlbench/zkmlbench.h"

/* Exit codes (documented in docs/cli.md; never renumbered). */
enum {
    EXIT_OK = 0,         /* everything ran and every cell succeeded (or was already done) */
    EXIT_CELLS = 1,      /* the run finished but some cells failed, crashed, timed out or were unavailable */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INPUT = 3,      /* bad input: model file, plugin, option value, unknown backend */
    EXIT_INTERNAL = 4,   /* I/O or internal error (results could not be written, out of memory) */
    EXIT_LOCKED = 5,     /* another run holds the results file's lock (nothing ran) */
    EXIT_SIGNAL = 128    /* + N: interrupted by signal N (run: stopped cleanly, resumable) */
};

typedef int (*cli_cmd_fn)(int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
int cmd_compat(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_conformance(int argc, char **argv);
int cmd_srs(int argc, char **argv);
int cmd_setup(int argc, char **argv);

/* A context with plugins loaded ($ZKB_PLUGIN_PATH, then the plugin directory
 * beside the library, in a build tree as in an install); NULL after printing
 * the error. */
zkb_ctx *cli_open_ctx(const char *data_dir);

/* Prints "zkbench: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
