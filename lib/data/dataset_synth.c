#include "data_int.h"

/* splitmix64 (Steele, Lea, Flood 2014). */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void zkbi_synth_sample(uint64_t seed, uint64_t index, float *x, size_t n)
{
    uint64_t s = seed;
    uint64_t mix = splitmix64(&s) ^ (index * 0xD1B54A32D192ED03u);
    uint64_t state = splitmix64(&mix);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(splitmix64(&state) >> 40) * (1.0f / 16777216.0f); /* 24 bits: exact in float */
}
