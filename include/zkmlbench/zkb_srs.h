/* zkb_srs.h - TESTING-ONLY structured reference strings for BN254, generated
 * natively from a seed: a powers-of-tau file in snarkjs's prepared format
 * (Groth16, PLONK and FFLONK setups accept it) and Barretenberg's CRS files.
 *
 * tau, alpha and beta are derived from the seed string alone: anyone who
 * knows the seed can forge proofs for every circuit set up with these files.
 * For benchmarks only, never for deployment. See docs/srs.md.
 *
 * Errors: a zkb_status, with a NUL-terminated detail written into err (when
 * err is not NULL and errcap > 0). Compiles as C11 and C++17. */
#ifndef ZKB_SRS_H
#define ZKB_SRS_H

#include "zkb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Powers accepted by zkb_srs_write_ptau: 2^power is the largest circuit
 * domain the file serves (its tauG1 section holds 2^(power+1) - 1 points). */
#define ZKB_SRS_PTAU_MIN_POWER 1
#define ZKB_SRS_PTAU_MAX_POWER 27

/* Writes a prepared powers-of-tau file (sections 1-7 and the Lagrange
 * sections 12-15, as `snarkjs powersoftau prepare phase2` writes them) of
 * the given power to path (through a temporary file in the same directory,
 * renamed at the end). seed: any non-empty string; the same seed gives the
 * same tau for every power, so a smaller file is a prefix-consistent subset
 * of a larger one. threads: worker threads, 0 for every online core; the
 * bytes written do not depend on it. The file's contributions section names
 * it TESTING ONLY with the seed. */
ZKB_API zkb_status zkb_srs_write_ptau(const char *path, uint32_t power, const char *seed, uint32_t threads,
                                      char *err, size_t errcap);

/* Size in bytes of the file zkb_srs_write_ptau writes for this power and
 * seed (the seed's length only changes the contributions section), 0 when
 * the power is out of range. */
ZKB_API uint64_t zkb_srs_ptau_size(uint32_t power, const char *seed);

/* Writes Barretenberg's CRS files into dir (created if missing):
 * bn254_g1.dat, num_points G1 points tau^i * G1 for i = 0 .. num_points - 1
 * (the first is the generator), and bn254_g2.dat, the single point tau * G2.
 * Coordinates are canonical (not Montgomery) 32-byte big-endian integers, a
 * G1 point as x || y, the G2 point as x.c0 || x.c1 || y.c0 || y.c1: what
 * bb (@aztec/bb.js 0.82) reads from its CRS directory (~/.bb-crs). Same seed,
 * same tau as zkb_srs_write_ptau. */
ZKB_API zkb_status zkb_srs_write_bb_crs(const char *dir, uint64_t num_points, const char *seed,
                                        uint32_t threads, char *err, size_t errcap);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_SRS_H */
