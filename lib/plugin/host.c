/* The services table handed to plugins and the per-session host context. */
#include "plugin_int.h"
#include "zkmlbench/zkb_eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

zkb_host_ctx *zkbi_host_ctx_new(zkb_ctx *ctx, zkb_backend_ref *b)
{
    zkb_host_ctx *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (pthread_mutex_init(&h->mu, NULL) != 0) {
        free(h);
        return NULL;
    }
    h->ctx = ctx;
    h->b = b;
    return h;
}

void zkbi_host_ctx_free(zkb_host_ctx *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_infos; i++) {
        free(h->infos[i].key);
        free(h->infos[i].value);
    }
    free(h->infos);
    for (size_t i = 0; i < h->n_metrics; i++) {
        free(h->metrics[i].key);
        free(h->metrics[i].unit);
    }
    free(h->metrics);
    if (h->own_scratch && h->scratch)
        zkbi_remove_tree(h->scratch);
    free(h->scratch);
    free(h->cache);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

const char *zkbi_host_ctx_error(const zkb_host_ctx *h) { return h ? h->err : ""; }

void zkbi_host_ctx_clear_error(zkb_host_ctx *h)
{
    if (h)
        h->err[0] = '\0';
}

size_t zkbi_host_ctx_info_count(const zkb_host_ctx *h) { return h ? h->n_infos : 0; }

const char *zkbi_host_ctx_info_key(const zkb_host_ctx *h, size_t i)
{
    return h && i < h->n_infos ? h->infos[i].key : NULL;
}

const char *zkbi_host_ctx_info_value(const zkb_host_ctx *h, size_t i)
{
    return h && i < h->n_infos ? h->infos[i].value : NULL;
}

size_t zkbi_host_ctx_metric_count(const zkb_host_ctx *h) { return h ? h->n_metrics : 0; }

const zkbi_host_metric *zkbi_host_ctx_metric(const zkb_host_ctx *h, size_t i)
{
    return h && i < h->n_metrics ? &h->metrics[i] : NULL;
}

int zkbi_host_ctx_set_scratch(zkb_host_ctx *h, const char *dir)
{
    char *d = dir ? strdup(dir) : NULL;
    if (dir && !d)
        return -1;
    if (h->own_scratch && h->scratch)
        zkbi_remove_tree(h->scratch);
    free(h->scratch);
    h->scratch = d;
    h->own_scratch = 0;
    return 0;
}

void zkbi_host_ctx_set_sink(zkb_host_ctx *h, const zkbi_host_sink *sink)
{
    if (sink)
        h->sink = *sink;
    else
        memset(&h->sink, 0, sizeof h->sink);
}

void zkbi_host_ctx_set_ranges(zkb_host_ctx *h, const struct zkb_ranges *ranges)
{
    if (h)
        h->ranges = ranges;
}

void zkbi_host_ctx_set_evaluator(zkb_host_ctx *h, zkbi_eval_fixed_fn fn, void *user)
{
    h->eval = fn;
    h->eval_user = user;
}

void zkbi_host_ctx_set_quant_hook(zkb_host_ctx *h, zkbi_set_quant_fn fn, void *user)
{
    h->set_quant = fn;
    h->set_quant_user = user;
}

void zkbi_host_ctx_set_phase(zkb_host_ctx *h, zkbi_span *phase) { h->phase = phase; }
void zkbi_host_ctx_set_deadline(zkb_host_ctx *h, uint64_t deadline_ns) { h->deadline_ns = deadline_ns; }
void zkbi_host_ctx_cancel(zkb_host_ctx *h) { atomic_store(&h->cancel, 1); }

