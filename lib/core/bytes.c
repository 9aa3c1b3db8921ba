/* Sizes in bytes as users write them (512M, 20G) and as messages show them. */
#include "core_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int zkbi_parse_bytes(const char *v, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || x < 0 || !isfinite(x) || *v == '-')
        return -1;
    double mult = 1;
    switch (*end) {
    case 'K': case 'k': mult = 1024.0; end++; break;
    case 'M': case 'm': mult = 1024.0 * 1024; end++; break;
    case 'G': case 'g': mult = 1024.0 * 1024 * 1024; end++; break;
    case 'T': case 't': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    }
    if (*end == 'i' && mult > 1)
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || x * mult > 9.0e18)
        return -1;
    *out = (uint64_t)(x * mult);
    return 0;
}

void zkbi_format_bytes(uint64_t v, char *out, size_t cap)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < 4 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    snprintf(out, cap, "%llu %s", (unsigned long long)v, units[u]);
}
