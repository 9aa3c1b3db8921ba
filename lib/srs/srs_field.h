/* Internal: BN254 prime fields in Montgomery form on 4 x 64-bit limbs
 * (little-endian limb order): Fp, the base field, and Fr, the scalar field.
 * Elements are always fully reduced (< modulus). See docs/srs.md. */
#ifndef ZKBI_SRS_FIELD_H
#define ZKBI_SRS_FIELD_H

#include <stdint.h>
#include <string.h>

typedef struct zkbi_fe {
    uint64_t l[4];
} zkbi_fe;

typedef unsigned __int128 zkbi_u128;

/* Moduli and Montgomery constants (R = 2^256). */
extern const zkbi_fe zkbi_fp_mod, zkbi_fp_r1, zkbi_fp_r2;
extern const zkbi_fe zkbi_fr_mod, zkbi_fr_r1, zkbi_fr_r2;
#define ZKBI_FP_INV 0x87d20782e4866389ULL /* -p^-1 mod 2^64 */
#define ZKBI_FR_INV 0xc2e1f593efffffffULL /* -r^-1 mod 2^64 */

/* ---- generic helpers, inlined with a constant modulus ---- */

static inline int zkbi_fe_is_zero(const zkbi_fe *a)
{
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0;
}

static inline int zkbi_fe_eq(const zkbi_fe *a, const zkbi_fe *b)
{
    return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) | (a->l[3] ^ b->l[3])) == 0;
}

/* a >= m as integers */
static inline int zkbi_fe_geq(const zkbi_fe *a, const zkbi_fe *m)
{
    for (int i = 3; i >= 0; i--) {
        if (a->l[i] != m->l[i])
            return a->l[i] > m->l[i];
    }
    return 1;
}

