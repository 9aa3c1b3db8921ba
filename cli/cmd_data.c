#include "cli.h"
#include "zkmlbench/zkb_data.h"

#include <stdio.h>
#include <string.h>

static void data_help(void)
{
    printf("usage: zkbench data verify [--data-dir DIR]\n"
           "       zkbench data fetch [--data-dir DIR]\n"
           "       zkbench data info NAME [--data-dir DIR]\n\n"
           "verify  checks the SHA-256 of every known dataset file in the data directory\n"
           "        ($ZKB_DATA_DIR, else ../shared/data when present, else ./data)\n"
           "fetch   downloads the canonical MNIST files (t10k and the full 60k training set)\n"
           "        with curl or wget, keeping each only if its SHA-256 is the canonical one\n"
           "info    loads a dataset (mnist, mnist14, heart, heart_std) and prints its shape\n\n"
           "exit: 0 ok; 2 usage (an unknown dataset name); 3 a file is missing, malformed or\n"
           "has the wrong SHA-256 (verify, info); 4 a download failed (fetch)\n");
}

static void print_verify(void *user, const char *file, const char *status, const char *detail)
{
    (void)user;
    printf("%-9s %s%s%s\n", status, file, detail && *detail ? "  " : "", detail ? detail : "");
}

static int data_info(zkb_ctx *ctx, const char *name)
{
    int rc = EXIT_OK;
    for (int split = 0; split < 2; split++) {
        zkb_dataset *ds = NULL;
        const char *which = split ? "train" : "test";
        zkb_status st = zkb_dataset_open(ctx, name, which, &ds);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_ctx_last_error(ctx));
            int r = cli_exit_for(st, CLI_INPUT);
            rc = rc > r ? rc : r;
            continue;
        }
        uint32_t c, h, w;
        zkb_dataset_shape(ds, &c, &h, &w);
        printf("%s %s: %zu samples of [%u, %u, %u], %u classes\n", name, which, zkb_dataset_count(ds), c, h,
               w, zkb_dataset_classes(ds));
        zkb_dataset_free(ds);
    }
    return rc;
}

int cmd_data(int argc, char **argv)
{
    const char *dir = NULL, *sub = NULL, *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            data_help();
            return EXIT_OK;
        } else if (strcmp(argv[i], "--data-dir") == 0) {
            if (i + 1 == argc) {
                cli_error("data: --data-dir needs a directory");
                return EXIT_USAGE;
            }
            dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("data: unknown option '%s' (see 'zkbench data --help')", argv[i]);
            return EXIT_USAGE;
        } else if (!sub) {
            sub = argv[i];
        } else if (!name) {
            name = argv[i];
        } else {
            cli_error("data: unexpected argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
    }
    int verify = sub && strcmp(sub, "verify") == 0 && !name;
    int fetch = sub && strcmp(sub, "fetch") == 0 && !name;
    int info = sub && strcmp(sub, "info") == 0 && name;
    if (!verify && !info && !fetch) {
        data_help();
        return EXIT_USAGE;
    }
    if (info && cli_check_dataset("data info", name, NULL) != EXIT_OK)
        return EXIT_USAGE;
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(dir, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    if (info) {
        rc = data_info(ctx, name);
    } else if (fetch) {
        printf("data directory: %s\n", zkb_ctx_get(ctx, "data_dir"));
        zkb_status st = zkb_data_fetch(ctx, print_verify, NULL);
        if (st != ZKB_OK)
            cli_error("%s", zkb_ctx_last_error(ctx));
        rc = cli_exit_for(st, CLI_OUTPUT); /* a download that failed is an I/O error */
    } else {
        printf("data directory: %s\n", zkb_ctx_get(ctx, "data_dir"));
        zkb_status st = zkb_data_verify(ctx, print_verify, NULL);
        if (st != ZKB_OK)
            cli_error("%s", zkb_ctx_last_error(ctx));
        rc = cli_exit_for(st, CLI_INPUT); /* missing or wrong files */
    }
    zkb_ctx_free(ctx);
    return rc;
}
