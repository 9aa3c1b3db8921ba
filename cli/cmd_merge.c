/* zkbench merge: combine results.jsonl files (shards, machines) into one. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void merge_help(void)
{
    printf("usage: zkbench merge [--strict] [-q] OUT.jsonl IN.jsonl...\n\n"
           "Writes every result record of the inputs, in order, to OUT.jsonl, keeping one\n"
           "copy of a record that appears more than once (same cell_id, run_id and\n"
           "started_at). Lines that are not result records are reported as FILE:LINE and\n"
           "skipped. OUT.jsonl is replaced atomically (temporary file, then rename) and may\n"
           "be one of the inputs. Reports read merged records like any results.jsonl: for\n"
           "one cell_id measured more than once, the last record counts.\n\n"
           "      --strict   a bad line fails the merge (exit 3) and OUT.jsonl is not touched\n"
           "  -q, --quiet    no summary line\n\n"
           "exit: 0 ok; 2 usage; 3 an input is missing or unreadable, or (--strict) holds a\n"
           "bad line; 4 OUT.jsonl could not be written\n");
}

static void log_to_stderr(void *user, uint32_t level, const char *msg)
{
    (void)user;
    (void)level;
    fprintf(stderr, "zkbench: warning: %s\n", msg);
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {{"strict", no_argument, 0, 's'}, {"quiet", no_argument, 0, 'q'},
                                             {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int strict = 0, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': strict = 1; break;
        case 'q': quiet = 1; break;
        case 'h': merge_help(); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (argc - optind < 2) {
        cli_error("merge: want OUT.jsonl and at least one input file (see 'zkbench merge --help')");
        return EXIT_USAGE;
    }
    for (int i = optind + 1; i < argc; i++) {
        int r = cli_check_readable("merge", argv[i]);
        if (r != EXIT_OK)
            return r;
    }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    zkb_ctx_set_logger(ctx, log_to_stderr, NULL);
    const char *out = argv[optind];
    uint64_t written = 0, dups = 0, bad = 0;
    zkb_status st = zkb_results_merge(ctx, out, (const char *const *)(argv + optind + 1),
                                      (size_t)(argc - optind - 1), strict, &written, &dups, &bad);
    if (st != ZKB_OK) {
        cli_error("merge: %s", zkb_ctx_last_error(ctx));
        /* the inputs were readable above: a bad line (--strict) or one gone
         * since is bad input, any other failure is writing OUT */
        rc = cli_exit_for(st, st == ZKB_ERR_PARSE || st == ZKB_ERR_NOT_FOUND ? CLI_INPUT : CLI_OUTPUT);
    } else if (!quiet) {
        printf("%s: %llu records from %d files (%llu duplicates dropped, %llu bad lines skipped)\n", out,
               (unsigned long long)written, argc - optind - 1, (unsigned long long)dups,
               (unsigned long long)bad);
    }
    zkb_ctx_free(ctx);
    return rc;
}
