/* The JSON record of a finished cell (docs/results-format.md) and its id. */
#include "run_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define SCHEMA_NAME "zkmlbench-result"
#define SCHEMA_VERSION 1

static const char *scheme_name(uint32_t s) { return s == ZKB_QUANT_POW10 ? "pow10" : "pow2"; }
static const char *rounding_name(uint32_t r) { return r == ZKB_ROUND_FLOOR ? "floor" : "half_up"; }

void zkbi_cell_id(const zkb_run *run, const zkbi_cell *c, const char *fingerprint, char out[33])
{
    const zkbi_settings *s = &run->set;
    const char *version = c->b ? zkb_backend_version(c->b) : "";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        /* Every field on its own line: no two different cells share a text. */
        fprintf(f, "zkmlbench-cell-v1\n%s\n%s\n%s\n%s\n%u\n%u\n%s\n%llu\n%s\n%u\n%s\n", fingerprint,
                c->backend, version ? version : "", c->options, s->samples, s->repeats, s->dataset,
                (unsigned long long)s->seed, scheme_name(s->quant.scheme), s->quant.scale,
                rounding_name(s->quant.rounding));
        fclose(f);
    }
    XXH128_hash_t h = XXH3_128bits(buf ? buf : "", buf ? len : 0);
    free(buf);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static void iso_time(double t, char *out, size_t cap)
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    int ms = (int)((t - (double)s) * 1000.0);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03dZ", base, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

static void add_stats(cJSON *obj, const char *name, const zkbi_series *s)
{
    zkbi_stats st;
    zkbi_stats_compute(s->v, s->n, &st);
    cJSON *o = cJSON_AddObjectToObject(obj, name);
    cJSON_AddNumberToObject(o, "median", st.median);
    cJSON_AddNumberToObject(o, "mean", st.mean);
    cJSON_AddNumberToObject(o, "stddev", st.stddev);
    cJSON_AddNumberToObject(o, "min", st.min);
    cJSON_AddNumberToObject(o, "max", st.max);
}

static void add_phases(cJSON *rec, const zkbi_outcome *o)
{
    cJSON *ph = cJSON_AddObjectToObject(rec, "phases");
    for (int p = 0; p < ZKBI_N_PHASES; p++) {
        const zkbi_phase_data *d = &o->phases[p];
        if (d->wall.n == 0)
            continue;
        cJSON *x = cJSON_AddObjectToObject(ph, zkbi_phase_name((uint32_t)p));
        cJSON_AddNumberToObject(x, "n", (double)d->wall.n);
        add_stats(x, "wall_s", &d->wall);
        add_stats(x, "cpu_s", &d->cpu);
        add_stats(x, "peak_rss_bytes", &d->peak);
        add_stats(x, "peak_rss_self_bytes", &d->peak_self);
        add_stats(x, "peak_rss_children_bytes", &d->peak_children);
    }
}

static void add_facts(cJSON *rec, const zkb_host_ctx *facts)
{
    cJSON *m = cJSON_AddObjectToObject(rec, "metrics");
    for (size_t i = 0; i < zkbi_host_ctx_metric_count(facts); i++) {
        const zkbi_host_metric *x = zkbi_host_ctx_metric(facts, i);
        cJSON *o = cJSON_AddObjectToObject(m, x->key);
        cJSON_AddNumberToObject(o, "value", x->last);
        cJSON_AddStringToObject(o, "unit", x->unit);
        cJSON_AddNumberToObject(o, "n", (double)x->n);
        cJSON_AddNumberToObject(o, "min", x->min);
        cJSON_AddNumberToObject(o, "max", x->max);
    }
    cJSON *in = cJSON_AddObjectToObject(rec, "infos");
    for (size_t i = 0; i < zkbi_host_ctx_info_count(facts); i++)
        cJSON_AddStringToObject(in, zkbi_host_ctx_info_key(facts, i), zkbi_host_ctx_info_value(facts, i));
}

