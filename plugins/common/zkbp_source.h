/* Writing generated source text (circuits, programs). */
#ifndef ZKBP_SOURCE_H
#define ZKBP_SOURCE_H

#include <stdint.h>
#include <stdio.h>

/* The least k with 2^k >= v (0 for v <= 1; at most 63). */
uint32_t zkbp_ceil_log2(uint64_t v);

/* "[v0, v1, ...]" in decimal, breaking the line with `wrap` (",\n" and the
 * next line's indent) after every 16 values. */
void zkbp_write_ints(FILE *f, const int64_t *v, uint64_t n, const char *wrap);

#endif
