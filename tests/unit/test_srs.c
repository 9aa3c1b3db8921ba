/* The native testing-only SRS generator (lib/srs, docs/srs.md): field and
 * group arithmetic against values computed independently with Python
 * integers, and the files: layout and section sizes, every point on the
 * curve and in the subgroup, consecutive powers related by tau (recomputed
 * by scalar multiplication on sampled indices), the Lagrange sections
 * (sum and first moment over each domain), determinism across thread
 * counts and chunk sizes, and the Barretenberg CRS. Powers <= 6: fast, and
 * ASan-friendly. snarkjs's acceptance is tested in test_srs_snarkjs.c. */
#include "zkbt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core_int.h"
#include "srs/srs_int.h"
#include "zkmlbench/zkb_srs.h"

static char g_dir[64];

static int group_setup(void **state)
{
    (void)state;
    return zkbt_tmpdir(g_dir, sizeof g_dir, "srs");
}

static int group_teardown(void **state)
{
    (void)state;
    return zkbi_remove_tree(g_dir) == 0 ? 0 : -1;
}

/* ---- helpers ---- */

static zkbi_fe dec(const char *s)
{
    zkbi_fe a;
    assert_int_equal(zkbi_fe_from_dec(&a, s), 0);
    return a;
}

static zkbi_fe fp_m(const char *s)
{
    zkbi_fe a = dec(s), m;
    zkbi_fp_to_mont(&m, &a);
    return m;
}

static zkbi_fe fr_m(const char *s)
{
    zkbi_fe a = dec(s), m;
    zkbi_fr_to_mont(&m, &a);
    return m;
}

