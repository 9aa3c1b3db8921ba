#include "cli.h"
#include "zkmlbench/zkb_zoo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void zoo_help(void)
{
    printf("usage: zkbench zoo list\n"
           "       zkbench zoo train [--out DIR] [--threads N] [--data-dir DIR] [NAME...]\n\n"
           "list   the zoo's models, the dataset each trains on, the reference study's accuracy\n"
           "train  trains the named models (default: all) with the deterministic trainer and\n"
           "       writes DIR/NAME.json (default DIR: models). Same data and build, same bytes;\n"
           "       the thread count does not change the result. Uses the full 60k MNIST\n"
           "       training set when the data directory has it, else the 10k subset.\n\n"
           "exit: 0 ok; 2 usage (an unknown zoo model name); 3 the dataset is missing or\n"
           "malformed; 4 a model could not be written\n");
}

static int zoo_list(void)
{
    printf("%-32s %-10s %s\n", "model", "dataset", "reference float accuracy %");
    for (size_t i = 0; i < zkb_zoo_count(); i++) {
        double t = zkb_zoo_target_accuracy(i);
        printf("%-32s %-10s ", zkb_zoo_name(i), zkb_zoo_dataset(i));
        if (t >= 0)
            printf("%.2f\n", t);
        else
            printf("-\n");
    }
    return EXIT_OK;
}

static int find_entry(const char *name, size_t *idx)
{
    for (size_t i = 0; i < zkb_zoo_count(); i++)
        if (strcmp(zkb_zoo_name(i), name) == 0) {
            *idx = i;
            return 1;
        }
    return 0;
}

static int zoo_train(int argc, char **argv, int first)
{
    const char *out = "models", *data_dir = NULL;
    uint32_t threads = 0;
    int named[64], n_named = 0;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
            data_dir = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 0 || t > 64) {
                cli_error("zoo train: --threads wants 0..64, got '%s'", argv[i]);
                return EXIT_USAGE;
            }
            threads = (uint32_t)t;
        } else if (argv[i][0] == '-') {
            cli_error("zoo train: unknown option '%s'", argv[i]);
            return EXIT_USAGE;
        } else {
            size_t idx;
            if (!find_entry(argv[i], &idx)) {
                cli_error("zoo train: no zoo model '%s' (see 'zkbench zoo list')", argv[i]);
                return EXIT_USAGE;
            }
            if (n_named < 64)
                named[n_named++] = (int)idx;
        }
    }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(data_dir, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    double total = 0;
    size_t n = n_named ? (size_t)n_named : zkb_zoo_count();
    printf("%-32s %8s %8s %8s\n", "model", "test %", "ref %", "seconds");
    for (size_t k = 0; k < n; k++) {
        size_t i = n_named ? (size_t)named[k] : k;
        double acc = 0, secs = 0;
        zkb_status st = zkb_zoo_train(ctx, i, out, threads, &acc, &secs);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_ctx_last_error(ctx));
            /* ZKB_ERR_IO: the model file could not be written; else the dataset */
            int r = cli_exit_for(st, st == ZKB_ERR_IO ? CLI_OUTPUT : CLI_INPUT);
            rc = rc > r ? rc : r;
            continue;
        }
        total += secs;
        double t = zkb_zoo_target_accuracy(i);
        char ref[16] = "-";
        if (t >= 0)
            snprintf(ref, sizeof ref, "%.2f", t);
        printf("%-32s %8.2f %8s %8.1f\n", zkb_zoo_name(i), acc, ref, secs);
        fflush(stdout);
    }
    printf("total %.1f s; models in %s/\n", total, out);
    zkb_ctx_free(ctx);
    return rc;
}

int cmd_zoo(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        zoo_help();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0)
        return zoo_list();
    if (strcmp(argv[1], "train") == 0)
        return zoo_train(argc, argv, 2);
    cli_error("zoo: unknown subcommand '%s'", argv[1]);
    return EXIT_USAGE;
}
