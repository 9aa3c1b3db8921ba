/* SVG primitives: escaping, text metrics, wrapping, axes, the caption. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (0 if invalid). */

void zkbr_xml_escape(zkbr_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = zkbi_utf8_len(p);
        if (n == 0) {
            zkbr_buf_puts(b, "?");
            p++;
            continue;
        }
        switch (*p) {
        case '&': zkbr_buf_puts(b, "&amp;"); break;
        case '<': zkbr_buf_puts(b, "&lt;"); break;
        case '>': zkbr_buf_puts(b, "&gt;"); break;
        case '"': zkbr_buf_puts(b, "&quot;"); break;
        case '\'': zkbr_buf_puts(b, "&apos;"); break;
        case '\t':
        case '\n':
        case '\r': zkbr_buf_puts(b, " "); break;
        default:
            if (*p >= 0x20 && *p != 0x7f)
                zkbr_buf_put(b, (const char *)p, n);
            break;
        }
        p += n;
    }
}

double zkbr_text_width(const char *s, double px)
{
    /* Average advance of DejaVu Sans/Helvetica-like faces, per class of glyph. */
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if ((c & 0xC0) == 0x80)
            continue; /* UTF-8 continuation byte */
        if (c == ' ' || c == '.' || c == ',' || c == ':' || c == ';' || c == '|' || c == '!' ||
            c == '\'' || c == 'i' || c == 'l' || c == 'j' || c == 'I' || c == 't' || c == 'f' ||
            c == '(' || c == ')' || c == '[' || c == ']' || c == '/' || c == 'r')
            w += 0.36;
        else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '%' || c == '@')
            w += 0.95;
        else if (c >= 'A' && c <= 'Z')
            w += 0.74;
        else
            w += 0.63;
    }
    return w * px;
}

void zkbr_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

size_t zkbr_wrap(const char *s, double px, double width, char ***out)
{
    *out = NULL;
    size_t n = 0, len = strlen(s ? s : "");
    char **v = NULL;
    const char *p = s ? s : "";
    while (len > 0) {
        /* the longest prefix ending at a space (or the whole) that fits */
        size_t best = 0;
        char tmp[2048];
        for (size_t i = 1; i <= len && i < sizeof tmp; i++) {
            if (i < len && p[i] != ' ')
                continue;
            memcpy(tmp, p, i);
            tmp[i] = '\0';
            if (zkbr_text_width(tmp, px) > width && best > 0)
                break;
            best = i;
            if (zkbr_text_width(tmp, px) > width)
                break;
        }
        if (best == 0)
            best = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
        /* a single word too long for the line: cut it at the width */
        memcpy(tmp, p, best);
        tmp[best] = '\0';
        while (best > 1 && zkbr_text_width(tmp, px) > width) {
            best--;
            while (best > 1 && ((unsigned char)p[best] & 0xC0) == 0x80)
                best--;
            tmp[best] = '\0';
        }
        char **g = realloc(v, (n + 1) * sizeof *g);
        if (!g)
            break;
        v = g;
        v[n] = strndup(p, best);
        if (!v[n])
            break;
        n++;
        p += best;
        len -= best;
        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
    }
    *out = v;
    return n;
}

char *zkbr_fit(const char *s, double px, double width)
{
    s = s ? s : "";
    if (zkbr_text_width(s, px) <= width)
        return strdup(s);
    size_t n = strlen(s);
    char *o = malloc(n + 4);
    if (!o)
        return NULL;
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        memcpy(o, s, n);
        memcpy(o + n, "...", 4);
        if (zkbr_text_width(o, px) <= width)
            break;
    }
    if (n == 0)
        memcpy(o, "...", 4);
    return o;
}

void zkbr_svg_begin(zkbr_buf *b, double w, double h, const char *title)
{
    zkbr_buf_printf(b,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                    "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
                    "<title>",
                    w, h, w, h);
    zkbr_xml_escape(b, title);
    zkbr_buf_printf(b, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", w, h);
}

void zkbr_svg_end(zkbr_buf *b) { zkbr_buf_puts(b, "</svg>\n"); }

void zkbr_svg_text(zkbr_buf *b, double x, double y, double px, const char *anchor, const char *fill,
                   const char *extra, const char *text)
{
    zkbr_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"", x, y, px);
    if (anchor && strcmp(anchor, "start") != 0)
        zkbr_buf_printf(b, " text-anchor=\"%s\"", anchor);
    if (fill)
        zkbr_buf_printf(b, " fill=\"%s\"", fill);
    if (extra)
        zkbr_buf_printf(b, " %s", extra);
    zkbr_buf_puts(b, ">");
    zkbr_xml_escape(b, text);
    zkbr_buf_puts(b, "</text>\n");
}

void zkbr_svg_line(zkbr_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                   double width, const char *extra)
{
    zkbr_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.2g\"%s%s/>\n",
                    x1, y1, x2, y2, stroke, width, extra ? " " : "", extra ? extra : "");
}

