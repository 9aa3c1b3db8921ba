#include "cli.h"

#include <stdio.h>
#include <string.h>

static void list_help(void)
{
    printf("usage: zkbench list [--options]\n\n"
           "Lists every backend found in $ZKB_PLUGIN_PATH and the install directory:\n"
           "name, version, proof system, and 'available' or 'unavailable: <reason>'.\n"
           "Plugins the loader rejected are listed with the reason. A last line says\n"
           "whether the EVM step (docs/evm.md) can run.\n\n"
           "  --options   also print each backend's options\n");
}

static void print_options(const zkb_backend_ref *b)
{
    size_t n = zkb_backend_option_count(b);
    for (size_t i = 0; i < n; i++) {
        const char *choices = zkb_backend_option_field(b, i, "choices");
        const char *def = zkb_backend_option_field(b, i, "default");
        const char *help = zkb_backend_option_field(b, i, "help");
        printf("      %s.%s (%s%s%s, default %s): %s\n", zkb_backend_name(b),
               zkb_backend_option_field(b, i, "key"), zkb_backend_option_field(b, i, "type"),
               choices ? ": " : "", choices ? choices : "", def ? def : "none", help ? help : "");
    }
}

int cmd_list(int argc, char **argv)
{
    int show_options = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            list_help();
            return EXIT_OK;
        } else if (strcmp(argv[i], "--options") == 0) {
            show_options = 1;
        } else {
            cli_error("list: unknown argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
    }
    zkb_ctx *ctx = NULL;
    int rc = cli_new_ctx(NULL, 1, &ctx);
    if (rc != EXIT_OK)
        return rc;
    size_t n = zkb_backend_count(ctx);
    if (n == 0)
        printf("no backends found (searched $ZKB_PLUGIN_PATH and %s)\n", zkb_ctx_get(ctx, "plugin_dir"));
    for (size_t i = 0; i < n; i++) {
        zkb_backend_ref *b = zkb_backend_at(ctx, i);
        zkb_status st = zkb_backend_probe(b);
        printf("%-12s %-10s %-10s %s%s%s\n", zkb_backend_name(b), zkb_backend_version(b),
               zkb_backend_proof_system(b), st == ZKB_OK ? "" : "unavailable: ",
               zkb_backend_probe_detail(b), zkb_backend_is_baseline(b) ? " [baseline, no proof]" : "");
        if (show_options)
            print_options(b);
    }
    for (size_t i = 0; i < zkb_ctx_rejected_count(ctx); i++)
        printf("rejected     %s: %s\n", zkb_ctx_rejected_path(ctx, i), zkb_ctx_rejected_reason(ctx, i));
    char evm[1200];
    zkb_status st = zkb_evm_probe(ctx, evm, sizeof evm);
    printf("%-12s %s%s\n", "(evm step)", st == ZKB_OK ? "" : "unavailable: ", evm);
    zkb_ctx_free(ctx);
    return EXIT_OK;
}
