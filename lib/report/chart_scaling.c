/* Scaling chart: proving time (or peak memory) against parameter count (or
 * circuit size), log-log, one series per backend with its fitted slope. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const zkbr_scaling_names[ZKB_REPORT_SCALING_COUNT] = {
    "time_vs_params", "memory_vs_params", "time_vs_circuit", "memory_vs_circuit"};

static int is_memory(uint32_t k) { return k == ZKB_REPORT_MEMORY_VS_PARAMS || k == ZKB_REPORT_MEMORY_VS_CIRCUIT; }
static int is_circuit(uint32_t k) { return k == ZKB_REPORT_TIME_VS_CIRCUIT || k == ZKB_REPORT_MEMORY_VS_CIRCUIT; }

int zkbr_scaling_drawable(const zkb_report *r, uint32_t kind)
{
    double x, y;
    for (size_t i = 0; i < r->n_entries; i++)
        if (zkbr_scaling_xy(r, &r->entries[i], kind, &x, &y) == 0)
            return 0;
    return -1;
}

typedef struct label {
    size_t series;
    double y_want, y;
    double px, py; /* the series' rightmost point */
} label;

static int cmp_label(const void *a, const void *b)
{
    const label *x = a, *y = b;
    return (x->y_want > y->y_want) - (x->y_want < y->y_want);
}