double zkbr_svg_caption(zkbr_buf *b, const zkb_report *r, double x, double y, double width, int draw)
{
    const double px = 10.5, lh = 13.5;
    char *text = NULL;
    if (asprintf(&text, "Machine: %s. Versions: %s.", r->machines && r->machines[0] ? r->machines : "unknown",
                 r->versions && r->versions[0] ? r->versions : "unknown") < 0)
        return 0;
    char **lines;
    size_t n = zkbr_wrap(text, px, width, &lines);
    if (draw)
        for (size_t i = 0; i < n; i++)
            zkbr_svg_text(b, x, y + lh * (double)i + px, px, "start", "#555555", NULL, lines[i]);
    zkbr_lines_free(lines, n);
    free(text);
    return lh * (double)n + 4;
}

const char *zkbr_color(size_t i)
{
    static const char *const c[] = {"#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1",
                                    "#76b7b2", "#9c755f", "#edc948", "#ff9da7", "#bab0ac"};
    return c[i % (sizeof c / sizeof c[0])];
}

/* Decades kept within 1e-300..1e300, so that no power of ten underflows
 * to 0 or overflows (values beyond sit on the axis' ends). */
static void log_ticks(zkbr_axis *a, double lo, double hi)
{
    double l = floor(log10(lo) + 1e-9), h = ceil(log10(hi) - 1e-9);
    l = fmin(fmax(l, -300), 299);
    h = fmin(fmax(h, -300), 300);
    if (h <= l)
        h = l + 1;
    while (h - l > 28)
        l++;
    a->lo = pow(10, l);
    a->hi = pow(10, h);
    int few = h - l <= 2;
    for (double e = l; e <= h && a->n_ticks < 30; e++) {
        a->ticks[a->n_ticks++] = pow(10, e);
        if (few && e < h) {
            a->ticks[a->n_ticks++] = 2 * pow(10, e);
            a->ticks[a->n_ticks++] = 5 * pow(10, e);
        }
    }
}

/* Bytes on a log axis: powers of two, every 1, 2, 5 or 10 doublings. */
static void log2_ticks(zkbr_axis *a, double lo, double hi)
{
    double l = floor(log2(lo) + 1e-9), h = ceil(log2(hi) - 1e-9);
    l = fmin(fmax(l, -1000), 999);
    h = fmin(fmax(h, -1000), 1000);
    if (h <= l)
        h = l + 1;
    double step = h - l <= 10 ? 1 : h - l <= 20 ? 2 : h - l <= 50 ? 5 : 10;
    l = floor(l / step) * step;
    h = ceil(h / step) * step;
    a->lo = exp2(l);
    a->hi = exp2(h);
    for (double e = l; e <= h && a->n_ticks < 30; e += step)
        a->ticks[a->n_ticks++] = exp2(e);
}

void zkbr_axis_make(zkbr_axis *a, double lo, double hi, int log, int unit)
{
    memset(a, 0, sizeof *a);
    /* a range the arithmetic below keeps finite: callers pass figures of
     * validated records (at most 2^53), this only makes sure of it */
    lo = isfinite(lo) ? fmin(fmax(lo, -1e300), 1e300) : 0;
    hi = isfinite(hi) ? fmin(fmax(hi, -1e300), 1e300) : lo + 1;
    if (log && !(lo > 0 && hi > 0))
        log = 0;
    a->log = log;
    if (log) {
        /* a margin, so that no point sits on the frame */
        lo /= 1.15;
        hi *= 1.15;
        if (unit == ZKBR_UNIT_BYTES)
            log2_ticks(a, lo, hi);
        else
            log_ticks(a, lo, hi);
        return;
    }
    if (lo > 0)
        lo = 0;
    if (hi < 0)
        hi = 0;
    if (!(hi - lo >= 1e-200))
        hi = lo + fmax(1, fabs(lo)); /* empty, or too narrow for the steps below */
    /* bytes: steps of 1-2-5 in the binary unit of the largest value */
    double u = 1;
    if (unit == ZKBR_UNIT_BYTES)
        while (fmax(fabs(lo), fabs(hi)) / u >= 1024)
            u *= 1024;
    lo /= u;
    hi /= u;
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    a->lo = floor(lo / step + 1e-9) * step;
    a->hi = ceil(hi / step - 1e-9) * step;
    for (double t = a->lo; t <= a->hi + step / 2 && a->n_ticks < 30; t += step)
        a->ticks[a->n_ticks++] = (fabs(t) < step / 1e6 ? 0 : t) * u;
    a->lo *= u;
    a->hi *= u;
}

double zkbr_axis_pos(const zkbr_axis *a, double v)
{
    double p;
    if (a->log)
        p = v > 0 ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : 0;
    else
        p = (v - a->lo) / (a->hi - a->lo);
    return !(p > 0) ? 0 : p > 1 ? 1 : p; /* NaN -> 0: never a NaN coordinate */
}

void zkbr_slug(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = s ? s : ""; *p && k + 1 < cap; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '-' || c == '.';
        out[k++] = ok ? c : '_';
    }
    out[k] = '\0';
    if (k == 0 && cap > 1)
        snprintf(out, cap, "_");
    else if (out[0] == '.')
        out[0] = '_';
}
