/* Internal: the SRS generator's engine (chunks of points computed by worker
 * threads and written with pwrite), seed derivation and point encodings.
 * Used by srs_ptau.c (snarkjs .ptau) and srs_bb.c (Barretenberg CRS). */
#ifndef ZKBI_SRS_INT_H
#define ZKBI_SRS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "srs_curve.h"

/* Scalar rules of a segment of consecutive points i = 0 .. count-1. */
enum {
    ZKBI_SRS_POW = 0,  /* coef * tau^(first + i) */
    ZKBI_SRS_LAG = 1,  /* coef * L_i(tau) over the domain of size 2^p */
    ZKBI_SRS_LAGZ = 2  /* coef * (L_i(tau) - omega^i tau^(n-1) / n), n = 2^p: what
                        * snarkjs's prepare phase2 computes for the top domain of tauG1,
                        * whose last power it replaces by the point at infinity */
};
/* Point encodings. */
enum {
    ZKBI_ENC_PTAU = 0, /* snarkjs: coordinates in Montgomery form, 32-byte little-endian;
                        * G2 as x.c0 x.c1 y.c0 y.c1; infinity all zeros */
    ZKBI_ENC_BB = 1    /* Barretenberg: canonical coordinates, 32-byte big-endian */
};

typedef struct zkbi_srs_seg {
    int g2;          /* 0: G1, 1: G2 */
    int kind;        /* ZKBI_SRS_* */
    unsigned p;      /* log2 of the domain (LAG, LAGZ) */
    uint64_t first;  /* first power (POW) */
    uint64_t count;  /* points */
    zkbi_fe coef;    /* Fr multiplier, Montgomery form */
    uint64_t off;    /* file offset of the first point */
} zkbi_srs_seg;

/* The secrets, Montgomery form. */
typedef struct zkbi_srs_secrets {
    zkbi_fe tau, alpha, beta;
} zkbi_srs_secrets;

/* tau, alpha, beta from SHA-512 of a domain-separated string with the seed,
 * reduced mod r; tau avoids 0 and the 2^28-th roots of unity, alpha and beta
 * avoid 0. Same seed, same secrets, whatever the power. -1 when libcrypto
 * fails (out of memory). */
int zkbi_srs_derive(zkbi_srs_secrets *s, const char *seed);

/* Computes and writes every segment into fd (pwrite) with `threads` workers
 * (0: every online core), G1 segments first, then G2, each group with its
 * own fixed-base table. enc is ZKBI_ENC_*. ZKB_OK, or an error with detail
 * in err. */
int zkbi_srs_run(int fd, const zkbi_fe *tau, zkbi_srs_seg *segs, size_t nsegs, int enc,
                 unsigned threads, char *err, size_t errcap);

/* Encodes one affine point (64 bytes for G1, 128 for G2). */
void zkbi_srs_enc_g1(unsigned char *out, const zkbi_g1a *a, int enc);
void zkbi_srs_enc_g2(unsigned char *out, const zkbi_g2a *a, int enc);

/* Points per work chunk (default and maximum 8192); tests set it lower. */
extern size_t zkbi_srs_chunk;

/* snprintf into err (NULL or 0 capacity: nothing), always NUL-terminated. The
 * SRS code is self-contained (libc, pthreads, libcrypto) so that a plugin can
 * compile it in (plugins/circom). */
void zkbi_srs_errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Number of worker threads for a request (0: online cores, max 64). */
unsigned zkbi_srs_threads(unsigned requested);

/* pwrite all n bytes at off (EINTR retried); 0, or -1 with errno set. */
int zkbi_srs_pwrite_all(int fd, const unsigned char *p, size_t n, uint64_t off);

#endif
