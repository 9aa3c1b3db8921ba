/* Plugin loader: a trial load in a child (trial.c), then dlopen, ABI checks,
 * registry of backends. */
#include "plugin_int.h"
#include "zkmlbench/zkb_onnx.h" /* zkb_backend_op_support */

#include <dirent.h>
#include <dlfcn.h>
#include <stdalign.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_NAME_LEN 32

static void release_plugins(zkb_ctx *ctx);

static zkb_status record_rejection(zkb_ctx *ctx, const char *path, zkb_status st)
{
    zkbi_rejected *grown = realloc(ctx->rejected, (ctx->n_rejected + 1) * sizeof *grown);
    if (!grown)
        return ZKB_ERR_NOMEM;
    ctx->rejected = grown;
    ctx->release_plugins = release_plugins;
    char *p = strdup(path);
    char *r = strdup(ctx->err);
    if (!p || !r) {
        free(p);
        free(r);
        return ZKB_ERR_NOMEM;
    }
    ctx->rejected[ctx->n_rejected].path = p;
    ctx->rejected[ctx->n_rejected].reason = r;
    ctx->n_rejected++;
    zkbi_ctx_log(ctx, ZKB_LOG_WARN, "plugin %s rejected: %s", path, ctx->err);
    return st;
}

/* 1-32 chars of [a-z0-9_-], and '.' too when dot is set. */
static int valid_word(const char *s, int dot)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || (dot && c == '.')))
            return 0;
    }
    return n >= 1 && n <= MAX_NAME_LEN;
}

static const char *missing_method(const zkb_backend *vt)
{
#define REQUIRE(m)            \
    if (!ZKBI_VT_HAS(vt, m))  \
        return #m;
    REQUIRE(probe)
    REQUIRE(create)
    REQUIRE(destroy)
    REQUIRE(load_model)
    REQUIRE(quantize)
    REQUIRE(setup)
    REQUIRE(witness)
    REQUIRE(prove)
    REQUIRE(verify)
#undef REQUIRE
    return NULL;
}

/* Checks the table; on failure sets ctx->err and returns the status. */
static zkb_status check_table(zkb_ctx *ctx, const zkb_backend *vt)
{
    if (!vt)
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "zkb_plugin_init returned no backend table");
    if (vt->abi_major != ZKB_PLUGIN_ABI_MAJOR)
        return zkbi_ctx_fail(ctx, ZKB_ERR_ABI, "ABI major %u, this host implements %u",
                             vt->abi_major, ZKB_PLUGIN_ABI_MAJOR);
    if (vt->struct_size < ZKB_BACKEND_MIN_SIZE_V1)
        return zkbi_ctx_fail(ctx, ZKB_ERR_ABI,
                             "backend table too small: struct_size %u, ABI v1 needs at least %zu",
                             vt->struct_size, (size_t)ZKB_BACKEND_MIN_SIZE_V1);
    if (!vt->name || !valid_word(vt->name, 0))
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN,
                             "backend name missing or invalid (want 1-%d chars of [a-z0-9_-])",
                             MAX_NAME_LEN);
    if (!vt->version || !vt->proof_system)
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "backend '%s': version or proof_system missing",
                             vt->name);
    /* It labels series in reports, CSV columns and Markdown tables. */
    if (!valid_word(vt->proof_system, 1)) {
        char shown[64];
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "backend '%s': proof_system '%s' is not 1-%d chars of [a-z0-9._-]",
                             vt->name, zkbi_printable(vt->proof_system, shown, sizeof shown), MAX_NAME_LEN);
    }
    const char *m = missing_method(vt);
    if (m)
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "backend '%s': mandatory method '%s' is NULL",
                             vt->name, m);
    if (vt->n_options && !vt->options)
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "backend '%s': n_options %u but options is NULL",
                             vt->name, vt->n_options);
    if (vt->option_decl_size &&
        (vt->option_decl_size < ZKB_OPTION_DECL_SIZE_V1_2 || vt->option_decl_size % alignof(zkb_option_decl)))
        return zkbi_ctx_fail(ctx, ZKB_ERR_ABI,
                             "backend '%s': option_decl_size %u is not a zkb_option_decl stride (at least %zu, "
                             "a multiple of %zu; 0 for the ABI 1.2 size)",
                             vt->name, vt->option_decl_size, (size_t)ZKB_OPTION_DECL_SIZE_V1_2,
                             (size_t)alignof(zkb_option_decl));
    for (uint32_t i = 0; i < vt->n_options; i++) {
        const zkb_option_decl *o = zkbi_option_decl(vt, i);
        if (!o->key || o->type < ZKB_OPT_STRING || o->type > ZKB_OPT_BOOL)
            return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "backend '%s': option %u has no key or a bad type",
                                 vt->name, i);
    }
    return ZKB_OK;
}

char *zkbi_plugin_data_dir(const char *plugin_dir, size_t dir_len, const char *name)
{
    char buf[PATH_MAX + 128];
    int n = snprintf(buf, sizeof buf, "%.*s/%s/%s", (int)dir_len, plugin_dir, ZKB_PLUGINS_TO_DATA, name);
    char real[PATH_MAX];
    struct stat st;
    if (n < 0 || (size_t)n >= sizeof buf || !realpath(buf, real) || stat(real, &st) != 0 ||
        !S_ISDIR(st.st_mode))
        return NULL;
    return strdup(real);
}

