/* Signed integers as elements of the BN254 scalar field (the field of
 * circom, snarkjs and Barretenberg): negatives are p - |v|. */
#ifndef ZKBP_FIELD_H
#define ZKBP_FIELD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* p in decimal. */
extern const char zkbp_bn254_p[];

/* The field element of v in decimal (cap >= 78 holds every one). */
void zkbp_field_dec(int64_t v, char *out, size_t cap);

/* `"key": ["v0","v1",...]` of field elements in decimal: the JSON member a
 * circuit input file holds per input array; preceded by ",\n" unless first. */
void zkbp_write_field_array(FILE *f, const char *key, const int64_t *v, uint64_t n, int first);

/* The first n elements of the first JSON array of decimal strings in json
 * (e.g. snarkjs's public.json) as int64, those above p/2 as v - p. Returns
 * n, or -1 with why (naming the array by label) when one is missing or is
 * no int64. */
int zkbp_parse_field_array(const char *json, const char *label, int64_t *out, size_t n, char *why,
                           size_t why_len);

#endif