int zkbi_host_key_ok(const char *key)
{
    if (!key || !*key || strlen(key) > 64)
        return 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

const char *zkbi_host_ctx_bad_keys(const zkb_host_ctx *h) { return h ? h->bad_keys : ""; }

/* Remembers a refused key for conformance (under h->mu). */
static void note_bad_key(zkb_host_ctx *h, const char *what, const char *key)
{
    char shown[80], item[100];
    snprintf(item, sizeof item, "%s %s%s%s", what, key ? "'" : "", key ? zkbi_printable(key, shown, sizeof shown) : "NULL",
             key ? "'" : "");
    pthread_mutex_lock(&h->mu);
    size_t u = strlen(h->bad_keys);
    if (!strstr(h->bad_keys, item) && u + strlen(item) + 3 < sizeof h->bad_keys)
        snprintf(h->bad_keys + u, sizeof h->bad_keys - u, "%s%s", u ? ", " : "", item);
    pthread_mutex_unlock(&h->mu);
}

static const char *backend_name(const zkb_host_ctx *h)
{
    return h->b && h->b->vt && h->b->vt->name ? h->b->vt->name : "plugin";
}

/* ---- services ---------------------------------------------------------- */

static void *svc_alloc(size_t size) { return malloc(size ? size : 1); }
static void svc_free(void *p) { free(p); }

static void svc_log(zkb_host_ctx *h, uint32_t level, const char *msg)
{
    if (!h || !msg)
        return;
    if (level > ZKB_LOG_DEBUG)
        level = ZKB_LOG_DEBUG;
    if (h->sink.log)
        h->sink.log(h->sink.user, level, msg);
    else
        zkbi_ctx_log(h->ctx, level, "%s: %s", backend_name(h), msg);
}

/* The host's own remarks about a session go where the plugin's logs go (in a
 * cell: to the supervising parent, never to the user's logger in the child). */
static void host_warn(zkb_host_ctx *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void host_warn(zkb_host_ctx *h, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    svc_log(h, ZKB_LOG_WARN, msg);
}

static void svc_set_error(zkb_host_ctx *h, const char *msg)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    snprintf(h->err, sizeof h->err, "%s", msg ? msg : "");
    pthread_mutex_unlock(&h->mu);
}

static const char *svc_scratch_dir(zkb_host_ctx *h)
{
    if (!h)
        return NULL;
    pthread_mutex_lock(&h->mu);
    if (!h->scratch) {
        /* A session without one (a probe): a private temporary directory. */
        const char *tmp = getenv("TMPDIR");
        char path[4096];
        snprintf(path, sizeof path, "%s/zkb-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", "session");
        if (mkdtemp(path)) {
            h->scratch = strdup(path);
            h->own_scratch = h->scratch != NULL;
            if (!h->scratch)
                zkbi_remove_tree(path);
        }
    }
    pthread_mutex_unlock(&h->mu);
    return h->scratch;
}

static const char *svc_cache_dir(zkb_host_ctx *h)
{
    if (!h)
        return NULL;
    pthread_mutex_lock(&h->mu);
    if (!h->cache && h->ctx && h->ctx->cache_dir) {
        char name[64], path[4096];
        zkbi_sanitize_name(h->b && h->b->vt ? h->b->vt->name : "unknown", name, sizeof name);
        int n = snprintf(path, sizeof path, "%s/%s", h->ctx->cache_dir, name);
        if (n > 0 && (size_t)n < sizeof path && zkbi_mkdirs(path) == 0)
            h->cache = strdup(path);
        else
            host_warn(h, "cannot create cache directory %s", path);
    }
    pthread_mutex_unlock(&h->mu);
    return h->cache;
}

static void svc_progress(zkb_host_ctx *h, double fraction, const char *what)
{
    if (!h)
        return;
    if (h->sink.progress)
        h->sink.progress(h->sink.user, fraction, what ? what : "");
    else
        zkbi_ctx_log(h->ctx, ZKB_LOG_DEBUG, "%s: progress %.0f%% %s", backend_name(h),
                     fraction * 100.0, what ? what : "");
}

static int svc_cancelled(zkb_host_ctx *h)
{
    if (!h)
        return 0;
    if (atomic_load(&h->cancel))
        return 1;
    return h->deadline_ns && zkbi_now_ns() >= h->deadline_ns;
}

static void svc_metric(zkb_host_ctx *h, const char *key, double value, const char *unit)
{
    if (!h)
        return;
    if (!zkbi_host_key_ok(key)) {
        host_warn(h, "metric key '%s' ignored (allowed: [a-z0-9_.], at most 64)", key ? key : "(null)");
        note_bad_key(h, "metric", key);
        return;
    }
    if (!isfinite(value)) { /* a record holds measured numbers only: readers refuse it whole */
        host_warn(h, "metric '%s' ignored: its value is not a finite number", key);
        return;
    }
    pthread_mutex_lock(&h->mu);
    zkbi_host_metric *m = NULL;
    for (size_t i = 0; i < h->n_metrics; i++)
        if (strcmp(h->metrics[i].key, key) == 0)
            m = &h->metrics[i];
    if (!m) {
        zkbi_host_metric *g = realloc(h->metrics, (h->n_metrics + 1) * sizeof *g);
        char *k = strdup(key), *u = strdup(unit ? unit : "");
        if (!g || !k || !u) {
            if (g)
                h->metrics = g;
            free(k);
            free(u);
            pthread_mutex_unlock(&h->mu);
            return;
        }
        h->metrics = g;
        m = &h->metrics[h->n_metrics++];
        *m = (zkbi_host_metric){.key = k, .unit = u, .min = value, .max = value};
    }
    m->last = value;
    if (value < m->min)
        m->min = value;
    if (value > m->max)
        m->max = value;
    m->n++;
    pthread_mutex_unlock(&h->mu);
    if (h->sink.metric)
        h->sink.metric(h->sink.user, key, value, unit ? unit : "");
}

static void svc_info(zkb_host_ctx *h, const char *key, const char *value)
{
    if (!h)
        return;
    if (!zkbi_host_key_ok(key)) {
        host_warn(h, "info key '%s' ignored (allowed: [a-z0-9_.], at most 64)", key ? key : "(null)");
        note_bad_key(h, "info", key);
        return;
    }
    char *v = strdup(value ? value : "");
    if (!v)
        return;
    pthread_mutex_lock(&h->mu);
    size_t i = 0;
    while (i < h->n_infos && strcmp(h->infos[i].key, key) != 0)
        i++;
    if (i < h->n_infos) {
        free(h->infos[i].value);
        h->infos[i].value = v;
    } else {
        zkbi_host_kv *g = realloc(h->infos, (h->n_infos + 1) * sizeof *g);
        char *k = strdup(key);
        if (!g || !k) {
            if (g)
                h->infos = g;
            free(k);
            free(v);
            pthread_mutex_unlock(&h->mu);
            return;
        }
        h->infos = g;
        h->infos[h->n_infos++] = (zkbi_host_kv){.key = k, .value = v};
    }
    pthread_mutex_unlock(&h->mu);
    if (h->sink.info)
        h->sink.info(h->sink.user, key, value ? value : "");
}

static zkb_status svc_eval_fixed(zkb_host_ctx *h, const int64_t *x_q, uint64_t n_in, int64_t *out_q,
                                 uint64_t n_out)
{
    if (!h)
        return ZKB_ERR_INVALID_ARG;
    if (!h->eval) {
        svc_set_error(h, "eval_fixed: no quantized model in this session (call it after quantize)");
        return ZKB_ERR_STATE;
    }
    if (!x_q || !out_q) {
        svc_set_error(h, "eval_fixed: NULL input or output");
        return ZKB_ERR_INVALID_ARG;
    }
    char err[ZKBI_ERR_LEN] = "", msg[ZKBI_ERR_LEN + 16];
    zkb_status st = h->eval(h->eval_user, x_q, n_in, out_q, n_out, err, sizeof err);
    if (st != ZKB_OK) {
        snprintf(msg, sizeof msg, "eval_fixed: %s", err[0] ? err : zkb_status_str(st));
        svc_set_error(h, msg);
    }
    return st;
}

static zkb_status svc_value_bits(zkb_host_ctx *h, uint32_t layer, uint32_t *acc_bits, uint32_t *out_bits)
{
    if (!h)
        return ZKB_ERR_INVALID_ARG;
    if (!h->ranges) {
        svc_set_error(h, "value_bits: no range analysis in this session (call it after quantize)");
        return ZKB_ERR_STATE;
    }
    zkb_layer_range r = {.struct_size = sizeof r};
    zkb_status st = layer == ZKB_LAYER_INPUT ? zkb_ranges_input(h->ranges, &r)
                                             : zkb_ranges_layer(h->ranges, layer, &r);
    if (st != ZKB_OK) {
        svc_set_error(h, "value_bits: no such layer");
        return st;
    }
    if (acc_bits)
        *acc_bits = r.ana_acc_bits;
    if (out_bits)
        *out_bits = r.ana_out_bits;
    return r.ana_acc_overflow || r.ana_out_overflow ? ZKB_ERR_OVERFLOW : ZKB_OK;
}

static zkb_status svc_set_quant(zkb_host_ctx *h, const zkb_quant *q)
{
    if (!h)
        return ZKB_ERR_INVALID_ARG;
    if (!h->set_quant) {
        svc_set_error(h, "set_quant: not available here (only in a benchmark cell)");
        return ZKB_ERR_UNSUPPORTED;
    }
    if (!q) {
        svc_set_error(h, "set_quant: NULL quantization");
        return ZKB_ERR_INVALID_ARG;
    }
    char err[ZKBI_ERR_LEN] = "";
    zkb_status st = h->set_quant(h->set_quant_user, q, err, sizeof err);
    if (st != ZKB_OK)
        svc_set_error(h, err[0] ? err : zkb_status_str(st));
    return st;
}

static uint64_t svc_now_ns(void) { return zkbi_now_ns(); }

static const zkb_host_api host_api = {
    .struct_size = sizeof(zkb_host_api),
    .abi_major = ZKB_PLUGIN_ABI_MAJOR,
    .abi_minor = ZKB_PLUGIN_ABI_MINOR,
    .alloc = svc_alloc,
    .free = svc_free,
    .log = svc_log,
    .set_error = svc_set_error,
    .now_ns = svc_now_ns,
    .spawn = zkbi_host_spawn,
    .scratch_dir = svc_scratch_dir,
    .cache_dir = svc_cache_dir,
    .progress = svc_progress,
    .cancelled = svc_cancelled,
    .metric = svc_metric,
    .info = svc_info,
    .eval_fixed = svc_eval_fixed,
    .value_bits = svc_value_bits,
    .set_quant = svc_set_quant,
};

const zkb_host_api *zkbi_host_api(void) { return &host_api; }
