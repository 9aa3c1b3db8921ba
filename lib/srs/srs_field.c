/* BN254 Fp, Fr and Fp2: the out-of-line parts (constants, conversions,
 * exponentiation, inversion, batch inversion, hash reduction). The hot
 * operations are inline in srs_field.h. */
#include "srs_field.h"

#include <stdio.h>

const zkbi_fe zkbi_fp_mod = {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                              0x30644e72e131a029ULL}};
const zkbi_fe zkbi_fp_r1 = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
                             0x0e0a77c19a07df2fULL}};
const zkbi_fe zkbi_fp_r2 = {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
                             0x06d89f71cab8351fULL}};
const zkbi_fe zkbi_fr_mod = {{0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                              0x30644e72e131a029ULL}};
const zkbi_fe zkbi_fr_r1 = {{0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
                             0x0e0a77c19a07df2fULL}};
const zkbi_fe zkbi_fr_r2 = {{0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
                             0x0216d0b17f4e44a5ULL}};

static const zkbi_fe one_raw = {{1, 0, 0, 0}};

void zkbi_fp_to_mont(zkbi_fe *r, const zkbi_fe *a) { zkbi_fp_mul(r, a, &zkbi_fp_r2); }
void zkbi_fp_from_mont(zkbi_fe *r, const zkbi_fe *a) { zkbi_fp_mul(r, a, &one_raw); }
void zkbi_fr_to_mont(zkbi_fe *r, const zkbi_fe *a) { zkbi_fr_mul(r, a, &zkbi_fr_r2); }
void zkbi_fr_from_mont(zkbi_fe *r, const zkbi_fe *a) { zkbi_fr_mul(r, a, &one_raw); }

void zkbi_fp_set_u64(zkbi_fe *r, uint64_t v)
{
    zkbi_fe t = {{v, 0, 0, 0}};
    zkbi_fp_to_mont(r, &t);
}

void zkbi_fr_set_u64(zkbi_fe *r, uint64_t v)
{
    zkbi_fe t = {{v, 0, 0, 0}};
    zkbi_fr_to_mont(r, &t);
}

/* Left-to-right square and multiply; not constant time (testing-only SRS). */
#define DEFINE_POW(name, one, mul)                                     \
    void name(zkbi_fe *r, const zkbi_fe *a, const zkbi_fe *e)          \
    {                                                                  \
        zkbi_fe acc = one, base = *a;                                  \
        for (int i = 255; i >= 0; i--) {                               \
            mul(&acc, &acc, &acc);                                     \
            if ((e->l[i / 64] >> (i % 64)) & 1)                        \
                mul(&acc, &acc, &base);                                \
        }                                                              \
        *r = acc;                                                      \
    }
DEFINE_POW(zkbi_fp_pow, zkbi_fp_r1, zkbi_fp_mul)
DEFINE_POW(zkbi_fr_pow, zkbi_fr_r1, zkbi_fr_mul)

void zkbi_fr_pow_u64(zkbi_fe *r, const zkbi_fe *a, uint64_t e)
{
    zkbi_fe x = {{e, 0, 0, 0}};
    zkbi_fr_pow(r, a, &x);
}

void zkbi_fp_inv(zkbi_fe *r, const zkbi_fe *a)
{
    zkbi_fe e = zkbi_fp_mod;
    e.l[0] -= 2; /* low limb > 2 */
    zkbi_fp_pow(r, a, &e);
}

void zkbi_fr_inv(zkbi_fe *r, const zkbi_fe *a)
{
    zkbi_fe e = zkbi_fr_mod;
    e.l[0] -= 2;
    zkbi_fr_pow(r, a, &e);
}

void zkbi_fp2_inv(zkbi_fe2 *r, const zkbi_fe2 *a)
{
    /* 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2) */
    zkbi_fe t0, t1, n;
    zkbi_fp_sqr(&t0, &a->c0);
    zkbi_fp_sqr(&t1, &a->c1);
    zkbi_fp_add(&n, &t0, &t1);
    zkbi_fp_inv(&n, &n);
    zkbi_fp_mul(&r->c0, &a->c0, &n);
    zkbi_fp_mul(&t1, &a->c1, &n);
    zkbi_fp_neg(&r->c1, &t1);
}