int zkbr_chart_scaling(const zkb_report *r, uint32_t kind, zkbr_buf *b)
{
    const double W = 900, x0 = 90, x1 = W - 290, top = 84, y1 = top + 340;
    int unit_y = is_memory(kind) ? ZKBR_UNIT_BYTES : ZKBR_UNIT_S;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY, x, y;
    for (size_t i = 0; i < r->n_entries; i++)
        if (zkbr_scaling_xy(r, &r->entries[i], kind, &x, &y) == 0) {
            xlo = fmin(xlo, x);
            xhi = fmax(xhi, x);
            ylo = fmin(ylo, y);
            yhi = fmax(yhi, y);
        }
    if (!isfinite(xlo))
        return -1;
    zkbr_axis ax, ay;
    zkbr_axis_make(&ax, xlo, xhi, 1, ZKBR_UNIT_COUNT);
    zkbr_axis_make(&ay, ylo, yhi, 1, unit_y);
    double cap_y = y1 + 62;
    double H = cap_y + zkbr_svg_caption(b, r, 20, 0, W - 40, 0) + 10;
#define PX(v) (x0 + (x1 - x0) * zkbr_axis_pos(&ax, (v)))
#define PY(v) (y1 - (y1 - top) * zkbr_axis_pos(&ay, (v)))

    const char *what = is_memory(kind) ? "Peak memory" : "Proving time";
    const char *against = is_circuit(kind) ? "circuit size" : "parameter count";
    char title[256];
    snprintf(title, sizeof title, "%s vs %s (log-log)", what, against);
    zkbr_svg_begin(b, W, H, title);
    zkbr_svg_text(b, 20, 28, 17, "start", "#111111", "font-weight=\"bold\"", title);
    zkbr_svg_text(b, 20, 47, 12, "start", "#444444", NULL,
                  "One point per model (median); line: least-squares fit of log y on log x. Slope 1: y grows "
                  "in proportion to x; 2: quadratically.");
    for (size_t t = 0; t < ax.n_ticks; t++) {
        double px = PX(ax.ticks[t]);
        char v[48];
        zkbr_fmt(ax.ticks[t], ZKBR_UNIT_COUNT, v, sizeof v);
        zkbr_svg_line(b, px, top, px, y1, "#e4e4e4", 1, NULL);
        zkbr_svg_text(b, px, y1 + 16, 10.5, "middle", "#555555", NULL, v);
    }
    for (size_t t = 0; t < ay.n_ticks; t++) {
        double py = PY(ay.ticks[t]);
        char v[48];
        zkbr_fmt(ay.ticks[t], unit_y, v, sizeof v);
        zkbr_svg_line(b, x0, py, x1, py, "#e4e4e4", 1, NULL);
        zkbr_svg_text(b, x0 - 6, py + 4, 10.5, "end", "#555555", NULL, v);
    }
    zkbr_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888888\"/>\n",
                    x0, top, x1 - x0, y1 - top);
    char xt[256], yt[256];
    if (is_circuit(kind))
        snprintf(xt, sizeof xt, "circuit size (constraints, PLONK gates or rows, as the backend reports it; log scale)");
    else
        snprintf(xt, sizeof xt, "model parameters (count, log scale)");
    snprintf(yt, sizeof yt, "%s", is_memory(kind) ? "peak RSS (bytes, log scale)" : "prove wall time (seconds, log scale)");
    zkbr_svg_text(b, (x0 + x1) / 2, y1 + 36, 12.5, "middle", "#222222", "font-weight=\"bold\"", xt);
    char rot[96];
    snprintf(rot, sizeof rot, "font-weight=\"bold\" transform=\"rotate(-90 %.1f %.1f)\"", 22.0, (top + y1) / 2);
    zkbr_svg_text(b, 22, (top + y1) / 2, 12.5, "middle", "#222222", rot, yt);

    label *labs = calloc(r->n_series ? r->n_series : 1, sizeof *labs);
    size_t n_labs = 0;
    if (!labs)
        return -1;
    for (size_t s = 0; s < r->n_series; s++) {
        const char *c = zkbr_color(r->series[s].color);
        const zkbr_slope *sl = &r->series[s].slope[kind];
        double mx = -INFINITY, my = 0, sxlo = INFINITY, sxhi = -INFINITY;
        size_t pts = 0;
        for (size_t i = 0; i < r->n_entries; i++) {
            if (r->entries[i].series != s || zkbr_scaling_xy(r, &r->entries[i], kind, &x, &y) != 0)
                continue;
            pts++;
            sxlo = fmin(sxlo, x);
            sxhi = fmax(sxhi, x);
            if (x > mx) {
                mx = x;
                my = y;
            }
        }
        if (!pts)
            continue;
        if (sl->ok) {
            double ya = pow(10, sl->intercept + sl->slope * log10(sxlo));
            double yb = pow(10, sl->intercept + sl->slope * log10(sxhi));
            zkbr_svg_line(b, PX(sxlo), PY(ya), PX(sxhi), PY(yb), c, 2, "stroke-opacity=\"0.8\"");
            mx = sxhi;
            my = yb;
        }
        for (size_t i = 0; i < r->n_entries; i++)
            if (r->entries[i].series == s && zkbr_scaling_xy(r, &r->entries[i], kind, &x, &y) == 0)
                zkbr_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
                                PX(x), PY(y), c);
        labs[n_labs++] = (label){s, PY(my), PY(my), PX(mx), PY(my)};
    }
    /* labels in the right margin (name, then slope), in the order of their
     * lines' ends, kept apart */
    qsort(labs, n_labs, sizeof *labs, cmp_label);
    const double gap = 30;
    for (size_t i = 0; i < n_labs; i++)
        labs[i].y = i && labs[i].y_want < labs[i - 1].y + gap ? labs[i - 1].y + gap : labs[i].y_want;
    double over = n_labs ? labs[n_labs - 1].y - (y1 - 8) : 0;
    for (size_t i = n_labs; over > 0 && i-- > 0;) {
        labs[i].y -= over;
        over = i && labs[i - 1].y > labs[i].y - gap ? labs[i - 1].y - (labs[i].y - gap) : 0;
    }
    for (size_t i = 0; i < n_labs; i++) {
        const zkbr_series *se = &r->series[labs[i].series];
        const zkbr_slope *sl = &se->slope[kind];
        const char *c = zkbr_color(se->color);
        char t[400], u[200];
        snprintf(t, sizeof t, "%s%s", se->label, se->baseline ? " (baseline)" : "");
        if (sl->ok)
            snprintf(u, sizeof u, "slope %.2f, %zu models, r\xc2\xb2 %.2f", sl->slope, sl->n, sl->r2);
        else
            snprintf(u, sizeof u, "%zu model%s, no slope", sl->n, sl->n == 1 ? "" : "s");
        zkbr_svg_line(b, labs[i].px + 5, labs[i].py, x1 + 12, labs[i].y - 4, "#aaaaaa", 0.8, "stroke-dasharray=\"2,2\"");
        char *f = zkbr_fit(t, 11.5 * 1.08, W - x1 - 30);
        zkbr_svg_text(b, x1 + 16, labs[i].y, 11.5, "start", c, "font-weight=\"bold\"", f ? f : t);
        zkbr_svg_text(b, x1 + 16, labs[i].y + 13, 11, "start", c, NULL, u);
        free(f);
    }
    free(labs);
    zkbr_svg_caption(b, r, 20, cap_y, W - 40, 1);
    zkbr_svg_end(b);
#undef PX
#undef PY
    return b->oom ? -1 : 0;
}
