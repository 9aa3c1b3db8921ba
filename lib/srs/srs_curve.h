/* Internal: BN254 G1 (over Fp) and G2 (the sextic twist, over Fp2) in
 * Jacobian coordinates, affine points, and fixed-base windowed scalar
 * multiplication with a precomputed table of the base. Affine points use
 * (0, 0) for the point at infinity (it is not on either curve), as snarkjs
 * does. Scalars passed to the multiplications are canonical integers < r
 * (not Montgomery form). See docs/srs.md. */
#ifndef ZKBI_SRS_CURVE_H
#define ZKBI_SRS_CURVE_H

#include <stddef.h>

#include "srs_field.h"

typedef struct zkbi_g1a {
    zkbi_fe x, y;
} zkbi_g1a;
typedef struct zkbi_g1j {
    zkbi_fe x, y, z;
} zkbi_g1j;
typedef struct zkbi_g2a {
    zkbi_fe2 x, y;
} zkbi_g2a;
typedef struct zkbi_g2j {
    zkbi_fe2 x, y, z;
} zkbi_g2j;

/* A fixed-base table: entry [j][d-1] = d * 2^(w j) * base, for the
 * ceil(254 / w) windows j and digits d = 1 .. 2^w - 1. */
typedef struct zkbi_g1_table {
    unsigned w, nwin;
    zkbi_g1a *pts;
} zkbi_g1_table;
typedef struct zkbi_g2_table {
    unsigned w, nwin;
    zkbi_g2a *pts;
} zkbi_g2_table;

#define ZKBI_DECLARE_CURVE(P, A, J, F, T)                                                       \
    void P##_generator(A *g);                                                                 \
    int P##_is_inf(const A *a);                                                               \
    void P##_set_inf(J *r);                                                                   \
    void P##_from_affine(J *r, const A *a);                                                   \
    void P##_dbl(J *r, const J *a);                                                           \
    void P##_add(J *r, const J *a, const J *b);                                               \
    void P##_madd(J *r, const J *a, const A *b);                                              \
    void P##_neg(A *r, const A *a);                                                           \
    void P##_to_affine(A *r, const J *a);                                                     \
    /* n points at once with one field inversion; scratch holds n field elements. */         \
    void P##_batch_to_affine(A *out, const J *in, size_t n, F *scratch);                      \
    int P##_on_curve(const A *a);                                                             \
    int P##_eq(const A *a, const A *b);                                                       \
    /* k * a by double-and-add (k canonical, any 256-bit value) */                           \
    void P##_mul(J *r, const A *a, const zkbi_fe *k);                                         \
    /* The table of base with window w (1..20) built by `threads` threads; -1 on ENOMEM. */  \
    int P##_table_build(T *t, const A *base, unsigned w, unsigned threads);                   \
    void P##_table_free(T *t);                                                                \
    /* k * base with the table (k canonical, < 2^254) */                                     \
    void P##_table_mul(J *r, const T *t, const zkbi_fe *k);                                   \
    /* k[i] * base for i < n, affine, with the table: additions in affine            \
     * coordinates, one batched inversion per window. Scratch: den, pre (n field     \
     * elements each), idx, dg (n each). */                                          \
    void P##_table_mul_batch(A *out, const T *t, const zkbi_fe *k, size_t n, F *den, F *pre,  \
                             uint32_t *idx, uint32_t *dg);

ZKBI_DECLARE_CURVE(zkbi_g1, zkbi_g1a, zkbi_g1j, zkbi_fe, zkbi_g1_table)
ZKBI_DECLARE_CURVE(zkbi_g2, zkbi_g2a, zkbi_g2j, zkbi_fe2, zkbi_g2_table)

/* Window size minimizing additions for n multiplications (table included),
 * bounded by max_w. */
unsigned zkbi_srs_pick_window(uint64_t n, unsigned max_w);

#endif
