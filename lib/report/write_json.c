/* summary.json: the aggregated report (schema in docs/report.md). */
#include "report_int.h"
#include "zkmlbench/zkmlbench.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static void add_stat(cJSON *o, const char *k, const zkbr_stat *s)
{
    if (!s->have) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    cJSON *x = cJSON_AddObjectToObject(o, k);
    cJSON_AddNumberToObject(x, "median", s->med);
    cJSON_AddNumberToObject(x, "min", s->min);
    cJSON_AddNumberToObject(x, "max", s->max);
}

static cJSON *entry_json(const zkb_report *r, const zkbr_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "backend", e->backend);
    cJSON_AddStringToObject(o, "variant", e->variant);
    cJSON_AddStringToObject(o, "label", e->label);
    cJSON_AddStringToObject(o, "proof_system", e->proof_system);
    cJSON_AddBoolToObject(o, "baseline", e->baseline);
    cJSON_AddStringToObject(o, "status", e->status);
    if (e->n_ok == 0)
        cJSON_AddStringToObject(o, "reason", e->reason);
    else if (e->other_failure)
        cJSON_AddStringToObject(o, "other_failure", e->other_failure);
    cJSON_AddNumberToObject(o, "cells", (double)e->n_recs);
    cJSON_AddNumberToObject(o, "ok_cells", (double)e->n_ok);
    cJSON *ids = cJSON_AddArrayToObject(o, "cell_ids");
    for (size_t i = 0; i < e->n_recs; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(r->recs[e->recs[i]].cell_id));
    if (e->n_ok == 0)
        return o; /* a failure carries no numbers */
    cJSON_AddNumberToObject(o, "samples", e->samples);
    cJSON *ph = cJSON_AddObjectToObject(o, "phases");
    for (int p = 0; p < ZKBR_N_PHASES; p++) {
        if (!e->wall[p].have)
            continue;
        cJSON *x = cJSON_AddObjectToObject(ph, zkbr_phase_names[p]);
        add_stat(x, "wall_s", &e->wall[p]);
        add_stat(x, "cpu_s", &e->cpu[p]);
        add_stat(x, "peak_rss_bytes", &e->rss[p]);
    }
    add_stat(o, "peak_rss_bytes", &e->peak);
    add_stat(o, "proof_size_bytes", &e->proof_size);
    if (e->circuit.have) {
        cJSON *c = cJSON_AddObjectToObject(o, "circuit");
        cJSON_AddStringToObject(c, "metric", e->circuit_metric);
        cJSON_AddNumberToObject(c, "size", e->circuit.med);
    } else {
        cJSON_AddNullToObject(o, "circuit");
    }
    if (e->acc.have) {
        cJSON *a = cJSON_AddObjectToObject(o, "accuracy_loss");
        cJSON_AddStringToObject(a, "kind", e->acc_kind == ZKBR_ACC_LABELLED ? "labelled" : "class_differs");
        cJSON_AddNumberToObject(a, "points", e->acc.med);
        cJSON_AddNumberToObject(a, "min", e->acc.min);
        cJSON_AddNumberToObject(a, "max", e->acc.max);
    } else {
        cJSON_AddNullToObject(o, "accuracy_loss");
    }
    if (e->evm[ZKBR_EVM_VERIFY_GAS].have) {
        cJSON *ev = cJSON_AddObjectToObject(o, "evm");
        for (int k = 0; k < ZKBR_N_EVM; k++)
            if (e->evm[k].have)
                add_stat(ev, zkbr_evm_keys[k] + 4, &e->evm[k]); /* without "evm_" */
    } else {
        cJSON_AddNullToObject(o, "evm");
    }
    cJSON *sc = cJSON_AddObjectToObject(o, "scores");
    for (uint32_t a = 0; a < ZKB_REPORT_AXIS_COUNT; a++) {
        if (e->has_score[a])
            cJSON_AddNumberToObject(sc, zkb_report_axis_name(a), e->score[a]);
        else
            cJSON_AddNullToObject(sc, zkb_report_axis_name(a));
    }
    return o;
}

