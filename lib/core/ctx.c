/* The context: settings, last error, logging. */
#include "core_int.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const level_names[] = {"error", "warn", "info", "debug"};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* $env, else $xdg_var/<under_xdg>, else ~/<under_home>, else /tmp/<fallback>:
 * the XDG base directory rule for one of the library's directories. */
static char *xdg_dir(const char *env, const char *xdg_var, const char *under_xdg,
                     const char *under_home, const char *fallback)
{
    const char *e = getenv(env);
    if (e && *e)
        return strdup(e);
    char buf[4096];
    const char *xdg = getenv(xdg_var);
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/%s", xdg, under_xdg);
    else if (home && *home)
        snprintf(buf, sizeof buf, "%s/%s", home, under_home);
    else
        snprintf(buf, sizeof buf, "/tmp/%s", fallback);
    return strdup(buf);
}

/* The installed plugins, relative to the library: <libdir>/zkmlbench/plugins
 * beside libzkmlbench.so, or the same from <bindir> for a program linked
 * with the static library. The build tree has the same layout. */
char *zkbi_default_plugin_dir(void)
{
    char dir[PATH_MAX];
    int shared = 0;
    if (zkbi_self_dir(dir, sizeof dir, &shared) != 0)
        return strdup(".");
    char buf[PATH_MAX + 64];
    snprintf(buf, sizeof buf, "%s/%s", dir, shared ? ZKB_LIB_TO_PLUGINS : ZKB_BIN_TO_PLUGINS);
    char real[PATH_MAX];
    return strdup(realpath(buf, real) ? real : buf);
}

static char *default_data_dir(void)
{
    const char *e = getenv("ZKB_DATA_DIR");
    if (e && *e)
        return strdup(e);
    return strdup(is_dir("../shared/data") ? "../shared/data" : "./data");
}

static int parse_level(const char *s, uint32_t *out)
{
    for (uint32_t i = 0; i < 4; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = i;
            return 1;
        }
    }
    return 0;
}

zkb_status zkb_ctx_new(zkb_ctx **out)
{
    if (!out)
        return ZKB_ERR_INVALID_ARG;
    *out = NULL;
    zkb_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return ZKB_ERR_NOMEM;
    c->log_level = ZKB_LOG_WARN;
    const char *lv = getenv("ZKB_LOG_LEVEL");
    if (lv)
        parse_level(lv, &c->log_level);
    c->cache_dir = xdg_dir("ZKB_CACHE_DIR", "XDG_CACHE_HOME", "zkmlbench", ".cache/zkmlbench",
                           "zkmlbench-cache");
    c->data_dir = default_data_dir();
    c->plugin_dir = zkbi_default_plugin_dir();
    c->toolchain_dir = xdg_dir("ZKB_TOOLCHAIN_DIR", "XDG_DATA_HOME", "zkmlbench/toolchains",
                               ".local/share/zkmlbench/toolchains", "zkmlbench-toolchains");
    if (!c->cache_dir || !c->data_dir || !c->plugin_dir || !c->toolchain_dir) {
        zkb_ctx_free(c);
        return ZKB_ERR_NOMEM;
    }
    *out = c;
    return ZKB_OK;
}

void zkb_ctx_free(zkb_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->release_plugins)
        ctx->release_plugins(ctx);
    free(ctx->cache_dir);
    free(ctx->data_dir);
    free(ctx->plugin_dir);
    free(ctx->toolchain_dir);
    free(ctx);
}

const char *zkb_ctx_last_error(const zkb_ctx *ctx) { return ctx ? ctx->err : "no context"; }

static zkb_status set_dir(zkb_ctx *ctx, char **slot, const char *value)
{
    char *v = dup_or_null(value);
    if (!v)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    free(*slot);
    *slot = v;
    return ZKB_OK;
}

zkb_status zkb_ctx_set(zkb_ctx *ctx, const char *key, const char *value)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!key || !value)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_ctx_set: key and value are required");
    if (strcmp(key, "log_level") == 0) {
        if (!parse_level(value, &ctx->log_level))
            return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG,
                                 "log_level: '%s' is not one of error|warn|info|debug", value);
        return ZKB_OK;
    }
    if (!*value)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "%s: empty value", key);
    if (strcmp(key, "cache_dir") == 0)
        return set_dir(ctx, &ctx->cache_dir, value);
    if (strcmp(key, "data_dir") == 0)
        return set_dir(ctx, &ctx->data_dir, value);
    if (strcmp(key, "plugin_dir") == 0)
        return set_dir(ctx, &ctx->plugin_dir, value);
    if (strcmp(key, "toolchain_dir") == 0)
        return set_dir(ctx, &ctx->toolchain_dir, value);
    return zkbi_ctx_fail(ctx, ZKB_ERR_NOT_FOUND,
                         "unknown setting '%s' (known: cache_dir, data_dir, log_level, plugin_dir, "
                         "toolchain_dir)",
                         key);
}

const char *zkb_ctx_get(const zkb_ctx *ctx, const char *key)
{
    if (!ctx || !key)
        return NULL;
    if (strcmp(key, "cache_dir") == 0)
        return ctx->cache_dir;
    if (strcmp(key, "data_dir") == 0)
        return ctx->data_dir;
    if (strcmp(key, "plugin_dir") == 0)
        return ctx->plugin_dir;
    if (strcmp(key, "toolchain_dir") == 0)
        return ctx->toolchain_dir;
    if (strcmp(key, "log_level") == 0)
        return level_names[ctx->log_level];
    return NULL;
}

void zkb_ctx_set_logger(zkb_ctx *ctx, zkb_log_fn fn, void *user)
{
    if (!ctx)
        return;
    ctx->log_fn = fn;
    ctx->log_user = user;
}

zkb_status zkbi_ctx_fail(zkb_ctx *ctx, zkb_status st, const char *fmt, ...)
{
    if (!ctx)
        return st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    return st;
}

void zkbi_ctx_log(const zkb_ctx *ctx, uint32_t level, const char *fmt, ...)
{
    if (ctx && level > ctx->log_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx && ctx->log_fn) {
        ctx->log_fn(ctx->log_user, level, msg);
        return;
    }
    /* Messages carry plugin text: no terminal escape sequence reaches stderr. */
    char safe[sizeof msg * 6];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p && k + 7 < sizeof safe; p++) {
        if (*p == '\n')
            k += (size_t)snprintf(safe + k, sizeof safe - k, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            k += (size_t)snprintf(safe + k, sizeof safe - k, "\\u%04x", *p);
        else
            safe[k++] = (char)*p;
    }
    safe[k] = '\0';
    fprintf(stderr, "zkmlbench: %s: %s\n", level_names[level > 3 ? 3 : level], safe);
}

void zkbi_ctx_export_env(const zkb_ctx *ctx)
{
    if (ctx && ctx->toolchain_dir)
        setenv("ZKB_TOOLCHAIN_DIR", ctx->toolchain_dir, 1);
}
