/* Internal: summary statistics of repeated measurements. */
#ifndef ZKBI_STATS_H
#define ZKBI_STATS_H

#include <stddef.h>

typedef struct zkbi_stats {
    size_t n;
    double median; /* mean of the two middle values when n is even */
    double mean;
    double stddev; /* sample standard deviation (n - 1); 0 when n < 2 */
    double min;
    double max;
} zkbi_stats;

/* Statistics of v[0..n); all zero when n == 0. v is not modified. Returns 0,
 * or -1 when out of memory (then only n, mean, stddev, min, max are set). */
int zkbi_stats_compute(const double *v, size_t n, zkbi_stats *out);

#endif
