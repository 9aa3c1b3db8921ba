/* The zkb_report handle: inputs, skipped lines, accessors. */
#include "report_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void zkbr_seterr(zkb_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

zkb_status zkb_report_new(zkb_report **out)
{
    if (!out)
        return ZKB_ERR_INVALID_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? ZKB_OK : ZKB_ERR_NOMEM;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void zkb_report_free(zkb_report *r)
{
    if (!r)
        return;
    zkbr_aggregate_free(r);
    for (size_t i = 0; i < r->n_recs; i++)
        zkbr_rec_free(&r->recs[i]);
    free(r->recs);
    free_strs(r->skipped, r->n_skipped);
    free_strs(r->inputs, r->n_inputs);
    free_strs(r->files, r->n_files);
    free(r);
}

const char *zkb_report_last_error(const zkb_report *r) { return r ? r->err : "no report"; }

static int push_str(char ***v, size_t *n, char *s)
{
    if (!s)
        return -1;
    char **g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g) {
        free(s);
        return -1;
    }
    g[(*n)++] = s;
    *v = g;
    return 0;
}

static int skip_line(zkb_report *r, const char *name, size_t line, const char *why)
{
    char *s = NULL;
    if (asprintf(&s, "%s:%zu: %s", name, line, why) < 0)
        return -1;
    return push_str(&r->skipped, &r->n_skipped, s);
}

static int add_rec(zkb_report *r, zkbr_rec *rec)
{
    if (r->n_recs == r->cap_recs) {
        size_t cap = r->cap_recs ? r->cap_recs * 2 : 64;
        zkbr_rec *g = realloc(r->recs, cap * sizeof *g);
        if (!g)
            return -1;
        r->recs = g;
        r->cap_recs = cap;
    }
    rec->seq = r->n_recs;
    r->recs[r->n_recs++] = *rec;
    return 0;
}

zkb_status zkb_report_add_text(zkb_report *r, const char *name, const char *text, size_t len)
{
    if (!r || (!text && len))
        return ZKB_ERR_INVALID_ARG;
    name = name ? name : "(text)";
    if (push_str(&r->inputs, &r->n_inputs, zkbr_strdup(name)) != 0)
        goto oom;
    size_t line = 0, pos = 0;
    while (pos < len) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        line++;
        size_t m = n;
        while (m > 0 && (s[m - 1] == '\r' || s[m - 1] == ' ' || s[m - 1] == '\t'))
            m--;
        size_t lead = 0;
        while (lead < m && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead == m)
            continue;
        zkbr_rec rec;
        char why[320];
        if (zkbr_rec_parse(s, n, !nl, &rec, why, sizeof why) != 0) {
            if (strcmp(why, "out of memory") == 0)
                goto oom;
            if (skip_line(r, name, line, why) != 0)
                goto oom;
            continue;
        }
        rec.file = zkbr_strdup(name);
        rec.line = line;
        if (!rec.file || add_rec(r, &rec) != 0) {
            zkbr_rec_free(&rec);
            goto oom;
        }
    }
    return zkbr_aggregate(r);
oom:
    zkbr_seterr(r, "out of memory");
    return ZKB_ERR_NOMEM;
}

zkb_status zkb_report_add_path(zkb_report *r, const char *path)
{
    if (!r || !path)
        return ZKB_ERR_INVALID_ARG;
    struct stat sb;
    char *file = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        size_t l = strlen(path);
        if (asprintf(&file, "%s%sresults.jsonl", path, l && path[l - 1] == '/' ? "" : "/") < 0)
            file = NULL;
    } else {
        file = strdup(path);
    }
    if (!file) {
        zkbr_seterr(r, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    char err[ZKBI_ERR_LEN];
    zkb_status ost;
    int fd = zkbi_open_input(file, NULL, &ost, err, sizeof err);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            zkbi_errf(err, sizeof err, "%s: out of memory", file);
            ost = ZKB_ERR_NOMEM;
        }
        zkbr_seterr(r, "%s", err);
        free(file);
        return ost;
    }
    zkbr_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        zkbr_buf_put(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    zkb_status st;
    if (bad) {
        zkbr_seterr(r, "%s: read error", file);
        st = ZKB_ERR_IO;
    } else if (b.oom) {
        zkbr_seterr(r, "out of memory reading %s", file);
        st = ZKB_ERR_NOMEM;
    } else {
        st = zkb_report_add_text(r, file, b.p ? b.p : "", b.len);
    }
    zkbr_buf_free(&b);
    free(file);
    return st;
}

size_t zkb_report_record_count(const zkb_report *r) { return r ? r->n_kept : 0; }
size_t zkb_report_skipped_count(const zkb_report *r) { return r ? r->n_skipped : 0; }
const char *zkb_report_skipped(const zkb_report *r, size_t i)
{
    return r && i < r->n_skipped ? r->skipped[i] : NULL;
}

size_t zkb_report_model_count(const zkb_report *r) { return r ? r->n_models : 0; }
const char *zkb_report_model_name(const zkb_report *r, size_t m)
{
    return r && m < r->n_models ? r->models[m].name : NULL;
}
double zkb_report_model_params(const zkb_report *r, size_t m)
{
    return r && m < r->n_models ? r->models[m].params : -1;
}

size_t zkb_report_entry_count(const zkb_report *r) { return r ? r->n_entries : 0; }
size_t zkb_report_entry_model(const zkb_report *r, size_t e)
{
    return r && e < r->n_entries ? r->entries[e].model : (size_t)-1;
}

static const char *acc_kind_name(int k)
{
    return k == ZKBR_ACC_LABELLED ? "labelled" : k == ZKBR_ACC_DIFFERS ? "class_differs" : "";
}

