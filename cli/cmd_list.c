#include "cli.h"

#include <stdio.h>
#include <string.h>

static void list_help(void)
{
    printf("usage: zkbench list [--options]\n\n"
           "Lists every backend found in $ZKB_PLUGIN_PATH and the install directory:\n"
           "name, version, proof system (every one its proof_system option offers,\n"
           "the default first), and 'available' or 'unavailable: <reason>'.\n"
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

/* The backend's proof systems: its proof_system option's choices, the
 * default first ("groth16, plonk"), else the one it names. */
static const char *proof_systems(const zkb_backend_ref *b, char *out, size_t cap)
{
    const char *dflt = zkb_backend_proof_system(b);
    for (size_t i = 0; i < zkb_backend_option_count(b); i++) {
        const char *choices = zkb_backend_option_field(b, i, "choices");
        if (strcmp(zkb_backend_option_field(b, i, "key"), "proof_system") != 0 || !choices)
            continue;
        size_t n = (size_t)snprintf(out, cap, "%s", dflt);
        for (const char *p = choices; *p && n < cap;) {
            size_t len = strcspn(p, "|");
            if (len != strlen(dflt) || strncmp(p, dflt, len) != 0)
                n += (size_t)snprintf(out + n, cap - n, ", %.*s", (int)len, p);
            p += len + (p[len] == '|');
        }
        return out;
    }
    return dflt;
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
        char psys[256];
        printf("%-12s %-10s %-10s %s%s%s\n", zkb_backend_name(b), zkb_backend_version(b),
               proof_systems(b, psys, sizeof psys), st == ZKB_OK ? "" : "unavailable: ",
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
