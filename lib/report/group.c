/* Records -> models and entries (model x backend x variant) with medians and
 * min/max; series (one per label); the machine and version captions. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double zkbr_median(const double *v, size_t n)
{
    if (n == 0)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return v[0];
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double m = n % 2 ? s[n / 2] : s[n / 2 - 1] / 2.0 + s[n / 2] / 2.0; /* no overflow */
    free(s);
    return m;
}

void zkbr_aggregate_free(zkb_report *r)
{
    for (size_t i = 0; i < r->n_models; i++) {
        free(r->models[i].name);
        free(r->models[i].radar_file);
        free(r->models[i].fingerprint);
        free(r->models[i].dataset);
    }
    free(r->models);
    for (size_t i = 0; i < r->n_entries; i++) {
        free(r->entries[i].recs);
        free(r->entries[i].label);
    }
    free(r->entries);
    for (size_t i = 0; i < r->n_series; i++)
        free(r->series[i].label);
    free(r->series);
    free(r->kept);
    free(r->machines);
    free(r->versions);
    r->models = NULL;
    r->entries = NULL;
    r->series = NULL;
    r->kept = NULL;
    r->machines = r->versions = NULL;
    r->n_models = r->n_entries = r->n_series = r->n_kept = 0;
}

static int cmp_by_id(const void *a, const void *b, void *ctx)
{
    const zkb_report *r = ctx;
    const zkbr_rec *x = &r->recs[*(const size_t *)a], *y = &r->recs[*(const size_t *)b];
    int c = strcmp(x->cell_id, y->cell_id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int keep_last(zkb_report *r)
{
    size_t n = r->n_recs, *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return -1;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    qsort_r(idx, n, sizeof *idx, cmp_by_id, r);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || strcmp(r->recs[idx[i]].cell_id, r->recs[idx[i + 1]].cell_id) != 0)
            idx[k++] = idx[i];
    qsort(idx, k, sizeof *idx, cmp_size);
    r->kept = idx;
    r->n_kept = k;
    return 0;
}

static size_t find_model(const zkb_report *r, const char *fp)
{
    for (size_t i = 0; i < r->n_models; i++)
        if (strcmp(r->models[i].fingerprint, fp) == 0)
            return i;
    return (size_t)-1;
}

static int cmp_model(const void *a, const void *b)
{
    const zkbr_model *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->fingerprint, y->fingerprint);
}

static int build_models(zkb_report *r)
{
    r->models = calloc(r->n_kept ? r->n_kept : 1, sizeof *r->models);
    if (!r->models)
        return -1;
    for (size_t k = 0; k < r->n_kept; k++) {
        const zkbr_rec *x = &r->recs[r->kept[k]];
        size_t m = find_model(r, x->fingerprint);
        if (m == (size_t)-1) {
            zkbr_model *md = &r->models[r->n_models++];
            md->fingerprint = zkbr_strdup(x->fingerprint);
            md->name = zkbr_strdup(x->model);
            md->dataset = zkbr_strdup(x->dataset);
            md->params = x->params;
            if (!md->fingerprint || !md->name || !md->dataset)
                return -1;
        } else if (x->params >= 0) {
            r->models[m].params = x->params;
        }
    }
    /* Same name, different weights: tell them apart by fingerprint. */
    char *dup = calloc(r->n_models ? r->n_models : 1, 1);
    if (!dup)
        return -1;
    for (size_t i = 0; i < r->n_models; i++)
        for (size_t j = i + 1; j < r->n_models; j++)
            if (strcmp(r->models[i].name, r->models[j].name) == 0)
                dup[i] = dup[j] = 1;
    for (size_t i = 0; i < r->n_models; i++) {
        char *s = NULL;
        if (!dup[i])
            continue;
        if (asprintf(&s, "%s#%.8s", r->models[i].name, r->models[i].fingerprint) < 0) {
            free(dup);
            return -1;
        }
        free(r->models[i].name);
        r->models[i].name = s;
    }
    free(dup);
    qsort(r->models, r->n_models, sizeof *r->models, cmp_model);
    return zkbr_radar_names(r);
}