const char *zkb_report_entry_field(const zkb_report *r, size_t e, const char *field)
{
    if (!r || e >= r->n_entries || !field)
        return NULL;
    const zkbr_entry *x = &r->entries[e];
    if (strcmp(field, "backend") == 0)
        return x->backend;
    if (strcmp(field, "variant") == 0)
        return x->variant;
    if (strcmp(field, "label") == 0)
        return x->label;
    if (strcmp(field, "proof_system") == 0)
        return x->proof_system;
    if (strcmp(field, "status") == 0)
        return x->status;
    if (strcmp(field, "reason") == 0)
        return x->reason;
    if (strcmp(field, "circuit_metric") == 0)
        return x->circuit_metric;
    if (strcmp(field, "accuracy_kind") == 0)
        return acc_kind_name(x->acc_kind);
    return NULL;
}

int zkb_report_entry_baseline(const zkb_report *r, size_t e)
{
    return r && e < r->n_entries ? r->entries[e].baseline : 0;
}

size_t zkb_report_entry_cells(const zkb_report *r, size_t e, size_t *ok_cells)
{
    if (ok_cells)
        *ok_cells = r && e < r->n_entries ? r->entries[e].n_ok : 0;
    return r && e < r->n_entries ? r->entries[e].n_recs : 0;
}

/* The statistic behind a figure name, NULL when unknown. */
static const zkbr_stat *figure(const zkb_report *r, const zkbr_entry *x, const char *name,
                               zkbr_stat *tmp)
{
    if (strcmp(name, "peak_rss_bytes") == 0)
        return &x->peak;
    if (strcmp(name, "proof_size_bytes") == 0)
        return &x->proof_size;
    if (strcmp(name, "circuit_size") == 0)
        return &x->circuit;
    if (strcmp(name, "accuracy_loss") == 0)
        return &x->acc;
    for (int k = 0; k < ZKBR_N_EVM; k++)
        if (strcmp(name, zkbr_evm_keys[k]) == 0)
            return &x->evm[k];
    if (strcmp(name, "params") == 0) {
        double p = r->models[x->model].params;
        *tmp = (zkbr_stat){p >= 0, p, p, p};
        return tmp;
    }
    const char *dot = strchr(name, '.');
    if (!dot)
        return NULL;
    for (int p = 0; p < ZKBR_N_PHASES; p++) {
        size_t l = strlen(zkbr_phase_names[p]);
        if ((size_t)(dot - name) != l || strncmp(name, zkbr_phase_names[p], l) != 0)
            continue;
        if (strcmp(dot + 1, "wall_s") == 0)
            return &x->wall[p];
        if (strcmp(dot + 1, "cpu_s") == 0)
            return &x->cpu[p];
        if (strcmp(dot + 1, "peak_rss_bytes") == 0)
            return &x->rss[p];
    }
    return NULL;
}

zkb_status zkb_report_entry_value(const zkb_report *r, size_t e, const char *fig, double *median,
                                  double *min, double *max)
{
    if (!r || e >= r->n_entries || !fig)
        return ZKB_ERR_INVALID_ARG;
    const zkbr_entry *x = &r->entries[e];
    zkbr_stat tmp;
    const zkbr_stat *s = figure(r, x, fig, &tmp);
    if (!s || !s->have || (x->n_ok == 0 && strcmp(fig, "params") != 0))
        return ZKB_ERR_NOT_FOUND;
    if (median)
        *median = s->med;
    if (min)
        *min = s->min;
    if (max)
        *max = s->max;
    return ZKB_OK;
}

zkb_status zkb_report_entry_score(const zkb_report *r, size_t e, uint32_t axis, double *score)
{
    if (!r || e >= r->n_entries || axis >= ZKB_REPORT_AXIS_COUNT)
        return ZKB_ERR_INVALID_ARG;
    const zkbr_entry *x = &r->entries[e];
    if (!x->has_score[axis])
        return ZKB_ERR_NOT_FOUND;
    if (score)
        *score = x->score[axis];
    return ZKB_OK;
}

const char *zkb_report_axis_name(uint32_t axis)
{
    static const char *const names[ZKB_REPORT_AXIS_COUNT] = {"accuracy", "prove_time", "peak_memory",
                                                             "proof_size", "verify_time"};
    return axis < ZKB_REPORT_AXIS_COUNT ? names[axis] : NULL;
}

size_t zkb_report_series_count(const zkb_report *r) { return r ? r->n_series : 0; }
const char *zkb_report_series_label(const zkb_report *r, size_t s)
{
    return r && s < r->n_series ? r->series[s].label : NULL;
}

zkb_status zkb_report_series_slope(const zkb_report *r, size_t s, uint32_t kind, double *slope,
                                   double *r2, size_t *points)
{
    if (!r || s >= r->n_series || kind >= ZKB_REPORT_SCALING_COUNT)
        return ZKB_ERR_INVALID_ARG;
    const zkbr_slope *x = &r->series[s].slope[kind];
    if (points)
        *points = x->n;
    if (!x->ok)
        return ZKB_ERR_NOT_FOUND;
    if (slope)
        *slope = x->slope;
    if (r2)
        *r2 = x->r2;
    return ZKB_OK;
}

size_t zkb_report_file_count(const zkb_report *r) { return r ? r->n_files : 0; }
const char *zkb_report_file(const zkb_report *r, size_t i)
{
    return r && i < r->n_files ? r->files[i] : NULL;
}

int zkbr_record_file(zkb_report *r, const char *path)
{
    return push_str(&r->files, &r->n_files, zkbr_strdup(path));
}
