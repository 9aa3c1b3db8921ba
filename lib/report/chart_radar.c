/* Radar chart of one model: the normalized scores of its backends overlaid,
 * one polygon per backend, the raw values beside it. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

static const char *const axis_labels[ZKB_REPORT_AXIS_COUNT] = {
    "accuracy", "proving time", "peak memory", "proof size", "verify time"};

void zkbr_chart_radar_name(const zkb_report *r, size_t model, char *out, size_t cap)
{
    snprintf(out, cap, "%s", r->models[model].radar_file ? r->models[model].radar_file : "radar_.svg");
}

static int name_taken(const zkb_report *r, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(r->models[i].radar_file, name) == 0)
            return 1;
    return 0;
}

/* radar_<slug>.svg, or radar_<slug>-<hash>.svg when another model's slug is
 * the same (compared without case, for case-insensitive file systems), the
 * hash being the first 8 of the 16 hex digits of XXH3-64 of the exact name;
 * "-2", "-3"... only if that is taken still. Deterministic: models are in
 * name order. */
int zkbr_radar_names(zkb_report *r)
{
    char (*slug)[200] = calloc(r->n_models ? r->n_models : 1, sizeof *slug);
    if (!slug)
        return -1;
    for (size_t m = 0; m < r->n_models; m++)
        zkbr_slug(r->models[m].name, slug[m], sizeof slug[m]);
    int rc = 0;
    for (size_t m = 0; m < r->n_models && rc == 0; m++) {
        const char *name = r->models[m].name;
        char hash[24], cand[256];
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)XXH3_64bits(name, strlen(name)));
        hash[8] = '\0';
        int clash = 0;
        for (size_t k = 0; k < r->n_models; k++)
            clash |= k != m && strcasecmp(slug[k], slug[m]) == 0;
        snprintf(cand, sizeof cand, "radar_%s.svg", slug[m]);
        if (clash || name_taken(r, m, cand))
            snprintf(cand, sizeof cand, "radar_%s-%s.svg", slug[m], hash);
        for (unsigned k = 2; name_taken(r, m, cand); k++)
            snprintf(cand, sizeof cand, "radar_%s-%s-%u.svg", slug[m], hash, k);
        r->models[m].radar_file = zkbr_strdup(cand);
        rc = r->models[m].radar_file ? 0 : -1;
    }
    free(slug);
    return rc;
}

static int scored(const zkbr_entry *e)
{
    for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
        if (e->has_score[a])
            return 1;
    return 0;
}

int zkbr_radar_drawable(const zkb_report *r, size_t model)
{
    for (size_t i = 0; i < r->n_entries; i++)
        if (r->entries[i].model == model && scored(&r->entries[i]))
            return 0;
    return -1;
}

typedef struct box {
    double x0, y0, x1, y1;
} box;

static int overlaps(const box *b, const box *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->x0 < v[i].x1 && v[i].x0 < b->x1 && b->y0 < v[i].y1 && v[i].y0 < b->y1)
            return 1;
    return 0;
}

