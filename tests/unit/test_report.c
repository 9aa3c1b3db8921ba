/* Reports: aggregation (medians, min/max, last record of a cell id),
 * normalization, log-log slopes, failures carried with their reason, bad
 * lines reported with their line number (zkb_report.h, lib/report/). */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report_int.h"
#include "zkmlbench/zkb_report.h"

/* ---- fixture records ------------------------------------------------------ */

typedef struct fx {
    const char *id;        /* unique suffix of the cell id */
    const char *backend;
    const char *psys;
    int baseline;
    const char *model;
    double params;
    const char *status;    /* "ok", "failed", ... */
    const char *reason;
    int code;
    double prove[3];       /* median, min, max; prove[0] == 0: no prove phase */
    double verify;
    double peak;           /* peak RSS of the prove phase */
    double proof;          /* proof_size metric; < 0: not reported */
    double constraints;    /* 0: not reported */
    double loss;           /* labelled accuracy loss (ok only); < 0: unlabelled, 0 differ */
    const char *option;    /* "proof_system=plonk" or NULL */
} fx;

static void add_stat(cJSON *o, const char *k, double med, double min, double max)
{
    cJSON *s = cJSON_AddObjectToObject(o, k);
    cJSON_AddNumberToObject(s, "median", med);
    cJSON_AddNumberToObject(s, "mean", med);
    cJSON_AddNumberToObject(s, "stddev", 0);
    cJSON_AddNumberToObject(s, "min", min);
    cJSON_AddNumberToObject(s, "max", max);
}

static void add_phase(cJSON *ph, const char *name, double med, double min, double max, double rss)
{
    cJSON *p = cJSON_AddObjectToObject(ph, name);
    cJSON_AddNumberToObject(p, "n", 2);
    add_stat(p, "wall_s", med, min, max);
    add_stat(p, "cpu_s", med, min, max);
    add_stat(p, "peak_rss_bytes", rss, rss, rss);
}

static void add_metric(cJSON *m, const char *k, double v, const char *unit)
{
    cJSON *o = cJSON_AddObjectToObject(m, k);
    cJSON_AddNumberToObject(o, "value", v);
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON_AddNumberToObject(o, "n", 1);
    cJSON_AddNumberToObject(o, "min", v);
    cJSON_AddNumberToObject(o, "max", v);
}

/* One results.jsonl line (without the newline); caller frees. */
static char *record(const fx *f)
{
    cJSON *j = cJSON_CreateObject();
    char id[33];
    snprintf(id, sizeof id, "%032llx", strtoull(f->id, NULL, 16)); /* ids are hex */
    cJSON_AddStringToObject(j, "schema", "zkmlbench-result");
    cJSON_AddNumberToObject(j, "schema_version", 1);
    cJSON_AddStringToObject(j, "library_version", "0.1.0");
    cJSON_AddStringToObject(j, "cell_id", id);
    cJSON_AddStringToObject(j, "status", f->status);
    if (strcmp(f->status, "ok") != 0) {
        cJSON_AddStringToObject(j, "reason", f->reason);
        cJSON_AddNumberToObject(j, "error_code", f->code);
    }
    cJSON *b = cJSON_AddObjectToObject(j, "backend");
    cJSON_AddStringToObject(b, "name", f->backend);
    cJSON_AddStringToObject(b, "version", "0.1.0");
    cJSON_AddStringToObject(b, "proof_system", f->psys);
    cJSON_AddBoolToObject(b, "baseline", f->baseline);
    cJSON *o = cJSON_AddObjectToObject(j, "options");
    if (f->option) {
        const char *eq = strchr(f->option, '=');
        char k[64];
        snprintf(k, sizeof k, "%.*s", (int)(eq - f->option), f->option);
        cJSON_AddStringToObject(o, k, eq + 1);
    }
    cJSON *q = cJSON_AddObjectToObject(j, "quant");
    cJSON_AddStringToObject(q, "scheme", "pow2");
    cJSON_AddNumberToObject(q, "scale", 8);
    cJSON_AddStringToObject(q, "rounding", "half_up");
    cJSON *m = cJSON_AddObjectToObject(j, "model");
    char path[128], fp[33];
    snprintf(path, sizeof path, "models/%s.json", f->model);
    size_t h = 5381;
    for (const char *p = f->model; *p; p++)
        h = h * 33 + (unsigned char)*p;
    snprintf(fp, sizeof fp, "%032zx", h);
    cJSON_AddStringToObject(m, "path", path);
    cJSON_AddStringToObject(m, "name", f->model);
    cJSON_AddStringToObject(m, "fingerprint", fp);
    cJSON_AddNumberToObject(m, "params", f->params);
    cJSON_AddNumberToObject(j, "samples", 2);
    cJSON_AddNumberToObject(j, "repeats", 1);
    cJSON_AddStringToObject(j, "dataset", "synthetic");
    cJSON_AddNumberToObject(j, "seed", 1);
    cJSON *lim = cJSON_AddObjectToObject(j, "limits");
    cJSON_AddNumberToObject(lim, "timeout_s", 600);
    cJSON_AddNumberToObject(lim, "memory_cap_bytes", 0);
    if (strcmp(f->status, "unavailable") != 0) {
        cJSON *ph = cJSON_AddObjectToObject(j, "phases");
        add_phase(ph, "setup", 0.5, 0.5, 0.5, f->peak / 2);
        if (f->prove[0] > 0)
            add_phase(ph, "prove", f->prove[0], f->prove[1], f->prove[2], f->peak);
        if (f->verify > 0)
            add_phase(ph, "verify", f->verify, f->verify, f->verify, f->peak / 4);
        cJSON *mt = cJSON_AddObjectToObject(j, "metrics");
        if (f->proof >= 0)
            add_metric(mt, "proof_size", f->proof, "bytes");
        if (f->constraints > 0)
            add_metric(mt, "constraints", f->constraints, "count");
    }
    cJSON *in = cJSON_AddObjectToObject(j, "infos");
    cJSON_AddStringToObject(in, "framework_version", "fw 1.2");
    if (strcmp(f->status, "ok") == 0) {
        cJSON *a = cJSON_AddObjectToObject(j, "accuracy");
        cJSON_AddNumberToObject(a, "samples", 2);
        cJSON_AddBoolToObject(a, "labelled", f->loss >= 0);
        cJSON_AddNumberToObject(a, "zk_class_differs", 0);
        cJSON_AddNumberToObject(a, "zk_class_differs_pct", 0);
        cJSON_AddNumberToObject(a, "fixed_class_differs", 0);
        if (f->loss >= 0)
            cJSON_AddNumberToObject(a, "accuracy_loss_points", f->loss);
    }
    cJSON *mc = cJSON_AddObjectToObject(j, "machine");
    cJSON_AddStringToObject(mc, "cpu_model", "Test CPU <x86> & co");
    cJSON_AddNumberToObject(mc, "cores", 2);
    cJSON_AddNumberToObject(mc, "memory_bytes", 8589934592.0);
    cJSON_AddStringToObject(mc, "os", "TestOS");
    cJSON_AddStringToObject(mc, "kernel", "6.1");
    cJSON_AddStringToObject(mc, "arch", "x86_64");
    cJSON_AddStringToObject(j, "started_at", "2026-11-21T10:00:00.000Z");
    cJSON_AddStringToObject(j, "finished_at", "2026-11-21T10:00:01.000Z");
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    assert_non_null(s);
    return s;
}

/* Lines joined with '\n' (and a final newline unless truncated_tail). */
static char *join(const fx *v, size_t n, const char *tail)
{
    zkbr_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        char *s = record(&v[i]);
        zkbr_buf_printf(&b, "%s\n", s);
        free(s);
    }
    if (tail)
        zkbr_buf_puts(&b, tail);
    assert_false(b.oom);
    return b.p;
}

static zkb_report *report_of(const fx *v, size_t n, const char *tail)
{
    char *text = join(v, n, tail);
    zkb_report *r = NULL;
    assert_int_equal(zkb_report_new(&r), ZKB_OK);
    assert_int_equal(zkb_report_add_text(r, "fixture.jsonl", text, strlen(text)), ZKB_OK);
    free(text);
    return r;
}

/* The entry of model x label, or -1. */
static size_t entry(const zkb_report *r, const char *model, const char *label)
{
    for (size_t e = 0; e < zkb_report_entry_count(r); e++)
        if (strcmp(zkb_report_model_name(r, zkb_report_entry_model(r, e)), model) == 0 &&
            strcmp(zkb_report_entry_field(r, e, "label"), label) == 0)
            return e;
    return (size_t)-1;
}

