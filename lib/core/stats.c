/* Summary statistics of repeated measurements. */
#include "core_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int zkbi_stats_compute(const double *v, size_t n, zkbi_stats *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0)
        return 0;
    double sum = 0.0;
    out->min = out->max = v[0];
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] < out->min)
            out->min = v[i];
        if (v[i] > out->max)
            out->max = v[i];
    }
    out->mean = sum / (double)n;
    if (n > 1) {
        double ss = 0.0; /* two-pass: stable for values far from zero */
        for (size_t i = 0; i < n; i++)
            ss += (v[i] - out->mean) * (v[i] - out->mean);
        out->stddev = sqrt(ss / (double)(n - 1));
    }
    double *s = malloc(n * sizeof *s);
    if (!s) {
        out->median = out->mean;
        return -1;
    }
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    out->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    free(s);
    return 0;
}
