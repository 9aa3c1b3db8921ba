/* BN254 G1: y^2 = x^3 + 3 over Fp, generator (1, 2). */
#include "srs_curve.h"

#define P zkbi_g1
#define A zkbi_g1a
#define J zkbi_g1j
#define T zkbi_g1_table
#define F zkbi_fe
#define F_ADD zkbi_fp_add
#define F_SUB zkbi_fp_sub
#define F_MUL zkbi_fp_mul
#define F_SQR zkbi_fp_sqr
#define F_DBL zkbi_fp_dbl
#define F_NEG zkbi_fp_neg
#define F_IS_ZERO zkbi_fe_is_zero
#define F_EQ zkbi_fe_eq
#define F_INV zkbi_fp_inv
#define F_ONE zkbi_fp_r1
#define CURVE_B(b) zkbi_fp_set_u64(&(b), 3)

#include "srs_curve_impl.h"

void zkbi_g1_generator(zkbi_g1a *g)
{
    zkbi_fp_set_u64(&g->x, 1);
    zkbi_fp_set_u64(&g->y, 2);
}

unsigned zkbi_srs_pick_window(uint64_t n, unsigned max_w)
{
    unsigned best = 1;
    double best_cost = 0;
    for (unsigned w = 1; w <= max_w; w++) {
        double nwin = (double)((254 + w - 1) / w);
        /* n * nwin mixed additions; the table costs about two per entry */
        double cost = (double)n * nwin + 2.0 * nwin * (double)(((uint64_t)1 << w) - 1);
        if (w == 1 || cost < best_cost) {
            best = w;
            best_cost = cost;
        }
    }
    return best;
}
