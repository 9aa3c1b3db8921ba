/* Writing generated source text (zkbp_source.h). */
#include "zkbp_source.h"

uint32_t zkbp_ceil_log2(uint64_t v)
{
    uint32_t k = 0;
    while (k < 63 && ((uint64_t)1 << k) < v)
        k++;
    return k;
}

void zkbp_write_ints(FILE *f, const int64_t *v, uint64_t n, const char *wrap)
{
    fputc('[', f);
    for (uint64_t i = 0; i < n; i++) {
        if (i)
            fputs(i % 16 == 0 ? wrap : ", ", f);
        fprintf(f, "%lld", (long long)v[i]);
    }
    fputc(']', f);
}