/* "prove 1.2 s, verify 9 ms, peak 80 MiB, proof 256 B, loss 0 pts" */
static void values_text(const zkbr_entry *e, zkbr_buf *t, int scored_entry)
{
    char v[48];
    if (e->wall[ZKBR_PROVE].have) {
        zkbr_fmt(e->wall[ZKBR_PROVE].med, ZKBR_UNIT_S, v, sizeof v);
        zkbr_buf_printf(t, "prove %s", v);
    }
    if (e->wall[ZKBR_VERIFY].have) {
        zkbr_fmt(e->wall[ZKBR_VERIFY].med, ZKBR_UNIT_S, v, sizeof v);
        zkbr_buf_printf(t, ", verify %s", v);
    }
    if (e->peak.have) {
        zkbr_fmt(e->peak.med, ZKBR_UNIT_BYTES, v, sizeof v);
        zkbr_buf_printf(t, ", peak %s", v);
    }
    if (e->proof_size.have && !e->baseline) {
        zkbr_fmt(e->proof_size.med, ZKBR_UNIT_BYTES, v, sizeof v);
        zkbr_buf_printf(t, ", proof %s", v);
    }
    if (e->acc.have)
        zkbr_buf_printf(t, e->acc_kind == ZKBR_ACC_LABELLED ? ", accuracy loss %.3g pts" : ", class differs %.3g %%",
                        e->acc.med);
    int missing = 0;
    for (int a = 0; a < ZKB_REPORT_AXIS_COUNT && scored_entry; a++)
        missing += !e->has_score[a];
    if (missing) {
        zkbr_buf_puts(t, "; n/a:");
        for (int a = 0, k = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            if (!e->has_score[a])
                zkbr_buf_printf(t, "%s %s", k++ ? "," : "", axis_labels[a]);
    }
}

/* Wrapped text block; returns the height used. */
static double block(zkbr_buf *b, double x, double y, double px, double width, const char *fill,
                    const char *extra, const char *text, size_t max_lines)
{
    char **lines;
    size_t n = zkbr_wrap(text, px, width, &lines);
    size_t shown = n < max_lines ? n : max_lines;
    for (size_t i = 0; i < shown; i++) {
        if (i + 1 == shown && shown < n) {
            char *f = NULL;
            if (asprintf(&f, "%s ...", lines[i]) >= 0) {
                char *g = zkbr_fit(f, px, width);
                zkbr_svg_text(b, x, y + (px + 3) * (double)i, px, "start", fill, extra, g ? g : lines[i]);
                free(g);
                free(f);
                continue;
            }
        }
        zkbr_svg_text(b, x, y + (px + 3) * (double)i, px, "start", fill, extra, lines[i]);
    }
    zkbr_lines_free(lines, n);
    return (px + 3) * (double)shown;
}

int zkbr_chart_radar(const zkb_report *r, size_t model, zkbr_buf *b)
{
    const zkbr_model *md = &r->models[model];
    const double W = 920, R = 150, cx = 290, cy = 100 + R + 30, px0 = 560, pw = W - px0 - 20;
    /* the side panel first, to know the height */
    zkbr_buf panel = {0};
    double py = 104;
    zkbr_buf_printf(&panel, "<g>\n");
    zkbr_svg_text(&panel, px0, py - 18, 12.5, "start", "#222222", "font-weight=\"bold\"",
                  "Backends (raw medians)");
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        if (e->model != model)
            continue;
        zkbr_buf t = {0};
        if (scored(e)) {
            zkbr_buf_printf(&panel, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                            px0, py - 10, zkbr_color(r->series[e->series].color), zkbr_color(r->series[e->series].color));
            zkbr_svg_text(&panel, px0 + 18, py, 12.5, "start", zkbr_color(r->series[e->series].color),
                          "font-weight=\"bold\"", e->label);
            values_text(e, &t, 1);
            py += 16 + block(&panel, px0 + 18, py + 15, 11, pw - 18, "#333333", NULL, t.p ? t.p : "", 4) + 4;
        } else if (e->n_ok > 0) {
            zkbr_svg_text(&panel, px0 + 18, py, 12.5, "start", "#777777", "font-weight=\"bold\"", e->label);
            zkbr_buf_puts(&t, e->baseline ? "baseline, no proof (not scored): " : "nothing to score: ");
            values_text(e, &t, 0);
            py += 16 + block(&panel, px0 + 18, py + 15, 11, pw - 18, "#777777", NULL, t.p ? t.p : "", 3) + 4;
        } else {
            zkbr_buf_printf(&panel, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#b22222\" stroke-width=\"1.5\" stroke-dasharray=\"3,2\"/>\n",
                            px0, py - 10);
            zkbr_buf_printf(&t, "%s: %s", e->label, e->status);
            zkbr_svg_text(&panel, px0 + 18, py, 12.5, "start", "#b22222", "font-weight=\"bold\"", t.p ? t.p : "");
            py += 16 + block(&panel, px0 + 18, py + 15, 11, pw - 18, "#b22222", "font-style=\"italic\"", e->reason, 3) + 4;
        }
        zkbr_buf_free(&t);
    }
    zkbr_buf_puts(&panel, "</g>\n");
    double bottom = fmax(cy + R + 50, py + 10);
    double cap_h = zkbr_svg_caption(b, r, 20, 0, W - 40, 0);
    double H = bottom + cap_h + 14;

    char title[512];
    snprintf(title, sizeof title, "%s: normalized scores across backends", md->name);
    zkbr_svg_begin(b, W, H, title);
    zkbr_svg_text(b, 20, 28, 17, "start", "#111111", "font-weight=\"bold\"", title);
    char sub[512], pv[32];
    if (md->params >= 0)
        zkbr_fmt(md->params, ZKBR_UNIT_COUNT, pv, sizeof pv);
    snprintf(sub, sizeof sub, "%s%s1 = best on the axis (best/value; accuracy: retained/best retained); outer is better",
             md->params >= 0 ? pv : "", md->params >= 0 ? " parameters. " : "");
    zkbr_svg_text(b, 20, 48, 12, "start", "#444444", NULL, sub);

    /* rings and spokes */
    double ang[ZKB_REPORT_AXIS_COUNT];
    for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
        ang[a] = -M_PI / 2 + 2 * M_PI * a / ZKB_REPORT_AXIS_COUNT;
    for (int ring = 1; ring <= 4; ring++) {
        double rr = R * ring / 4.0;
        zkbr_buf_puts(b, "<polygon points=\"");
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            zkbr_buf_printf(b, "%.1f,%.1f ", cx + rr * cos(ang[a]), cy + rr * sin(ang[a]));
        zkbr_buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1\"/>\n", ring == 4 ? "#999999" : "#dddddd");
        char lab[16];
        snprintf(lab, sizeof lab, "%g", ring / 4.0);
        /* on the bisector between the first two axes, clear of the spokes */
        double la = -M_PI / 2 + M_PI / ZKB_REPORT_AXIS_COUNT;
        zkbr_svg_text(b, cx + rr * cos(la) - 2, cy + rr * sin(la) - 3, 9.5, "end", "#999999", NULL, lab);
    }
    box used[64];
    size_t n_used = 0;
    for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++) {
        double ex = cx + R * cos(ang[a]), ey = cy + R * sin(ang[a]);
        zkbr_svg_line(b, cx, cy, ex, ey, "#cccccc", 1, NULL);
        double lx = cx + (R + 16) * cos(ang[a]), ly = cy + (R + 16) * sin(ang[a]) + 4;
        const char *anchor = cos(ang[a]) > 0.3 ? "start" : cos(ang[a]) < -0.3 ? "end" : "middle";
        if (sin(ang[a]) < -0.9)
            ly -= 4;
        if (sin(ang[a]) > 0.5)
            ly += 8;
        double w = zkbr_text_width(axis_labels[a], 13);
        zkbr_svg_text(b, lx, ly, 13, anchor, "#222222", "font-weight=\"bold\"", axis_labels[a]);
        double x0 = strcmp(anchor, "start") == 0 ? lx : strcmp(anchor, "end") == 0 ? lx - w : lx - w / 2;
        used[n_used++] = (box){x0, ly - 13, x0 + w, ly + 3};
    }
    /* polygons */
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        if (e->model != model || !scored(e))
            continue;
        const char *c = zkbr_color(r->series[e->series].color);
        zkbr_buf_puts(b, "<polygon points=\"");
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            if (e->has_score[a])
                zkbr_buf_printf(b, "%.1f,%.1f ", cx + R * e->score[a] * cos(ang[a]), cy + R * e->score[a] * sin(ang[a]));
        zkbr_buf_printf(b, "\" fill=\"%s\" fill-opacity=\"0.12\" stroke=\"%s\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>\n", c, c);
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            if (e->has_score[a])
                zkbr_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
                                cx + R * e->score[a] * cos(ang[a]), cy + R * e->score[a] * sin(ang[a]), c);
    }
    /* direct labels: beside the backend's outermost vertex that has room,
     * clear of the axis labels and of the other backends' labels */
    for (size_t i = 0; i < r->n_entries; i++) {
        const zkbr_entry *e = &r->entries[i];
        if (e->model != model || !scored(e) || n_used >= sizeof used / sizeof used[0])
            continue;
        double w = zkbr_text_width(e->label, 11.5 * 1.08);
        int order[ZKB_REPORT_AXIS_COUNT], n_order = 0;
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++)
            if (e->has_score[a])
                order[n_order++] = a;
        /* outermost first; among equal scores, where fewer backends share the spot */
        double key[ZKB_REPORT_AXIS_COUNT] = {0};
        for (int a = 0; a < ZKB_REPORT_AXIS_COUNT; a++) {
            if (!e->has_score[a])
                continue;
            key[a] = e->score[a];
            for (size_t j = 0; j < r->n_entries; j++) {
                const zkbr_entry *o = &r->entries[j];
                if (j != i && o->model == model && o->has_score[a] && fabs(o->score[a] - e->score[a]) < 0.05)
                    key[a] -= 0.01;
            }
        }
        for (int x = 1; x < n_order; x++)
            for (int y = x; y > 0 && key[order[y]] > key[order[y - 1]]; y--) {
                int t = order[y];
                order[y] = order[y - 1];
                order[y - 1] = t;
            }
        int placed = 0;
        for (int k = 0; k < n_order && !placed; k++)
            for (int pass = 0; pass < 3 && !placed; pass++) {
                int a = order[k];
                double sc = e->score[a], c = cos(ang[a]), sn = sin(ang[a]);
                double vx = cx + R * sc * c, vy = cy + R * sc * sn, x0, base;
                if (pass == 0) { /* outwards along the spoke */
                    double ox = vx + 10 * c, oy = vy + 10 * sn;
                    x0 = c > 0.3 ? ox : c < -0.3 ? ox - w : ox - w / 2;
                    base = oy + (sn > 0.3 ? 11 : sn < -0.3 ? -2 : 4);
                } else if (pass == 1) { /* to the right of the vertex */
                    x0 = vx + 8;
                    base = vy - 6;
                } else { /* to the left, below */
                    x0 = vx - 8 - w;
                    base = vy + 14;
                }
                box bx = {x0, base - 11, x0 + w, base + 2};
                if (bx.x0 < 8 || bx.x1 > px0 - 10 || bx.y0 < 56 || overlaps(&bx, used, n_used))
                    continue;
                zkbr_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11.5\" fill=\"%s\" font-weight=\"bold\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">",
                                bx.x0, base, zkbr_color(r->series[e->series].color));
                zkbr_xml_escape(b, e->label);
                zkbr_buf_puts(b, "</text>\n");
                used[n_used++] = bx;
                placed = 1;
            }
    }
    zkbr_buf_put(b, panel.p ? panel.p : "", panel.len);
    int oom = panel.oom;
    zkbr_buf_free(&panel);
    zkbr_svg_caption(b, r, 20, bottom, W - 40, 1);
    zkbr_svg_end(b);
    return b->oom || oom ? -1 : 0;
}