static void add_accuracy(cJSON *rec, const zkbi_inputs *in, const zkbi_outcome *o)
{
    size_t n = in->n_samples, zk_vs_float = 0, fixed_vs_float = 0, float_ok = 0, zk_ok = 0, known = 0;
    for (size_t s = 0; s < n; s++) {
        fixed_vs_float += in->fixed_class[s] != in->float_class[s];
        if (o->zk_class[s] < 0)
            continue;
        known++;
        zk_vs_float += o->zk_class[s] != in->float_class[s];
        if (in->labels) {
            float_ok += in->float_class[s] == in->labels[s];
            zk_ok += o->zk_class[s] == in->labels[s];
        }
    }
    cJSON *a = cJSON_AddObjectToObject(rec, "accuracy");
    cJSON_AddNumberToObject(a, "samples", (double)known);
    cJSON_AddBoolToObject(a, "labelled", in->labels != NULL);
    cJSON_AddNumberToObject(a, "zk_class_differs", (double)zk_vs_float);
    cJSON_AddNumberToObject(a, "zk_class_differs_pct", known ? 100.0 * (double)zk_vs_float / (double)known : 0.0);
    cJSON_AddNumberToObject(a, "fixed_class_differs", (double)fixed_vs_float);
    if (in->labels && known) {
        cJSON_AddNumberToObject(a, "float_correct", (double)float_ok);
        cJSON_AddNumberToObject(a, "zk_correct", (double)zk_ok);
        cJSON_AddNumberToObject(a, "float_accuracy", (double)float_ok / (double)known);
        cJSON_AddNumberToObject(a, "zk_accuracy", (double)zk_ok / (double)known);
        cJSON_AddNumberToObject(a, "accuracy_loss_points", 100.0 * ((double)float_ok - (double)zk_ok) / (double)known);
    }
}

static void add_options(cJSON *rec, const zkbi_cell *c)
{
    cJSON *o = cJSON_AddObjectToObject(rec, "options");
    for (size_t i = 0; i < c->n_opts; i++) {
        const zkbi_opt *x = &c->opts[i];
        switch (x->v.type) {
        case ZKB_OPT_INT: cJSON_AddNumberToObject(o, x->key, (double)x->v.i); break;
        case ZKB_OPT_DOUBLE: cJSON_AddNumberToObject(o, x->key, x->v.d); break;
        case ZKB_OPT_BOOL: cJSON_AddBoolToObject(o, x->key, x->v.b); break;
        default: cJSON_AddStringToObject(o, x->key, x->text); break;
        }
    }
}

static void add_context(cJSON *rec, const zkbi_record_in *r)
{
    const zkb_run *run = r->run;
    const zkbi_cell *c = r->cell;
    cJSON *b = cJSON_AddObjectToObject(rec, "backend");
    cJSON_AddStringToObject(b, "name", c->backend);
    cJSON_AddStringToObject(b, "version", c->b ? zkb_backend_version(c->b) : "");
    cJSON_AddStringToObject(b, "proof_system", c->b ? zkb_backend_proof_system(c->b) : "");
    cJSON_AddBoolToObject(b, "baseline", c->b && zkb_backend_is_baseline(c->b));
    add_options(rec, c);
    cJSON *q = cJSON_AddObjectToObject(rec, "quant");
    cJSON_AddStringToObject(q, "scheme", scheme_name(run->set.quant.scheme));
    cJSON_AddNumberToObject(q, "scale", run->set.quant.scale);
    cJSON_AddStringToObject(q, "rounding", rounding_name(run->set.quant.rounding));
    cJSON *m = cJSON_AddObjectToObject(rec, "model");
    cJSON_AddStringToObject(m, "path", c->model_path);
    if (r->model) {
        cJSON_AddStringToObject(m, "name", zkb_model_name(r->model));
        cJSON_AddStringToObject(m, "fingerprint", zkb_model_fingerprint(r->model));
        cJSON_AddNumberToObject(m, "params", (double)zkb_model_param_count(r->model));
        cJSON_AddNumberToObject(m, "layers", zkb_model_layer_count(r->model));
        cJSON_AddNumberToObject(m, "input_size", (double)zkb_model_input_size(r->model));
        cJSON_AddNumberToObject(m, "classes", zkb_model_classes(r->model));
        const char *fn = zkb_output_fn_name(zkb_model_output_fn(r->model));
        if (fn) { /* a final Softmax etc.: the float evaluator applies it, no proof covers it */
            cJSON_AddStringToObject(m, "output_fn", fn);
            cJSON_AddBoolToObject(m, "output_fn_proven", 0);
        }
    }
    cJSON_AddNumberToObject(rec, "samples", run->set.samples);
    cJSON_AddNumberToObject(rec, "repeats", run->set.repeats);
    cJSON_AddStringToObject(rec, "dataset", r->in ? r->in->dataset : run->set.dataset);
    if (r->in && strcmp(r->in->dataset, run->set.dataset) != 0)
        cJSON_AddStringToObject(rec, "dataset_requested", run->set.dataset);
    cJSON_AddNumberToObject(rec, "seed", (double)run->set.seed);
    cJSON *l = cJSON_AddObjectToObject(rec, "limits");
    cJSON_AddNumberToObject(l, "timeout_s", run->set.timeout_s);
    cJSON_AddNumberToObject(l, "memory_cap_bytes", (double)run->set.memory_cap);
}

