/* One results.jsonl line into a zkbr_rec (docs/results-format.md). */
#include "report_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const zkbr_phase_names[ZKBR_N_PHASES] = {"load", "quantize", "setup",
                                                     "witness", "prove", "verify"};

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

static const char *str(const cJSON *o, const char *k, const char *dflt)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

static double num(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : dflt;
}

static zkbr_stat stat_of(const cJSON *o)
{
    zkbr_stat s = {0, 0, 0, 0};
    const cJSON *m = get(o, "median");
    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble))
        return s;
    s.have = 1;
    s.med = m->valuedouble;
    s.min = num(o, "min", s.med);
    s.max = num(o, "max", s.med);
    return s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "k=v" of one option, values normalized by type. */
static void option_text(zkbr_buf *b, const cJSON *o)
{
    if (cJSON_IsNumber(o)) {
        double d = o->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15)
            zkbr_buf_printf(b, "%s=%.0f", o->string, d);
        else
            zkbr_buf_printf(b, "%s=%.17g", o->string, d);
    } else if (cJSON_IsBool(o)) {
        zkbr_buf_printf(b, "%s=%s", o->string, cJSON_IsTrue(o) ? "true" : "false");
    } else if (cJSON_IsString(o)) {
        zkbr_buf_printf(b, "%s=%s", o->string, o->valuestring);
    }
}

/* Canonical variant (all options, sorted, then non-default quantization) and
 * the label (backend/proof system, other options). */
static int variant_and_label(const cJSON *j, zkbr_rec *rec)
{
    const cJSON *opts = get(j, "options");
    size_t n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, opts) n++;
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return -1;
    n = 0;
    cJSON_ArrayForEach(o, opts) if (o->string) keys[n++] = o->string;
    qsort(keys, n, sizeof *keys, cmp_str);
    const cJSON *q = get(j, "quant");
    const char *scheme = str(q, "scheme", "pow2"), *rounding = str(q, "rounding", "half_up");
    double scale = num(q, "scale", 8);
    char quant[96];
    snprintf(quant, sizeof quant, "%s/%.0f/%s", scheme, scale, rounding);
    int default_quant = strcmp(quant, "pow2/8/half_up") == 0;

    zkbr_buf v = {0}, l = {0};
    const char *psys = str(get(j, "backend"), "proof_system", "");
    const cJSON *po = get(opts, "proof_system");
    if (cJSON_IsString(po) && po->valuestring[0])
        psys = po->valuestring;
    zkbr_buf_puts(&l, rec->backend);
    if (psys[0] && strcmp(psys, "none") != 0)
        zkbr_buf_printf(&l, "/%s", psys);
    const char *own = str(get(j, "backend"), "proof_system", "");
    for (size_t i = 0; i < n; i++) {
        const cJSON *x = get(opts, keys[i]);
        /* proof_system set to the backend's own is the default cell */
        if (strcmp(keys[i], "proof_system") == 0 && cJSON_IsString(x) && strcmp(x->valuestring, own) == 0)
            continue;
        if (v.len)
            zkbr_buf_puts(&v, ",");
        option_text(&v, x);
        if (strcmp(keys[i], "proof_system") != 0) {
            zkbr_buf_puts(&l, " ");
            option_text(&l, x);
        }
    }
    if (!default_quant) {
        zkbr_buf_printf(&v, "%squant=%s", v.len ? "," : "", quant);
        zkbr_buf_printf(&l, " quant=%s", quant);
    }
    free(keys);
    rec->variant = zkbr_strdup(v.p);
    rec->label = zkbr_strdup(l.p);
    rec->psys = zkbr_strdup(psys);
    rec->quant = zkbr_strdup(quant);
    int bad = v.oom || l.oom;
    zkbr_buf_free(&v);
    zkbr_buf_free(&l);
    return bad || !rec->variant || !rec->label || !rec->psys || !rec->quant ? -1 : 0;
}