static int cmp_entry(const void *a, const void *b)
{
    const zkbr_entry *x = a, *y = b;
    if (x->model != y->model)
        return x->model < y->model ? -1 : 1;
    if (x->baseline != y->baseline)
        return x->baseline ? -1 : 1; /* the baseline first: the reference point */
    int c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->variant, y->variant);
}

/* One figure of a record; arg selects the phase or the accuracy kind. */
typedef zkbr_stat (*getter)(const zkbr_rec *x, int arg, const char **name);

static zkbr_stat get_wall(const zkbr_rec *x, int p, const char **n) { (void)n; return x->wall[p]; }
static zkbr_stat get_cpu(const zkbr_rec *x, int p, const char **n) { (void)n; return x->cpu[p]; }
static zkbr_stat get_rss(const zkbr_rec *x, int p, const char **n) { (void)n; return x->rss[p]; }
static zkbr_stat get_peak(const zkbr_rec *x, int a, const char **n)
{
    (void)a;
    (void)n;
    return zkbr_rec_peak(x);
}
static zkbr_stat get_proof(const zkbr_rec *x, int a, const char **n)
{
    (void)a;
    (void)n;
    const zkbr_metric *m = zkbr_rec_metric(x, "proof_size");
    return m ? (zkbr_stat){1, m->value, m->min, m->max} : (zkbr_stat){0, 0, 0, 0};
}
static zkbr_stat get_circuit(const zkbr_rec *x, int a, const char **n)
{
    (void)a;
    zkbr_stat s = {0, 0, 0, 0};
    zkbr_rec_circuit(x, &s, n);
    return s;
}
static zkbr_stat get_acc(const zkbr_rec *x, int kind, const char **n)
{
    (void)n;
    return (zkbr_stat){kind && x->acc_kind == kind, x->acc_loss, x->acc_loss, x->acc_loss};
}

const char *const zkbr_evm_keys[ZKBR_N_EVM] = {"evm_verify_gas", "evm_deploy_gas", "evm_runtime_bytes",
                                               "evm_calldata_bytes", "evm_public_inputs", "evm_exceeds_eip170",
                                               "evm_exceeds_eip3860", "evm_deploy_exceeds_tx_cap",
                                               "evm_verify_exceeds_tx_cap"};

/* The verify gas's spread comes from its own min and max metrics (the
 * metric itself is the median over the cell's samples). */
static zkbr_stat get_evm(const zkbr_rec *x, int k, const char **n)
{
    (void)n;
    const zkbr_metric *m = zkbr_rec_metric(x, zkbr_evm_keys[k]);
    if (!m)
        return (zkbr_stat){0, 0, 0, 0};
    zkbr_stat s = {1, m->value, m->min, m->max};
    if (k == ZKBR_EVM_VERIFY_GAS) {
        const zkbr_metric *lo = zkbr_rec_metric(x, "evm_verify_gas_min"), *hi = zkbr_rec_metric(x, "evm_verify_gas_max");
        if (lo && lo->value <= s.med)
            s.min = lo->value;
        if (hi && hi->value >= s.med)
            s.max = hi->value;
    }
    return s;
}

/* Over the entry's ok records (a failure is never averaged in): the median
 * of the records' medians, the min of their mins, the max of their maxes. */
static zkbr_stat combine(const zkb_report *r, const zkbr_entry *e, getter g, int arg,
                         const char **name, double *tmp)
{
    zkbr_stat o = {0, 0, 0, 0};
    size_t k = 0;
    for (size_t i = 0; i < e->n_recs; i++) {
        const zkbr_rec *x = &r->recs[e->recs[i]];
        if (strcmp(x->status, "ok") != 0)
            continue;
        zkbr_stat s = g(x, arg, name);
        if (!s.have)
            continue;
        tmp[k++] = s.med;
        if (!o.have || s.min < o.min)
            o.min = s.min;
        if (!o.have || s.max > o.max)
            o.max = s.max;
        o.have = 1;
    }
    if (k)
        o.med = zkbr_median(tmp, k);
    return o;
}

