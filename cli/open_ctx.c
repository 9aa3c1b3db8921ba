#include "cli.h"

int cli_new_ctx(const char *data_dir, int plugins, zkb_ctx **out)
{
    *out = NULL;
    zkb_ctx *ctx = NULL;
    zkb_status st = zkb_ctx_new(&ctx);
    if (st != ZKB_OK) {
        cli_error("cannot create a context: %s", zkb_status_str(st));
        return cli_exit_for(st, CLI_OUTPUT);
    }
    /* --data-dir is the command's own option */
    if (data_dir && (st = zkb_ctx_set(ctx, "data_dir", data_dir)) != ZKB_OK) {
        cli_error("--data-dir: %s", zkb_ctx_last_error(ctx));
        zkb_ctx_free(ctx);
        return cli_exit_for(st, CLI_SETTING);
    }
    if (plugins)
        zkb_ctx_load_plugins(ctx);
    *out = ctx;
    return EXIT_OK;
}
