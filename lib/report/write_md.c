/* report.md: per model tables, scores, scaling, charts, skipped lines. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Text from a record, anywhere in report.md (table cells, headings, list
 * items, image descriptions): inert. HTML's <, > and & become entities;
 * Markdown's inline marks (\\ ` * _ [ ] | # ~) get a backslash, and so do a
 * leading - + = and the . or ) after leading digits (no list or heading
 * comes of it); line breaks and other control characters become spaces.
 * An _ between two letters or digits stays as it is: CommonMark never
 * takes it for emphasis, and tiny_cnn stays greppable. */
static void md_text(zkbr_buf *b, const char *s)
{
    s = s ? s : "";
    size_t digits = strspn(s, "0123456789");
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int lead = (p == s && strchr("-+=", c)) || (p == s + digits && digits && (c == '.' || c == ')'));
        if (c == '_' && p > s && ascii_alnum(p[-1]) && ascii_alnum(p[1])) {
            zkbr_buf_put(b, p, 1);
            continue;
        }
        if (c == '<')
            zkbr_buf_puts(b, "&lt;");
        else if (c == '>')
            zkbr_buf_puts(b, "&gt;");
        else if (c == '&')
            zkbr_buf_puts(b, "&amp;");
        else if (c < 0x20 || c == 0x7f)
            zkbr_buf_puts(b, " ");
        else if (lead || strchr("\\`*_[]|#~", c)) {
            zkbr_buf_puts(b, "\\");
            zkbr_buf_put(b, p, 1);
        } else
            zkbr_buf_put(b, p, 1);
    }
}

/* A code span of s outside tables: its backtick fence is longer than any
 * run of backticks in s, so nothing inside is markup (and HTML in a code
 * span is shown as text). */
static void md_code(zkbr_buf *b, const char *s)
{
    size_t run = 0, longest = 0;
    s = s ? s : "";
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    for (size_t i = 0; i <= longest; i++)
        zkbr_buf_puts(b, "`");
    int pad = s[0] == '`' || s[0] == ' ' || (s[0] && (s[strlen(s) - 1] == '`' || s[strlen(s) - 1] == ' '));
    if (pad)
        zkbr_buf_puts(b, " ");
    for (const char *p = s; *p; p++)
        zkbr_buf_put(b, (unsigned char)*p < 0x20 || *p == 0x7f ? " " : p, 1);
    if (pad)
        zkbr_buf_puts(b, " ");
    for (size_t i = 0; i <= longest; i++)
        zkbr_buf_puts(b, "`");
}

/* "1.2 s (1.1–1.4)" or "–" */
/* 1234567 -> "1,234,567" */
static void grouped(zkbr_buf *b, double v)
{
    char d[32];
    snprintf(d, sizeof d, "%.0f", v);
    size_t n = strlen(d), lead = n % 3 ? n % 3 : 3;
    zkbr_buf_put(b, d, lead);
    for (size_t i = lead; i < n; i += 3) {
        zkbr_buf_puts(b, ",");
        zkbr_buf_put(b, d + i, 3);
    }
}