/* ---- aggregation ------------------------------------------------------------ */

static void test_medians_min_max(void **state)
{
    (void)state;
    /* three ok cells of one model x backend (e.g. runs with other sample counts) */
    const fx v[] = {
        {"1", "circom", "groth16", 0, "m", 100, "ok", "", 0, {2, 1, 5}, 0.1, 1000, 256, 50, 0, NULL},
        {"2", "circom", "groth16", 0, "m", 100, "ok", "", 0, {10, 3, 12}, 0.3, 3000, 256, 50, 0, NULL},
        {"3", "circom", "groth16", 0, "m", 100, "ok", "", 0, {4, 0.5, 6}, 0.2, 2000, 256, 50, 0, NULL},
    };
    zkb_report *r = report_of(v, 3, NULL);
    assert_int_equal(zkb_report_record_count(r), 3);
    assert_int_equal(zkb_report_entry_count(r), 1);
    size_t ok = 0;
    assert_int_equal(zkb_report_entry_cells(r, 0, &ok), 3);
    assert_int_equal(ok, 3);
    double med, lo, hi;
    assert_int_equal(zkb_report_entry_value(r, 0, "prove.wall_s", &med, &lo, &hi), ZKB_OK);
    assert_float_equal(med, 4, 1e-12); /* median of 2, 10, 4 */
    assert_float_equal(lo, 0.5, 1e-12); /* smallest min */
    assert_float_equal(hi, 12, 1e-12);  /* largest max */
    assert_int_equal(zkb_report_entry_value(r, 0, "verify.wall_s", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 0.2, 1e-12);
    /* peak memory: the largest phase peak of each cell (prove), median 2000 */
    assert_int_equal(zkb_report_entry_value(r, 0, "peak_rss_bytes", &med, &lo, &hi), ZKB_OK);
    assert_float_equal(med, 2000, 1e-9);
    assert_float_equal(lo, 1000, 1e-9);
    assert_float_equal(hi, 3000, 1e-9);
    assert_int_equal(zkb_report_entry_value(r, 0, "circuit_size", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 50, 0);
    assert_string_equal(zkb_report_entry_field(r, 0, "circuit_metric"), "constraints");
    assert_int_equal(zkb_report_entry_value(r, 0, "witness.wall_s", &med, NULL, NULL), ZKB_ERR_NOT_FOUND);
    assert_int_equal(zkb_report_entry_value(r, 0, "nonsense", &med, NULL, NULL), ZKB_ERR_NOT_FOUND);
    zkb_report_free(r);
}

static void test_last_record_of_a_cell_wins(void **state)
{
    (void)state;
    /* the same cell id twice (a --force rerun): only the second counts */
    const fx v[] = {
        {"7", "circom", "groth16", 0, "m", 100, "ok", "", 0, {100, 100, 100}, 0.1, 1000, 256, 0, 0, NULL},
        {"7", "circom", "groth16", 0, "m", 100, "ok", "", 0, {3, 3, 3}, 0.1, 1000, 256, 0, 0, NULL},
    };
    zkb_report *r = report_of(v, 2, NULL);
    assert_int_equal(zkb_report_record_count(r), 1);
    double med;
    assert_int_equal(zkb_report_entry_value(r, 0, "prove.wall_s", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 3, 0);
    /* and across inputs: a second file with the same id replaces it again */
    const fx w[] = {{"7", "circom", "groth16", 0, "m", 100, "ok", "", 0, {5, 5, 5}, 0.1, 1000, 256, 0, 0, NULL}};
    char *t = join(w, 1, NULL);
    assert_int_equal(zkb_report_add_text(r, "second.jsonl", t, strlen(t)), ZKB_OK);
    free(t);
    assert_int_equal(zkb_report_record_count(r), 1);
    assert_int_equal(zkb_report_entry_value(r, 0, "prove.wall_s", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 5, 0);
    zkb_report_free(r);
}

static void test_variants(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "circom", "groth16", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 256, 10, 0, NULL},
        /* the backend's own proof system set explicitly: the same entry */
        {"2", "circom", "groth16", 0, "m", 100, "ok", "", 0, {4, 4, 4}, 0.1, 100, 256, 10, 0, "proof_system=groth16"},
        /* another proof system: its own entry and label */
        {"3", "circom", "groth16", 0, "m", 100, "ok", "", 0, {9, 9, 9}, 0.1, 100, 800, 10, 0, "proof_system=plonk"},
        {"4", "circom", "groth16", 0, "m", 100, "ok", "", 0, {1, 1, 1}, 0.1, 100, 256, 10, 0, "weights=private"},
    };
    zkb_report *r = report_of(v, 4, NULL);
    assert_int_equal(zkb_report_entry_count(r), 3);
    size_t g = entry(r, "m", "circom/groth16"), p = entry(r, "m", "circom/plonk"),
           w = entry(r, "m", "circom/groth16 weights=private");
    assert_true(g != (size_t)-1 && p != (size_t)-1 && w != (size_t)-1);
    assert_int_equal(zkb_report_entry_cells(r, g, NULL), 2);
    assert_string_equal(zkb_report_entry_field(r, g, "variant"), "");
    assert_string_equal(zkb_report_entry_field(r, p, "variant"), "proof_system=plonk");
    assert_string_equal(zkb_report_entry_field(r, p, "proof_system"), "plonk");
    assert_string_equal(zkb_report_entry_field(r, w, "variant"), "weights=private");
    double med;
    assert_int_equal(zkb_report_entry_value(r, g, "prove.wall_s", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 3, 1e-12); /* median of 2 and 4 */
    assert_int_equal(zkb_report_series_count(r), 3);

    /* another quantization is another variant; other weights under the same
     * name are another model, told apart by fingerprint */
    const fx q = {"5", "circom", "groth16", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 256, 10, 0, NULL};
    char *a = record(&q);
    char *sc = strstr(a, "\"scale\":8");
    assert_non_null(sc);
    sc[strlen("\"scale\":")] = '9';
    const fx o = {"6", "circom", "groth16", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 256, 10, 0, NULL};
    char *b = record(&o);
    char *fp = strstr(b, "\"fingerprint\":\"");
    assert_non_null(fp);
    memcpy(fp + strlen("\"fingerprint\":\""), "ffffffff", 8);
    char *t = NULL;
    assert_true(asprintf(&t, "%s\n%s\n", a, b) > 0);
    assert_int_equal(zkb_report_add_text(r, "more.jsonl", t, strlen(t)), ZKB_OK);
    free(a);
    free(b);
    free(t);
    assert_int_equal(zkb_report_model_count(r), 2);
    assert_string_equal(zkb_report_model_name(r, 0), "m#00000000");
    assert_string_equal(zkb_report_model_name(r, 1), "m#ffffffff");
    size_t qe = entry(r, "m#00000000", "circom/groth16 quant=pow2/9/half_up");
    assert_true(qe != (size_t)-1);
    assert_string_equal(zkb_report_entry_field(r, qe, "variant"), "quant=pow2/9/half_up");
    assert_true(entry(r, "m#ffffffff", "circom/groth16") != (size_t)-1);
    zkb_report_free(r);
}

/* ---- normalization ------------------------------------------------------------ */

static void test_normalization(void **state)
{
    (void)state;
    const fx v[] = {
        /* A: faster, bigger memory, smaller proof, labelled loss 0 */
        {"a1", "alpha", "groth16", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.5, 100, 200, 10, 0, NULL},
        /* B: twice as slow, half the memory, 4x the proof, same verify, loss 2 points */
        {"b1", "beta", "plonk", 0, "m", 100, "ok", "", 0, {4, 4, 4}, 0.5, 50, 800, 10, 2, NULL},
        /* C: zero proof size (not a measurement): no proof score */
        {"c1", "gamma", "halo2", 0, "m", 100, "ok", "", 0, {8, 8, 8}, 1.0, 400, 0, 10, 0, NULL},
        /* the baseline and a failure: never scored */
        {"d1", "reference", "none", 1, "m", 100, "ok", "", 0, {1e-6, 1e-6, 1e-6}, 1e-7, 10, 0, 0, 0, NULL},
        {"e1", "delta", "x", 0, "m", 100, "failed", "failed: proof did not verify in verify, sample 0", 12,
         {1e-3, 1e-3, 1e-3}, 0, 5, 1, 10, 0, NULL},
    };
    zkb_report *r = report_of(v, 5, NULL);
    size_t a = entry(r, "m", "alpha/groth16"), b = entry(r, "m", "beta/plonk"), c = entry(r, "m", "gamma/halo2"),
           d = entry(r, "m", "reference"), e = entry(r, "m", "delta/x");
    assert_true(a != (size_t)-1 && b != (size_t)-1 && c != (size_t)-1 && d != (size_t)-1 && e != (size_t)-1);
    double s;
    assert_int_equal(zkb_report_entry_score(r, a, ZKB_REPORT_AXIS_PROVE_TIME, &s), ZKB_OK);
    assert_float_equal(s, 1.0, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, b, ZKB_REPORT_AXIS_PROVE_TIME, &s), ZKB_OK);
    assert_float_equal(s, 0.5, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, c, ZKB_REPORT_AXIS_PROVE_TIME, &s), ZKB_OK);
    assert_float_equal(s, 0.25, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, a, ZKB_REPORT_AXIS_PEAK_MEMORY, &s), ZKB_OK);
    assert_float_equal(s, 0.5, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, b, ZKB_REPORT_AXIS_PEAK_MEMORY, &s), ZKB_OK);
    assert_float_equal(s, 1.0, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, b, ZKB_REPORT_AXIS_PROOF_SIZE, &s), ZKB_OK);
    assert_float_equal(s, 0.25, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, c, ZKB_REPORT_AXIS_PROOF_SIZE, &s), ZKB_ERR_NOT_FOUND);
    /* ties share 1 */
    assert_int_equal(zkb_report_entry_score(r, a, ZKB_REPORT_AXIS_VERIFY_TIME, &s), ZKB_OK);
    assert_float_equal(s, 1.0, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, b, ZKB_REPORT_AXIS_VERIFY_TIME, &s), ZKB_OK);
    assert_float_equal(s, 1.0, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, c, ZKB_REPORT_AXIS_VERIFY_TIME, &s), ZKB_OK);
    assert_float_equal(s, 0.5, 1e-12);
    /* accuracy: (100 - 2) / (100 - 0) */
    assert_int_equal(zkb_report_entry_score(r, a, ZKB_REPORT_AXIS_ACCURACY, &s), ZKB_OK);
    assert_float_equal(s, 1.0, 1e-12);
    assert_int_equal(zkb_report_entry_score(r, b, ZKB_REPORT_AXIS_ACCURACY, &s), ZKB_OK);
    assert_float_equal(s, 0.98, 1e-12);
    assert_string_equal(zkb_report_entry_field(r, b, "accuracy_kind"), "labelled");
    /* the baseline (1 us) is not the best time: it is not scored at all */
    for (uint32_t ax = 0; ax < ZKB_REPORT_AXIS_COUNT; ax++) {
        assert_int_equal(zkb_report_entry_score(r, d, ax, &s), ZKB_ERR_NOT_FOUND);
        assert_int_equal(zkb_report_entry_score(r, e, ax, &s), ZKB_ERR_NOT_FOUND);
    }
    assert_true(zkb_report_entry_baseline(r, d));
    assert_int_equal(zkb_report_entry_score(r, a, ZKB_REPORT_AXIS_COUNT, &s), ZKB_ERR_INVALID_ARG);
    assert_string_equal(zkb_report_axis_name(ZKB_REPORT_AXIS_PEAK_MEMORY), "peak_memory");
    assert_null(zkb_report_axis_name(99));
    zkb_report_free(r);
}

