/* Template of the curve code, included by srs_g1.c and srs_g2.c with these
 * macros defined: P (prefix), A, J, T (types), F (field type) and the field
 * operations F_ADD, F_SUB, F_MUL, F_SQR, F_DBL, F_NEG, F_IS_ZERO, F_EQ, F_INV,
 * F_ONE (an lvalue-free expression of the Montgomery one), and CURVE_B(b)
 * which sets b to the curve constant. Formulas for a = 0 short Weierstrass
 * curves (dbl-2009-l, add-2007-bl, madd-2007-bl of the Explicit-Formulas
 * Database). */
#include <pthread.h>
#include <stdlib.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(P, name)

int FN(_is_inf)(const A *a) { return F_IS_ZERO(&a->x) && F_IS_ZERO(&a->y); }

void FN(_set_inf)(J *r)
{
    memset(r, 0, sizeof *r);
    r->x = F_ONE;
    r->y = F_ONE;
}

void FN(_from_affine)(J *r, const A *a)
{
    if (FN(_is_inf)(a)) {
        FN(_set_inf)(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    r->z = F_ONE;
}

void FN(_dbl)(J *r, const J *p)
{
    if (F_IS_ZERO(&p->z) || F_IS_ZERO(&p->y)) {
        FN(_set_inf)(r);
        return;
    }
    F a, b, c, d, e, f, t;
    F_SQR(&a, &p->x);
    F_SQR(&b, &p->y);
    F_SQR(&c, &b);
    F_ADD(&t, &p->x, &b);
    F_SQR(&t, &t);
    F_SUB(&t, &t, &a);
    F_SUB(&t, &t, &c);
    F_DBL(&d, &t);
    F_DBL(&e, &a);
    F_ADD(&e, &e, &a);
    F_SQR(&f, &e);
    F z3;
    F_MUL(&z3, &p->y, &p->z);
    F_DBL(&r->z, &z3);
    F x3;
    F_DBL(&t, &d);
    F_SUB(&x3, &f, &t);
    F_SUB(&t, &d, &x3);
    F_MUL(&t, &e, &t);
    F_DBL(&c, &c);
    F_DBL(&c, &c);
    F_DBL(&c, &c);
    F_SUB(&r->y, &t, &c);
    r->x = x3;
}

void FN(_madd)(J *r, const J *p, const A *q)
{
    if (FN(_is_inf)(q)) {
        *r = *p;
        return;
    }
    if (F_IS_ZERO(&p->z)) {
        FN(_from_affine)(r, q);
        return;
    }
    F z1z1, u2, s2, h, hh, i, j, rr, v, t;
    F_SQR(&z1z1, &p->z);
    F_MUL(&u2, &q->x, &z1z1);
    F_MUL(&s2, &q->y, &p->z);
    F_MUL(&s2, &s2, &z1z1);
    F_SUB(&h, &u2, &p->x);
    F_SUB(&rr, &s2, &p->y);
    if (F_IS_ZERO(&h)) {
        if (F_IS_ZERO(&rr))
            FN(_dbl)(r, p);
        else
            FN(_set_inf)(r);
        return;
    }
    F_DBL(&rr, &rr);
    F_SQR(&hh, &h);
    F_DBL(&i, &hh);
    F_DBL(&i, &i);
    F_MUL(&j, &h, &i);
    F_MUL(&v, &p->x, &i);
    F x3, y3, z3;
    F_SQR(&x3, &rr);
    F_SUB(&x3, &x3, &j);
    F_DBL(&t, &v);
    F_SUB(&x3, &x3, &t);
    F_SUB(&t, &v, &x3);
    F_MUL(&y3, &rr, &t);
    F_MUL(&t, &p->y, &j);
    F_DBL(&t, &t);
    F_SUB(&y3, &y3, &t);
    F_ADD(&z3, &p->z, &h);
    F_SQR(&z3, &z3);
    F_SUB(&z3, &z3, &z1z1);
    F_SUB(&z3, &z3, &hh);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

void FN(_add)(J *r, const J *p, const J *q)
{
    if (F_IS_ZERO(&p->z)) {
        *r = *q;
        return;
    }
    if (F_IS_ZERO(&q->z)) {
        *r = *p;
        return;
    }
    F z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    F_SQR(&z1z1, &p->z);
    F_SQR(&z2z2, &q->z);
    F_MUL(&u1, &p->x, &z2z2);
    F_MUL(&u2, &q->x, &z1z1);
    F_MUL(&s1, &p->y, &q->z);
    F_MUL(&s1, &s1, &z2z2);
    F_MUL(&s2, &q->y, &p->z);
    F_MUL(&s2, &s2, &z1z1);
    F_SUB(&h, &u2, &u1);
    F_SUB(&rr, &s2, &s1);
    if (F_IS_ZERO(&h)) {
        if (F_IS_ZERO(&rr))
            FN(_dbl)(r, p);
        else
            FN(_set_inf)(r);
        return;
    }
    F_DBL(&i, &h);
    F_SQR(&i, &i);
    F_MUL(&j, &h, &i);
    F_DBL(&rr, &rr);
    F_MUL(&v, &u1, &i);
    F x3, y3, z3;
    F_SQR(&x3, &rr);
    F_SUB(&x3, &x3, &j);
    F_DBL(&t, &v);
    F_SUB(&x3, &x3, &t);
    F_SUB(&t, &v, &x3);
    F_MUL(&y3, &rr, &t);
    F_MUL(&t, &s1, &j);
    F_DBL(&t, &t);
    F_SUB(&y3, &y3, &t);
    F_ADD(&z3, &p->z, &q->z);
    F_SQR(&z3, &z3);
    F_SUB(&z3, &z3, &z1z1);
    F_SUB(&z3, &z3, &z2z2);
    F_MUL(&z3, &z3, &h);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

void FN(_neg)(A *r, const A *a)
{
    r->x = a->x;
    F_NEG(&r->y, &a->y);
}

void FN(_to_affine)(A *r, const J *a)
{
    if (F_IS_ZERO(&a->z)) {
        memset(r, 0, sizeof *r);
        return;
    }
    F zi, zi2, zi3;
    F_INV(&zi, &a->z);
    F_SQR(&zi2, &zi);
    F_MUL(&zi3, &zi2, &zi);
    F_MUL(&r->x, &a->x, &zi2);
    F_MUL(&r->y, &a->y, &zi3);
}

void FN(_batch_to_affine)(A *out, const J *in, size_t n, F *scratch)
{
    F acc = F_ONE;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!F_IS_ZERO(&in[i].z))
            F_MUL(&acc, &acc, &in[i].z);
    }
    F_INV(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (F_IS_ZERO(&in[i].z)) {
            memset(&out[i], 0, sizeof out[i]);
            continue;
        }
        F zi, zi2, zi3;
        F_MUL(&zi, &acc, &scratch[i]);
        F_MUL(&acc, &acc, &in[i].z);
        F_SQR(&zi2, &zi);
        F_MUL(&zi3, &zi2, &zi);
        F_MUL(&out[i].y, &in[i].y, &zi3); /* out may alias nothing of in */
        F_MUL(&out[i].x, &in[i].x, &zi2);
    }
}

int FN(_on_curve)(const A *a)
{
    if (FN(_is_inf)(a))
        return 0;
    F l, rh, b;
    CURVE_B(b);
    F_SQR(&l, &a->y);
    F_SQR(&rh, &a->x);
    F_MUL(&rh, &rh, &a->x);
    F_ADD(&rh, &rh, &b);
    return F_EQ(&l, &rh);
}

int FN(_eq)(const A *a, const A *b) { return F_EQ(&a->x, &b->x) && F_EQ(&a->y, &b->y); }

void FN(_mul)(J *r, const A *a, const zkbi_fe *k)
{
    J acc;
    FN(_set_inf)(&acc);
    for (int i = 255; i >= 0; i--) {
        FN(_dbl)(&acc, &acc);
        if ((k->l[i / 64] >> (i % 64)) & 1)
            FN(_madd)(&acc, &acc, a);
    }
    *r = acc;
}

void FN(_table_free)(T *t)
{
    free(t->pts);
    t->pts = NULL;
}

typedef struct FN(_tjob) {
    T *t;
    const A *bases;
    unsigned first, step;
    int fail;
} FN(_tjob);

static void *FN(_table_worker)(void *arg)
{
    FN(_tjob) *jb = arg;
    T *t = jb->t;
    size_t per = ((size_t)1 << t->w) - 1;
    J *tmp = malloc(per * sizeof *tmp);
    F *scr = malloc(per * sizeof *scr);
    if (!tmp || !scr) {
        jb->fail = 1;
    } else {
        for (unsigned j = jb->first; j < t->nwin; j += jb->step) {
            FN(_from_affine)(&tmp[0], &jb->bases[j]);
            for (size_t d = 1; d < per; d++)
                FN(_madd)(&tmp[d], &tmp[d - 1], &jb->bases[j]);
            FN(_batch_to_affine)(t->pts + (size_t)j * per, tmp, per, scr);
        }
    }
    free(tmp);
    free(scr);
    return NULL;
}

int FN(_table_build)(T *t, const A *base, unsigned w, unsigned threads)
{
    if (w < 1 || w > 20)
        return -1;
    t->w = w;
    t->nwin = (254 + w - 1) / w;
    size_t per = ((size_t)1 << w) - 1;
    t->pts = malloc((size_t)t->nwin * per * sizeof *t->pts);
    A *bases = malloc(t->nwin * sizeof *bases);
    if (!t->pts || !bases) {
        free(bases);
        FN(_table_free)(t);
        return -1;
    }
    /* base_j = 2^(w j) * base */
    J cur;
    FN(_from_affine)(&cur, base);
    for (unsigned j = 0; j < t->nwin; j++) {
        FN(_to_affine)(&bases[j], &cur);
        for (unsigned s = 0; s < w; s++)
            FN(_dbl)(&cur, &cur);
    }
    if (threads < 1)
        threads = 1;
    if (threads > t->nwin)
        threads = t->nwin;
    FN(_tjob) jobs[64];
    pthread_t tid[64];
    int started[64] = {0};
    if (threads > 64)
        threads = 64;
    for (unsigned i = 0; i < threads; i++) {
        jobs[i] = (FN(_tjob)){.t = t, .bases = bases, .first = i, .step = threads};
        if (i > 0 && pthread_create(&tid[i], NULL, FN(_table_worker), &jobs[i]) == 0)
            started[i] = 1;
    }
    FN(_table_worker)(&jobs[0]);
    int fail = jobs[0].fail;
    for (unsigned i = 1; i < threads; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else /* could not start: do its share here */
            FN(_table_worker)(&jobs[i]);
        fail |= jobs[i].fail;
    }
    free(bases);
    if (fail) {
        FN(_table_free)(t);
        return -1;
    }
    return 0;
}

void FN(_table_mul)(J *r, const T *t, const zkbi_fe *k)
{
    J acc;
    FN(_set_inf)(&acc);
    size_t per = ((size_t)1 << t->w) - 1;
    uint64_t mask = ((uint64_t)1 << t->w) - 1;
    for (unsigned j = 0; j < t->nwin; j++) {
        unsigned bit = j * t->w;
        unsigned li = bit / 64, sh = bit % 64;
        uint64_t d = k->l[li] >> sh;
        if (sh + t->w > 64 && li < 3)
            d |= k->l[li + 1] << (64 - sh);
        d &= mask;
        if (d)
            FN(_madd)(&acc, &acc, &t->pts[(size_t)j * per + (d - 1)]);
    }
    *r = acc;
}

static inline uint64_t FN(_digit)(const zkbi_fe *k, unsigned j, unsigned w)
{
    unsigned bit = j * w;
    unsigned li = bit / 64, sh = bit % 64;
    uint64_t d = k->l[li] >> sh;
    if (sh + w > 64 && li < 3)
        d |= k->l[li + 1] << (64 - sh);
    return d & ((((uint64_t)1) << w) - 1);
}

/* acc[i] += q in affine coordinates when acc[i] = +-q (not reached for
 * scalars < r, kept for safety): doubling or infinity. */
static void FN(_slow_add)(A *acc, const A *q)
{
    J j;
    FN(_from_affine)(&j, acc);
    FN(_madd)(&j, &j, q);
    FN(_to_affine)(acc, &j);
}

void FN(_table_mul_batch)(A *acc, const T *t, const zkbi_fe *k, size_t n, F *den, F *pre, uint32_t *idx,
                          uint32_t *dg)
{
    memset(acc, 0, n * sizeof *acc);
    size_t per = ((size_t)1 << t->w) - 1;
    for (unsigned j = 0; j < t->nwin; j++) {
        const A *tab = t->pts + (size_t)j * per;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t d = FN(_digit)(&k[i], j, t->w);
            if (!d)
                continue;
            const A *q = &tab[d - 1];
            if (FN(_is_inf)(&acc[i])) {
                acc[i] = *q;
                continue;
            }
            idx[m] = (uint32_t)i;
            dg[m] = (uint32_t)(d - 1);
            F_SUB(&den[m], &q->x, &acc[i].x);
            m++;
        }
        if (!m)
            continue;
        F run = F_ONE;
        for (size_t s = 0; s < m; s++) {
            pre[s] = run;
            if (!F_IS_ZERO(&den[s]))
                F_MUL(&run, &run, &den[s]);
        }
        F_INV(&run, &run);
        for (size_t s = m; s-- > 0;) {
            A *a = &acc[idx[s]];
            const A *q = &tab[dg[s]];
            if (F_IS_ZERO(&den[s])) {
                FN(_slow_add)(a, q);
                continue;
            }
            F inv, lam, x3, t1;
            F_MUL(&inv, &run, &pre[s]);
            F_MUL(&run, &run, &den[s]);
            F_SUB(&lam, &q->y, &a->y);
            F_MUL(&lam, &lam, &inv);
            F_SQR(&x3, &lam);
            F_SUB(&x3, &x3, &a->x);
            F_SUB(&x3, &x3, &q->x);
            F_SUB(&t1, &a->x, &x3);
            F_MUL(&t1, &lam, &t1);
            F_SUB(&a->y, &t1, &a->y);
            a->x = x3;
        }
    }
}

#undef FN
#undef CAT
#undef CAT2