static void add_machine(cJSON *rec, const zkbi_machine *mc)
{
    cJSON *m = cJSON_AddObjectToObject(rec, "machine");
    cJSON_AddStringToObject(m, "cpu_model", mc->cpu_model);
    cJSON_AddNumberToObject(m, "cores", (double)mc->cores);
    cJSON_AddNumberToObject(m, "memory_bytes", (double)mc->memory_bytes);
    cJSON_AddStringToObject(m, "os", mc->os);
    cJSON_AddStringToObject(m, "kernel", mc->kernel);
    cJSON_AddStringToObject(m, "arch", mc->arch);
}

/* Length of the valid UTF-8 sequence at p (0 if invalid). */

/* Plugins and their tools print what they like; JSON wants UTF-8. Bytes of
 * invalid sequences can only sit inside strings, so '?' keeps the syntax. */
static void utf8_fix(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        size_t n = zkbi_utf8_len(p);
        if (n == 0)
            *p++ = '?';
        else
            p += n;
    }
}

char *zkbi_record_build(const zkbi_record_in *r)
{
    const zkbi_outcome *o = r->o;
    cJSON *rec = cJSON_CreateObject();
    if (!rec)
        return NULL;
    cJSON_AddStringToObject(rec, "schema", SCHEMA_NAME);
    cJSON_AddNumberToObject(rec, "schema_version", SCHEMA_VERSION);
    cJSON_AddStringToObject(rec, "library_version", zkb_version_string());
    cJSON_AddStringToObject(rec, "cell_id", r->cell_id);
    cJSON_AddStringToObject(rec, "run_id", r->run->run_id);
    if (r->run->shard_n) {
        cJSON *sh = cJSON_AddObjectToObject(rec, "shard");
        cJSON_AddNumberToObject(sh, "index", r->run->shard_k);
        cJSON_AddNumberToObject(sh, "count", r->run->shard_n);
    }
    cJSON_AddStringToObject(rec, "status", o->status);
    if (o->code != ZKB_OK) {
        cJSON_AddStringToObject(rec, "reason", o->reason);
        cJSON_AddNumberToObject(rec, "error_code", o->code);
    }
    add_context(rec, r);
    if (strcmp(o->status, "unavailable") != 0) {
        add_phases(rec, o);
        add_facts(rec, o->facts);
        if (r->in && strcmp(o->status, "ok") == 0)
            add_accuracy(rec, r->in, o);
        if (o->peak_rss_sampled)
            cJSON_AddNumberToObject(rec, "peak_rss_sampled_bytes", (double)o->peak_rss_sampled);
        if (o->rss_at_kill)
            cJSON_AddNumberToObject(rec, "rss_at_kill_bytes", (double)o->rss_at_kill);
        cJSON_AddBoolToObject(rec, "peak_rss_self_reset", o->hwm_reset_ok);
    } else if (zkbi_host_ctx_info_count(o->facts)) {
        add_facts(rec, o->facts);
    }
    if (o->code != ZKB_OK && o->log_tail[0])
        cJSON_AddStringToObject(rec, "log_tail", o->log_tail);
    add_machine(rec, &r->run->machine);
    char t[40];
    iso_time(o->start_real, t, sizeof t);
    cJSON_AddStringToObject(rec, "started_at", t);
    iso_time(o->end_real, t, sizeof t);
    cJSON_AddStringToObject(rec, "finished_at", t);
    char *line = cJSON_PrintUnformatted(rec);
    cJSON_Delete(rec);
    if (line)
        utf8_fix(line);
    return line;
}
