#include "cli.h"

zkb_ctx *cli_open_ctx(const char *data_dir)
{
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK) {
        cli_error("cannot create a context: out of memory");
        return NULL;
    }
    if (data_dir && zkb_ctx_set(ctx, "data_dir", data_dir) != ZKB_OK) {
        cli_error("%s", zkb_ctx_last_error(ctx));
        zkb_ctx_free(ctx);
        return NULL;
    }
    zkb_ctx_load_plugins(ctx);
    return ctx;
}
