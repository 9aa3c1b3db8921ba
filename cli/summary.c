#include "summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text from a record (a plugin's message, a model's name) as the JSON record
 * has it: control characters escaped (\n, \t, \u001b, ...), so that nothing a
 * plugin writes reaches the terminal as a control sequence. DEL and the C1
 * controls (U+0080..U+009F, which some terminals obey) are escaped too, and
 * so is the backslash, so the text reads back unambiguously. */
static void escape(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 8 < cap; p++) {
        unsigned c = *p;
        const char *short_form = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\\' ? "\\\\" : NULL;
        if (short_form) {
            n += (size_t)snprintf(out + n, cap - n, "%s", short_form);
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", (unsigned)p[1]);
            p++;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

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

/* A cell without a record: not run, or interrupted. */
static void print_bare(FILE *out, const zkb_run *run, size_t i, const char *status)
{
    const char *b = zkb_run_cell_backend(run, i), *m = zkb_run_cell_model(run, i);
    char backend[256], model[512];
    escape(b ? b : "?", backend, sizeof backend);
    const char *base = m ? strrchr(m, '/') : NULL;
    escape(base ? base + 1 : m ? m : "?", model, sizeof model);
    size_t len = strlen(model);
    if (len > 5 && strcmp(model + len - 5, ".json") == 0)
        model[len - 5] = '\0';
    fprintf(out, "%-12s %-28s %-11s %10s %10s %10s %10s  %s\n", backend, model, status ? status : "not run", "-",
            "-", "-", "-",
            status ? "stopped by a signal: not recorded, the next run does it again" : "not run");
}

size_t cli_print_summary(const zkb_run *run, FILE *out)
{
    size_t bad = 0, n = zkb_run_cell_count(run);
    int any_baseline = 0;
    fprintf(out, "%-12s %-28s %-11s %10s %10s %10s %10s  %s\n", "backend", "model", "status",
             "setup ms", "witness ms", "prove ms", "verify ms", "peak MiB / reason");
    for (size_t i = 0; i < n; i++) {
        const char *status = zkb_run_cell_status(run, i);
        const char *line = zkb_run_cell_record(run, i);
        int saved = zkb_run_cell_saved(run, i);
        if (!status || (strcmp(status, "ok") != 0 && strcmp(status, "skipped") != 0) || !saved)
            bad++;
        cJSON *rec = line ? cJSON_Parse(line) : NULL;
        if (!rec) {
            print_bare(out, run, i, status);
            continue;
        }
        const cJSON *baseline = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(rec, "backend"), "baseline");
        char backend[256], model[512], shown[32];
        escape(str_at(rec, "backend", "name"), backend, sizeof backend - 1);
        if (cJSON_IsTrue(baseline))
            strcat(backend, "*");
        any_baseline |= cJSON_IsTrue(baseline);
        escape(str_at(rec, "model", "name"), model, sizeof model);
        snprintf(shown, sizeof shown, "%s%s", status ? status : "?", saved ? "" : "!");
        fprintf(out, "%-12s %-28s %-11s", backend, model, shown);
        static const char *const phases[] = {"setup", "witness", "prove", "verify"};
        double peak = 0;
        for (size_t p = 0; p < 4; p++) {
            print_ms(out, phase_stat(rec, phases[p], "wall_s", "median"));
            double pk = phase_stat(rec, phases[p], "peak_rss_bytes", "max");
            if (pk > peak)
                peak = pk;
        }
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(rec, "reason");
        const char *unsaved = saved ? "" : "NOT SAVED (results could not be written); ";
        if (cJSON_IsString(reason) && reason->valuestring[0]) {
            size_t cap = 6 * strlen(reason->valuestring) + 16;
            char *text = malloc(cap);
            if (text)
                escape(reason->valuestring, text, cap);
            fprintf(out, "  %s%s\n", unsaved, text ? text : "?");
            free(text);
        } else {
            const cJSON *gas = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "metrics"), "evm_verify_gas"),
                "value");
            fprintf(out, "  %s%.1f", unsaved, peak / (1024.0 * 1024.0));
            if (cJSON_IsNumber(gas))
                fprintf(out, "  (on chain: %.0f gas to verify)", gas->valuedouble);
            fputc('\n', out);
        }
        cJSON_Delete(rec);
    }
    if (any_baseline)
        fprintf(out, "* baseline: no proof is made; its times measure plain fixed-point inference\n");
    return bad;
}