/* r = a - b, returns the borrow */
static inline uint64_t zkbi_fe_sub_raw(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_u128 t;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        t = (zkbi_u128)a->l[i] - b->l[i] - borrow;
        r->l[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return borrow;
}

/* r = a + b, returns the carry */
static inline uint64_t zkbi_fe_add_raw(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_u128 t;
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        t = (zkbi_u128)a->l[i] + b->l[i] + carry;
        r->l[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    return carry;
}

static inline void zkbi_mod_add(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b, const zkbi_fe *m)
{
    zkbi_fe t, u;
    zkbi_fe_add_raw(&t, a, b); /* both moduli < 2^254: no carry out */
    uint64_t borrow = zkbi_fe_sub_raw(&u, &t, m);
    *r = borrow ? t : u;
}

static inline void zkbi_mod_sub(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b, const zkbi_fe *m)
{
    zkbi_fe t;
    uint64_t borrow = zkbi_fe_sub_raw(&t, a, b);
    if (borrow)
        zkbi_fe_add_raw(&t, &t, m);
    *r = t;
}

/* Montgomery product a*b*R^-1 mod m (CIOS, unrolled); inputs < m < 2^254,
 * so the running value fits 4 limbs plus a carry word. */
#define ZKBI_CIOS_STEP(ai)                                                      \
    do {                                                                        \
        zkbi_u128 c_;                                                           \
        uint64_t q_;                                                            \
        c_ = (zkbi_u128)(ai) * b0 + t0;                                         \
        t0 = (uint64_t)c_;                                                      \
        c_ = (zkbi_u128)(ai) * b1 + t1 + (uint64_t)(c_ >> 64);                  \
        t1 = (uint64_t)c_;                                                      \
        c_ = (zkbi_u128)(ai) * b2 + t2 + (uint64_t)(c_ >> 64);                  \
        t2 = (uint64_t)c_;                                                      \
        c_ = (zkbi_u128)(ai) * b3 + t3 + (uint64_t)(c_ >> 64);                  \
        t3 = (uint64_t)c_;                                                      \
        t4 = (uint64_t)(c_ >> 64);                                              \
        q_ = t0 * minv;                                                         \
        c_ = (zkbi_u128)q_ * m0 + t0;                                           \
        c_ = (zkbi_u128)q_ * m1 + t1 + (uint64_t)(c_ >> 64);                    \
        t0 = (uint64_t)c_;                                                      \
        c_ = (zkbi_u128)q_ * m2 + t2 + (uint64_t)(c_ >> 64);                    \
        t1 = (uint64_t)c_;                                                      \
        c_ = (zkbi_u128)q_ * m3 + t3 + (uint64_t)(c_ >> 64);                    \
        t2 = (uint64_t)c_;                                                      \
        t3 = t4 + (uint64_t)(c_ >> 64);                                         \
    } while (0)

static inline void zkbi_mod_mul(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b, const zkbi_fe *m,
                                uint64_t minv)
{
    const uint64_t b0 = b->l[0], b1 = b->l[1], b2 = b->l[2], b3 = b->l[3];
    const uint64_t m0 = m->l[0], m1 = m->l[1], m2 = m->l[2], m3 = m->l[3];
    const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    ZKBI_CIOS_STEP(a0);
    ZKBI_CIOS_STEP(a1);
    ZKBI_CIOS_STEP(a2);
    ZKBI_CIOS_STEP(a3);
    /* t < 2m: one conditional subtraction */
    zkbi_u128 d;
    uint64_t r0, r1, r2, r3, br;
    d = (zkbi_u128)t0 - m0;
    r0 = (uint64_t)d;
    br = (uint64_t)(d >> 64) & 1;
    d = (zkbi_u128)t1 - m1 - br;
    r1 = (uint64_t)d;
    br = (uint64_t)(d >> 64) & 1;
    d = (zkbi_u128)t2 - m2 - br;
    r2 = (uint64_t)d;
    br = (uint64_t)(d >> 64) & 1;
    d = (zkbi_u128)t3 - m3 - br;
    r3 = (uint64_t)d;
    br = (uint64_t)(d >> 64) & 1;
    uint64_t keep = (uint64_t)0 - br; /* all ones when t < m */
    r->l[0] = (t0 & keep) | (r0 & ~keep);
    r->l[1] = (t1 & keep) | (r1 & ~keep);
    r->l[2] = (t2 & keep) | (r2 & ~keep);
    r->l[3] = (t3 & keep) | (r3 & ~keep);
}

/* ---- Fp ---- */
static inline void zkbi_fp_add(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_add(r, a, b, &zkbi_fp_mod);
}
static inline void zkbi_fp_sub(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_sub(r, a, b, &zkbi_fp_mod);
}
static inline void zkbi_fp_mul(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_mul(r, a, b, &zkbi_fp_mod, ZKBI_FP_INV);
}
static inline void zkbi_fp_sqr(zkbi_fe *r, const zkbi_fe *a) { zkbi_fp_mul(r, a, a); }
static inline void zkbi_fp_neg(zkbi_fe *r, const zkbi_fe *a)
{
    if (zkbi_fe_is_zero(a))
        *r = *a;
    else
        zkbi_fe_sub_raw(r, &zkbi_fp_mod, a);
}
static inline void zkbi_fp_dbl(zkbi_fe *r, const zkbi_fe *a) { zkbi_fp_add(r, a, a); }

/* ---- Fr ---- */
static inline void zkbi_fr_add(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_add(r, a, b, &zkbi_fr_mod);
}
static inline void zkbi_fr_sub(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_sub(r, a, b, &zkbi_fr_mod);
}
static inline void zkbi_fr_mul(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *b)
{
    zkbi_mod_mul(r, a, b, &zkbi_fr_mod, ZKBI_FR_INV);
}

/* Conversions (canonical integer <-> Montgomery form); to_mont needs a < m. */
void zkbi_fp_to_mont(zkbi_fe *r, const zkbi_fe *a);
void zkbi_fp_from_mont(zkbi_fe *r, const zkbi_fe *a);
void zkbi_fr_to_mont(zkbi_fe *r, const zkbi_fe *a);
void zkbi_fr_from_mont(zkbi_fe *r, const zkbi_fe *a);
/* a^e (e canonical, little-endian limbs), Montgomery in and out. */
void zkbi_fp_pow(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *e);
void zkbi_fr_pow(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *e);
void zkbi_fr_pow_u64(zkbi_fe *r, const zkbi_fe *a, uint64_t e);
/* Inverse by Fermat; the inverse of 0 is 0. */
void zkbi_fp_inv(zkbi_fe *r, const zkbi_fe *a);
void zkbi_fr_inv(zkbi_fe *r, const zkbi_fe *a);
/* Montgomery-form constants of small integers. */
void zkbi_fp_set_u64(zkbi_fe *r, uint64_t v);
void zkbi_fr_set_u64(zkbi_fe *r, uint64_t v);
/* In-place inverses of n Fr elements with one inversion (Montgomery's
 * trick); zeros stay zero. scratch holds n elements. */
void zkbi_fr_batch_inv(zkbi_fe *a, size_t n, zkbi_fe *scratch);
/* Reduce a 64-byte big-endian string (a hash) modulo r, Montgomery result. */
void zkbi_fr_from_hash512(zkbi_fe *r, const unsigned char h[64]);
/* Primitive 2^k-th root of unity of Fr as snarkjs uses it (5^((r-1)/2^28)
 * squared 28-k times), Montgomery form; k <= 28. */
void zkbi_fr_root_of_unity(zkbi_fe *r, unsigned k);

/* Decimal string of a canonical value (for tests and messages); buf >= 80. */
void zkbi_fe_to_dec(const zkbi_fe *a, char *buf, size_t n);
/* Parses a decimal string (< 2^256) into a canonical value; -1 on error. */
int zkbi_fe_from_dec(zkbi_fe *a, const char *s);

/* ---- Fp2 = Fp[u]/(u^2 + 1) ---- */
typedef struct zkbi_fe2 {
    zkbi_fe c0, c1;
} zkbi_fe2;

static inline void zkbi_fp2_add(zkbi_fe2 *r, const zkbi_fe2 *a, const zkbi_fe2 *b)
{
    zkbi_fp_add(&r->c0, &a->c0, &b->c0);
    zkbi_fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void zkbi_fp2_sub(zkbi_fe2 *r, const zkbi_fe2 *a, const zkbi_fe2 *b)
{
    zkbi_fp_sub(&r->c0, &a->c0, &b->c0);
    zkbi_fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void zkbi_fp2_dbl(zkbi_fe2 *r, const zkbi_fe2 *a) { zkbi_fp2_add(r, a, a); }
static inline void zkbi_fp2_neg(zkbi_fe2 *r, const zkbi_fe2 *a)
{
    zkbi_fp_neg(&r->c0, &a->c0);
    zkbi_fp_neg(&r->c1, &a->c1);
}
/* Karatsuba: 3 multiplications. */
static inline void zkbi_fp2_mul(zkbi_fe2 *r, const zkbi_fe2 *a, const zkbi_fe2 *b)
{
    zkbi_fe t0, t1, s0, s1, t2;
    zkbi_fp_mul(&t0, &a->c0, &b->c0);
    zkbi_fp_mul(&t1, &a->c1, &b->c1);
    zkbi_fp_add(&s0, &a->c0, &a->c1);
    zkbi_fp_add(&s1, &b->c0, &b->c1);
    zkbi_fp_mul(&t2, &s0, &s1);
    zkbi_fp_sub(&r->c0, &t0, &t1);
    zkbi_fp_sub(&t2, &t2, &t0);
    zkbi_fp_sub(&r->c1, &t2, &t1);
}
/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: 2 multiplications. */
static inline void zkbi_fp2_sqr(zkbi_fe2 *r, const zkbi_fe2 *a)
{
    zkbi_fe s, d, m;
    zkbi_fp_add(&s, &a->c0, &a->c1);
    zkbi_fp_sub(&d, &a->c0, &a->c1);
    zkbi_fp_mul(&m, &a->c0, &a->c1);
    zkbi_fp_mul(&r->c0, &s, &d);
    zkbi_fp_dbl(&r->c1, &m);
}
static inline int zkbi_fp2_is_zero(const zkbi_fe2 *a)
{
    return zkbi_fe_is_zero(&a->c0) && zkbi_fe_is_zero(&a->c1);
}
static inline int zkbi_fp2_eq(const zkbi_fe2 *a, const zkbi_fe2 *b)
{
    return zkbi_fe_eq(&a->c0, &b->c0) && zkbi_fe_eq(&a->c1, &b->c1);
}
void zkbi_fp2_inv(zkbi_fe2 *r, const zkbi_fe2 *a);

#endif
