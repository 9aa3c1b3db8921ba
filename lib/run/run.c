/* Runs: settings, cells, and what execute left behind. */
#include "run_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static zkb_status run_fail(zkb_run *run, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static zkb_status run_fail(zkb_run *run, zkb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->err, sizeof run->err, fmt, ap);
    va_end(ap);
    return st;
}

/* cap-1 random hex digits (getrandom; a clock and pid mix if it fails). */
static void zkbi_random_hex(char *out, size_t cap)
{
    unsigned char raw[32] = {0};
    size_t need = (cap - 1 + 1) / 2;
    if (need > sizeof raw)
        need = sizeof raw;
    if (getrandom(raw, need, 0) != (ssize_t)need) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        uint64_t x = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
        for (size_t i = 0; i < need; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            raw[i] = (unsigned char)(x >> 56);
        }
    }
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    for (; i + 1 < cap && i / 2 < need; i++)
        out[i] = hex[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[i] = '\0';
}

zkb_status zkb_run_new(zkb_ctx *ctx, const char *out_dir, zkb_run **out)
{
    if (!out)
        return ZKB_ERR_INVALID_ARG;
    *out = NULL;
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!out_dir || !*out_dir)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_run_new: an output directory is required");
    if (zkbi_mkdirs(out_dir) != 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot create output directory %s: %s", out_dir,
                             strerror(errno));
    zkb_run *run = calloc(1, sizeof *run);
    if (!run)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    run->ctx = ctx;
    run->lock_fd = -1;
    run->out_dir = strdup(out_dir);
    size_t n = strlen(out_dir) + sizeof "/results.jsonl";
    run->results_path = malloc(n);
    if (!run->out_dir || !run->results_path) {
        zkb_run_free(run);
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    }
    snprintf(run->results_path, n, "%s/results.jsonl", out_dir);
    zkbi_random_hex(run->run_id, sizeof run->run_id);
    zkbi_settings *s = &run->set;
    s->samples = 1;
    s->evm = 1;
    s->evm_optimizer_runs = ZKBI_EVM_OPTIMIZER_RUNS;
    s->repeats = 1;
    s->timeout_s = 600;
    s->memory_cap = ZKBI_DEFAULT_MEMORY_CAP;
    snprintf(s->dataset, sizeof s->dataset, "auto");
    s->seed = 1;
    zkb_quant_default(&s->quant);
    *out = run;
    return ZKB_OK;
}

void zkb_run_free(zkb_run *run)
{
    if (!run)
        return;
    for (size_t i = 0; i < run->n_cells; i++) {
        zkbi_cell *c = &run->cells[i];
        free(c->model_path);
        free(c->backend);
        zkbi_options_free(c->opts, c->n_opts);
        free(c->options);
        free(c->record);
    }
    free(run->cells);
    free(run->out_dir);
    free(run->results_path);
    free(run);
}

const char *zkb_run_last_error(const zkb_run *run) { return run ? run->err : "no run"; }

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!*v || *v == '-' || *v == '+')
        return -1;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || x > max)
        return -1;
    *out = x;
    return 0;
}

/* "512M", "20G", "1048576", "1.5G" (binary multiples); 0 means no cap. */
static int parse_flag(const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"))
        *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
        *out = 0;
    else
        return -1;
    return 0;
}

#define RUN_KEYS "samples, repeats, timeout, memory_cap, force, dataset, seed, quant.scheme, " \
                 "quant.scale, quant.rounding, keep_scratch, evm, evm.optimizer_runs"