/* Ethereum mainnet's limits the verifier breaks, or "fits". */
static void mainnet_cell(zkbr_buf *b, const zkbr_entry *e)
{
    static const struct { int k; const char *what; } limits[] = {
        {ZKBR_EVM_EXCEEDS_EIP170, "runtime code > 24,576 B (EIP-170)"},
        {ZKBR_EVM_EXCEEDS_EIP3860, "initcode > 49,152 B (EIP-3860)"},
        {ZKBR_EVM_DEPLOY_EXCEEDS_TX_CAP, "deploy > 2^24 gas (EIP-7825)"},
        {ZKBR_EVM_VERIFY_EXCEEDS_TX_CAP, "verify > 2^24 gas (EIP-7825)"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const zkbr_stat *s = &e->evm[limits[i].k];
        if (s->have && s->max > 0)
            zkbr_buf_printf(b, "%s%s", n++ ? ", " : "**exceeds**: ", limits[i].what);
    }
    if (!n)
        zkbr_buf_puts(b, "fits");
}

/* The model's on-chain verification (docs/evm.md), when any cell measured it. */
static void evm_table(zkbr_buf *b, const zkb_report *r, size_t m)
{
    int any = 0;
    for (size_t i = 0; i < r->n_entries && !any; i++)
        any = r->entries[i].model == m && r->entries[i].evm[ZKBR_EVM_VERIFY_GAS].have;
    if (!any)
        return;
    zkbr_buf_puts(b, "On-chain verification (the framework's Solidity verifier, solc 0.8.37, EVM at osaka; "
                     "docs/evm.md):\n\n"
                     "| backend | verifier bytecode | mainnet limits | deploy gas | verify gas (median) | calldata | public inputs |\n"
                     "| --- | ---: | --- | ---: | ---: | ---: | ---: |\n");
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        if (e->model != m || !e->evm[ZKBR_EVM_VERIFY_GAS].have)
            continue;
        zkbr_buf_puts(b, "| ");
        md_text(b, e->label);
        zkbr_buf_puts(b, " | ");
        grouped(b, e->evm[ZKBR_EVM_RUNTIME_BYTES].med);
        zkbr_buf_puts(b, " B | ");
        mainnet_cell(b, e);
        zkbr_buf_puts(b, " | ");
        grouped(b, e->evm[ZKBR_EVM_DEPLOY_GAS].med);
        zkbr_buf_puts(b, " | ");
        grouped(b, e->evm[ZKBR_EVM_VERIFY_GAS].med);
        zkbr_buf_puts(b, " | ");
        grouped(b, e->evm[ZKBR_EVM_CALLDATA_BYTES].med);
        zkbr_buf_puts(b, " B | ");
        grouped(b, e->evm[ZKBR_EVM_PUBLIC_INPUTS].med);
        zkbr_buf_puts(b, " |\n");
    }
    zkbr_buf_puts(b, "\n");
}

static void stat_cell(zkbr_buf *b, const zkbr_stat *s, int unit)
{
    if (!s->have) {
        zkbr_buf_puts(b, " – |");
        return;
    }
    char m[48], lo[48], hi[48];
    zkbr_fmt(s->med, unit, m, sizeof m);
    zkbr_fmt(s->min, unit, lo, sizeof lo);
    zkbr_fmt(s->max, unit, hi, sizeof hi);
    if (strcmp(lo, hi) == 0)
        zkbr_buf_printf(b, " %s |", m);
    else
        zkbr_buf_printf(b, " %s (%s – %s) |", m, lo, hi);
}

static void score_cell(zkbr_buf *b, const zkbr_entry *e, int a)
{
    if (e->has_score[a])
        zkbr_buf_printf(b, " %.2f |", e->score[a]);
    else
        zkbr_buf_puts(b, " – |");
}

static void normalization(zkbr_buf *b)
{
    zkbr_buf_puts(b,
        "## How to read the scores\n\n"
        "Scores compare the backends on one model; 1 is the best on that axis, ties share 1.\n\n"
        "- proving time, verify time (median wall time per proof), peak memory (largest median peak RSS over the\n"
        "  phases, including child processes), proof size: **score = best / value**, where best is the smallest\n"
        "  value among the model's entries; so a backend twice as slow as the fastest scores 0.5.\n"
        "- accuracy: **score = (100 − loss) / (100 − best loss)**, with the loss in percentage points\n"
        "  (labelled data: float accuracy − proved accuracy; unlabelled: % of samples whose proved class differs\n"
        "  from the float model's); a loss of 0 scores 1, and 0 is the score of a loss of 100 points.\n"
        "- Only entries with at least one `ok` cell are scored. Baselines (no proof) are shown but not scored.\n"
        "  Missing values and values ≤ 0 get no score (–) and are not used to pick the best.\n"
        "- Failed, mismatched, timed-out, killed, crashed and unavailable cells are listed with their reason;\n"
        "  they are never counted as zeros, and their partial measurements are never averaged in.\n"
        "- Medians: an entry's figure is the median of its ok cells' medians over samples × repeats; the\n"
        "  range is the smallest min to the largest max.\n\n");
}

