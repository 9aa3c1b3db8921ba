/* Scaling: least-squares slope of log10(y) on log10(x) per series, one point
 * per model (the entry's median), over the series' ok entries. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>

zkbr_slope zkbr_loglog_fit(const double *x, const double *y, size_t n)
{
    zkbr_slope s = {0, 0, 0, 0, 0};
    double sx = 0, sy = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0 && y[i] > 0) {
            sx += log10(x[i]);
            sy += log10(y[i]);
            k++;
        }
    s.n = k;
    if (k < 2)
        return s;
    double mx = sx / (double)k, my = sy / (double)k, sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0 && y[i] > 0) {
            double dx = log10(x[i]) - mx, dy = log10(y[i]) - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
    if (!(sxx > 1e-12 * (double)k)) /* fewer than two distinct x */
        return s;
    s.ok = 1;
    s.slope = sxy / sxx;
    s.intercept = my - s.slope * mx;
    s.r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1.0;
    return s;
}

int zkbr_scaling_xy(const zkb_report *r, const zkbr_entry *e, uint32_t kind, double *x, double *y)
{
    if (e->n_ok == 0)
        return -1;
    int by_circuit = kind == ZKB_REPORT_TIME_VS_CIRCUIT || kind == ZKB_REPORT_MEMORY_VS_CIRCUIT;
    int memory = kind == ZKB_REPORT_MEMORY_VS_PARAMS || kind == ZKB_REPORT_MEMORY_VS_CIRCUIT;
    const zkbr_stat *ys = memory ? &e->peak : &e->wall[ZKBR_PROVE];
    if (by_circuit) {
        if (!e->circuit.have)
            return -1;
        *x = e->circuit.med;
    } else {
        *x = r->models[e->model].params;
    }
    if (!ys->have || !(*x > 0) || !(ys->med > 0))
        return -1;
    *y = ys->med;
    return 0;
}

void zkbr_slopes(zkb_report *r)
{
    size_t n = r->n_entries;
    double *x = calloc(n ? n : 1, sizeof *x), *y = calloc(n ? n : 1, sizeof *y);
    for (size_t s = 0; s < r->n_series; s++) {
        for (uint32_t kind = 0; kind < ZKB_REPORT_SCALING_COUNT; kind++) {
            zkbr_slope *out = &r->series[s].slope[kind];
            *out = (zkbr_slope){0, 0, 0, 0, 0};
            if (!x || !y)
                continue;
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (r->entries[i].series == s &&
                    zkbr_scaling_xy(r, &r->entries[i], kind, &x[k], &y[k]) == 0)
                    k++;
            *out = zkbr_loglog_fit(x, y, k);
        }
    }
    free(x);
    free(y);
}
