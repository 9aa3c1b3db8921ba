/* Signed integers as elements of the BN254 scalar field (the field of
 * circom, snarkjs and Barretenberg): negatives are p - |v|. */
#ifndef ZKBP_FIELD_H
#define ZKBP_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlbench/zkb_plugin.h"

/* p in decimal. */
extern const char zkbp_bn254_p[];

/* The field element of v in decimal (cap >= 78 holds every one). */
void zkbp_field_dec(int64_t v, char *out, size_t cap);

/* The inputs of one proof as JSON, every value a field element in decimal:
 * {"<in_key>": [the sample], "w0": [...], "b0": [...], ...} with the weights
 * and biases of every layer that has them when qm is not NULL (weights given
 * as private inputs); 0 or -1. */
int zkbp_write_input_json(const char *path, const char *in_key, const int64_t *x, uint64_t n,
                          const zkb_qmodel_desc *qm);

/* The first n elements of the first JSON array of decimal strings in json
 * (e.g. snarkjs's public.json) as int64, those above p/2 as v - p. Returns
 * n, or -1 with why (naming the array by label) when one is missing or is
 * no int64. */
int zkbp_parse_field_array(const char *json, const char *label, int64_t *out, size_t n, char *why,
                           size_t why_len);

/* The decimal number a file starts with (e.g. what a commitment script
 * printed) into out; 0, or -1 when the file is missing, starts with no
 * digit, or the number does not fit in cap. */
int zkbp_read_decimal(const char *path, char *out, size_t cap);

/* A proof's commitment got (decimal; "" when it has none) against want,
 * the one recomputed apart from the circuit: records info "<what>_commitment"
 * (what: "weights" or "input") = got; ZKB_ERR_STATE when want is "",
 * ZKB_ERR_VERIFY "the proof's <what> commitment <got> is not the <hash>
 * commitment of <of> (<want>)" when they differ. */
zkb_status zkbp_check_commitment(zkb_host_ctx *h, const char *what, const char *hash, const char *of,
                                 const char *got, const char *want);

#endif