zkb_status zkb_report_write_markdown(zkb_report *r, const char *path)
{
    if (!r || !path)
        return ZKB_ERR_INVALID_ARG;
    zkbr_buf b = {0};
    char v[64], name[256];
    size_t n_ok = 0, n_bad = 0;
    for (size_t k = 0; k < r->n_kept; k++)
        strcmp(r->recs[r->kept[k]].status, "ok") == 0 ? n_ok++ : n_bad++;
    zkbr_buf_puts(&b, "# zkmlbench report\n\n");
    zkbr_buf_printf(&b, "%zu cells (%zu ok, %zu not ok) from", r->n_kept, n_ok, n_bad);
    for (size_t i = 0; i < r->n_inputs; i++) {
        zkbr_buf_puts(&b, i ? ", " : " ");
        md_code(&b, r->inputs[i]);
    }
    zkbr_buf_printf(&b, "%s\n\n", r->n_skipped ? "; some lines were skipped (listed at the end)." : ".");
    zkbr_buf_puts(&b, "- **Machine:** ");
    md_text(&b, r->machines && r->machines[0] ? r->machines : "unknown");
    zkbr_buf_puts(&b, "\n- **Versions:** ");
    md_text(&b, r->versions && r->versions[0] ? r->versions : "unknown");
    zkbr_buf_puts(&b, "\n\n");
    normalization(&b);

    /* scores overview */
    zkbr_buf_puts(&b, "## Scores\n\n| model | backend | status | accuracy | proving time | peak memory | proof size | verify time |\n"
                      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        zkbr_buf_puts(&b, "| ");
        md_text(&b, r->models[e->model].name);
        zkbr_buf_puts(&b, " | ");
        md_text(&b, e->label);
        zkbr_buf_printf(&b, "%s | ", e->baseline ? " (baseline)" : "");
        md_text(&b, e->status);
        zkbr_buf_puts(&b, " |");
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            score_cell(&b, e, a);
        zkbr_buf_puts(&b, "\n");
    }
    zkbr_buf_puts(&b, "\n");

    for (size_t m = 0; m < r->n_models; m++) {
        const zkbr_model *md = &r->models[m];
        zkbr_buf_puts(&b, "## ");
        md_text(&b, md->name);
        zkbr_buf_puts(&b, "\n\n");
        if (md->params >= 0) {
            zkbr_buf_printf(&b, "%.0f parameters, dataset ", md->params);
            md_code(&b, md->dataset);
            zkbr_buf_puts(&b, ", fingerprint ");
            md_code(&b, md->fingerprint);
            zkbr_buf_puts(&b, ".\n\n");
        }
        if (zkbr_radar_drawable(r, m) == 0) {
            /* the file name is a slug ([A-Za-z0-9._-]): nothing to escape */
            zkbr_chart_radar_name(r, m, name, sizeof name);
            zkbr_buf_puts(&b, "![normalized scores of ");
            md_text(&b, md->name);
            zkbr_buf_printf(&b, "](charts/%s)\n\n", name);
        } else {
            zkbr_buf_puts(&b, "No radar chart: no backend of this model could be scored (baselines are not "
                              "scored, failures carry no numbers).\n\n");
        }
        zkbr_buf_puts(&b, "| backend | status | cells | samples | setup | witness | prove | verify | peak memory | proof size | circuit | accuracy loss | reason |\n"
                          "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (size_t i = 0; i < r->n_entries; i++) {
            const zkbr_entry *e = &r->entries[i];
            if (e->model != m)
                continue;
            zkbr_buf_puts(&b, "| ");
            md_text(&b, e->label);
            zkbr_buf_printf(&b, "%s | ", e->baseline ? " (baseline, no proof)" : "");
            md_text(&b, e->status);
            zkbr_buf_printf(&b, " | %zu", e->n_recs);
            if (e->n_ok < e->n_recs)
                zkbr_buf_printf(&b, " (%zu ok)", e->n_ok);
            if (e->n_ok == 0) {
                /* a failure: no numbers at all */
                zkbr_buf_puts(&b, " | | | | | | | | | | ");
                md_text(&b, e->reason);
                zkbr_buf_puts(&b, " |\n");
                continue;
            }
            zkbr_buf_printf(&b, " | %.0f |", e->samples);
            stat_cell(&b, &e->wall[ZKBR_SETUP], ZKBR_UNIT_S);
            stat_cell(&b, &e->wall[ZKBR_WITNESS], ZKBR_UNIT_S);
            stat_cell(&b, &e->wall[ZKBR_PROVE], ZKBR_UNIT_S);
            stat_cell(&b, &e->wall[ZKBR_VERIFY], ZKBR_UNIT_S);
            stat_cell(&b, &e->peak, ZKBR_UNIT_BYTES);
            stat_cell(&b, &e->proof_size, ZKBR_UNIT_BYTES);
            if (e->circuit.have) {
                zkbr_fmt(e->circuit.med, ZKBR_UNIT_COUNT, v, sizeof v);
                zkbr_buf_printf(&b, " %s ", v);
                md_text(&b, e->circuit_metric);
                zkbr_buf_puts(&b, " |");
            } else {
                zkbr_buf_puts(&b, " – |");
            }
            if (e->acc.have)
                zkbr_buf_printf(&b, e->acc_kind == ZKBR_ACC_DIFFERS ? " %.3g %% change class |" : " %.3g pts |", e->acc.med);
            else
                zkbr_buf_puts(&b, " – |");
            zkbr_buf_puts(&b, " ");
            if (e->other_failure) {
                zkbr_buf_puts(&b, "another cell: ");
                md_text(&b, e->other_failure);
            }
            zkbr_buf_puts(&b, " |\n");
        }
        zkbr_buf_puts(&b, "\n");
        evm_table(&b, r, m);
    }

    /* scaling */
    zkbr_buf_puts(&b, "## Scaling\n\nLeast-squares slope of log10(y) against log10(x), one point per model "
                      "(the entry's median), over ok entries; a slope of 1 means y grows in proportion to x. "
                      "– means fewer than two models with distinct x. r² in brackets.\n\n"
                      "| backend | models | prove time ~ params | peak memory ~ params | circuit metric | prove time ~ circuit | peak memory ~ circuit |\n"
                      "| --- | ---: | ---: | ---: | --- | ---: | ---: |\n");
    for (size_t s = 0; s < r->n_series; s++) {
        const zkbr_series *se = &r->series[s];
        zkbr_buf_puts(&b, "| ");
        md_text(&b, se->label);
        zkbr_buf_printf(&b, "%s | %zu |", se->baseline ? " (baseline)" : "", se->slope[ZKB_REPORT_TIME_VS_PARAMS].n);
        for (uint32_t k = 0; k < ZKB_REPORT_SCALING_COUNT; k++) {
            if (k == ZKB_REPORT_TIME_VS_CIRCUIT) {
                zkbr_buf_puts(&b, " ");
                md_text(&b, se->circuit_metric[0] ? se->circuit_metric : "–");
                zkbr_buf_puts(&b, " |");
            }
            if (se->slope[k].ok)
                zkbr_buf_printf(&b, " %.2f (%.2f) |", se->slope[k].slope, se->slope[k].r2);
            else
                zkbr_buf_puts(&b, " – |");
        }
        zkbr_buf_puts(&b, "\n");
    }
    zkbr_buf_puts(&b, "\n");
    for (uint32_t k = 0; k < ZKB_REPORT_SCALING_COUNT; k++)
        if (zkbr_scaling_drawable(r, k) == 0)
            zkbr_buf_printf(&b, "![%s](charts/scaling_%s.svg)\n\n", zkbr_scaling_names[k], zkbr_scaling_names[k]);

    zkbr_buf_puts(&b, "## Charts per metric\n\n");
    for (size_t i = 0; i < zkbr_n_bar_metrics; i++)
        if (zkbr_bar_drawable(r, &zkbr_bar_metrics[i]) == 0)
            zkbr_buf_printf(&b, "![%s](charts/bar_%s.svg)\n\n", zkbr_bar_metrics[i].title, zkbr_bar_metrics[i].name);

    if (r->n_skipped) {
        zkbr_buf_puts(&b, "## Skipped lines\n\n");
        for (size_t i = 0; i < r->n_skipped; i++) {
            zkbr_buf_puts(&b, "- ");
            md_text(&b, r->skipped[i]);
            zkbr_buf_puts(&b, "\n");
        }
        zkbr_buf_puts(&b, "\n");
    }
    zkbr_buf_puts(&b, "Columns of results.csv and the schema of summary.json: docs/report.md.\n");
    zkb_status st = zkbr_save(r, &b, path);
    zkbr_buf_free(&b);
    return st;
}