void zkbi_fr_batch_inv(zkbi_fe *a, size_t n, zkbi_fe *scratch)
{
    zkbi_fe acc = zkbi_fr_r1;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc; /* product of the non-zero a[0..i) */
        if (!zkbi_fe_is_zero(&a[i]))
            zkbi_fr_mul(&acc, &acc, &a[i]);
    }
    zkbi_fr_inv(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (zkbi_fe_is_zero(&a[i]))
            continue;
        zkbi_fe inv;
        zkbi_fr_mul(&inv, &acc, &scratch[i]);
        zkbi_fr_mul(&acc, &acc, &a[i]);
        a[i] = inv;
    }
}

static void reduce_r(zkbi_fe *a)
{
    while (zkbi_fe_geq(a, &zkbi_fr_mod))
        zkbi_fe_sub_raw(a, a, &zkbi_fr_mod);
}

void zkbi_fr_from_hash512(zkbi_fe *r, const unsigned char h[64])
{
    zkbi_fe hi = {{0}}, lo = {{0}};
    for (int i = 0; i < 32; i++) {
        hi.l[3 - i / 8] = (hi.l[3 - i / 8] << 8) | h[i];
        lo.l[3 - i / 8] = (lo.l[3 - i / 8] << 8) | h[32 + i];
    }
    reduce_r(&hi);
    reduce_r(&lo);
    /* to_mont(hi) = hi * 2^256 mod r as a canonical value */
    zkbi_fe v;
    zkbi_fr_to_mont(&v, &hi);
    zkbi_fr_add(&v, &v, &lo);
    zkbi_fr_to_mont(r, &v);
}

void zkbi_fr_root_of_unity(zkbi_fe *r, unsigned k)
{
    /* t = (r - 1) / 2^28 */
    zkbi_fe t = zkbi_fr_mod, w, five;
    t.l[0] -= 1;
    for (int s = 0; s < 28; s++) {
        for (int i = 0; i < 3; i++)
            t.l[i] = (t.l[i] >> 1) | (t.l[i + 1] << 63);
        t.l[3] >>= 1;
    }
    zkbi_fr_set_u64(&five, 5);
    zkbi_fr_pow(&w, &five, &t);
    for (unsigned s = k; s < 28; s++)
        zkbi_fr_mul(&w, &w, &w);
    *r = w;
}

void zkbi_fe_to_dec(const zkbi_fe *a, char *buf, size_t n)
{
    uint64_t v[4] = {a->l[0], a->l[1], a->l[2], a->l[3]};
    char tmp[80];
    size_t k = 0;
    do {
        zkbi_u128 rem = 0;
        for (int i = 3; i >= 0; i--) {
            zkbi_u128 cur = (rem << 64) | v[i];
            v[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
        }
        tmp[k++] = (char)('0' + (int)rem);
    } while ((v[0] | v[1] | v[2] | v[3]) && k < sizeof tmp);
    size_t j = 0;
    for (; j < k && j + 1 < n; j++)
        buf[j] = tmp[k - 1 - j];
    if (n)
        buf[j < n ? j : n - 1] = 0;
}

int zkbi_fe_from_dec(zkbi_fe *a, const char *s)
{
    uint64_t v[4] = {0, 0, 0, 0};
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        zkbi_u128 carry = (zkbi_u128)(*s - '0');
        for (int i = 0; i < 4; i++) {
            zkbi_u128 cur = (zkbi_u128)v[i] * 10 + carry;
            v[i] = (uint64_t)cur;
            carry = cur >> 64;
        }
        if (carry)
            return -1;
    }
    for (int i = 0; i < 4; i++)
        a->l[i] = v[i];
    return 0;
}
