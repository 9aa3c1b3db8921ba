/* Numbers with units for tables and chart labels. */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "<v> <unit>": three significant digits, no exponent below 10^6. */
static void num_unit(double v, const char *unit, char *out, size_t cap)
{
    if (fabs(v) >= 1000 && fabs(v) < 1e6)
        snprintf(out, cap, "%.0f %s", v, unit);
    else
        snprintf(out, cap, "%.3g %s", v, unit);
}

static void fmt_seconds(double v, char *out, size_t cap)
{
    double a = fabs(v);
    if (a == 0)
        snprintf(out, cap, "0 s");
    else if (a < 1e-6)
        snprintf(out, cap, "%.3g ns", v * 1e9);
    else if (a < 1e-3)
        snprintf(out, cap, "%.3g µs", v * 1e6);
    else if (a < 1)
        snprintf(out, cap, "%.3g ms", v * 1e3);
    else if (a < 600)
        snprintf(out, cap, "%.3g s", v);
    else
        num_unit(v / 60, "min", out, cap);
}

static void fmt_bytes(double v, char *out, size_t cap)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double a = fabs(v);
    size_t i = 0;
    while (a >= 1024 && i < 4) {
        a /= 1024;
        v /= 1024;
        i++;
    }
    if (i == 0)
        snprintf(out, cap, "%.0f B", v);
    else
        num_unit(v, u[i], out, cap);
}

static void fmt_count(double v, char *out, size_t cap)
{
    double a = fabs(v);
    if (a < 1e3)
        snprintf(out, cap, "%.4g", v);
    else if (a < 1e6)
        snprintf(out, cap, "%.3gk", v / 1e3);
    else if (a < 1e9)
        snprintf(out, cap, "%.3gM", v / 1e6);
    else
        snprintf(out, cap, "%.3gG", v / 1e9);
}

void zkbr_fmt(double v, int unit, char *out, size_t cap)
{
    switch (unit) {
    case ZKBR_UNIT_S: fmt_seconds(v, out, cap); break;
    case ZKBR_UNIT_BYTES: fmt_bytes(v, out, cap); break;
    case ZKBR_UNIT_POINTS: snprintf(out, cap, "%.3g pts", v); break;
    case ZKBR_UNIT_GAS:
        fmt_count(v, out, cap);
        if (strlen(out) + 5 < cap)
            strcat(out, " gas");
        break;
    default: fmt_count(v, out, cap); break;
    }
}
