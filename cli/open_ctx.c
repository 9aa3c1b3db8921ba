#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* When zkbench runs from a build tree (build/cli/zkbench), its plugins are in
 * build/plugins: use them before the install directory. */
static void add_build_tree_plugins(zkb_ctx *ctx)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/../plugins", exe);
    char cmake_cache[PATH_MAX + 32];
    snprintf(cmake_cache, sizeof cmake_cache, "%s/../CMakeCache.txt", exe);
    if (access(cmake_cache, F_OK) == 0 && access(dir, F_OK) == 0)
        zkb_ctx_set(ctx, "plugin_dir", dir);
}

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
    add_build_tree_plugins(ctx);
    zkb_ctx_load_plugins(ctx);
    return ctx;
}
