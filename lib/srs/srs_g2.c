/* BN254 G2: the sextic twist y^2 = x^3 + 3 / (9 + u) over Fp2, with the
 * standard generator (EIP-197; the one snarkjs/ffjavascript use). */
#include "srs_curve.h"

static void g2_b(zkbi_fe2 *b)
{
    zkbi_fe2 d, three;
    zkbi_fp_set_u64(&d.c0, 9);
    zkbi_fp_set_u64(&d.c1, 1);
    zkbi_fp2_inv(&d, &d);
    zkbi_fp_set_u64(&three.c0, 3);
    memset(&three.c1, 0, sizeof three.c1);
    zkbi_fp2_mul(b, &three, &d);
}

static const zkbi_fe2 fp2_one = {{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
                                   0x0e0a77c19a07df2fULL}},
                                 {{0, 0, 0, 0}}};

#define P zkbi_g2
#define A zkbi_g2a
#define J zkbi_g2j
#define T zkbi_g2_table
#define F zkbi_fe2
#define F_ADD zkbi_fp2_add
#define F_SUB zkbi_fp2_sub
#define F_MUL zkbi_fp2_mul
#define F_SQR zkbi_fp2_sqr
#define F_DBL zkbi_fp2_dbl
#define F_NEG zkbi_fp2_neg
#define F_IS_ZERO zkbi_fp2_is_zero
#define F_EQ zkbi_fp2_eq
#define F_INV zkbi_fp2_inv
#define F_ONE fp2_one
#define CURVE_B(b) g2_b(&(b))

#include "srs_curve_impl.h"

static void dec_mont(zkbi_fe *r, const char *s)
{
    zkbi_fe t;
    (void)zkbi_fe_from_dec(&t, s);
    zkbi_fp_to_mont(r, &t);
}

void zkbi_g2_generator(zkbi_g2a *g)
{
    dec_mont(&g->x.c0, "10857046999023057135944570762232829481370756359578518086990519993285655852781");
    dec_mont(&g->x.c1, "11559732032986387107991004021392285783925812861821192530917403151452391805634");
    dec_mont(&g->y.c0, "8495653923123431417604973247489272438418190587263600148770280649306958101930");
    dec_mont(&g->y.c1, "4082367875863433681332203403145435568316851327593401208105741076214120093531");
}
