#include "summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static double phase_stat(const cJSON *rec, const char *phase, const char *metric, const char *stat)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "phases"), phase);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, metric), stat);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str_at(const cJSON *rec, const char *obj, const char *key)
{
    const cJSON *o = obj ? cJSON_GetObjectItemCaseSensitive(rec, obj) : rec;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "?";
}

static void print_ms(FILE *out, double s)
{
    if (s < 0)
        fprintf(out, " %10s", "-");
    else
        fprintf(out, " %10.4g", s * 1e3);
}

size_t cli_print_summary(const zkb_run *run, FILE *out)
{
    size_t bad = 0, n = zkb_run_cell_count(run);
    int any_baseline = 0;
    fprintf(out, "%-12s %-28s %-9s %10s %10s %10s %10s  %s\n", "backend", "model", "status",
             "setup ms", "witness ms", "prove ms", "verify ms", "peak MiB / reason");
    for (size_t i = 0; i < n; i++) {
        const char *status = zkb_run_cell_status(run, i);
        const char *line = zkb_run_cell_record(run, i);
        if (!status || (strcmp(status, "ok") != 0 && strcmp(status, "skipped") != 0))
            bad++;
        cJSON *rec = line ? cJSON_Parse(line) : NULL;
        if (!rec) {
            fprintf(out, "cell %zu: %s\n", i, status ? status : "not run");
            continue;
        }
        const cJSON *baseline = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(rec, "backend"), "baseline");
        char backend[64];
        snprintf(backend, sizeof backend, "%s%s", str_at(rec, "backend", "name"),
                 cJSON_IsTrue(baseline) ? "*" : "");
        any_baseline |= cJSON_IsTrue(baseline);
        fprintf(out, "%-12s %-28s %-9s", backend, str_at(rec, "model", "name"), status ? status : "?");
        static const char *const phases[] = {"setup", "witness", "prove", "verify"};
        double peak = 0;
        for (size_t p = 0; p < 4; p++) {
            print_ms(out, phase_stat(rec, phases[p], "wall_s", "median"));
            double pk = phase_stat(rec, phases[p], "peak_rss_bytes", "max");
            if (pk > peak)
                peak = pk;
        }
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(rec, "reason");
        if (cJSON_IsString(reason) && reason->valuestring[0])
            fprintf(out, "  %s\n", reason->valuestring);
        else
            fprintf(out, "  %.1f\n", peak / (1024.0 * 1024.0));
        cJSON_Delete(rec);
    }
    if (any_baseline)
        fprintf(out, "* baseline: no proof is made; its times measure plain fixed-point inference\n");
    return bad;
}
