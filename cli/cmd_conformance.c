/* zkbench conformance: check one backend plugin against the adapter contract. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void conformance_help(void)
{
    printf("usage: zkbench conformance PLUGIN.so|BACKEND [options]\n\n"
           "Loads one backend plugin and checks the contract every adapter must meet\n"
           "(docs/adapter-guide.md lists the checks): it loads, probe answers, option\n"
           "declarations are sound, a real run verifies every proof with outputs equal to\n"
           "the reference evaluator's, calls out of order fail cleanly with a message,\n"
           "sessions leave nothing behind, nothing goes to stdout and metric keys are valid.\n"
           "Each check prints PASS, FAIL or SKIP and why, the same checks every time; a\n"
           "check that crashes, hangs or exceeds the memory cap fails, and the others\n"
           "still run.\n"
           "A BACKEND name is looked up like 'zkbench list' does.\n\n"
           "  -m, --model FILE       model to run (default: the built-in tiny_dense model,\n"
           "                         models/tiny/tiny_dense.json)\n"
           "  -o, --options K=V,...  backend options for every session (repeatable)\n"
           "  -t, --timeout SECONDS  limit of each isolated check (default 600)\n"
           "      --memory-cap SIZE  memory cap of each isolated check and of the run's\n"
           "                         cell (process tree RSS), e.g. 512M, 20G; 0 for none\n"
           "                         (default 20G, as zkbench run)\n"
           "  -q, --quiet            print only failures and the summary\n\n"
           "exit: 0 every check passed or was skipped, 1 some check failed, 2 usage\n"
           "(including a bad --memory-cap), 3 an unknown backend, a missing or malformed\n"
           "model or a bad backend option, 4 internal error\n");
}

typedef struct counts {
    unsigned pass, fail, skip;
    int quiet;
} counts;

static void on_check(void *user, const char *check, uint32_t result, const char *detail)
{
    counts *c = user;
    static const char *const names[] = {"PASS", "FAIL", "SKIP"};
    c->pass += result == ZKB_CHECK_PASS;
    c->fail += result == ZKB_CHECK_FAIL;
    c->skip += result == ZKB_CHECK_SKIP;
    if (c->quiet && result != ZKB_CHECK_FAIL)
        return;
    printf("%s  %-28s %s\n", result <= ZKB_CHECK_SKIP ? names[result] : "????", check, detail);
    fflush(stdout);
}

/* A plugin file, or the path of the backend of that name, in *path
 * (malloc'ed). Returns EXIT_OK or the exit code after printing why. */
static int resolve(const char *arg, char **path)
{
    *path = NULL;
    if (strchr(arg, '/') || access(arg, F_OK) == 0) {
        *path = strdup(arg);
    } else {
        zkb_ctx *ctx = NULL;
        int rc = cli_new_ctx(NULL, 1, &ctx);
        if (rc != EXIT_OK)
            return rc;
        zkb_backend_ref *b = zkb_backend_find(ctx, arg);
        if (!b) {
            cli_error("conformance: '%s' is neither a file nor a backend 'zkbench list' knows", arg);
            zkb_ctx_free(ctx);
            return EXIT_INPUT;
        }
        *path = strdup(zkb_backend_path(b));
        zkb_ctx_free(ctx);
    }
    if (!*path) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

enum { OPT_MEMCAP = 256 };

int cmd_conformance(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'}, {"options", required_argument, 0, 'o'},
        {"timeout", required_argument, 0, 't'}, {"memory-cap", required_argument, 0, OPT_MEMCAP},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *model = NULL, *memory_cap = NULL;
    char options[4096] = "";
    double timeout = 0;
    counts n = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'o': {
            size_t u = strlen(options);
            if (u + strlen(optarg) + 2 > sizeof options) {
                cli_error("conformance: options too long");
                return EXIT_USAGE;
            }
            snprintf(options + u, sizeof options - u, "%s%s", u ? "," : "", optarg);
            break;
        }
        case 't': {
            char *end = NULL;
            timeout = strtod(optarg, &end);
            if (end == optarg || *end || !(timeout > 0) || timeout > 1e6) {
                cli_error("conformance: --timeout wants seconds > 0, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case OPT_MEMCAP: memory_cap = optarg; break;
        case 'q': n.quiet = 1; break;
        case 'h': conformance_help(); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("conformance: want one plugin file or backend name (see 'zkbench conformance --help')");
        return EXIT_USAGE;
    }
    if (model && cli_check_readable("conformance: --model", model) != EXIT_OK)
        return EXIT_INPUT;
    char *plugin = NULL;
    int rc = resolve(argv[optind], &plugin);
    if (rc != EXIT_OK)
        return rc;
    zkb_ctx *ctx = NULL;
    rc = cli_new_ctx(NULL, 0, &ctx);
    if (rc != EXIT_OK) {
        free(plugin);
        return rc;
    }
    if (!n.quiet)
        printf("conformance of %s on %s\n", plugin, model ? model : "the built-in tiny_dense model");
    uint32_t failed = 0;
    zkb_status st = zkb_conformance_run(ctx, plugin, model, options, timeout, memory_cap, on_check, &n, &failed);
    if (st != ZKB_OK) {
        cli_error("conformance: %s", zkb_ctx_last_error(ctx));
        /* The checks could not start: a bad --memory-cap (the library parses
         * it, so only its message tells), the work directory could not be
         * written (I/O: the model was readable above), else the model or the
         * backend options are bad. */
        cli_stage stage = CLI_INPUT;
        if (st == ZKB_ERR_INVALID_ARG && strstr(zkb_ctx_last_error(ctx), "memory cap"))
            stage = CLI_SETTING;
        else if (st == ZKB_ERR_IO)
            stage = CLI_OUTPUT;
        rc = cli_exit_for(st, stage);
    } else {
        printf("%u passed, %u failed, %u skipped\n", n.pass, n.fail, n.skip);
        rc = failed ? EXIT_CELLS : EXIT_OK;
    }
    zkb_ctx_free(ctx);
    free(plugin);
    return rc;
}
