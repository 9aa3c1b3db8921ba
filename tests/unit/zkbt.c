/* The helpers of zkbt.h, shared by the cmocka tests of tests/unit. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core_int.h"

/* ---- text, files and directories ---- */

void zkbt_fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, cap, f, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap);
}

void zkbt_str_add(zkbt_str *b, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int k = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    assert_true(k >= 0);
    if (b->len + (size_t)k + 1 > b->cap) {
        b->cap = (b->len + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, f);
    vsnprintf(b->s + b->len, b->cap - b->len, f, ap);
    va_end(ap);
    b->len += (size_t)k;
}

int zkbt_tmpdir(char *dir, size_t cap, const char *tag)
{
    int n = snprintf(dir, cap, "/tmp/zkb-test-%s-XXXXXX", tag);
    return n > 0 && (size_t)n < cap && mkdtemp(dir) ? 0 : -1;
}

const char *zkbt_path(const char *dir, const char *name)
{
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    zkbt_fmt(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

char *zkbt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(n >= 0);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = (size_t)n;
    return b;
}

const char *zkbt_file_text(const char *path)
{
    static char *last;
    free(last);
    last = NULL;
    last = zkbt_read_file(path, NULL);
    return last;
}

void zkbt_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot create %s", path);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ---- processes ---- */

int zkbt_run(const char *cwd, const char *const *argv, const char *out, int stderr_too)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = stderr_too ? fd : open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 1);
        if (err >= 0)
            dup2(err, 2);
        if (fd > 2)
            close(fd);
        if (err > 2 && err != fd)
            close(err);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

const char *zkbt_self_exe(void)
{
    static char path[PATH_MAX];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0)
            return NULL;
        path[n] = '\0';
    }
    return path;
}

int zkbt_child_main(int argc, char **argv)
{
    if (argc != 3)
        return -1;
    if (strcmp(argv[1], "--zkb-sleep") == 0) {
        usleep((useconds_t)(atof(argv[2]) * 1e6));
        _exit(0);
    }
    if (strcmp(argv[1], "--zkb-alloc-mib") == 0) {
        size_t n = (size_t)atol(argv[2]) << 20;
        if (n) {
            char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                _exit(2);
            memset(p, 1, n);
        }
        _exit(0);
    }
    return -1;
}

/* ---- contexts and logs ---- */

void zkbt_log_warnings(void *warnings, uint32_t level, const char *msg)
{
    zkbt_warnings *w = warnings;
    if (level <= ZKB_LOG_WARN) {
        size_t n = strlen(w->text);
        snprintf(w->text + n, sizeof w->text - n, "%s\n", msg);
    }
}

int zkbt_ctx_tmpdir(zkb_ctx **ctx, char *dir, size_t cap, const char *tag)
{
    if (zkb_ctx_new(ctx) != ZKB_OK)
        return -1;
    return zkbt_tmpdir(dir, cap, tag);
}

void zkbt_ctx_tmpdir_free(zkb_ctx *ctx, const char *dir)
{
    zkb_ctx_free(ctx);
    zkbi_remove_tree(dir);
}

/* ---- models ---- */

zkb_model *zkbt_model(const char *json)
{
    zkb_model *m = NULL;
    zkb_status st = zkb_model_load_json(NULL, json, strlen(json), &m);
    if (st != ZKB_OK)
        fail_msg("load failed: %s", zkb_status_str(st));
    return m;
}

zkb_quant zkbt_quant(uint32_t scheme, uint32_t scale, uint32_t rounding)
{
    zkb_quant q;
    zkb_quant_default(&q);
    q.scheme = scheme;
    q.scale = scale;
    q.rounding = rounding;
    return q;
}

uint64_t zkbt_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

double zkbt_rand_unit(uint64_t *state)
{
    return (double)(zkbt_rand(state) >> 11) / 9007199254740992.0;
}

/* ---- framework backends ---- */

int zkbt_backends_required(void)
{
    const char *req = getenv("ZKB_REQUIRE_BACKENDS");
    return req && strcmp(req, "0") != 0;
}

zkbt_backend *zkbt_backend_new(const char *name)
{
    zkbt_backend *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->name = name;
    if (zkbt_ctx_tmpdir(&b->ctx, b->dir, sizeof b->dir, name) != 0) {
        zkb_ctx_free(b->ctx);
        free(b);
        return NULL;
    }
    zkbt_fmt(b->cache, sizeof b->cache, "%s/cache", b->dir);
    zkb_ctx_set(b->ctx, "cache_dir", b->cache);
    return b;
}

void zkbt_backend_free(zkbt_backend *b)
{
    zkb_ctx_free(b->ctx);
    if (!getenv("ZKB_TEST_KEEP"))
        zkbi_remove_tree(b->dir);
    free(b);
}

int zkbt_backend_open(zkbt_backend *b, const char *path, const char *hint)
{
    if (zkb_ctx_load_plugin(b->ctx, path) != ZKB_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, zkb_ctx_last_error(b->ctx));
        return -1;
    }
    zkb_backend_ref *ref = zkb_backend_find(b->ctx, b->name);
    b->available = ref && zkb_backend_probe(ref) == ZKB_OK;
    snprintf(b->why, sizeof b->why, "%s", ref ? zkb_backend_probe_detail(ref) : "no backend");
    if (b->available)
        return 0;
    printf("[  SKIP    ] %s backend unavailable (%s): %s\n", b->name, b->why, hint);
    if (zkbt_backends_required()) {
        fprintf(stderr, "ZKB_REQUIRE_BACKENDS is set but %s is unavailable: %s\n", b->name, b->why);
        return -1;
    }
    return 0;
}