/* <dir of the plugin>/<ZKB_PLUGINS_TO_DATA>/<name>, when it is a directory. */
static char *find_data_dir(const char *plugin_path, const char *name)
{
    const char *slash = strrchr(plugin_path, '/');
    return slash ? zkbi_plugin_data_dir(plugin_path, (size_t)(slash - plugin_path), name) : NULL;
}

static zkb_backend_ref *find_by_path(zkb_ctx *ctx, const char *real)
{
    for (size_t i = 0; i < ctx->n_backends; i++)
        if (strcmp(ctx->backends[i]->path, real) == 0)
            return ctx->backends[i];
    return NULL;
}

static zkb_status add_backend(zkb_ctx *ctx, void *dl, const zkb_backend *vt, const char *real)
{
    zkb_backend_ref **grown = realloc(ctx->backends, (ctx->n_backends + 1) * sizeof *grown);
    if (!grown)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    ctx->backends = grown;
    ctx->release_plugins = release_plugins;
    zkb_backend_ref *b = calloc(1, sizeof *b);
    char *p = strdup(real);
    if (!b || !p) {
        free(b);
        free(p);
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    }
    b->ctx = ctx;
    b->dl = dl;
    b->vt = vt;
    b->path = p;
    b->data_dir = find_data_dir(real, vt->name);
    ctx->backends[ctx->n_backends++] = b;
    return ZKB_OK;
}

zkb_status zkbi_plugin_open(zkb_ctx *ctx, const char *real, int stage_fd, void **dl_out,
                            const zkb_backend **vt_out)
{
    *dl_out = NULL;
    *vt_out = NULL;
    zkbi_plugin_stage(stage_fd, ZKBI_STAGE_DLOPEN);
    dlerror();
    void *dl = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        return zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "dlopen failed: %s", e ? e : "unknown reason");
    }
    zkb_plugin_init_fn init;
    void *sym = dlsym(dl, ZKB_PLUGIN_ENTRY_NAME);
    memcpy(&init, &sym, sizeof init); /* object pointer to function pointer, as POSIX allows */
    zkb_status st;
    const zkb_backend *vt = NULL;
    if (!sym) {
        st = zkbi_ctx_fail(ctx, ZKB_ERR_PLUGIN, "missing symbol %s (not a zkmlbench plugin?)",
                           ZKB_PLUGIN_ENTRY_NAME);
    } else {
        zkbi_plugin_stage(stage_fd, ZKBI_STAGE_INIT);
        st = init(zkbi_host_api(), ZKB_PLUGIN_ABI_MAJOR, &vt);
        zkbi_plugin_stage(stage_fd, ZKBI_STAGE_CHECK);
        if (st != ZKB_OK)
            st = zkbi_ctx_fail(ctx, st == ZKB_ERR_ABI ? ZKB_ERR_ABI : ZKB_ERR_PLUGIN,
                               "%s failed: %s", ZKB_PLUGIN_ENTRY_NAME, zkb_status_str(st));
        else
            st = check_table(ctx, vt);
    }
    if (st != ZKB_OK) {
        dlclose(dl);
        return st;
    }
    *dl_out = dl;
    *vt_out = vt;
    return ZKB_OK;
}

zkb_status zkb_ctx_load_plugin(zkb_ctx *ctx, const char *path)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!path || !*path)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "plugin path is empty");
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        zkbi_ctx_fail(ctx, ZKB_ERR_NOT_FOUND, "%s: no such file", path);
        return record_rejection(ctx, path, ZKB_ERR_NOT_FOUND);
    }
    if (find_by_path(ctx, real))
        return ZKB_OK; /* the same file reached twice through the search path */

    /* Never dlopen in this process what crashes, exits or hangs in a child. */
    zkb_status st = zkbi_plugin_trial(ctx, real);
    void *dl = NULL;
    const zkb_backend *vt = NULL;
    if (st == ZKB_OK)
        st = zkbi_plugin_open(ctx, real, -1, &dl, &vt);
    if (st == ZKB_OK) {
        zkb_backend_ref *dup = zkb_backend_find(ctx, vt->name);
        if (dup)
            st = zkbi_ctx_fail(ctx, ZKB_ERR_EXISTS, "duplicate backend name '%s' (already loaded from %s)",
                               vt->name, dup->path);
    }
    if (st == ZKB_OK)
        st = add_backend(ctx, dl, vt, real);
    if (st != ZKB_OK) {
        if (dl)
            dlclose(dl);
        return record_rejection(ctx, real, st);
    }
    zkbi_ctx_log(ctx, ZKB_LOG_INFO, "loaded backend %s %s from %s", vt->name, vt->version, real);
    return ZKB_OK;
}