/* ---- slopes ----------------------------------------------------------------------- */

static void test_slopes(void **state)
{
    (void)state;
    const fx v[] = {
        /* exact power laws: time ~ params^1, memory ~ params^log10(4) */
        {"1", "alpha", "g", 0, "m1", 10, "ok", "", 0, {1, 1, 1}, 0.1, 1e6, 10, 20, 0, NULL},
        {"2", "alpha", "g", 0, "m2", 100, "ok", "", 0, {10, 10, 10}, 0.1, 4e6, 10, 2000, 0, NULL},
        {"3", "alpha", "g", 0, "m3", 1000, "ok", "", 0, {100, 100, 100}, 0.1, 16e6, 10, 200000, 0, NULL},
        /* not exact: log10 t = 0, log10 30, log10 200 at log10 x = 1, 2, 3 */
        {"4", "beta", "p", 0, "m1", 10, "ok", "", 0, {1, 1, 1}, 0.1, 1e6, 10, 0, 0, NULL},
        {"5", "beta", "p", 0, "m2", 100, "ok", "", 0, {30, 30, 30}, 0.1, 1e6, 10, 0, 0, NULL},
        {"6", "beta", "p", 0, "m3", 1000, "ok", "", 0, {200, 200, 200}, 0.1, 1e6, 10, 0, 0, NULL},
        /* a failure on a fourth model does not count as a point */
        {"7", "beta", "p", 0, "m4", 10000, "killed", "killed: memory cap 256 MiB in prove, sample 0", 10,
         {1e-3, 1e-3, 1e-3}, 0, 1, 10, 0, 0, NULL},
        /* one point only */
        {"8", "gamma", "h", 0, "m1", 10, "ok", "", 0, {1, 1, 1}, 0.1, 1e6, 10, 0, 0, NULL},
    };
    zkb_report *r = report_of(v, 8, NULL);
    assert_int_equal(zkb_report_series_count(r), 3);
    double slope, r2;
    size_t pts;
    size_t s_alpha = (size_t)-1, s_beta = (size_t)-1, s_gamma = (size_t)-1;
    for (size_t s = 0; s < zkb_report_series_count(r); s++) {
        const char *l = zkb_report_series_label(r, s);
        if (strcmp(l, "alpha/g") == 0)
            s_alpha = s;
        else if (strcmp(l, "beta/p") == 0)
            s_beta = s;
        else if (strcmp(l, "gamma/h") == 0)
            s_gamma = s;
    }
    assert_true(s_alpha != (size_t)-1 && s_beta != (size_t)-1 && s_gamma != (size_t)-1);
    assert_int_equal(zkb_report_series_slope(r, s_alpha, ZKB_REPORT_TIME_VS_PARAMS, &slope, &r2, &pts), ZKB_OK);
    assert_float_equal(slope, 1.0, 1e-12);
    assert_float_equal(r2, 1.0, 1e-12);
    assert_int_equal(pts, 3);
    assert_int_equal(zkb_report_series_slope(r, s_alpha, ZKB_REPORT_MEMORY_VS_PARAMS, &slope, NULL, NULL), ZKB_OK);
    assert_float_equal(slope, log10(4.0), 1e-12);
    /* against constraints 20, 2000, 200000: two decades per step, time one decade: 0.5 */
    assert_int_equal(zkb_report_series_slope(r, s_alpha, ZKB_REPORT_TIME_VS_CIRCUIT, &slope, NULL, NULL), ZKB_OK);
    assert_float_equal(slope, 0.5, 1e-12);
    /* by hand: mean x 2; slope = sum (x - 2)(y - ybar) / sum (x - 2)^2 = (log10 200 - 0) / 2 */
    assert_int_equal(zkb_report_series_slope(r, s_beta, ZKB_REPORT_TIME_VS_PARAMS, &slope, &r2, &pts), ZKB_OK);
    assert_int_equal(pts, 3);
    assert_float_equal(slope, log10(200.0) / 2, 1e-12);
    double y[3] = {0, log10(30.0), log10(200.0)}, yb = (y[0] + y[1] + y[2]) / 3, syy = 0;
    for (int i = 0; i < 3; i++)
        syy += (y[i] - yb) * (y[i] - yb);
    assert_float_equal(r2, (log10(200.0) * log10(200.0) / 2) / syy, 1e-12);
    /* beta reports no circuit size: no slope, no points */
    assert_int_equal(zkb_report_series_slope(r, s_beta, ZKB_REPORT_TIME_VS_CIRCUIT, &slope, NULL, &pts),
                     ZKB_ERR_NOT_FOUND);
    assert_int_equal(pts, 0);
    assert_int_equal(zkb_report_series_slope(r, s_gamma, ZKB_REPORT_TIME_VS_PARAMS, &slope, NULL, &pts),
                     ZKB_ERR_NOT_FOUND);
    assert_int_equal(pts, 1);
    /* the fit itself: same x twice is no slope */
    double xs[] = {5, 5}, ys[] = {1, 2};
    zkbr_slope f = zkbr_loglog_fit(xs, ys, 2);
    assert_false(f.ok);
    zkb_report_free(r);
}