cJSON *zkbt_backend_run(zkbt_backend *b, const char *model, const char *options, const char *const *settings,
                        const char *want)
{
    zkbt_fmt(b->run_dir, sizeof b->run_dir, "%s/run%d", b->dir, b->runs++);
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(b->ctx, b->run_dir, &run), ZKB_OK);
    for (size_t i = 0; settings && settings[i]; i += 2)
        if (zkb_run_set(run, settings[i], settings[i + 1]) != ZKB_OK)
            fail_msg("%s=%s: %s", settings[i], settings[i + 1], zkb_run_last_error(run));
    if (zkb_run_add_cell(run, model, b->name, options, NULL) != ZKB_OK)
        fail_msg("add_cell: %s", zkb_run_last_error(run));
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    const char *st = zkb_run_cell_status(run, 0);
    const char *rec = zkb_run_cell_record(run, 0);
    if (want && (!st || strcmp(st, want) != 0))
        fail_msg("%s %s: status %s, want %s; record: %s", b->name, options, st ? st : "(null)", want,
                 rec ? rec : "(none)");
    assert_non_null(rec);
    cJSON *j = cJSON_Parse(rec);
    assert_non_null(j);
    zkb_run_free(run);
    return j;
}

double zkbt_metric(const cJSON *record, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(record, "metrics"), key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "value");
    if (!cJSON_IsNumber(v))
        fail_msg("no metric %s", key);
    return v->valuedouble;
}

const char *zkbt_json_str(const cJSON *j, const char *key, const char *sub)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (sub)
        v = cJSON_GetObjectItemCaseSensitive(v, sub);
    return cJSON_IsString(v) ? v->valuestring : "";
}

const char *zkbt_info(const cJSON *record, const char *key)
{
    return zkbt_json_str(record, "infos", key);
}

const char *zkbt_record(char *out, size_t cap, const char *cell_id, const char *status,
                        const char *extra)
{
    zkbt_fmt(out, cap,
             "{\"schema\":\"zkmlbench-result\",\"schema_version\":1,\"library_version\":\"0.1.0\","
             "\"cell_id\":\"%s\",\"status\":\"%s\","
             "\"backend\":{\"name\":\"reference\",\"version\":\"0.1.0\",\"proof_system\":\"none\","
             "\"baseline\":true},\"options\":{},"
             "\"quant\":{\"scheme\":\"pow2\",\"scale\":8,\"rounding\":\"half_up\"},"
             "\"model\":{\"path\":\"m.json\",\"name\":\"m\"},\"samples\":1,\"repeats\":1,"
             "\"dataset\":\"synthetic\",\"seed\":1,\"limits\":{\"timeout_s\":600,\"memory_cap_bytes\":0},"
             "\"machine\":{},\"started_at\":\"2026-12-07T10:00:00.000Z\","
             "\"finished_at\":\"2026-12-07T10:00:01.000Z\"%s%s}",
             cell_id, status, extra ? "," : "", extra ? extra : "");
    return out;
}

zkb_run *zkbt_run_new(zkb_ctx *ctx, const char *out, const char *const *settings)
{
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(ctx, out, &run), ZKB_OK);
    for (size_t i = 0; settings && settings[i]; i += 2)
        if (zkb_run_set(run, settings[i], settings[i + 1]) != ZKB_OK)
            fail_msg("%s=%s: %s", settings[i], settings[i + 1], zkb_run_last_error(run));
    return run;
}

void zkbt_run_add(zkb_run *run, const char *model, const char *backend, const char *options)
{
    if (zkb_run_add_cell(run, model, backend, options, NULL) != ZKB_OK)
        fail_msg("add_cell %s: %s", backend, zkb_run_last_error(run));
}

void zkbt_check_evm(const cJSON *j, const char *generator, double n_proofs, double n_public)
{
    const char *gen = zkbt_info(j, "evm_generator");
    if (!strstr(gen, generator))
        fail_msg("no EVM step from %s: info evm '%s', generator '%s'", generator, zkbt_info(j, "evm"), gen);
    assert_true(zkbt_metric(j, "evm_proofs_verified") == n_proofs);
    assert_true(zkbt_metric(j, "evm_tampered_rejected") == 2);
    assert_true(zkbt_metric(j, "evm_public_inputs") == n_public);
    assert_true(zkbt_metric(j, "evm_verify_gas") > 21000);
}

void zkbt_kept_scratch(const char *run_dir, const char *prefix, char *out, size_t cap)
{
    char sd[512];
    zkbt_fmt(sd, sizeof sd, "%s/scratch", run_dir);
    DIR *d = opendir(sd);
    assert_non_null(d);
    out[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && !strstr(e->d_name, ".kept"))
            zkbt_fmt(out, cap, "%s/%s", sd, e->d_name);
    closedir(d);
    if (!out[0])
        fail_msg("no kept scratch directory %s* in %s", prefix, sd);
}