zkb_status zkb_report_write_json(zkb_report *r, const char *path)
{
    if (!r || !path)
        return ZKB_ERR_INVALID_ARG;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return ZKB_ERR_NOMEM;
    cJSON_AddStringToObject(root, "schema", "zkmlbench-report");
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "library_version", zkb_version_string());
    cJSON *in = cJSON_AddArrayToObject(root, "inputs");
    for (size_t i = 0; i < r->n_inputs; i++)
        cJSON_AddItemToArray(in, cJSON_CreateString(r->inputs[i]));
    cJSON_AddNumberToObject(root, "records", (double)r->n_kept);
    cJSON *sk = cJSON_AddArrayToObject(root, "skipped_lines");
    for (size_t i = 0; i < r->n_skipped; i++)
        cJSON_AddItemToArray(sk, cJSON_CreateString(r->skipped[i]));
    cJSON_AddStringToObject(root, "machines", r->machines ? r->machines : "");
    cJSON_AddStringToObject(root, "versions", r->versions ? r->versions : "");
    cJSON *norm = cJSON_AddObjectToObject(root, "normalization");
    cJSON_AddStringToObject(norm, "time_memory_size", "best / value (lower is better; values <= 0 get no score)");
    cJSON_AddStringToObject(norm, "accuracy", "(100 - loss) / (100 - best loss), loss in points");
    cJSON_AddStringToObject(norm, "scope", "per model, over ok non-baseline entries; 1 = best, ties share 1");
    cJSON *models = cJSON_AddArrayToObject(root, "models");
    for (size_t m = 0; m < r->n_models; m++) {
        cJSON *mo = cJSON_CreateObject();
        cJSON_AddItemToArray(models, mo);
        cJSON_AddStringToObject(mo, "name", r->models[m].name);
        cJSON_AddStringToObject(mo, "fingerprint", r->models[m].fingerprint);
        if (r->models[m].params >= 0)
            cJSON_AddNumberToObject(mo, "params", r->models[m].params);
        else
            cJSON_AddNullToObject(mo, "params");
        cJSON *es = cJSON_AddArrayToObject(mo, "entries");
        for (size_t i = 0; i < r->n_entries; i++)
            if (r->entries[i].model == m)
                cJSON_AddItemToArray(es, entry_json(r, &r->entries[i]));
    }
    cJSON *sc = cJSON_AddArrayToObject(root, "scaling");
    static const char *const kinds[ZKB_REPORT_SCALING_COUNT] = {
        "prove_time_vs_params", "peak_memory_vs_params", "prove_time_vs_circuit", "peak_memory_vs_circuit"};
    for (size_t s = 0; s < r->n_series; s++) {
        const zkbr_series *se = &r->series[s];
        cJSON *so = cJSON_CreateObject();
        cJSON_AddItemToArray(sc, so);
        cJSON_AddStringToObject(so, "label", se->label);
        cJSON_AddStringToObject(so, "backend", se->backend);
        cJSON_AddBoolToObject(so, "baseline", se->baseline);
        cJSON_AddStringToObject(so, "circuit_metric", se->circuit_metric);
        cJSON *sl = cJSON_AddObjectToObject(so, "slopes");
        for (uint32_t k = 0; k < ZKB_REPORT_SCALING_COUNT; k++) {
            cJSON *x = cJSON_AddObjectToObject(sl, kinds[k]);
            cJSON_AddNumberToObject(x, "points", (double)se->slope[k].n);
            if (se->slope[k].ok) {
                cJSON_AddNumberToObject(x, "slope", se->slope[k].slope);
                cJSON_AddNumberToObject(x, "r2", se->slope[k].r2);
            } else {
                cJSON_AddNullToObject(x, "slope");
                cJSON_AddNullToObject(x, "r2");
            }
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        zkbr_seterr(r, "out of memory writing %s", path);
        return ZKB_ERR_NOMEM;
    }
    zkbr_buf b = {0};
    zkbr_buf_puts(&b, text);
    zkbr_buf_puts(&b, "\n");
    cJSON_free(text);
    zkb_status st = zkbr_save(r, &b, path);
    zkbr_buf_free(&b);
    return st;
}
