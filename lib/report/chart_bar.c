/* Bar chart of one figure: a row per model x backend, bars at the median,
 * whiskers from min to max; failures as text rows (never as zero bars). */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const zkbr_bar_metric zkbr_bar_metrics[] = {
    {"prove_time", "prove.wall_s", "Proving time", "prove wall time per proof", ZKBR_UNIT_S, 0, 0, 0, NULL},
    {"verify_time", "verify.wall_s", "Verification time", "verify wall time per proof", ZKBR_UNIT_S, 0, 0, 0, NULL},
    {"witness_time", "witness.wall_s", "Witness time", "witness wall time per sample", ZKBR_UNIT_S, 0, 0, 0, NULL},
    {"setup_time", "setup.wall_s", "Setup time", "setup wall time (once per cell)", ZKBR_UNIT_S, 0, 0, 0, NULL},
    {"peak_memory", "peak_rss_bytes", "Peak memory", "peak RSS over the phases, incl. child processes", ZKBR_UNIT_BYTES, 0, 0, 0, NULL},
    {"proof_size", "proof_size_bytes", "Proof size", "proof size", ZKBR_UNIT_BYTES, 1, 0, 0, NULL},
    {"accuracy_loss", "accuracy_loss", "Accuracy loss",
     "accuracy loss: float - proved accuracy (labelled data), else % of samples whose class differs", ZKBR_UNIT_POINTS, 0, 0, 0, NULL},
    {"evm_verify_gas", "evm_verify_gas", "On-chain verification gas",
     "gas of the verifying transaction (osaka), median over samples", ZKBR_UNIT_GAS, 1, 1, 0, NULL},
    {"evm_bytecode", "evm_runtime_bytes", "EVM verifier bytecode size", "runtime code of the verifier contract",
     ZKBR_UNIT_BYTES, 1, 1, ZKBR_EIP170_LIMIT, "EIP-170 limit (24,576 B)"},
};
const size_t zkbr_n_bar_metrics = sizeof zkbr_bar_metrics / sizeof zkbr_bar_metrics[0];

static const char *unit_name(int unit)
{
    return unit == ZKBR_UNIT_S ? "seconds" : unit == ZKBR_UNIT_BYTES ? "bytes" : unit == ZKBR_UNIT_POINTS ? "points or %"
           : unit == ZKBR_UNIT_GAS ? "gas" : "count";
}

/* -1: no row; 0: a bar (value in s); 1: a text row (failure, not reported). */
static int row_kind(const zkb_report *r, size_t i, const zkbr_bar_metric *m, zkbr_stat *s)
{
    const zkbr_entry *e = &r->entries[i];
    if (m->skip_baseline && e->baseline)
        return -1;
    if (e->n_ok == 0)
        return m->skip_absent ? -1 : 1;
    double med, lo, hi;
    if (zkb_report_entry_value(r, i, m->figure, &med, &lo, &hi) != ZKB_OK)
        return e->baseline || m->skip_absent ? -1 : 1;
    *s = (zkbr_stat){1, med, lo, hi};
    return 0;
}

int zkbr_bar_drawable(const zkb_report *r, const zkbr_bar_metric *m)
{
    zkbr_stat s;
    for (size_t i = 0; i < r->n_entries; i++)
        if (row_kind(r, i, m, &s) == 0)
            return 0;
    return -1;
}