/* ---- failures ----------------------------------------------------------------------- */

static void test_failures_carry_their_reason(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "circom", "groth16", 0, "m", 100, "failed", "failed: proof did not verify in verify, sample 0: pairing", 12,
         {7, 7, 7}, 0, 100, 256, 10, 0, NULL},
        {"2", "ezkl", "halo2-kzg", 0, "m", 100, "failed",
         "failed: outputs differ from the reference in verify, sample 3: [1] vs [2]", 13, {7, 7, 7}, 0, 100, 256, 10, 0, NULL},
        {"3", "noir", "ultrahonk", 0, "m", 100, "unavailable", "unavailable: nargo not found in PATH", 6,
         {0, 0, 0}, 0, 0, -1, 0, 0, NULL},
        {"4", "circom", "groth16", 0, "m", 100, "killed", "killed: memory cap 256 MiB in prove, sample 0", 10,
         {0, 0, 0}, 0, 0, -1, 0, 0, "proof_system=plonk"},
        {"5", "circom", "groth16", 0, "m", 100, "timeout", "timeout: 2 s in witness, sample 0", 9,
         {0, 0, 0}, 0, 0, -1, 0, 0, "proof_system=fflonk"},
        /* ok, then a later failed rerun (other samples): the numbers are the ok cell's */
        {"6", "alpha", "g", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 10, 0, 0, NULL},
        {"7", "alpha", "g", 0, "m", 100, "crashed", "crashed: signal 11 (Segmentation fault) in prove, sample 1", 11,
         {1000, 1000, 1000}, 0, 1e12, 10, 0, 0, NULL},
    };
    zkb_report *r = report_of(v, 7, NULL);
    struct {
        const char *label, *status, *reason;
    } want[] = {
        {"circom/groth16", "failed", "pairing"},
        {"ezkl/halo2-kzg", "mismatch", "outputs differ"},
        {"noir/ultrahonk", "unavailable", "nargo not found"},
        {"circom/plonk", "killed", "memory cap 256 MiB"},
        {"circom/fflonk", "timeout", "2 s in witness"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t e = entry(r, "m", want[i].label);
        assert_true(e != (size_t)-1);
        assert_string_equal(zkb_report_entry_field(r, e, "status"), want[i].status);
        assert_non_null(strstr(zkb_report_entry_field(r, e, "reason"), want[i].reason));
        /* never a number: not 0, not the partial phases */
        double med = -1;
        assert_int_equal(zkb_report_entry_value(r, e, "prove.wall_s", &med, NULL, NULL), ZKB_ERR_NOT_FOUND);
        assert_int_equal(zkb_report_entry_value(r, e, "peak_rss_bytes", &med, NULL, NULL), ZKB_ERR_NOT_FOUND);
        assert_int_equal(zkb_report_entry_value(r, e, "proof_size_bytes", &med, NULL, NULL), ZKB_ERR_NOT_FOUND);
        assert_float_equal(med, -1, 0);
        size_t ok = 9;
        assert_int_equal(zkb_report_entry_cells(r, e, &ok), 1);
        assert_int_equal(ok, 0);
    }
    assert_string_equal(zkb_report_entry_field(r, entry(r, "m", "circom/plonk"), "variant"), "proof_system=plonk");
    size_t e = entry(r, "m", "alpha/g");
    assert_string_equal(zkb_report_entry_field(r, e, "status"), "ok");
    assert_string_equal(zkb_report_entry_field(r, e, "reason"), "");
    size_t ok;
    assert_int_equal(zkb_report_entry_cells(r, e, &ok), 2);
    assert_int_equal(ok, 1);
    double med, hi;
    assert_int_equal(zkb_report_entry_value(r, e, "prove.wall_s", &med, NULL, &hi), ZKB_OK);
    assert_float_equal(med, 2, 0);
    assert_float_equal(hi, 2, 0);
    assert_int_equal(zkb_report_entry_value(r, e, "peak_rss_bytes", &med, NULL, &hi), ZKB_OK);
    assert_float_equal(hi, 100, 0);
    /* only alpha is scored (1 on every axis it has) */
    double s;
    assert_int_equal(zkb_report_entry_score(r, e, ZKB_REPORT_AXIS_PROVE_TIME, &s), ZKB_OK);
    assert_float_equal(s, 1, 0);
    zkb_report_free(r);
}

/* ---- bad lines ------------------------------------------------------------------------ */

static void test_bad_lines_are_reported_and_skipped(void **state)
{
    (void)state;
    const fx good = {"1", "alpha", "g", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 10, 0, 0, NULL};
    const fx good2 = {"2", "beta", "g", 0, "m", 100, "ok", "", 0, {3, 3, 3}, 0.1, 100, 10, 0, 0, NULL};
    char *a = record(&good), *b = record(&good2);
    char *v2 = strdup(a);
    char *p = strstr(v2, "\"schema_version\":1");
    assert_non_null(p);
    p[strlen("\"schema_version\":")] = '2';
    zkbr_buf t = {0};
    /* 1 good, 2 garbage, 3 blank, 4 schema 2, 5 good (CRLF), 6 a JSON array, 7 truncated, no newline */
    zkbr_buf_printf(&t, "%s\n{\"oops\": \n\n%s\n%s\r\n[1,2]\n%.*s", a, v2, b, (int)(strlen(a) / 2), a);
    zkb_report *r = NULL;
    assert_int_equal(zkb_report_new(&r), ZKB_OK);
    assert_int_equal(zkb_report_add_text(r, "dir/results.jsonl", t.p, t.len), ZKB_OK);
    assert_int_equal(zkb_report_record_count(r), 2);
    assert_int_equal(zkb_report_skipped_count(r), 4);
    assert_non_null(strstr(zkb_report_skipped(r, 0), "dir/results.jsonl:2: "));
    assert_non_null(strstr(zkb_report_skipped(r, 1), "dir/results.jsonl:4: unknown schema_version"));
    assert_non_null(strstr(zkb_report_skipped(r, 2), "dir/results.jsonl:6: "));
    assert_non_null(strstr(zkb_report_skipped(r, 3), "dir/results.jsonl:7: truncated last line"));
    assert_null(zkb_report_skipped(r, 4));
    assert_int_equal(zkb_report_entry_count(r), 2);
    /* a missing file is an error with the path in the message */
    assert_int_equal(zkb_report_add_path(r, "/nonexistent/zkb-report-test"), ZKB_ERR_NOT_FOUND);
    assert_non_null(strstr(zkb_report_last_error(r), "/nonexistent/zkb-report-test"));
    zkb_report_free(r);
    zkbr_buf_free(&t);
    free(a);
    free(b);
    free(v2);
}

/* ---- SVG ----------------------------------------------------------------------------- */

static void test_escaping(void **state)
{
    (void)state;
    zkbr_buf b = {0};
    zkbr_xml_escape(&b, "a<b>&\"'\x01\tz\xff\xc3\xa9");
    assert_string_equal(b.p, "a&lt;b&gt;&amp;&quot;&apos; z?\xc3\xa9");
    zkbr_buf_free(&b);
    char *f = zkbr_fit("abcdefghijklmnopqrstuvwxyz", 10, 60);
    assert_non_null(f);
    assert_true(strlen(f) < 26 && strstr(f, "...") != NULL);
    assert_true(zkbr_text_width(f, 10) <= 60);
    free(f);
    char **lines;
    size_t n = zkbr_wrap("one two three four five six seven", 10, 70, &lines);
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++)
        assert_true(zkbr_text_width(lines[i], 10) <= 70);
    zkbr_lines_free(lines, n);
    char v[48];
    zkbr_fmt(1.5e-3, ZKBR_UNIT_S, v, sizeof v);
    assert_string_equal(v, "1.5 ms");
    zkbr_fmt(2.5e-7, ZKBR_UNIT_S, v, sizeof v);
    assert_string_equal(v, "250 ns");
    zkbr_fmt(1000.0 * 1024 * 1024, ZKBR_UNIT_BYTES, v, sizeof v);
    assert_string_equal(v, "1000 MiB");
    zkbr_fmt(256, ZKBR_UNIT_BYTES, v, sizeof v);
    assert_string_equal(v, "256 B");
    zkbr_fmt(44530, ZKBR_UNIT_COUNT, v, sizeof v);
    assert_string_equal(v, "44.5k");
    char slug[64];
    zkbr_slug("../a b/c", slug, sizeof slug);
    assert_string_equal(slug, "_._a_b_c");
}

