#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_model(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: zkbench model FILE...\n\n"
               "Loads each model file, reports the first fault with its JSON path, or prints\n"
               "the name, input shape, classes, layers, parameter count and fingerprint.\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("model: unknown option '%s' (see 'zkbench model --help')", argv[i]);
            return EXIT_USAGE;
        }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 0, &ctx);
    if (rc != EXIT_OK)
        return rc;
    for (int i = 1; i < argc; i++) {
        zkb_model *m = NULL;
        zkb_status st = zkb_model_load_file(ctx, argv[i], &m);
        if (st != ZKB_OK) {
            cli_error("%s", zkb_ctx_last_error(ctx));
            int r = cli_exit_for(st, CLI_INPUT);
            rc = rc > r ? rc : r;
            continue;
        }
        uint32_t c, h, w;
        zkb_model_input_shape(m, &c, &h, &w);
        printf("%s\n  name         %s\n  input        [%u, %u, %u]\n  classes      %u\n"
               "  parameters   %llu\n  fingerprint  %s\n  layers      ",
               argv[i], zkb_model_name(m), c, h, w, zkb_model_classes(m),
               (unsigned long long)zkb_model_param_count(m), zkb_model_fingerprint(m));
        for (uint32_t l = 0; l < zkb_model_layer_count(m); l++)
            printf(" %s", zkb_model_layer_op(m, l));
        printf("\n");
        zkb_model_free(m);
    }
    zkb_ctx_free(ctx);
    return rc;
}