static char *machine_text(const cJSON *m)
{
    if (!cJSON_IsObject(m))
        return zkbr_strdup("");
    zkbr_buf b = {0};
    zkbr_buf_printf(&b, "%s", str(m, "cpu_model", "unknown CPU"));
    double cores = num(m, "cores", -1), mem = num(m, "memory_bytes", -1);
    if (cores > 0)
        zkbr_buf_printf(&b, ", %.0f cores", cores);
    if (mem > 0)
        zkbr_buf_printf(&b, ", %.1f GiB RAM", mem / (1024.0 * 1024.0 * 1024.0));
    const char *os = str(m, "os", ""), *kernel = str(m, "kernel", ""), *arch = str(m, "arch", "");
    if (os[0])
        zkbr_buf_printf(&b, ", %s", os);
    if (kernel[0])
        zkbr_buf_printf(&b, ", Linux %s", kernel);
    if (arch[0])
        zkbr_buf_printf(&b, " %s", arch);
    char *s = b.oom ? NULL : zkbr_strdup(b.p);
    zkbr_buf_free(&b);
    return s;
}

static int read_metrics(const cJSON *j, zkbr_rec *rec)
{
    const cJSON *ms = get(j, "metrics"), *m;
    size_t n = 0;
    cJSON_ArrayForEach(m, ms) n++;
    if (n == 0)
        return 0;
    rec->metrics = calloc(n, sizeof *rec->metrics);
    if (!rec->metrics)
        return -1;
    cJSON_ArrayForEach(m, ms)
    {
        const cJSON *v = get(m, "value");
        if (!m->string || !cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            continue;
        zkbr_metric *x = &rec->metrics[rec->n_metrics];
        x->key = zkbr_strdup(m->string);
        x->unit = zkbr_strdup(str(m, "unit", ""));
        rec->n_metrics++;
        if (!x->key || !x->unit)
            return -1;
        x->value = v->valuedouble;
        x->min = num(m, "min", x->value);
        x->max = num(m, "max", x->value);
    }
    return 0;
}

static void read_accuracy(const cJSON *j, zkbr_rec *rec)
{
    const cJSON *a = get(j, "accuracy");
    rec->acc_differs_pct = num(a, "zk_class_differs_pct", -1);
    rec->float_acc = num(a, "float_accuracy", -1);
    rec->zk_acc = num(a, "zk_accuracy", -1);
    if (!cJSON_IsObject(a) || num(a, "samples", 0) <= 0)
        return;
    double loss = num(a, "accuracy_loss_points", NAN);
    if (cJSON_IsTrue(get(a, "labelled")) && !isnan(loss)) {
        rec->acc_kind = ZKBR_ACC_LABELLED;
        rec->acc_loss = loss;
    } else if (rec->acc_differs_pct >= 0) {
        rec->acc_kind = ZKBR_ACC_DIFFERS;
        rec->acc_loss = rec->acc_differs_pct;
    }
}

int zkbr_rec_parse(const char *line, size_t len, int unterminated, zkbr_rec *rec, char *why,
                   size_t why_len)
{
    memset(rec, 0, sizeof *rec);
    cJSON *j = NULL;
    /* the one rule for every reader (lib/core/result_check.c) */
    if (zkbi_result_check(line, len, unterminated, &j, why, why_len) != 0)
        return -1;
    const cJSON *b = get(j, "backend"), *m = get(j, "model");
    rec->cell_id = zkbr_strdup(str(j, "cell_id", ""));
    rec->status = zkbr_strdup(str(j, "status", ""));
    rec->reason = zkbr_strdup(str(j, "reason", ""));
    double code = num(j, "error_code", 0);
    rec->error_code = code >= 0 && code <= 1000 ? (int)code : -1;
    rec->backend = zkbr_strdup(str(b, "name", ""));
    rec->backend_version = zkbr_strdup(str(b, "version", ""));
    rec->proof_system = zkbr_strdup(str(b, "proof_system", ""));
    rec->baseline = cJSON_IsTrue(get(b, "baseline"));
    rec->model_path = zkbr_strdup(str(m, "path", ""));
    rec->model = zkbr_strdup(str(m, "name", rec->model_path ? rec->model_path : "?"));
    const char *fp = str(m, "fingerprint", NULL);
    if (fp)
        rec->fingerprint = zkbr_strdup(fp);
    else if (rec->model_path && asprintf(&rec->fingerprint, "unloadable:%s", rec->model_path) < 0)
        rec->fingerprint = NULL;
    rec->params = num(m, "params", -1);
    rec->samples = num(j, "samples", 0);
    rec->repeats = num(j, "repeats", 0);
    rec->dataset = zkbr_strdup(str(j, "dataset", ""));
    rec->framework_version = zkbr_strdup(str(get(j, "infos"), "framework_version", ""));
    rec->library_version = zkbr_strdup(str(j, "library_version", ""));
    rec->started_at = zkbr_strdup(str(j, "started_at", ""));
    rec->finished_at = zkbr_strdup(str(j, "finished_at", ""));
    rec->machine = machine_text(get(j, "machine"));
    const cJSON *ph = get(j, "phases");
    for (int p = 0; p < ZKBR_N_PHASES; p++) {
        const cJSON *x = get(ph, zkbr_phase_names[p]);
        rec->n_phase[p] = num(x, "n", 0);
        rec->wall[p] = stat_of(get(x, "wall_s"));
        rec->cpu[p] = stat_of(get(x, "cpu_s"));
        rec->rss[p] = stat_of(get(x, "peak_rss_bytes"));
    }
    read_accuracy(j, rec);
    int bad = read_metrics(j, rec) != 0 || (rec->backend && variant_and_label(j, rec) != 0);
    cJSON_Delete(j);
    if (bad || !rec->cell_id || !rec->status || !rec->reason || !rec->backend ||
        !rec->backend_version || !rec->proof_system || !rec->model_path || !rec->model ||
        !rec->fingerprint || !rec->dataset || !rec->framework_version || !rec->library_version ||
        !rec->started_at || !rec->finished_at || !rec->machine) {
        zkbr_rec_free(rec);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    return 0;
}

void zkbr_rec_free(zkbr_rec *rec)
{
    char **s[] = {&rec->file, &rec->cell_id, &rec->status, &rec->reason, &rec->backend,
                  &rec->backend_version, &rec->proof_system, &rec->variant, &rec->psys,
                  &rec->label, &rec->model, &rec->fingerprint, &rec->model_path, &rec->dataset,
                  &rec->framework_version, &rec->library_version, &rec->machine,
                  &rec->started_at, &rec->finished_at, &rec->quant};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        free(*s[i]);
    for (size_t i = 0; i < rec->n_metrics; i++) {
        free(rec->metrics[i].key);
        free(rec->metrics[i].unit);
    }
    free(rec->metrics);
    memset(rec, 0, sizeof *rec);
}

const char *zkbr_rec_status(const zkbr_rec *rec)
{
    if (strcmp(rec->status, "failed") == 0 && rec->error_code == ZKB_ERR_MISMATCH)
        return "mismatch";
    return rec->status;
}

const zkbr_metric *zkbr_rec_metric(const zkbr_rec *rec, const char *key)
{
    for (size_t i = 0; i < rec->n_metrics; i++)
        if (strcmp(rec->metrics[i].key, key) == 0)
            return &rec->metrics[i];
    return NULL;
}

int zkbr_rec_circuit(const zkbr_rec *rec, zkbr_stat *out, const char **name)
{
    static const char *const keys[] = {"constraints", "plonk_gates", "rows", "gates"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const zkbr_metric *m = zkbr_rec_metric(rec, keys[i]);
        if (m && m->value > 0) {
            *out = (zkbr_stat){1, m->value, m->min, m->max};
            *name = keys[i];
            return 0;
        }
    }
    const zkbr_metric *m = zkbr_rec_metric(rec, "logrows");
    if (m && m->value > 0 && m->value < 64) {
        *out = (zkbr_stat){1, ldexp(1, (int)m->value), ldexp(1, (int)m->min), ldexp(1, (int)m->max)};
        *name = "rows";
        return 0;
    }
    return -1;
}

zkbr_stat zkbr_rec_peak(const zkbr_rec *rec)
{
    zkbr_stat s = {0, 0, 0, 0};
    for (int p = 0; p < ZKBR_N_PHASES; p++) {
        const zkbr_stat *x = &rec->rss[p];
        if (!x->have)
            continue;
        if (!s.have || x->med > s.med)
            s.med = x->med;
        if (!s.have || x->min > s.min)
            s.min = x->min;
        if (!s.have || x->max > s.max)
            s.max = x->max;
        s.have = 1;
    }
    return s;
}