/* A small XML well-formedness check: balanced tags, quoted attributes, no
 * stray '<' or '&' in text. Returns NULL or what is wrong. */
static const char *xml_check(const char *s)
{
    const char *stack[64];
    size_t lens[64], depth = 0;
    int root_seen = 0;
    const char *p = s;
    if (strncmp(p, "<?xml", 5) == 0) {
        p = strstr(p, "?>");
        if (!p)
            return "unterminated declaration";
        p += 2;
    }
    while (*p) {
        if (*p == '<') {
            if (p[1] == '/') {
                const char *n = p + 2, *e = strchr(n, '>');
                if (!e || depth == 0)
                    return "stray end tag";
                depth--;
                if ((size_t)(e - n) != lens[depth] || strncmp(n, stack[depth], lens[depth]) != 0)
                    return "mismatched end tag";
                p = e + 1;
                continue;
            }
            const char *n = p + 1;
            size_t l = strcspn(n, " \t\n/>");
            if (l == 0)
                return "empty tag name";
            const char *q = n + l;
            for (;;) {
                q += strspn(q, " \t\n");
                if (*q == '>' || (*q == '/' && q[1] == '>'))
                    break;
                size_t al = strcspn(q, "= \t\n>");
                if (al == 0 || q[al] != '=' || (q[al + 1] != '"' && q[al + 1] != '\''))
                    return "unquoted attribute";
                char quote = q[al + 1];
                const char *v = q + al + 2, *ve = strchr(v, quote);
                if (!ve)
                    return "unterminated attribute";
                for (const char *c = v; c < ve; c++)
                    if (*c == '<')
                        return "'<' in an attribute";
                q = ve + 1;
            }
            if (depth == 0 && root_seen)
                return "second root element";
            root_seen = 1;
            if (*q == '/') {
                p = q + 2;
            } else {
                if (depth == 64)
                    return "too deep";
                stack[depth] = n;
                lens[depth++] = l;
                p = q + 1;
            }
            continue;
        }
        if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            int ok = 0;
            for (size_t i = 0; i < 5; i++)
                ok |= strncmp(p, ents[i], strlen(ents[i])) == 0;
            if (!ok)
                return "bare '&'";
        }
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            return "control character";
        if (*p == '>' && depth > 0 && stack[depth - 1] && strncmp(stack[depth - 1], "text", 4) == 0)
            return "'>' in text";
        p++;
    }
    return depth == 0 && root_seen ? NULL : "unclosed element";
}

static void test_svg_well_formed_and_escaped(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "al<pha>", "g&1", 0, "m<&\"1>", 10, "ok", "", 0, {1, 0.5, 2}, 0.1, 1e6, 256, 20, 0, NULL},
        {"2", "al<pha>", "g&1", 0, "m2", 1000, "ok", "", 0, {10, 9, 11}, 0.1, 4e6, 256, 2000, 0, NULL},
        {"3", "beta", "p", 0, "m<&\"1>", 10, "ok", "", 0, {3, 3, 3}, 0.2, 2e6, 800, 30, -1, NULL},
        {"4", "gamma", "h", 0, "m<&\"1>", 10, "failed", "failed: <script>alert('x')</script> & ]]> \x01 done", 4,
         {0, 0, 0}, 0, 0, -1, 0, 0, NULL},
        {"5", "reference", "none", 1, "m2", 1000, "ok", "", 0, {1e-6, 1e-6, 2e-6}, 1e-7, 1e6, 0, 0, 0, NULL},
    };
    zkb_report *r = report_of(v, 5, NULL);
    /* the checker itself rejects what it should */
    assert_non_null(xml_check("<svg><text>a<b</text></svg>"));
    assert_non_null(xml_check("<svg><text>a & b</text></svg>"));
    assert_non_null(xml_check("<svg x=1></svg>"));
    assert_non_null(xml_check("<svg><g></svg>"));
    assert_null(xml_check("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g/><text>a &amp; b</text></svg>"));
    const char *bad;
    size_t drawn = 0;
    for (size_t m = 0; m < zkb_report_model_count(r); m++) {
        if (zkbr_radar_drawable(r, m) != 0)
            continue;
        zkbr_buf b = {0};
        assert_int_equal(zkbr_chart_radar(r, m, &b), 0);
        bad = xml_check(b.p);
        if (bad)
            fail_msg("radar of %s: %s\n%s", zkb_report_model_name(r, m), bad, b.p);
        assert_null(strstr(b.p, "<script"));
        assert_non_null(strstr(b.p, "al&lt;pha&gt;/g&amp;1"));
        assert_non_null(strstr(b.p, "Test CPU &lt;x86&gt; &amp; co")); /* the caption */
        zkbr_buf_free(&b);
        drawn++;
    }
    assert_int_equal(drawn, 2); /* both models have a scored (ok, non-baseline) entry */
    for (size_t i = 0; i < zkbr_n_bar_metrics; i++) {
        if (zkbr_bar_drawable(r, &zkbr_bar_metrics[i]) != 0)
            continue;
        zkbr_buf b = {0};
        assert_int_equal(zkbr_chart_bar(r, &zkbr_bar_metrics[i], &b), 0);
        bad = xml_check(b.p);
        if (bad)
            fail_msg("bar %s: %s", zkbr_bar_metrics[i].name, bad);
        assert_null(strstr(b.p, "<script"));
        zkbr_buf_free(&b);
    }
    for (uint32_t k = 0; k < ZKB_REPORT_SCALING_COUNT; k++) {
        if (zkbr_scaling_drawable(r, k) != 0)
            continue;
        zkbr_buf b = {0};
        assert_int_equal(zkbr_chart_scaling(r, k, &b), 0);
        bad = xml_check(b.p);
        if (bad)
            fail_msg("scaling %u: %s", k, bad);
        zkbr_buf_free(&b);
    }
    zkb_report_free(r);
}

/* ---- what a reader accepts (docs/results-format.md) ----------------------------------- */

/* text with the first `from` replaced by `to`; the test fails when from is
 * not there. Caller frees. */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    zkbr_buf b = {0};
    zkbr_buf_put(&b, text, (size_t)(at - text));
    zkbr_buf_puts(&b, to);
    zkbr_buf_puts(&b, at + strlen(from));
    assert_false(b.oom);
    return b.p;
}

/* The record with number members set: keys is a NULL-ended list of dotted
 * paths ("phases.prove.wall_s.median"), each set to v. Caller frees. */
static char *with_number(const char *text, double v, const char *const *keys)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    for (; *keys; keys++) {
        char path[128];
        snprintf(path, sizeof path, "%s", *keys);
        cJSON *o = j;
        for (char *k = strtok(path, "."); k; k = strtok(NULL, "."))
            o = cJSON_GetObjectItemCaseSensitive(o, k);
        assert_true(cJSON_IsNumber(o));
        cJSON_SetNumberValue(o, v);
    }
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    assert_non_null(s);
    return s;
}

static zkb_report *report_text(const char *name, const char *text)
{
    zkb_report *r = NULL;
    assert_int_equal(zkb_report_new(&r), ZKB_OK);
    assert_int_equal(zkb_report_add_text(r, name, text, strlen(text)), ZKB_OK);
    return r;
}

/* skipped line i is "name:line: <reason containing why>" */
static void assert_skipped(const zkb_report *r, size_t i, const char *where, const char *why)
{
    const char *s = zkb_report_skipped(r, i);
    if (!s || strncmp(s, where, strlen(where)) != 0 || !strstr(s, why))
        fail_msg("skipped line %zu is \"%s\", want \"%s ...%s...\"", i, s ? s : "(none)", where, why);
}