int zkbr_chart_bar(const zkb_report *r, const zkbr_bar_metric *m, zkbr_buf *b)
{
    const double W = 900, row_h = 20, head_h = 24, px = 11.5;
    /* value range and label width */
    double lo = INFINITY, hi = -INFINITY, label_w = 120;
    size_t rows = 0, heads = 0;
    zkbr_stat s;
    for (size_t mi = 0; mi < r->n_models; mi++) {
        int any = 0;
        for (size_t i = 0; i < r->n_entries; i++) {
            const zkbr_entry *e = &r->entries[i];
            int k = e->model == mi ? row_kind(r, i, m, &s) : -1;
            if (k < 0)
                continue;
            any = 1;
            rows++;
            char lab[300];
            snprintf(lab, sizeof lab, "%s%s", e->label, e->baseline ? " (baseline)" : "");
            label_w = fmax(label_w, zkbr_text_width(lab, px * 1.08) + 30);
            if (k == 0) {
                lo = fmin(lo, fmin(s.min, s.med));
                hi = fmax(hi, fmax(s.max, s.med));
            }
        }
        heads += any;
    }
    label_w = fmin(label_w, 320);
    if (m->limit > 0 && isfinite(hi)) {
        lo = fmin(lo, m->limit);
        hi = fmax(hi, m->limit);
    }
    int log = lo > 0 && hi / lo >= 30;
    zkbr_axis ax;
    zkbr_axis_make(&ax, isfinite(lo) ? lo : 0, isfinite(hi) ? hi : 1, log, m->unit);
    const double x0 = 24 + label_w, x1 = W - 130, top = 86;
    double y = top;
    double plot_h = rows * row_h + heads * head_h;
    double cap_y = top + plot_h + 58;
    double H = cap_y + zkbr_svg_caption(b, r, 20, 0, W - 40, 0) + 10;

    char title[256], sub[512];
    snprintf(title, sizeof title, "%s per model and backend", m->title);
    zkbr_svg_begin(b, W, H, title);
    zkbr_svg_text(b, 20, 28, 17, "start", "#111111", "font-weight=\"bold\"", title);
    snprintf(sub, sizeof sub, "Bar: median over samples and repeats; whisker: min to max%s; failed cells are listed with their reason, never drawn as 0.",
             log ? "; log scale" : "");
    zkbr_svg_text(b, 20, 47, 12, "start", "#444444", NULL, sub);
    /* grid and tick labels, top and bottom */
    for (size_t t = 0; t < ax.n_ticks; t++) {
        double x = x0 + (x1 - x0) * zkbr_axis_pos(&ax, ax.ticks[t]);
        char v[48];
        if (m->unit == ZKBR_UNIT_POINTS)
            snprintf(v, sizeof v, "%g", ax.ticks[t]);
        else
            zkbr_fmt(ax.ticks[t], m->unit, v, sizeof v);
        zkbr_svg_line(b, x, top - 8, x, top + plot_h, ax.ticks[t] == 0 && !log ? "#888888" : "#e4e4e4", 1, NULL);
        zkbr_svg_text(b, x, top - 13, 10.5, "middle", "#555555", NULL, v);
        zkbr_svg_text(b, x, top + plot_h + 15, 10.5, "middle", "#555555", NULL, v);
    }
    zkbr_svg_line(b, x0, top - 8, x0, top + plot_h, "#888888", 1, NULL);
    char axis_title[512];
    snprintf(axis_title, sizeof axis_title, "%s (%s%s)", m->axis, unit_name(m->unit), log ? ", log scale" : "");
    zkbr_svg_text(b, (x0 + x1) / 2, top + plot_h + 34, 12.5, "middle", "#222222", "font-weight=\"bold\"", axis_title);

    if (m->limit > 0) {
        double xl = x0 + (x1 - x0) * zkbr_axis_pos(&ax, m->limit);
        zkbr_svg_line(b, xl, top - 8, xl, top + plot_h, "#b22222", 1.2, "stroke-dasharray=\"5,4\"");
        zkbr_svg_text(b, xl, top + plot_h + 48, 10.5, "middle", "#b22222", NULL, m->limit_label);
    }
    double zero = x0 + (x1 - x0) * zkbr_axis_pos(&ax, log ? ax.lo : 0);
    for (size_t mi = 0; mi < r->n_models; mi++) {
        int head = 0;
        for (size_t i = 0; i < r->n_entries; i++) {
            const zkbr_entry *e = &r->entries[i];
            int k = e->model == mi ? row_kind(r, i, m, &s) : -1;
            if (k < 0)
                continue;
            if (!head) {
                head = 1;
                zkbr_svg_text(b, 20, y + 16, 12.5, "start", "#111111", "font-weight=\"bold\"", r->models[mi].name);
                zkbr_svg_line(b, 20, y + head_h - 2, x1, y + head_h - 2, "#cccccc", 1, NULL);
                y += head_h;
            }
            const char *c = zkbr_color(r->series[e->series].color);
            char lab[300];
            snprintf(lab, sizeof lab, "%s%s", e->label, e->baseline ? " (baseline)" : "");
            char *fl = zkbr_fit(lab, px * 1.08, label_w - 30);
            zkbr_svg_text(b, x0 - 8, y + 14, px, "end", k == 0 ? c : "#555555", k == 0 ? "font-weight=\"bold\"" : NULL,
                          fl ? fl : lab);
            free(fl);
            if (k == 1) {
                char *txt = NULL;
                int fail = e->n_ok == 0;
                /* reasons start with the raw status ("timeout: 600 s in setup"); add
                 * the shown status only when it says more (mismatch) */
                size_t sl = strlen(e->status);
                int dup = fail && strncmp(e->reason, e->status, sl) == 0 && e->reason[sl] == ':';
                if (asprintf(&txt, "%s%s%s", !fail ? "not reported by the backend" : dup ? "" : e->status,
                             fail && !dup ? ": " : "", fail ? e->reason : "") >= 0) {
                    char *f = zkbr_fit(txt, px, W - x0 - 30);
                    zkbr_svg_text(b, x0 + 6, y + 14, px, "start", fail ? "#b22222" : "#777777",
                                  fail ? "font-style=\"italic\"" : NULL, f ? f : txt);
                    free(f);
                    free(txt);
                }
                y += row_h;
                continue;
            }
            double xm = x0 + (x1 - x0) * zkbr_axis_pos(&ax, s.med);
            double xa = x0 + (x1 - x0) * zkbr_axis_pos(&ax, s.min), xb = x0 + (x1 - x0) * zkbr_axis_pos(&ax, s.max);
            double bx = fmin(zero, xm), bw = fabs(xm - zero);
            zkbr_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\" fill-opacity=\"0.8\"/>\n",
                            bx, y + 4, bw < 1 ? 1 : bw, c);
            if (xb - xa >= 1) {
                zkbr_svg_line(b, xa, y + 10, xb, y + 10, "#222222", 1.2, NULL);
                zkbr_svg_line(b, xa, y + 5, xa, y + 15, "#222222", 1.2, NULL);
                zkbr_svg_line(b, xb, y + 5, xb, y + 15, "#222222", 1.2, NULL);
            }
            char v[48];
            if (m->unit == ZKBR_UNIT_POINTS && e->acc_kind == ZKBR_ACC_DIFFERS)
                snprintf(v, sizeof v, "%.3g %% of samples differ", s.med);
            else
                zkbr_fmt(s.med, m->unit, v, sizeof v);
            zkbr_svg_text(b, fmax(xm, xb) + 6, y + 14, 11, "start", "#222222", NULL, v);
            y += row_h;
        }
    }
    zkbr_svg_caption(b, r, 20, cap_y, W - 40, 1);
    zkbr_svg_end(b);
    return b->oom ? -1 : 0;
}