static int fill_entry(zkb_report *r, zkbr_entry *e)
{
    double *tmp = calloc(e->n_recs, sizeof *tmp);
    if (!tmp)
        return -1;
    e->status = "ok";
    e->reason = "";
    e->circuit_metric = "";
    const zkbr_rec *last_bad = NULL;
    int kind = ZKBR_ACC_NONE;
    for (size_t i = 0; i < e->n_recs; i++) {
        const zkbr_rec *x = &r->recs[e->recs[i]];
        if (strcmp(x->status, "ok") == 0) {
            e->n_ok++;
            e->samples += x->samples;
            /* labelled losses when any record has them, else class differences */
            if (x->acc_kind && (kind == ZKBR_ACC_NONE || x->acc_kind < kind))
                kind = x->acc_kind;
        } else {
            last_bad = x;
        }
    }
    if (e->n_ok == 0) {
        e->status = zkbr_rec_status(last_bad);
        e->reason = last_bad->reason[0] ? last_bad->reason : last_bad->status;
    } else if (last_bad) {
        e->other_failure = last_bad->reason[0] ? last_bad->reason : zkbr_rec_status(last_bad);
    }
    for (int p = 0; p < ZKBR_N_PHASES; p++) {
        e->wall[p] = combine(r, e, get_wall, p, NULL, tmp);
        e->cpu[p] = combine(r, e, get_cpu, p, NULL, tmp);
        e->rss[p] = combine(r, e, get_rss, p, NULL, tmp);
    }
    e->peak = combine(r, e, get_peak, 0, NULL, tmp);
    e->proof_size = combine(r, e, get_proof, 0, NULL, tmp);
    e->circuit = combine(r, e, get_circuit, 0, &e->circuit_metric, tmp);
    e->acc_kind = kind;
    e->acc = combine(r, e, get_acc, kind, NULL, tmp);
    for (int k = 0; k < ZKBR_N_EVM; k++)
        e->evm[k] = combine(r, e, get_evm, k, NULL, tmp);
    free(tmp);
    return 0;
}

static int build_entries(zkb_report *r)
{
    r->entries = calloc(r->n_kept ? r->n_kept : 1, sizeof *r->entries);
    if (!r->entries)
        return -1;
    for (size_t k = 0; k < r->n_kept; k++) {
        const zkbr_rec *x = &r->recs[r->kept[k]];
        size_t m = find_model(r, x->fingerprint);
        zkbr_entry *e = NULL;
        for (size_t i = 0; i < r->n_entries && !e; i++)
            if (r->entries[i].model == m && strcmp(r->entries[i].backend, x->backend) == 0 &&
                strcmp(r->entries[i].variant, x->variant) == 0)
                e = &r->entries[i];
        if (!e) {
            e = &r->entries[r->n_entries++];
            e->model = m;
            e->backend = x->backend;
            e->variant = x->variant;
            e->proof_system = x->psys;
            e->label = zkbr_strdup(x->label);
            e->recs = calloc(r->n_kept, sizeof *e->recs);
            if (!e->label || !e->recs)
                return -1;
        }
        e->baseline = x->baseline;
        e->recs[e->n_recs++] = r->kept[k];
    }
    for (size_t i = 0; i < r->n_entries; i++)
        if (fill_entry(r, &r->entries[i]) != 0)
            return -1;
    qsort(r->entries, r->n_entries, sizeof *r->entries, cmp_entry);
    return 0;
}

static int cmp_series(const void *a, const void *b)
{
    const zkbr_series *x = a, *y = b;
    if (x->baseline != y->baseline)
        return x->baseline ? -1 : 1;
    return strcmp(x->label, y->label);
}