zkb_status zkb_run_set(zkb_run *run, const char *key, const char *value)
{
    if (!run)
        return ZKB_ERR_INVALID_ARG;
    if (!key || !value)
        return run_fail(run, ZKB_ERR_INVALID_ARG, "zkb_run_set: key and value are required");
    zkbi_settings *s = &run->set;
    uint64_t u;
    if (!strcmp(key, "samples") || !strcmp(key, "repeats")) {
        if (parse_u64(value, 1000000, &u) != 0 || u == 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "%s: '%s' is not an integer in 1..1000000", key, value);
        *(key[0] == 's' ? &s->samples : &s->repeats) = (uint32_t)u;
    } else if (!strcmp(key, "timeout")) {
        char *end = NULL;
        double t = strtod(value, &end);
        if (end == value || *end || !isfinite(t) || t <= 0 || t > 1e7)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "timeout: '%s' is not a number of seconds > 0", value);
        s->timeout_s = t;
    } else if (!strcmp(key, "memory_cap")) {
        if (zkbi_parse_bytes(value, &s->memory_cap) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG,
                            "memory_cap: '%s' is not a size in bytes (e.g. 512M, 20G; 0 for none)", value);
    } else if (!strcmp(key, "evm.optimizer_runs")) {
        if (parse_u64(value, 1000000000, &u) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "evm.optimizer_runs: '%s' is not an integer in 0..10^9", value);
        s->evm_optimizer_runs = (uint32_t)u;
    } else if (!strcmp(key, "evm")) {
        if (parse_flag(value, &s->evm) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "evm: '%s' is not 0 or 1", value);
    } else if (!strcmp(key, "force") || !strcmp(key, "keep_scratch")) {
        if (parse_flag(value, key[0] == 'f' ? &s->force : &s->keep_scratch) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "%s: '%s' is not 0 or 1", key, value);
    } else if (!strcmp(key, "dataset")) {
        size_t n = strlen(value);
        if (n == 0 || n >= sizeof s->dataset || strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-.:") != n)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "dataset: '%s' is not a dataset name (auto, synthetic, mnist, mnist14, heart, heart_std)", value);
        memcpy(s->dataset, value, n + 1);
    } else if (!strcmp(key, "seed")) {
        if (parse_u64(value, (UINT64_C(1) << 53) - 1, &s->seed) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "seed: '%s' is not an integer in 0..2^53-1", value);
    } else if (!strcmp(key, "quant.scheme")) {
        if (!strcmp(value, "pow2"))
            s->quant.scheme = ZKB_QUANT_POW2;
        else if (!strcmp(value, "pow10"))
            s->quant.scheme = ZKB_QUANT_POW10;
        else
            return run_fail(run, ZKB_ERR_INVALID_ARG, "quant.scheme: '%s' is not pow2 or pow10", value);
    } else if (!strcmp(key, "quant.scale")) {
        if (parse_u64(value, 63, &u) != 0)
            return run_fail(run, ZKB_ERR_INVALID_ARG, "quant.scale: '%s' is not an integer exponent", value);
        s->quant.scale = (uint32_t)u;
    } else if (!strcmp(key, "quant.rounding")) {
        if (!strcmp(value, "half_up"))
            s->quant.rounding = ZKB_ROUND_HALF_UP;
        else if (!strcmp(value, "floor"))
            s->quant.rounding = ZKB_ROUND_FLOOR;
        else
            return run_fail(run, ZKB_ERR_INVALID_ARG, "quant.rounding: '%s' is not half_up or floor", value);
    } else {
        return run_fail(run, ZKB_ERR_NOT_FOUND, "unknown run setting '%s' (known: %s)", key, RUN_KEYS);
    }
    return ZKB_OK;
}

static void backend_names(zkb_ctx *ctx, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < zkb_backend_count(ctx) && used < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", zkb_backend_name(zkb_backend_at(ctx, i)));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

zkb_status zkb_run_add_cell(zkb_run *run, const char *model_path, const char *backend,
                            const char *options, size_t *idx)
{
    if (!run)
        return ZKB_ERR_INVALID_ARG;
    if (!model_path || !*model_path || !backend || !*backend)
        return run_fail(run, ZKB_ERR_INVALID_ARG, "zkb_run_add_cell: a model path and a backend are required");
    zkb_backend_ref *b = zkb_backend_find(run->ctx, backend);
    if (!b) {
        char names[768];
        backend_names(run->ctx, names, sizeof names);
        return run_fail(run, ZKB_ERR_NOT_FOUND, "no backend '%s' (loaded: %s)", backend,
                        names[0] ? names : "none");
    }
    zkbi_cell c = {.b = b};
    zkb_status st = zkbi_options_parse(b->vt, options, &c.opts, &c.n_opts, &c.options, run->err, sizeof run->err);
    if (st != ZKB_OK)
        return st;
    c.model_path = strdup(model_path);
    c.backend = strdup(backend);
    zkbi_cell *g = realloc(run->cells, (run->n_cells + 1) * sizeof *g);
    if (!c.model_path || !c.backend || !g) {
        if (g)
            run->cells = g;
        free(c.model_path);
        free(c.backend);
        zkbi_options_free(c.opts, c.n_opts);
        free(c.options);
        return run_fail(run, ZKB_ERR_NOMEM, "out of memory");
    }
    run->cells = g;
    run->cells[run->n_cells] = c;
    if (idx)
        *idx = run->n_cells;
    run->n_cells++;
    return ZKB_OK;
}

void zkb_run_set_progress(zkb_run *run, zkb_progress_fn fn, void *user)
{
    if (!run)
        return;
    run->progress = fn;
    run->progress_user = user;
}

size_t zkb_run_cell_count(const zkb_run *run) { return run ? run->n_cells : 0; }

const char *zkb_run_cell_status(const zkb_run *run, size_t i)
{
    return run && i < run->n_cells ? run->cells[i].status : NULL;
}

const char *zkb_run_cell_record(const zkb_run *run, size_t i)
{
    return run && i < run->n_cells ? run->cells[i].record : NULL;
}

const char *zkb_run_results_path(const zkb_run *run) { return run ? run->results_path : NULL; }

const char *zkb_run_cell_backend(const zkb_run *run, size_t i)
{
    return run && i < run->n_cells ? run->cells[i].backend : NULL;
}

const char *zkb_run_cell_model(const zkb_run *run, size_t i)
{
    return run && i < run->n_cells ? run->cells[i].model_path : NULL;
}

const char *zkb_run_id(const zkb_run *run) { return run ? run->run_id : NULL; }
