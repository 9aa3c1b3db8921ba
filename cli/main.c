/* zkbench: benchmark zero-knowledge ML frameworks. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"list", cmd_list, "list backends: version, proof system, available or why not"},
    {"run", cmd_run, "run benchmark cells (models x backends) and append results"},
    {"model", cmd_model, "check a model file and print its shape and fingerprint"},
    {"zoo", cmd_zoo, "list the model zoo, or train it (regenerates models/ bit for bit)"},
    {"data", cmd_data, "check dataset files (SHA-256) and show what a dataset holds"},
    {"compat", cmd_compat, "which backends support each operator of a model (ONNX or JSON)"},
    {"eval", cmd_eval, "accuracy loss of fixed-point inference; scale sweep; range analysis"},
    {"report", cmd_report, "aggregate results into report.md, results.csv, summary.json, SVG charts"},
    {"merge", cmd_merge, "combine results.jsonl files (shards, machines) into one"},
    {"conformance", cmd_conformance, "check that a backend plugin meets the adapter contract"},
    {"srs", cmd_srs, "TESTING-ONLY BN254 powers of tau (snarkjs .ptau) or Barretenberg CRS from a seed"},
    {"setup", cmd_setup, "install the frameworks' toolchains (npm, Python venv) for the backends"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zkbench [--version] [--help] <command> [options]\n\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n'zkbench <command> --help' describes a command.\n"
            "exit codes (docs/cli.md):\n"
            "  0   success\n"
            "  1   run: some cell did not succeed (recorded); conformance: a check failed;\n"
            "      setup: a setup failed or a backend is still unavailable\n"
            "  2   usage: unknown command or option, missing or out-of-range value,\n"
            "      unknown dataset, scheme or zoo model name\n"
            "  3   bad input: missing, unreadable or malformed model, dataset or results\n"
            "      file; unknown backend; bad backend option\n"
            "  4   results or other outputs could not be written; other I/O or internal error\n"
            "  5   run: another run holds the results file's lock (nothing ran)\n"
            "  128+N  run: stopped by signal N (130 SIGINT, 143 SIGTERM); resumable\n"
            "environment: ZKB_PLUGIN_PATH, ZKB_DATA_DIR, ZKB_CACHE_DIR, ZKB_TOOLCHAIN_DIR, ZKB_LOG_LEVEL\n");
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("zkbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("zkbench %s (libzkmlbench %s, plugin ABI %u)\n", ZKB_VERSION_STRING,
               zkb_version_string(), zkb_plugin_abi_major());
        return EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *help_argv[] = {argv[2], "--help", NULL};
                    return commands[i].fn(2, help_argv);
                }
            cli_error("unknown command '%s'", argv[2]);
            return EXIT_USAGE;
        }
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    cli_error("unknown command '%s' (try 'zkbench --help')", cmd);
    return EXIT_USAGE;
}