static void test_one_record_per_line_of_a_known_schema(void **state)
{
    (void)state;
    const fx g1 = {"1", "alpha", "g", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 10, 0, 0, NULL};
    const fx g2 = {"2", "beta", "g", 0, "m", 100, "ok", "", 0, {3, 3, 3}, 0.1, 100, 10, 0, 0, NULL};
    char *a = record(&g1), *b = record(&g2);
    char *bogus = replace(b, "\"status\":\"ok\"", "\"status\":\"bogus\"");
    char *v3 = replace(a, "\"schema_version\":1", "\"schema_version\":3");
    char *twice = replace(b, "\"status\":\"ok\"", "\"status\":\"ok\",\"status\":\"failed\"");
    char *no_name = replace(a, "\"name\":\"alpha\"", "\"nom\":\"alpha\"");
    char *text_seed = replace(a, "\"seed\":1", "\"seed\":\"1\"");
    char *bad_utf8 = replace(b, "fw 1.2", "fw \xc3\x28");
    zkbr_buf t = {0};
    /* 1 good; 2 two records on one line; 3 unknown status; 4 schema 3; 5 a
     * member twice; 6 no backend name; 7 a string seed; 8 invalid UTF-8;
     * 9 text after the record; 10 good, with trailing blanks */
    zkbr_buf_printf(&t, "%s\n%s%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s x\n%s \t\r\n", a, a, b, bogus, v3, twice, no_name,
                    text_seed, bad_utf8, b, b);
    zkb_report *r = report_text("in.jsonl", t.p);
    assert_int_equal(zkb_report_record_count(r), 2);
    assert_int_equal(zkb_report_skipped_count(r), 8);
    assert_skipped(r, 0, "in.jsonl:2: ", "more than one JSON value");
    assert_skipped(r, 1, "in.jsonl:3: ", "unknown status \"bogus\"");
    assert_skipped(r, 2, "in.jsonl:4: ", "unknown schema_version 3");
    assert_skipped(r, 3, "in.jsonl:5: ", "\"status\" appears twice");
    assert_skipped(r, 4, "in.jsonl:6: ", "no backend.name");
    assert_skipped(r, 5, "in.jsonl:7: ", "seed is not a whole number");
    assert_skipped(r, 6, "in.jsonl:8: ", "invalid UTF-8");
    assert_skipped(r, 7, "in.jsonl:9: ", "more than one JSON value");
    /* the first record of line 2 is not taken either: cell 1 is line 1's */
    double med;
    size_t e = entry(r, "m", "alpha/g");
    assert_int_equal(zkb_report_entry_value(r, e, "prove.wall_s", &med, NULL, NULL), ZKB_OK);
    assert_float_equal(med, 2, 0);
    zkb_report_free(r);
    zkbr_buf_free(&t);
    free(a), free(b), free(bogus), free(v3), free(twice), free(no_name), free(text_seed), free(bad_utf8);
}

/* Every written file of r: no NaN or infinity, in any spelling a printf
 * gives ("nan", "-nan", "inf", "-inf"). */
static void assert_all_finite(const zkb_report *r)
{
    for (size_t i = 0; i < zkb_report_file_count(r); i++) {
        char *text = zkbt_read_file(zkb_report_file(r, i), NULL);
        for (const char *p = text; *p; p++) {
            int word_start = p == text || !((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z');
            if (!word_start)
                continue;
            if (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0) {
                char c = p[3];
                if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                    fail_msg("%s: \"%.40s\"", zkb_report_file(r, i), p > text + 20 ? p - 20 : text);
            }
        }
        free(text);
    }
}

static void remove_written(zkb_report *r, const char *dir)
{
    for (size_t i = 0; i < zkb_report_file_count(r); i++)
        assert_int_equal(remove(zkb_report_file(r, i)), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/charts", dir);
    assert_int_equal(remove(path), 0);
    assert_int_equal(remove(dir), 0);
}

static void test_bad_figures_are_refused(void **state)
{
    (void)state;
    const fx g = {"1", "alpha", "g", 0, "m", 100, "ok", "", 0, {2, 2, 2}, 0.1, 100, 10, 0, 0, NULL};
    const fx h = {"2", "beta", "g", 0, "m", 100, "ok", "", 0, {3, 3, 3}, 0.1, 100, 10, 0, 0, NULL};
    char *a = record(&g), *b = record(&h);
    static const char *const prove_med[] = {"phases.prove.wall_s.median", NULL};
    static const char *const prove_all[] = {"phases.prove.wall_s.median", "phases.prove.wall_s.min",
                                            "phases.prove.wall_s.max", NULL};
    static const char *const proof[] = {"metrics.proof_size.value", NULL};
    static const char *const peak[] = {"phases.prove.peak_rss_bytes.median", "phases.prove.peak_rss_bytes.min",
                                       "phases.prove.peak_rss_bytes.max", NULL};
    char *neg = with_number(b, -5, prove_all);
    char *huge = with_number(b, 1e308, prove_all);
    char *marked = with_number(b, 123456789, prove_med);
    char *inf = replace(marked, "123456789", "1e999");
    char *neg_proof = with_number(b, -1, proof);
    char *order = with_number(b, 2.5, prove_med); /* median 2.5 outside min 3 .. max 3 */
    char *neg_peak = with_number(b, -4096, peak);
    zkbr_buf t = {0};
    zkbr_buf_printf(&t, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n", a, neg, huge, inf, neg_proof, order, neg_peak);
    zkb_report *r = report_text("fig.jsonl", t.p);
    assert_int_equal(zkb_report_record_count(r), 1);
    assert_int_equal(zkb_report_skipped_count(r), 6);
    assert_skipped(r, 0, "fig.jsonl:2: ", "phases.prove.wall_s.median is negative (-5)");
    assert_skipped(r, 1, "fig.jsonl:3: ", "phases.prove.wall_s.median is 1e+308, want a number from 0 to 2^53");
    assert_skipped(r, 2, "fig.jsonl:4: ", "phases.prove.wall_s.median is not a finite number");
    assert_skipped(r, 3, "fig.jsonl:5: ", "metrics.proof_size.value is negative");
    assert_skipped(r, 4, "fig.jsonl:6: ", "phases.prove.wall_s: min 3, median 2.5, max 3 are out of order");
    assert_skipped(r, 5, "fig.jsonl:7: ", "phases.prove.peak_rss_bytes.median is negative");
    /* none of it reaches an output */
    char dir[] = "/tmp/zkb-report-fig-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(zkb_report_write(r, dir), ZKB_OK);
    assert_all_finite(r);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = zkbt_read_file(path, NULL);
    assert_null(strstr(md, "-5 s"));
    assert_non_null(strstr(md, "fig.jsonl:2: phases.prove.wall")); /* listed as skipped */
    free(md);
    remove_written(r, dir);
    zkb_report_free(r);
    zkbr_buf_free(&t);
    free(a), free(b), free(neg), free(huge), free(marked), free(inf), free(neg_proof), free(order), free(neg_peak);
}

/* The smallest and largest figures a record may hold still draw finite
 * charts: denormal times, 2^53 bytes and counts, zeros. */
static void test_extreme_figures_draw_finite_charts(void **state)
{
    (void)state;
    const double big = 9007199254740992.0, tiny = 4.9406564584124654e-324;
    const fx v[] = {
        {"1", "alpha", "g", 0, "small", 1, "ok", "", 0, {tiny, tiny, tiny}, tiny, 1, 1, 1, 0, NULL},
        {"2", "beta", "g", 0, "small", 1, "ok", "", 0, {big, big, big}, big, big, big, big, 100, NULL},
        {"3", "alpha", "g", 0, "large", big, "ok", "", 0, {big, big, big}, big, big, big, big, 0, NULL},
        {"4", "beta", "g", 0, "large", big, "ok", "", 0, {tiny, tiny, big}, tiny, 0, 0, 1, 0, NULL},
        {"5", "gamma", "g", 0, "large", big, "ok", "", 0, {big, big, big}, big, big, big, big, 0, NULL},
    };
    zkb_report *r = report_of(v, 5, NULL);
    assert_int_equal(zkb_report_record_count(r), 5);
    /* two records of big: their median is big, not infinity */
    char dir[] = "/tmp/zkb-report-ext-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(zkb_report_write(r, dir), ZKB_OK);
    assert_all_finite(r);
    for (size_t i = 0; i < zkb_report_file_count(r); i++) {
        const char *f = zkb_report_file(r, i);
        if (strstr(f, ".svg")) {
            char *text = zkbt_read_file(f, NULL);
            const char *bad = xml_check(text);
            if (bad)
                fail_msg("%s: %s", f, bad);
            free(text);
        }
    }
    remove_written(r, dir);
    zkb_report_free(r);
    /* the axes themselves, at the ends of the range of doubles */
    zkbr_axis ax;
    const double ends[][2] = {{tiny, tiny}, {tiny, 1e308}, {1e308, 1.7e308}, {0, 1.7e308}, {tiny, 2 * tiny}};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        for (int lg = 0; lg < 2; lg++)
            for (int unit = ZKBR_UNIT_S; unit <= ZKBR_UNIT_COUNT; unit++) {
                zkbr_axis_make(&ax, ends[i][0], ends[i][1], lg, unit);
                assert_true(isfinite(ax.lo) && isfinite(ax.hi) && ax.hi > ax.lo);
                for (size_t t = 0; t < ax.n_ticks; t++)
                    assert_true(isfinite(ax.ticks[t]));
                for (int k = 0; k < 2; k++) {
                    double p = zkbr_axis_pos(&ax, ends[i][k]);
                    assert_true(p >= 0 && p <= 1);
                }
                assert_true(zkbr_axis_pos(&ax, NAN) == 0);
            }
    assert_float_equal(zkbr_median((const double[]){1.7e308, 1.7e308}, 2), 1.7e308, 1e293);
}

/* Models whose names make one slug get a radar chart each, linked from
 * their own section of report.md. */
static void test_radar_file_per_model(void **state)
{
    (void)state;
    const char *names[] = {"a/b", "a_b", "a b", "a:b", "A:B", "solo"};
    const size_t n = sizeof names / sizeof names[0];
    fx v[6];
    char ids[6][4];
    for (size_t i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "%zx", i + 1);
        v[i] = (fx){ids[i], "alpha", "g", 0, names[i], 10, "ok", "", 0, {1, 1, 1}, 0.1, 100, 10, 0, 0, NULL};
    }
    zkb_report *r = report_of(v, n, NULL);
    assert_int_equal(zkb_report_model_count(r), n);
    char dir[] = "/tmp/zkb-report-radar-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(zkb_report_write(r, dir), ZKB_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = zkbt_read_file(path, NULL);
    char seen[6][256];
    for (size_t m = 0; m < n; m++) {
        const char *name = zkb_report_model_name(r, m);
        char file[256];
        zkbr_chart_radar_name(r, m, file, sizeof file);
        /* unique (also without case), and only the colliding ones hashed */
        for (size_t k = 0; k < m; k++)
            assert_int_not_equal(strcasecmp(seen[k], file), 0);
        snprintf(seen[m], sizeof seen[m], "%s", file);
        if (strcmp(name, "solo") == 0)
            assert_string_equal(file, "radar_solo.svg");
        else
            assert_int_equal(strlen(file), strlen("radar_a_b-12345678.svg"));
        /* the model's own section links to its own file ... */
        char heading[64], escaped[64];
        snprintf(heading, sizeof heading, "\n## %s\n", name);
        snprintf(escaped, sizeof escaped, "%s", heading); /* Markdown may write a_b as a\_b */
        char *u = strchr(escaped + 4, '_');
        if (u) {
            memmove(u + 1, u, strlen(u) + 1);
            *u = '\\';
        }
        const char *sec = strstr(md, heading) ? strstr(md, heading) : strstr(md, escaped);
        if (!sec)
            fail_msg("no heading \"%s\" in report.md", heading + 1);
        const char *next = strstr(sec + 1, "\n## ");
        char link[300];
        snprintf(link, sizeof link, "](charts/%s)", file);
        const char *at = strstr(sec, link);
        assert_true(at && (!next || at < next));
        /* ... which draws that model */
        snprintf(path, sizeof path, "%s/charts/%s", dir, file);
        char *svg = zkbt_read_file(path, NULL);
        char title[128];
        snprintf(title, sizeof title, "<title>%s: normalized scores", name);
        assert_non_null(strstr(svg, title));
        free(svg);
    }
    free(md);
    /* the same records give the same names */
    zkb_report *again = report_of(v, n, NULL);
    for (size_t m = 0; m < n; m++) {
        char a[256], b[256];
        zkbr_chart_radar_name(r, m, a, sizeof a);
        zkbr_chart_radar_name(again, m, b, sizeof b);
        assert_string_equal(a, b);
    }
    zkb_report_free(again);
    remove_written(r, dir);
    zkb_report_free(r);
}

/* Text from records is inert in report.md wherever it appears. */
static void test_markdown_is_inert(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "b*[x](javascript:alert(1))_", "g", 0, "<script>alert(1)</script>", 10, "ok", "", 0, {1, 1, 1}, 0.1,
         100, 10, 0, 0, NULL},
        {"2", "beta", "g", 0, "<script>alert(1)</script>", 10, "failed",
         "failed: <img src=x onerror=alert(1)> | `tick`\n# not a heading", 4, {0, 0, 0}, 0, 0, -1, 0, 0, NULL},
        {"3", "beta", "g", 0, "_em_ tiny_cnn", 10, "ok", "", 0, {1, 1, 1}, 0.1, 100, 10, 0, 0, NULL},
    };
    zkb_report *r = report_of(v, 3, "{\"<b>bad</b>\": 1}\n");
    char dir[] = "/tmp/zkb-report-md-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(zkb_report_write(r, dir), ZKB_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = zkbt_read_file(path, NULL);
    /* no HTML at all: every < of a record became &lt; (the report's own text has none) */
    if (strchr(md, '<'))
        fail_msg("report.md has a '<': %.80s", strchr(md, '<'));
    assert_non_null(strstr(md, "\n## &lt;script&gt;alert(1)&lt;/script&gt;\n"));
    assert_non_null(strstr(md, "![normalized scores of &lt;script&gt;alert(1)&lt;/script&gt;](charts/"));
    /* no link, emphasis or heading from a label or a reason */
    assert_non_null(strstr(md, "b\\*\\[x\\](javascript:alert(1))\\_"));
    assert_non_null(strstr(md, "&lt;img src=x onerror=alert(1)&gt; \\| \\`tick\\` \\# not a heading"));
    assert_null(strstr(md, "\n# not a heading"));
    /* _ that could start emphasis is escaped, one inside a word is not */
    assert_non_null(strstr(md, "\n## \\_em\\_ tiny_cnn\n"));
    free(md);
    remove_written(r, dir);
    zkb_report_free(r);
}

/* ---- writers ----------------------------------------------------------------------------- */

static size_t csv_fields(const char *line, size_t len)
{
    size_t n = 1;
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"')
            q = !q;
        else if (line[i] == ',' && !q)
            n++;
    }
    return n;
}