static int has_so_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.so in dir, in name order; a file path is loaded directly. */
static void load_from(zkb_ctx *ctx, const char *dir)
{
    struct stat st;
    if (!dir || !*dir || stat(dir, &st) != 0)
        return;
    if (S_ISREG(st.st_mode)) {
        zkb_ctx_load_plugin(ctx, dir);
        return;
    }
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_so_suffix(e->d_name))
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) < sizeof path)
            zkb_ctx_load_plugin(ctx, path);
        free(names[i]);
    }
    free(names);
}

zkb_status zkb_ctx_load_plugins(zkb_ctx *ctx)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    const char *env = getenv("ZKB_PLUGIN_PATH");
    if (env && *env) {
        char *copy = strdup(env);
        if (!copy)
            return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
        char *save = NULL;
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
            load_from(ctx, tok);
        free(copy);
    }
    load_from(ctx, ctx->plugin_dir);
    return ZKB_OK;
}

static void release_plugins(zkb_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_backends; i++) {
        zkb_backend_ref *b = ctx->backends[i];
        if (b->dl)
            dlclose(b->dl);
        free(b->path);
        free(b->probe_detail);
        free(b->data_dir);
        free(b->probe_bad_keys);
        free(b);
    }
    free(ctx->backends);
    ctx->backends = NULL;
    ctx->n_backends = 0;
    for (size_t i = 0; i < ctx->n_rejected; i++) {
        free(ctx->rejected[i].path);
        free(ctx->rejected[i].reason);
    }
    free(ctx->rejected);
    ctx->rejected = NULL;
    ctx->n_rejected = 0;
}

size_t zkb_ctx_rejected_count(const zkb_ctx *ctx) { return ctx ? ctx->n_rejected : 0; }

const char *zkb_ctx_rejected_path(const zkb_ctx *ctx, size_t i)
{
    return ctx && i < ctx->n_rejected ? ctx->rejected[i].path : NULL;
}

const char *zkb_ctx_rejected_reason(const zkb_ctx *ctx, size_t i)
{
    return ctx && i < ctx->n_rejected ? ctx->rejected[i].reason : NULL;
}

size_t zkb_backend_count(const zkb_ctx *ctx) { return ctx ? ctx->n_backends : 0; }

zkb_backend_ref *zkb_backend_at(zkb_ctx *ctx, size_t i)
{
    return ctx && i < ctx->n_backends ? ctx->backends[i] : NULL;
}

zkb_backend_ref *zkb_backend_find(zkb_ctx *ctx, const char *name)
{
    if (!ctx || !name)
        return NULL;
    for (size_t i = 0; i < ctx->n_backends; i++)
        if (strcmp(ctx->backends[i]->vt->name, name) == 0)
            return ctx->backends[i];
    return NULL;
}

const char *zkb_backend_name(const zkb_backend_ref *b) { return b ? b->vt->name : NULL; }
const char *zkb_backend_version(const zkb_backend_ref *b) { return b ? b->vt->version : NULL; }
const char *zkb_backend_proof_system(const zkb_backend_ref *b) { return b ? b->vt->proof_system : NULL; }
const char *zkb_backend_path(const zkb_backend_ref *b) { return b ? b->path : NULL; }
const char *zkb_backend_data_dir(const zkb_backend_ref *b) { return b ? b->data_dir : NULL; }

const char *zkb_backend_description(const zkb_backend_ref *b)
{
    return b ? (b->vt->description ? b->vt->description : "") : NULL;
}

int zkb_backend_is_baseline(const zkb_backend_ref *b)
{
    return b && (b->vt->flags & ZKB_BACKEND_BASELINE) != 0;
}

size_t zkb_backend_option_count(const zkb_backend_ref *b) { return b ? b->vt->n_options : 0; }

static const char *type_name(uint32_t t)
{
    switch (t) {
    case ZKB_OPT_STRING: return "string";
    case ZKB_OPT_INT: return "int";
    case ZKB_OPT_DOUBLE: return "double";
    case ZKB_OPT_BOOL: return "bool";
    }
    return "?";
}

const char *zkb_backend_option_field(const zkb_backend_ref *b, size_t i, const char *field)
{
    if (!b || !field || i >= b->vt->n_options)
        return NULL;
    const zkb_option_decl *o = zkbi_option_decl(b->vt, i);
    if (strcmp(field, "key") == 0)
        return o->key;
    if (strcmp(field, "type") == 0)
        return type_name(o->type);
    if (strcmp(field, "default") == 0)
        return o->default_val;
    if (strcmp(field, "choices") == 0)
        return o->choices;
    if (strcmp(field, "help") == 0)
        return o->help;
    return NULL;
}

uint32_t zkb_backend_op_support(const zkb_backend_ref *b, uint32_t op)
{
    if (!b || !ZKBI_VT_HAS(b->vt, op_support) || zkbi_backend_predates_op(b->vt, op))
        return ZKB_SUPPORT_NONE;
    uint32_t s = b->vt->op_support(op);
    return s == ZKB_SUPPORT_NATIVE || s == ZKB_SUPPORT_EMULATED ? s : ZKB_SUPPORT_NONE;
}

int zkb_backend_declares_op_support(const zkb_backend_ref *b)
{
    return b && b->vt && ZKBI_VT_HAS(b->vt, op_support);
}