static int build_series(zkb_report *r)
{
    r->series = calloc(r->n_entries ? r->n_entries : 1, sizeof *r->series);
    if (!r->series)
        return -1;
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        size_t s = 0;
        while (s < r->n_series && strcmp(r->series[s].label, e->label) != 0)
            s++;
        if (s == r->n_series) {
            r->series[s].label = zkbr_strdup(e->label);
            r->series[s].backend = e->backend;
            r->series[s].baseline = e->baseline;
            r->series[s].circuit_metric = "";
            r->n_series++;
            if (!r->series[s].label)
                return -1;
        }
    }
    qsort(r->series, r->n_series, sizeof *r->series, cmp_series);
    for (size_t s = 0; s < r->n_series; s++)
        r->series[s].color = s;
    for (size_t i = 0; i < r->n_entries; i++) {
        zkbr_entry *e = &r->entries[i];
        for (size_t s = 0; s < r->n_series; s++)
            if (strcmp(r->series[s].label, e->label) == 0) {
                e->series = s;
                if (e->circuit_metric[0])
                    r->series[s].circuit_metric = e->circuit_metric;
            }
    }
    return 0;
}

/* Appends s to a "; "-joined list unless it is there already. */
static void add_distinct(zkbr_buf *b, const char *s)
{
    if (!s || !s[0])
        return;
    const char *p = b->p;
    size_t l = strlen(s);
    while (p && (p = strstr(p, s)) != NULL) {
        if ((p == b->p || (p >= b->p + 2 && p[-2] == ';')) && (p[l] == '\0' || p[l] == ';'))
            return;
        p++;
    }
    zkbr_buf_printf(b, "%s%s", b->len ? "; " : "", s);
}

static int build_captions(zkb_report *r)
{
    zkbr_buf m = {0}, v = {0};
    for (size_t k = 0; k < r->n_kept; k++)
        add_distinct(&m, r->recs[r->kept[k]].machine);
    for (size_t k = 0; k < r->n_kept; k++) {
        char *lib = NULL;
        if (asprintf(&lib, "libzkmlbench %s", r->recs[r->kept[k]].library_version) < 0)
            return -1;
        add_distinct(&v, lib);
        free(lib);
    }
    /* Per backend: the adapter version and the last framework version seen. */
    for (size_t s = 0; s < r->n_series; s++) {
        const char *name = r->series[s].backend;
        int seen = 0;
        for (size_t t = 0; t < s; t++)
            seen |= strcmp(r->series[t].backend, name) == 0;
        if (seen)
            continue;
        const zkbr_rec *best = NULL;
        for (size_t k = 0; k < r->n_kept; k++) {
            const zkbr_rec *x = &r->recs[r->kept[k]];
            if (strcmp(x->backend, name) == 0 && (!best || x->framework_version[0]))
                best = x;
        }
        if (!best)
            continue;
        char *t = NULL;
        if (asprintf(&t, "%s adapter %s%s%s", name, best->backend_version,
                     best->framework_version[0] ? ": " : "", best->framework_version) < 0)
            return -1;
        add_distinct(&v, t);
        free(t);
    }
    r->machines = zkbr_strdup(m.p);
    r->versions = zkbr_strdup(v.p);
    int bad = m.oom || v.oom || !r->machines || !r->versions;
    zkbr_buf_free(&m);
    zkbr_buf_free(&v);
    return bad ? -1 : 0;
}

zkb_status zkbr_aggregate(zkb_report *r)
{
    zkbr_aggregate_free(r);
    if (keep_last(r) != 0 || build_models(r) != 0 || build_entries(r) != 0 ||
        build_series(r) != 0 || build_captions(r) != 0) {
        zkbr_aggregate_free(r);
        zkbr_seterr(r, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    zkbr_scores(r);
    zkbr_slopes(r);
    return ZKB_OK;
}