static void test_write_all(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "alpha", "g", 0, "m", 10, "ok", "", 0, {1, 0.5, 2}, 0.1, 1e6, 256, 20, 0, NULL},
        {"2", "beta", "p", 0, "m", 10, "failed", "failed: a, \"quoted\" | reason", 12, {5, 5, 5}, 0, 1e6, 256, 20, 0, NULL},
    };
    zkb_report *r = report_of(v, 2, "{\"truncated");
    char dir[] = "/tmp/zkb-report-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/out/nested", dir);
    assert_int_equal(zkb_report_write(r, out), ZKB_OK);
    assert_true(zkb_report_file_count(r) >= 5);
    char path[512];
    snprintf(path, sizeof path, "%s/results.csv", out);
    char *csv = zkbt_read_file(path, NULL);
    /* every row has the header's field count; the failed row has an empty prove median */
    const char *line = csv;
    size_t header = 0, rows = 0;
    while (*line) {
        const char *e = strstr(line, "\r\n");
        assert_non_null(e);
        size_t n = csv_fields(line, (size_t)(e - line));
        if (!header)
            header = n;
        else
            assert_int_equal(n, header);
        rows++;
        line = e + 2;
    }
    assert_int_equal(rows, 3);
    assert_non_null(strstr(csv, "\"failed: a, \"\"quoted\"\" | reason\""));
    free(csv);
    snprintf(path, sizeof path, "%s/summary.json", out);
    char *js = zkbt_read_file(path, NULL);
    cJSON *j = cJSON_Parse(js);
    assert_non_null(j);
    const cJSON *models = cJSON_GetObjectItem(j, "models");
    assert_int_equal(cJSON_GetArraySize(models), 1);
    const cJSON *es = cJSON_GetObjectItem(cJSON_GetArrayItem(models, 0), "entries");
    assert_int_equal(cJSON_GetArraySize(es), 2);
    const cJSON *failed = cJSON_GetArrayItem(es, 1);
    assert_string_equal(cJSON_GetObjectItem(failed, "status")->valuestring, "failed");
    assert_non_null(cJSON_GetObjectItem(failed, "reason"));
    assert_null(cJSON_GetObjectItem(failed, "phases"));
    assert_null(cJSON_GetObjectItem(failed, "scores"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "skipped_lines")), 1);
    cJSON_Delete(j);
    free(js);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = zkbt_read_file(path, NULL);
    assert_non_null(strstr(md, "failed: a, \"quoted\" \\| reason"));
    assert_non_null(strstr(md, "best / value"));
    assert_non_null(strstr(md, "fixture.jsonl:3: truncated last line"));
    free(md);
    for (size_t i = 0; i < zkb_report_file_count(r); i++)
        assert_int_equal(remove(zkb_report_file(r, i)), 0);
    snprintf(path, sizeof path, "%s/charts", out);
    assert_int_equal(remove(path), 0);
    assert_int_equal(remove(out), 0);
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(remove(path), 0);
    assert_int_equal(remove(dir), 0);
    zkb_report_free(r);
}

