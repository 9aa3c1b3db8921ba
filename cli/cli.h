/* zkbench command-line tool: shared definitions. */
#ifndef ZKBENCH_CLI_H
#define ZKBENCH_CLI_H

#include "zkmlbench/zkmlbench.h"

/* Exit codes: docs/cli.md's table, the same for every command; never
 * renumbered. 'zkbench --help' prints them (main.c). */
enum {
    EXIT_OK = 0,       /* success */
    EXIT_CELLS = 1,    /* run: some cell did not succeed (recorded); conformance: a check failed;
                          setup: a setup failed or a backend is still unavailable */
    EXIT_USAGE = 2,    /* the command line: unknown command or option, missing or out-of-range
                          value, unknown dataset, scheme or zoo model name */
    EXIT_INPUT = 3,    /* bad input: a missing, unreadable or malformed model, dataset or results
                          file; an unknown backend; a bad backend option */
    EXIT_INTERNAL = 4, /* results or other outputs could not be written; another I/O or internal
                          error (out of memory) */
    EXIT_LOCKED = 5,   /* run: another run holds the results file's lock; nothing ran */
    EXIT_SIGNAL = 128  /* run: 128 + N, stopped by signal N; resumable */
};

/* What a failed library call was doing when it failed: the same status
 * means a different fault in each (ZKB_ERR_IO reading a model is a bad
 * input, writing results it is an I/O error). */
typedef enum cli_stage {
    CLI_SETTING, /* judging a value of the command's own options: EXIT_USAGE */
    CLI_INPUT,   /* reading what the user named (models, datasets, results files, backends and
                    their options): EXIT_INPUT */
    CLI_OUTPUT   /* writing results, reports, merged files, SRS files: EXIT_INTERNAL */
} cli_stage;

/* The exit code for a library status: EXIT_OK for ZKB_OK, EXIT_INTERNAL for
 * ZKB_ERR_NOMEM and ZKB_ERR_INTERNAL whatever the stage, else the stage's
 * code. The one mapping every command uses. */
int cli_exit_for(zkb_status st, cli_stage stage);

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

/* A new context in *out, its data directory set when data_dir is not NULL,
 * and with plugins loaded when plugins is non-zero ($ZKB_PLUGIN_PATH, then
 * the plugin directory beside the library, in a build tree as in an
 * install). Returns EXIT_OK, or the exit code after printing the error
 * (*out is then NULL). */
int cli_new_ctx(const char *data_dir, int plugins, zkb_ctx **out);

/* EXIT_OK when path is a regular file that can be opened for reading, else
 * EXIT_INPUT after printing "<what>: <path>: <reason>". */
int cli_check_readable(const char *what, const char *path);

/* EXIT_OK when name is a dataset the library knows (or one of the extra
 * names, a NULL-terminated list, e.g. the runner's "auto" and "synthetic"),
 * else EXIT_USAGE after printing the names it accepts. */
int cli_check_dataset(const char *cmd, const char *name, const char *const *extra);

/* Prints "zkbench: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