static void assert_fp(const zkbi_fe *mont, const char *want)
{
    zkbi_fe c;
    char buf[100];
    zkbi_fp_from_mont(&c, mont);
    zkbi_fe_to_dec(&c, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void assert_fr(const zkbi_fe *mont, const char *want)
{
    zkbi_fe c;
    char buf[100];
    zkbi_fr_from_mont(&c, mont);
    zkbi_fe_to_dec(&c, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static unsigned char *read_all(const char *path, size_t *len)
{
    return (unsigned char *)zkbt_read_file(path, len);
}

static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static zkbi_fe rd_fe_le(const unsigned char *p)
{
    zkbi_fe a;
    for (int i = 0; i < 4; i++)
        a.l[i] = rd64(p + 8 * i);
    return a;
}

static zkbi_g1a rd_g1(const unsigned char *p)
{
    zkbi_g1a a = {rd_fe_le(p), rd_fe_le(p + 32)};
    return a;
}

static zkbi_g2a rd_g2(const unsigned char *p)
{
    zkbi_g2a a = {{rd_fe_le(p), rd_fe_le(p + 32)}, {rd_fe_le(p + 64), rd_fe_le(p + 96)}};
    return a;
}

static zkbi_fe rd_fe_be_mont(const unsigned char *p)
{
    zkbi_fe a = {{0}}, m;
    for (int i = 0; i < 32; i++)
        a.l[3 - i / 8] = (a.l[3 - i / 8] << 8) | p[i];
    assert_false(zkbi_fe_geq(&a, &zkbi_fp_mod));
    zkbi_fp_to_mont(&m, &a);
    return m;
}

/* canonical scalar of a Montgomery Fr element */
static zkbi_fe canon(const zkbi_fe *m)
{
    zkbi_fe c;
    zkbi_fr_from_mont(&c, m);
    return c;
}

static zkbi_g1a g1_mul_a(const zkbi_g1a *p, const zkbi_fe *mont_k)
{
    zkbi_fe k = canon(mont_k);
    zkbi_g1j j;
    zkbi_g1a a;
    zkbi_g1_mul(&j, p, &k);
    zkbi_g1_to_affine(&a, &j);
    return a;
}

static zkbi_g2a g2_mul_a(const zkbi_g2a *p, const zkbi_fe *mont_k)
{
    zkbi_fe k = canon(mont_k);
    zkbi_g2j j;
    zkbi_g2a a;
    zkbi_g2_mul(&j, p, &k);
    zkbi_g2_to_affine(&a, &j);
    return a;
}

/* ---- fields ---- */

#define A_DEC "1222249830837924628980823571745176511629195536481279930931910839704022384785"
#define B_DEC "14103396336171384352741135149336380489006696823179556768936487743810029412848"

static void test_fp_known(void **state)
{
    (void)state;
    zkbi_fe a = fp_m(A_DEC), b = fp_m(B_DEC), r;
    zkbi_fp_mul(&r, &a, &b);
    assert_fp(&r, "3996889430131298389308583302569777399494684873152658974629023754066629921397");
    zkbi_fp_inv(&r, &a);
    assert_fp(&r, "4695787281354113810925848155460564984981542794370445881869329723670749318970");
    zkbi_fp_sub(&r, &b, &a);
    assert_fp(&r, "12881146505333459723760311577591203977377501286698276838004576904106007028063");
    zkbi_fp_add(&r, &a, &b);
    assert_fp(&r, "15325646167009308981721958721081557000635892359660836699868398583514051797633");
    /* a - b wraps; -(b - a) + (b - a) = 0 */
    zkbi_fe s, t;
    zkbi_fp_sub(&s, &a, &b);
    zkbi_fp_neg(&t, &s);
    zkbi_fp_add(&t, &t, &s);
    assert_true(zkbi_fe_is_zero(&t));
    /* to/from Montgomery round trip; p - 1 squared is 1 */
    zkbi_fe pm1 = zkbi_fp_mod, m;
    pm1.l[0] -= 1;
    zkbi_fp_to_mont(&m, &pm1);
    zkbi_fp_sqr(&m, &m);
    assert_fp(&m, "1");
}

static void test_fr_known(void **state)
{
    (void)state;
    zkbi_fe a = fr_m(A_DEC), b = fr_m(B_DEC), r;
    zkbi_fr_mul(&r, &a, &b);
    assert_fr(&r, "20108373275367675669337219380368998251723822099334971812444874149796797158601");
    zkbi_fr_inv(&r, &a);
    assert_fr(&r, "15004539220425168153801753140511274382071960292737057732876992244571347456408");
    zkbi_fr_sub(&r, &b, &a);
    assert_fr(&r, "12881146505333459723760311577591203977377501286698276838004576904106007028063");
    /* the 2^28-th root snarkjs uses (5^((r-1)/2^28)) */
    zkbi_fr_root_of_unity(&r, 28);
    assert_fr(&r, "19103219067921713944291392827692070036145651957329286315305642004821462161904");
    zkbi_fe w1;
    zkbi_fr_root_of_unity(&w1, 1);
    zkbi_fe m1 = zkbi_fr_mod;
    m1.l[0] -= 1;
    char buf[100];
    zkbi_fe c = canon(&w1);
    assert_true(zkbi_fe_eq(&c, &m1)); /* omega_2 = -1 */
    zkbi_fr_root_of_unity(&r, 0);
    assert_fr(&r, "1");
    /* batch inversion, zeros stay zero */
    zkbi_fe v[5], scr[5];
    for (int i = 0; i < 5; i++)
        zkbi_fr_set_u64(&v[i], (uint64_t)(i * 7 % 5)); /* 0, 2, 4, 1, 3 */
    zkbi_fr_batch_inv(v, 5, scr);
    assert_true(zkbi_fe_is_zero(&v[0]));
    for (int i = 1; i < 5; i++) {
        zkbi_fe x, y;
        zkbi_fr_set_u64(&x, (uint64_t)(i * 7 % 5));
        zkbi_fr_mul(&y, &x, &v[i]);
        assert_true(zkbi_fe_eq(&y, &zkbi_fr_r1));
    }
    zkbi_fe_to_dec(&zkbi_fr_mod, buf, sizeof buf);
    assert_string_equal(buf, "21888242871839275222246405745257275088548364400416034343698204186575808495617");
}

static void test_fp2_known(void **state)
{
    (void)state;
    zkbi_fe2 a = {fp_m(A_DEC), fp_m(B_DEC)}, b, r;
    zkbi_fe three;
    zkbi_fp_set_u64(&three, 3);
    b.c0 = a.c1;
    zkbi_fp_mul(&b.c1, &a.c0, &three);
    zkbi_fp2_mul(&r, &a, &b);
    assert_fp(&r.c0, "13894464011576678443629239140117720289706941410992505713430990386511966365789");
    assert_fp(&r.c1, "6403905576967723515019801858544847646031536276197069523224978102052771727233");
    zkbi_fp2_inv(&r, &a);
    assert_fp(&r.c0, "12245451725403326271595385199733805968388122763925606136654641332603317932550");
    assert_fp(&r.c1, "3327178092930762620613407644561210621218947272873687159022171255449282409737");
    zkbi_fe2 s1, s2;
    zkbi_fp2_sqr(&s1, &a);
    zkbi_fp2_mul(&s2, &a, &a);
    assert_true(zkbi_fp2_eq(&s1, &s2));
}

/* ---- groups ---- */

static void test_group_known(void **state)
{
    (void)state;
    zkbi_fe k = fr_m(A_DEC);
    zkbi_g1a g1, p1;
    zkbi_g2a g2, p2;
    zkbi_g1_generator(&g1);
    zkbi_g2_generator(&g2);
    assert_true(zkbi_g1_on_curve(&g1));
    assert_true(zkbi_g2_on_curve(&g2));
    p1 = g1_mul_a(&g1, &k);
    assert_fp(&p1.x, "21285860994727684756236790597137291040479208719495903552345878332601713010597");
    assert_fp(&p1.y, "20639770844214561204324819066538479803801231336268851430759676212922625540343");
    p2 = g2_mul_a(&g2, &k);
    assert_fp(&p2.x.c0, "17954859525886698790966570971523497490975967342031270905389609516331814166469");
    assert_fp(&p2.x.c1, "17072114033889621422148612529284520217341030655337635169494744211970018874955");
    assert_fp(&p2.y.c0, "5188018858047468580761241540194524249120464564772683287012788797325473560439");
    assert_fp(&p2.y.c1, "19660248939167639970956148859639828628999176790216984581254171425684750886879");

    /* fixed-base tables agree with double-and-add for several windows */
    zkbi_fe kc = canon(&k);
    for (unsigned w = 1; w <= 9; w += 4) {
        zkbi_g1_table t1 = {0};
        zkbi_g2_table t2 = {0};
        assert_int_equal(zkbi_g1_table_build(&t1, &g1, w, 2), 0);
        assert_int_equal(zkbi_g2_table_build(&t2, &g2, w, 2), 0);
        zkbi_g1j j1;
        zkbi_g2j j2;
        zkbi_g1a a1;
        zkbi_g2a a2;
        zkbi_g1_table_mul(&j1, &t1, &kc);
        zkbi_g2_table_mul(&j2, &t2, &kc);
        zkbi_g1_to_affine(&a1, &j1);
        zkbi_g2_to_affine(&a2, &j2);
        assert_true(zkbi_g1_eq(&a1, &p1));
        assert_true(zkbi_g2_eq(&a2, &p2));
        zkbi_fe zero = {{0}};
        zkbi_g1_table_mul(&j1, &t1, &zero);
        assert_true(zkbi_fe_is_zero(&j1.z));
        zkbi_g1_table_free(&t1);
        zkbi_g2_table_free(&t2);
    }
    /* full Jacobian add = mixed add; P + (-P) = O; P + P = 2P */
    zkbi_g1j j, q, s1, s2;
    zkbi_g1_from_affine(&j, &p1);
    zkbi_g1_dbl(&j, &j); /* 2P, z != 1 */
    zkbi_g1_from_affine(&q, &g1);
    zkbi_g1_dbl(&q, &q);
    zkbi_g1_dbl(&q, &q); /* 4G, z != 1 */
    zkbi_g1_add(&s1, &j, &q);
    zkbi_g1a g4;
    zkbi_g1_to_affine(&g4, &q);
    zkbi_g1_madd(&s2, &j, &g4);
    zkbi_g1a x1, x2;
    zkbi_g1_to_affine(&x1, &s1);
    zkbi_g1_to_affine(&x2, &s2);
    assert_true(zkbi_g1_eq(&x1, &x2));
    zkbi_g1a np;
    zkbi_g1_neg(&np, &p1);
    zkbi_g1_from_affine(&j, &p1);
    zkbi_g1_madd(&j, &j, &np);
    assert_true(zkbi_fe_is_zero(&j.z));
    zkbi_g1_from_affine(&j, &p1);
    zkbi_g1_add(&s1, &j, &j);
    zkbi_g1_dbl(&s2, &j);
    zkbi_g1_to_affine(&x1, &s1);
    zkbi_g1_to_affine(&x2, &s2);
    assert_true(zkbi_g1_eq(&x1, &x2));
    /* r * G2 = O (subgroup order) and r * G1 = O */
    zkbi_g2j o2;
    zkbi_g2_mul(&o2, &g2, &zkbi_fr_mod);
    assert_true(zkbi_fp2_is_zero(&o2.z));
    zkbi_g1j o1;
    zkbi_g1_mul(&o1, &g1, &zkbi_fr_mod);
    assert_true(zkbi_fe_is_zero(&o1.z));
    /* a point off the curve is rejected */
    zkbi_g1a bad = g1;
    zkbi_fp_add(&bad.y, &bad.y, &zkbi_fp_r1);
    assert_false(zkbi_g1_on_curve(&bad));
    assert_true(zkbi_srs_pick_window(1, 16) <= 4);
    assert_int_equal(zkbi_srs_pick_window((uint64_t)12 << 20, 16), 16);
}

static void test_derive_known(void **state)
{
    (void)state;
    zkbi_srs_secrets s;
    assert_int_equal(zkbi_srs_derive(&s, "test"), 0);
    assert_fr(&s.tau, "4738903962378160039353980691411300242209270056126602968498205010013430551367");
    assert_fr(&s.alpha, "7924211005336410732275890331136450825177080891495712352335240012390389945772");
    assert_fr(&s.beta, "19049192655645323195771914657877863114440918823181946911506367989889239446077");
    zkbi_g1a g1, t;
    zkbi_g1_generator(&g1);
    t = g1_mul_a(&g1, &s.tau);
    assert_fp(&t.x, "15048754752083436910549667102224954534664643714877877535596419620403410882900");
    assert_fp(&t.y, "20379979006247520505410522846537339166383629948302618119636162869112884883072");
    zkbi_srs_secrets s2;
    assert_int_equal(zkbi_srs_derive(&s2, "test2"), 0);
    assert_false(zkbi_fe_eq(&s.tau, &s2.tau));
}

/* ---- the .ptau file ---- */

typedef struct ptau {
    unsigned char *b;
    size_t len;
    size_t off[16], size[16];
} ptau;

static void ptau_load(ptau *p, const char *path)
{
    memset(p, 0, sizeof *p);
    p->b = read_all(path, &p->len);
    assert_true(p->len > 12);
    assert_memory_equal(p->b, "ptau", 4);
    assert_int_equal(rd32(p->b + 4), 1);
    assert_int_equal(rd32(p->b + 8), 11);
    static const unsigned ids[11] = {1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15};
    size_t o = 12;
    for (int i = 0; i < 11; i++) {
        assert_true(o + 12 <= p->len);
        assert_int_equal(rd32(p->b + o), ids[i]); /* snarkjs's order */
        p->size[ids[i]] = (size_t)rd64(p->b + o + 4);
        p->off[ids[i]] = o + 12;
        o += 12 + p->size[ids[i]];
    }
    assert_int_equal(o, p->len);
}

static const char *tmp_path(const char *name)
{
    return zkbt_path(g_dir, name);
}

static void write_ptau(const char *path, unsigned power, const char *seed, unsigned threads)
{
    char err[256] = "x";
    zkb_status st = zkb_srs_write_ptau(path, power, seed, threads, err, sizeof err);
    if (st != ZKB_OK)
        fail_msg("zkb_srs_write_ptau: %s", err);
    assert_string_equal(err, "");
}

static void test_ptau_layout(void **state)
{
    (void)state;
    const unsigned N = 4;
    const size_t n = 1u << N;
    const char *path = tmp_path("layout.ptau");
    write_ptau(path, N, "layout", 2);
    ptau p;
    ptau_load(&p, path);
    assert_int_equal(p.len, zkb_srs_ptau_size(N, "layout"));
    assert_int_equal(p.size[1], 44);
    assert_int_equal(rd32(p.b + p.off[1]), 32);
    zkbi_fe q = rd_fe_le(p.b + p.off[1] + 4);
    assert_true(zkbi_fe_eq(&q, &zkbi_fp_mod));
    assert_int_equal(rd32(p.b + p.off[1] + 36), N);
    assert_int_equal(rd32(p.b + p.off[1] + 40), N);
    assert_int_equal(p.size[2], (2 * n - 1) * 64);
    assert_int_equal(p.size[3], n * 128);
    assert_int_equal(p.size[4], n * 64);
    assert_int_equal(p.size[5], n * 64);
    assert_int_equal(p.size[6], 128);
    assert_int_equal(p.size[12], (4 * n - 1) * 64);
    assert_int_equal(p.size[13], (2 * n - 1) * 128);
    assert_int_equal(p.size[14], (2 * n - 1) * 64);
    assert_int_equal(p.size[15], (2 * n - 1) * 64);
    /* contributions: one, its name says TESTING ONLY and the seed */
    const unsigned char *c = p.b + p.off[7];
    assert_int_equal(rd32(c), 1);
    const unsigned char *params = c + 4 + 448 + 768 + 216 + 64;
    assert_int_equal(rd32(params), 0); /* type */
    uint32_t plen = rd32(params + 4);
    assert_int_equal(p.size[7], 4 + 448 + 768 + 216 + 64 + 8 + plen);
    assert_int_equal(params[8], 1);
    assert_int_equal(params[9], plen - 2);
    char name[300];
    memcpy(name, params + 10, params[9]);
    name[params[9]] = 0;
    assert_non_null(strstr(name, "TESTING ONLY"));
    assert_non_null(strstr(name, "seed=layout"));
    /* the contribution's tauG1 is the file's tau^1 G1 */
    assert_memory_equal(c + 4, p.b + p.off[2] + 64, 64);
    free(p.b);
    assert_int_equal(zkb_srs_ptau_size(0, "x"), 0);
    assert_int_equal(zkb_srs_ptau_size(28, "x"), 0);
}

/* Every point on its curve and in the r-torsion; powers consistent with tau,
 * alpha, beta recomputed from the seed on sampled indices. */
static void test_ptau_points(void **state)
{
    (void)state;
    const unsigned N = 5;
    const size_t n = 1u << N;
    const char *seed = "points";
    const char *path = tmp_path("points.ptau");
    write_ptau(path, N, seed, 0);
    ptau p;
    ptau_load(&p, path);
    zkbi_srs_secrets s;
    assert_int_equal(zkbi_srs_derive(&s, seed), 0);
    zkbi_g1a g1;
    zkbi_g2a g2;
    zkbi_g1_generator(&g1);
    zkbi_g2_generator(&g2);

    static const int g1s[] = {2, 4, 5, 12, 14, 15}, g2s[] = {3, 6, 13};
    size_t inf = 0;
    for (size_t k = 0; k < sizeof g1s / sizeof g1s[0]; k++)
        for (size_t o = 0; o < p.size[g1s[k]]; o += 64) {
            zkbi_g1a a = rd_g1(p.b + p.off[g1s[k]] + o);
            if (zkbi_g1_is_inf(&a)) { /* only the last point of 12's top domain */
                inf++;
                continue;
            }
            assert_true(zkbi_g1_on_curve(&a)); /* G1 has cofactor 1 */
        }
    assert_int_equal(inf, 0);
    for (size_t k = 0; k < sizeof g2s / sizeof g2s[0]; k++)
        for (size_t o = 0; o < p.size[g2s[k]]; o += 128) {
            zkbi_g2a a = rd_g2(p.b + p.off[g2s[k]] + o);
            assert_true(zkbi_g2_on_curve(&a));
            zkbi_g2j j;
            zkbi_g2_mul(&j, &a, &zkbi_fr_mod);
            assert_true(zkbi_fp2_is_zero(&j.z));
        }

    /* first points */
    zkbi_g1a a0 = rd_g1(p.b + p.off[2]);
    assert_true(zkbi_g1_eq(&a0, &g1));
    zkbi_g2a b0 = rd_g2(p.b + p.off[3]);
    assert_true(zkbi_g2_eq(&b0, &g2));
    /* sampled indices: point i = tau^i G, point i+1 = tau * point i */
    static const size_t idx[] = {0, 1, 2, 7, 15, 30};
    for (size_t k = 0; k < sizeof idx / sizeof idx[0]; k++) {
        size_t i = idx[k];
        zkbi_fe ti;
        zkbi_fr_pow_u64(&ti, &s.tau, i);
        zkbi_g1a want = g1_mul_a(&g1, &ti);
        zkbi_g1a got = rd_g1(p.b + p.off[2] + i * 64);
        assert_true(zkbi_g1_eq(&want, &got));
        zkbi_g1a next = g1_mul_a(&got, &s.tau);
        zkbi_g1a got1 = rd_g1(p.b + p.off[2] + (i + 1) * 64);
        assert_true(zkbi_g1_eq(&next, &got1));
        if (i + 1 < n) {
            zkbi_g2a g2i = rd_g2(p.b + p.off[3] + i * 128);
            zkbi_g2a g2n = g2_mul_a(&g2i, &s.tau);
            zkbi_g2a g2g = rd_g2(p.b + p.off[3] + (i + 1) * 128);
            assert_true(zkbi_g2_eq(&g2n, &g2g));
            zkbi_fe at;
            zkbi_fr_mul(&at, &ti, &s.alpha);
            zkbi_g1a wa = g1_mul_a(&g1, &at), ga = rd_g1(p.b + p.off[4] + i * 64);
            assert_true(zkbi_g1_eq(&wa, &ga));
            zkbi_fr_mul(&at, &ti, &s.beta);
            wa = g1_mul_a(&g1, &at);
            ga = rd_g1(p.b + p.off[5] + i * 64);
            assert_true(zkbi_g1_eq(&wa, &ga));
        }
    }
    zkbi_g2a bg2 = g2_mul_a(&g2, &s.beta), fg2 = rd_g2(p.b + p.off[6]);
    assert_true(zkbi_g2_eq(&bg2, &fg2));
    free(p.b);
}

/* Lagrange sections: over each domain of size m, sum_i L_i(tau) = 1 and
 * sum_i omega^i L_i(tau) = tau (m > 2), so sum_i P_i = c G and
 * sum_i omega^i P_i = c tau G. The top domain of section 12 too. */
static void check_lagrange_g1(const ptau *p, int sec, unsigned top, const zkbi_fe *coef,
                              const zkbi_srs_secrets *s)
{
    zkbi_g1a g1;
    zkbi_g1_generator(&g1);
    size_t o = p->off[sec];
    for (unsigned k = 0; k <= top; k++) {
        size_t m = (size_t)1 << k;
        zkbi_fe w, wi = zkbi_fr_r1;
        zkbi_fr_root_of_unity(&w, k);
        zkbi_g1j sum, mom;
        zkbi_g1_set_inf(&sum);
        zkbi_g1_set_inf(&mom);
        for (size_t i = 0; i < m; i++) {
            zkbi_g1a a = rd_g1(p->b + o + i * 64);
            zkbi_g1_madd(&sum, &sum, &a);
            zkbi_g1j t;
            zkbi_fe wc = canon(&wi);
            zkbi_g1_mul(&t, &a, &wc);
            zkbi_g1_add(&mom, &mom, &t);
            zkbi_fr_mul(&wi, &wi, &w);
        }
        zkbi_g1a sa, ma;
        zkbi_g1_to_affine(&sa, &sum);
        zkbi_g1_to_affine(&ma, &mom);
        zkbi_g1a want = g1_mul_a(&g1, coef);
        assert_true(zkbi_g1_eq(&sa, &want));
        if (m > 2) {
            zkbi_fe ct;
            zkbi_fr_mul(&ct, coef, &s->tau);
            want = g1_mul_a(&g1, &ct);
            assert_true(zkbi_g1_eq(&ma, &want));
        }
        o += m * 64;
    }
    assert_int_equal(o, p->off[sec] + p->size[sec]);
}

static void test_ptau_lagrange(void **state)
{
    (void)state;
    const unsigned N = 4;
    const char *seed = "lagrange";
    const char *path = tmp_path("lagrange.ptau");
    write_ptau(path, N, seed, 2);
    ptau p;
    ptau_load(&p, path);
    zkbi_srs_secrets s;
    assert_int_equal(zkbi_srs_derive(&s, seed), 0);
    zkbi_fe one = zkbi_fr_r1;
    check_lagrange_g1(&p, 12, N + 1, &one, &s);
    check_lagrange_g1(&p, 14, N, &s.alpha, &s);
    check_lagrange_g1(&p, 15, N, &s.beta, &s);
    /* G2: the sum over each domain is G2 */
    zkbi_g2a g2;
    zkbi_g2_generator(&g2);
    size_t o = p.off[13];
    for (unsigned k = 0; k <= N; k++) {
        size_t m = (size_t)1 << k;
        zkbi_g2j sum;
        zkbi_g2_set_inf(&sum);
        for (size_t i = 0; i < m; i++) {
            zkbi_g2a a = rd_g2(p.b + o + i * 128);
            zkbi_g2_madd(&sum, &sum, &a);
        }
        zkbi_g2a sa;
        zkbi_g2_to_affine(&sa, &sum);
        assert_true(zkbi_g2_eq(&sa, &g2));
        o += m * 128;
    }
    /* the domain of size 1 is the generator itself */
    zkbi_g1a l0 = rd_g1(p.b + p.off[12]), g1;
    zkbi_g1_generator(&g1);
    assert_true(zkbi_g1_eq(&l0, &g1));
    free(p.b);
}

/* Same bytes whatever the threads and chunking; a prefix-consistent tau
 * across powers. */
static void test_ptau_deterministic(void **state)
{
    (void)state;
    const char *a = tmp_path("det1.ptau"), *b = tmp_path("det2.ptau"), *c = tmp_path("det3.ptau");
    write_ptau(a, 6, "det", 1);
    size_t saved = zkbi_srs_chunk;
    zkbi_srs_chunk = 7;
    write_ptau(b, 6, "det", 3);
    zkbi_srs_chunk = saved;
    size_t la, lb;
    unsigned char *ba = read_all(a, &la), *bb = read_all(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    write_ptau(c, 3, "det", 2);
    ptau p6, p3;
    ptau_load(&p6, a);
    ptau_load(&p3, c);
    assert_memory_equal(p6.b + p6.off[2], p3.b + p3.off[2], p3.size[2]);
    /* the Lagrange sections of the common domains agree too (not 12's top) */
    assert_memory_equal(p6.b + p6.off[13], p3.b + p3.off[13], p3.size[13]);
    free(ba);
    free(bb);
    free(p6.b);
    free(p3.b);
}

static void test_bad_args(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(zkb_srs_write_ptau(tmp_path("x.ptau"), 0, "s", 1, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "power"));
    assert_int_equal(zkb_srs_write_ptau(tmp_path("x.ptau"), 28, "s", 1, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_srs_write_ptau(tmp_path("x.ptau"), 3, "", 1, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_srs_write_ptau(NULL, 3, "s", 1, NULL, 0), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_srs_write_ptau("/nonexistent-dir/x.ptau", 3, "s", 1, err, sizeof err), ZKB_ERR_IO);
    assert_non_null(strstr(err, "nonexistent"));
    assert_int_equal(access("/nonexistent-dir", F_OK), -1);
    assert_int_equal(zkb_srs_write_bb_crs(tmp_path("bb0"), 0, "s", 1, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_srs_write_bb_crs(tmp_path("bb0"), 4, NULL, 1, err, sizeof err), ZKB_ERR_INVALID_ARG);
}

static void test_bb_crs(void **state)
{
    (void)state;
    const char *dir = tmp_path("bb/crs");
    char err[256];
    assert_int_equal(zkb_srs_write_bb_crs(dir, 20, "bbseed", 2, err, sizeof err), ZKB_OK);
    char p1[200], p2[200];
    snprintf(p1, sizeof p1, "%s/bn254_g1.dat", dir);
    snprintf(p2, sizeof p2, "%s/bn254_g2.dat", dir);
    size_t l1, l2;
    unsigned char *b1 = read_all(p1, &l1), *b2 = read_all(p2, &l2);
    assert_int_equal(l1, 20 * 64);
    assert_int_equal(l2, 128);
    /* the generator (1, 2) as 32-byte big-endian integers */
    unsigned char gen[64] = {0};
    gen[31] = 1;
    gen[63] = 2;
    assert_memory_equal(b1, gen, 64);
    /* the same tau as the ptau of this seed: compare to its tauG1, tauG2 */
    const char *pt = tmp_path("bb.ptau");
    write_ptau(pt, 4, "bbseed", 1);
    ptau p;
    ptau_load(&p, pt);
    for (size_t i = 0; i < 20; i++) {
        zkbi_g1a a = {rd_fe_be_mont(b1 + i * 64), rd_fe_be_mont(b1 + i * 64 + 32)};
        zkbi_g1a want = rd_g1(p.b + p.off[2] + i * 64);
        assert_true(zkbi_g1_eq(&a, &want));
    }
    zkbi_g2a t2 = {{rd_fe_be_mont(b2), rd_fe_be_mont(b2 + 32)}, {rd_fe_be_mont(b2 + 64), rd_fe_be_mont(b2 + 96)}};
    zkbi_g2a want2 = rd_g2(p.b + p.off[3] + 128);
    assert_true(zkbi_g2_eq(&t2, &want2));
    free(b1);
    free(b2);
    free(p.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_known),     cmocka_unit_test(test_fr_known),
        cmocka_unit_test(test_fp2_known),    cmocka_unit_test(test_group_known),
        cmocka_unit_test(test_derive_known), cmocka_unit_test(test_ptau_layout),
        cmocka_unit_test(test_ptau_points),  cmocka_unit_test(test_ptau_lagrange),
        cmocka_unit_test(test_ptau_deterministic), cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_bb_crs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