/* The EVM step's figures (docs/evm.md): entry values, the Markdown table,
 * CSV columns, summary.json, the two bar charts (only entries that have
 * them, the EIP-170 line), and nothing made up for entries without them. */
static void test_evm_figures(void **state)
{
    (void)state;
    const fx v[] = {
        {"1", "alpha", "groth16", 0, "m", 10, "ok", "", 0, {1, 0.5, 2}, 0.1, 1e6, 256, 20, 0, NULL},
        {"2", "beta", "halo2", 0, "m", 10, "ok", "", 0, {2, 1, 3}, 0.1, 1e6, 900, 0, 0, NULL},
        {"3", "gamma", "plonk", 0, "m", 10, "ok", "", 0, {3, 1, 3}, 0.1, 1e6, 900, 0, 0, NULL},
    };
    char *a = record(&v[0]), *b = record(&v[1]), *c = record(&v[2]);
    char *a2 = replace(a, "\"metrics\":{",
                       "\"metrics\":{\"evm_verify_gas\":{\"value\":337492,\"unit\":\"gas\",\"n\":1,\"min\":337492,\"max\":337492},"
                       "\"evm_verify_gas_min\":{\"value\":337480,\"unit\":\"gas\",\"n\":1,\"min\":337480,\"max\":337480},"
                       "\"evm_verify_gas_max\":{\"value\":337510,\"unit\":\"gas\",\"n\":1,\"min\":337510,\"max\":337510},"
                       "\"evm_deploy_gas\":{\"value\":711177,\"unit\":\"gas\",\"n\":1,\"min\":711177,\"max\":711177},"
                       "\"evm_runtime_bytes\":{\"value\":3045,\"unit\":\"bytes\",\"n\":1,\"min\":3045,\"max\":3045},"
                       "\"evm_calldata_bytes\":{\"value\":868,\"unit\":\"bytes\",\"n\":1,\"min\":868,\"max\":868},"
                       "\"evm_public_inputs\":{\"value\":19,\"unit\":\"count\",\"n\":1,\"min\":19,\"max\":19},"
                       "\"evm_exceeds_eip170\":{\"value\":0,\"unit\":\"flag\",\"n\":1,\"min\":0,\"max\":0},");
    char *b2 = replace(b, "\"metrics\":{",
                       "\"metrics\":{\"evm_verify_gas\":{\"value\":546839,\"unit\":\"gas\",\"n\":1,\"min\":546839,\"max\":546839},"
                       "\"evm_deploy_gas\":{\"value\":6957315,\"unit\":\"gas\",\"n\":1,\"min\":6957315,\"max\":6957315},"
                       "\"evm_runtime_bytes\":{\"value\":31431,\"unit\":\"bytes\",\"n\":1,\"min\":31431,\"max\":31431},"
                       "\"evm_calldata_bytes\":{\"value\":3844,\"unit\":\"bytes\",\"n\":1,\"min\":3844,\"max\":3844},"
                       "\"evm_public_inputs\":{\"value\":20,\"unit\":\"count\",\"n\":1,\"min\":20,\"max\":20},"
                       "\"evm_exceeds_eip170\":{\"value\":1,\"unit\":\"flag\",\"n\":1,\"min\":1,\"max\":1},");
    zkbr_buf t = {0};
    zkbr_buf_printf(&t, "%s\n%s\n%s\n", a2, b2, c);
    zkb_report *r = report_text("evm.jsonl", t.p);
    zkbr_buf_free(&t);
    free(a), free(b), free(c), free(a2), free(b2);

    size_t ea = entry(r, "m", "alpha/groth16"), eg = entry(r, "m", "gamma/plonk");
    double med = 0, lo = 0, hi = 0;
    assert_int_equal(zkb_report_entry_value(r, ea, "evm_verify_gas", &med, &lo, &hi), ZKB_OK);
    assert_true(med == 337492 && lo == 337480 && hi == 337510);
    assert_int_equal(zkb_report_entry_value(r, eg, "evm_verify_gas", &med, &lo, &hi), ZKB_ERR_NOT_FOUND);

    char dir[] = "/tmp/zkb-report-evm-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(zkb_report_write(r, dir), ZKB_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    char *md = zkbt_read_file(path, NULL);
    assert_non_null(strstr(md, "| alpha/groth16 | 3,045 B | fits | 711,177 | 337,492 | 868 B | 19 |"));
    assert_non_null(strstr(md, "| beta/halo2 | 31,431 B | **exceeds**: runtime code > 24,576 B (EIP-170) | 6,957,315 | 546,839 | 3,844 B | 20 |"));
    assert_null(strstr(md, "| gamma/plonk | 0")); /* no row of zeros for an entry without figures */
    assert_non_null(strstr(md, "charts/bar_evm_verify_gas.svg"));
    free(md);
    snprintf(path, sizeof path, "%s/charts/bar_evm_bytecode.svg", dir);
    char *svg = zkbt_read_file(path, NULL);
    assert_non_null(strstr(svg, "EIP-170 limit"));
    assert_null(strstr(svg, ">gamma/plonk<"));
    assert_null(xml_check(svg));
    free(svg);
    snprintf(path, sizeof path, "%s/results.csv", dir);
    char *csv = zkbt_read_file(path, NULL);
    assert_non_null(strstr(csv, ",evm_verify_gas,evm_deploy_gas,evm_runtime_bytes,evm_calldata_bytes,evm_public_inputs,"
                                "evm_exceeds_eip170,evm_exceeds_eip3860,evm_deploy_exceeds_tx_cap,evm_verify_exceeds_tx_cap\r\n"));
    assert_non_null(strstr(csv, ",337492,711177,3045,868,19,0,,,\r\n"));
    free(csv);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *js = zkbt_read_file(path, NULL);
    cJSON *j = cJSON_Parse(js);
    free(js);
    const cJSON *es = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "models"), 0), "entries");
    int seen = 0;
    for (const cJSON *e = es ? es->child : NULL; e; e = e->next) {
        const cJSON *ev = cJSON_GetObjectItem(e, "evm");
        if (strcmp(cJSON_GetObjectItem(e, "label")->valuestring, "gamma/plonk") == 0) {
            assert_true(cJSON_IsNull(ev));
        } else {
            seen++;
            assert_true(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "verify_gas"), "median")));
        }
    }
    assert_int_equal(seen, 2);
    cJSON_Delete(j);
    remove_written(r, dir);
    zkb_report_free(r);
}

static void test_empty_and_args(void **state)
{
    (void)state;
    zkb_report *r = NULL;
    assert_int_equal(zkb_report_new(NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_report_new(&r), ZKB_OK);
    assert_int_equal(zkb_report_add_text(r, NULL, "", 0), ZKB_OK);
    assert_int_equal(zkb_report_record_count(r), 0);
    assert_int_equal(zkb_report_entry_count(r), 0);
    assert_null(zkb_report_entry_field(r, 0, "label"));
    assert_int_equal(zkb_report_entry_model(r, 0), (size_t)-1);
    assert_int_equal(zkb_report_entry_value(r, 0, "params", NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_report_add_text(r, "x", NULL, 3), ZKB_ERR_INVALID_ARG);
    zkb_report_free(r);
    zkb_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_medians_min_max),
        cmocka_unit_test(test_last_record_of_a_cell_wins),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_normalization),
        cmocka_unit_test(test_slopes),
        cmocka_unit_test(test_failures_carry_their_reason),
        cmocka_unit_test(test_bad_lines_are_reported_and_skipped),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_svg_well_formed_and_escaped),
        cmocka_unit_test(test_one_record_per_line_of_a_known_schema),
        cmocka_unit_test(test_bad_figures_are_refused),
        cmocka_unit_test(test_extreme_figures_draw_finite_charts),
        cmocka_unit_test(test_radar_file_per_model),
        cmocka_unit_test(test_markdown_is_inert),
        cmocka_unit_test(test_write_all),
        cmocka_unit_test(test_evm_figures),
        cmocka_unit_test(test_empty_and_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
