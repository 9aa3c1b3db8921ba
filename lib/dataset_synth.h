/* Internal: the "synthetic" dataset, deterministic inputs in [0, 1). */
#ifndef ZKBI_DATASET_SYNTH_H
#define ZKBI_DATASET_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* Sample `index` of the synthetic dataset under `seed`: n floats in [0, 1),
 * the same for a given (seed, index) whatever the sample count. */
void zkbi_synth_sample(uint64_t seed, uint64_t index, float *x, size_t n);

#endif
