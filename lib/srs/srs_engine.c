/* The generator's engine: segments of points cut into chunks; each worker
 * takes the next chunk, computes its scalars in Fr (powers of tau by
 * running products, Lagrange values by one batch inversion), multiplies the
 * generator by them with the fixed-base table, converts the chunk to affine
 * with one inversion, encodes it and pwrites it at its offset. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srs_int.h"
#include "zkmlbench/zkb_common.h"

#define CHUNK 8192

/* Points per chunk; tests lower it to exercise chunk boundaries. */
size_t zkbi_srs_chunk = CHUNK;

void zkbi_srs_errf(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

unsigned zkbi_srs_threads(unsigned requested)
{
    if (requested == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        requested = n > 0 ? (unsigned)n : 1;
    }
    return requested > 64 ? 64 : requested;
}

static void put_le(unsigned char *o, const zkbi_fe *a)
{
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 8; b++)
            o[i * 8 + b] = (unsigned char)(a->l[i] >> (8 * b));
}

static void put_be_canonical(unsigned char *o, const zkbi_fe *mont)
{
    zkbi_fe c;
    zkbi_fp_from_mont(&c, mont);
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 8; b++)
            o[(3 - i) * 8 + (7 - b)] = (unsigned char)(c.l[i] >> (8 * b));
}

static void put_fe(unsigned char *o, const zkbi_fe *a, int enc)
{
    if (enc == ZKBI_ENC_PTAU)
        put_le(o, a);
    else
        put_be_canonical(o, a);
}

void zkbi_srs_enc_g1(unsigned char *out, const zkbi_g1a *a, int enc)
{
    put_fe(out, &a->x, enc);
    put_fe(out + 32, &a->y, enc);
}

void zkbi_srs_enc_g2(unsigned char *out, const zkbi_g2a *a, int enc)
{
    put_fe(out, &a->x.c0, enc);
    put_fe(out + 32, &a->x.c1, enc);
    put_fe(out + 64, &a->y.c0, enc);
    put_fe(out + 96, &a->y.c1, enc);
}

/* Per-segment constants of the Lagrange rules. */
typedef struct seg_const {
    zkbi_fe omega; /* primitive 2^p-th root */
    zkbi_fe c;     /* coef * (tau^n - 1) / n */
    zkbi_fe d;     /* coef * tau^(n-1) / n (LAGZ) */
} seg_const;

typedef struct engine {
    int fd, enc, group;
    const zkbi_fe *tau;
    const zkbi_srs_seg *segs;
    const seg_const *sc;
    size_t nsegs;
    const zkbi_g1_table *t1;
    const zkbi_g2_table *t2;
    pthread_mutex_t mu;
    size_t seg_i;
    uint64_t seg_pos;
    int status;
    char err[256];
} engine;

typedef struct worker {
    engine *e;
    zkbi_fe *s, *w, *den, *scr;
    void *jac, *aff, *fscr; /* jac: the second field scratch of the batch additions */
    uint32_t *idx, *dg;
    unsigned char *bytes;
} worker;

static void fail(engine *e, int st, const char *msg, int eno)
{
    pthread_mutex_lock(&e->mu);
    if (e->status == ZKB_OK) {
        e->status = st;
        zkbi_srs_errf(e->err, sizeof e->err, "%s%s%s", msg, eno ? ": " : "", eno ? strerror(eno) : "");
    }
    pthread_mutex_unlock(&e->mu);
}

/* Next chunk of the current group; 0 when none is left. */
static int next_chunk(engine *e, size_t *si, uint64_t *start, uint64_t *n)
{
    int got = 0;
    pthread_mutex_lock(&e->mu);
    while (e->status == ZKB_OK && e->seg_i < e->nsegs) {
        const zkbi_srs_seg *sg = &e->segs[e->seg_i];
        if (sg->g2 != e->group || e->seg_pos >= sg->count) {
            e->seg_i++;
            e->seg_pos = 0;
            continue;
        }
        *si = e->seg_i;
        *start = e->seg_pos;
        uint64_t ch = zkbi_srs_chunk >= 1 && zkbi_srs_chunk <= CHUNK ? zkbi_srs_chunk : CHUNK;
        *n = sg->count - e->seg_pos < ch ? sg->count - e->seg_pos : ch;
        e->seg_pos += *n;
        got = 1;
        break;
    }
    pthread_mutex_unlock(&e->mu);
    return got;
}

static void scalars(const engine *e, const zkbi_srs_seg *sg, const seg_const *sc, uint64_t start, size_t n,
                    worker *wk)
{
    zkbi_fe *s = wk->s;
    if (sg->kind == ZKBI_SRS_POW) {
        zkbi_fe x;
        zkbi_fr_pow_u64(&x, e->tau, sg->first + start);
        zkbi_fr_mul(&x, &x, &sg->coef);
        for (size_t i = 0; i < n; i++) {
            s[i] = x;
            zkbi_fr_mul(&x, &x, e->tau);
        }
    } else {
        zkbi_fe w;
        zkbi_fr_pow_u64(&w, &sc->omega, start);
        for (size_t i = 0; i < n; i++) {
            wk->w[i] = w;
            zkbi_fr_sub(&wk->den[i], e->tau, &w);
            zkbi_fr_mul(&w, &w, &sc->omega);
        }
        zkbi_fr_batch_inv(wk->den, n, wk->scr);
        for (size_t i = 0; i < n; i++) {
            zkbi_fr_mul(&s[i], &wk->w[i], &wk->den[i]);
            zkbi_fr_mul(&s[i], &s[i], &sc->c);
            if (sg->kind == ZKBI_SRS_LAGZ) {
                zkbi_fe t;
                zkbi_fr_mul(&t, &wk->w[i], &sc->d);
                zkbi_fr_sub(&s[i], &s[i], &t);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        zkbi_fr_from_mont(&s[i], &s[i]);
}


int zkbi_srs_pwrite_all(int fd, const unsigned char *p, size_t n, uint64_t off)
{
    while (n) {
        ssize_t k = pwrite(fd, p, n, (off_t)off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

static void *work(void *arg)
{
    worker *wk = arg;
    engine *e = wk->e;
    size_t si;
    uint64_t start, n;
    while (next_chunk(e, &si, &start, &n)) {
        const zkbi_srs_seg *sg = &e->segs[si];
        scalars(e, sg, &e->sc[si], start, (size_t)n, wk);
        size_t psz = sg->g2 ? 128 : 64;
        if (!sg->g2) {
            zkbi_g1a *a = wk->aff;
            zkbi_g1_table_mul_batch(a, e->t1, wk->s, (size_t)n, wk->fscr, wk->jac, wk->idx, wk->dg);
            for (size_t i = 0; i < n; i++)
                zkbi_srs_enc_g1(wk->bytes + i * psz, &a[i], e->enc);
        } else {
            zkbi_g2a *a = wk->aff;
            zkbi_g2_table_mul_batch(a, e->t2, wk->s, (size_t)n, wk->fscr, wk->jac, wk->idx, wk->dg);
            for (size_t i = 0; i < n; i++)
                zkbi_srs_enc_g2(wk->bytes + i * psz, &a[i], e->enc);
        }
        if (zkbi_srs_pwrite_all(e->fd, wk->bytes, (size_t)n * psz, sg->off + start * psz) != 0) {
            fail(e, ZKB_ERR_IO, "write", errno);
            break;
        }
    }
    return NULL;
}

static void worker_free(worker *w)
{
    free(w->s);
    free(w->w);
    free(w->den);
    free(w->scr);
    free(w->jac);
    free(w->aff);
    free(w->fscr);
    free(w->bytes);
    free(w->idx);
    free(w->dg);
}

static int worker_init(worker *w, engine *e)
{
    memset(w, 0, sizeof *w);
    w->e = e;
    w->s = malloc(CHUNK * sizeof *w->s);
    w->w = malloc(CHUNK * sizeof *w->w);
    w->den = malloc(CHUNK * sizeof *w->den);
    w->scr = malloc(CHUNK * sizeof *w->scr);
    w->jac = malloc(CHUNK * sizeof(zkbi_fe2));
    w->aff = malloc(CHUNK * sizeof(zkbi_g2a));
    w->fscr = malloc(CHUNK * sizeof(zkbi_fe2));
    w->bytes = malloc(CHUNK * 128);
    w->idx = malloc(CHUNK * sizeof *w->idx);
    w->dg = malloc(CHUNK * sizeof *w->dg);
    if (!w->s || !w->w || !w->den || !w->scr || !w->jac || !w->aff || !w->fscr || !w->bytes || !w->idx ||
        !w->dg) {
        worker_free(w);
        return -1;
    }
    return 0;
}

static void run_group(worker *wk, unsigned threads)
{
    pthread_t tid[64];
    int started[64] = {0};
    for (unsigned i = 1; i < threads; i++)
        started[i] = pthread_create(&tid[i], NULL, work, &wk[i]) == 0;
    work(&wk[0]);
    for (unsigned i = 1; i < threads; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
}

int zkbi_srs_run(int fd, const zkbi_fe *tau, zkbi_srs_seg *segs, size_t nsegs, int enc, unsigned threads,
                 char *err, size_t errcap)
{
    threads = zkbi_srs_threads(threads);
    engine e = {.fd = fd, .enc = enc, .tau = tau, .segs = segs, .nsegs = nsegs, .status = ZKB_OK};
    seg_const *sc = calloc(nsegs ? nsegs : 1, sizeof *sc);
    worker wk[64];
    unsigned nw = 0;
    if (!sc) {
        zkbi_srs_errf(err, errcap, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    e.sc = sc;
    uint64_t count[2] = {0, 0};
    for (size_t i = 0; i < nsegs; i++) {
        count[segs[i].g2 ? 1 : 0] += segs[i].count;
        if (segs[i].kind == ZKBI_SRS_POW)
            continue;
        uint64_t n = (uint64_t)1 << segs[i].p;
        zkbi_fe nf, ninv, tn, t;
        zkbi_fr_root_of_unity(&sc[i].omega, segs[i].p);
        zkbi_fr_set_u64(&nf, n);
        zkbi_fr_inv(&ninv, &nf);
        zkbi_fr_pow_u64(&tn, tau, n);
        zkbi_fr_sub(&t, &tn, &zkbi_fr_r1);
        zkbi_fr_mul(&t, &t, &ninv);
        zkbi_fr_mul(&sc[i].c, &t, &segs[i].coef);
        zkbi_fr_pow_u64(&t, tau, n - 1);
        zkbi_fr_mul(&t, &t, &ninv);
        zkbi_fr_mul(&sc[i].d, &t, &segs[i].coef);
    }
    pthread_mutex_init(&e.mu, NULL);
    for (; nw < threads; nw++)
        if (worker_init(&wk[nw], &e) != 0)
            break;
    int st = ZKB_OK;
    if (nw == 0) {
        st = ZKB_ERR_NOMEM;
        zkbi_srs_errf(err, errcap, "out of memory");
    }
    for (int g = 0; g < 2 && st == ZKB_OK; g++) {
        if (!count[g])
            continue;
        zkbi_g1_table t1 = {0};
        zkbi_g2_table t2 = {0};
        unsigned w = zkbi_srs_pick_window(count[g], 16);
        zkbi_g1a g1;
        zkbi_g2a g2;
        int rc;
        if (g == 0) {
            zkbi_g1_generator(&g1);
            rc = zkbi_g1_table_build(&t1, &g1, w, nw);
        } else {
            zkbi_g2_generator(&g2);
            rc = zkbi_g2_table_build(&t2, &g2, w, nw);
        }
        if (rc != 0) {
            st = ZKB_ERR_NOMEM;
            zkbi_srs_errf(err, errcap, "out of memory (fixed-base table, window %u)", w);
            break;
        }
        e.group = g;
        e.t1 = &t1;
        e.t2 = &t2;
        e.seg_i = 0;
        e.seg_pos = 0;
        run_group(wk, nw);
        zkbi_g1_table_free(&t1);
        zkbi_g2_table_free(&t2);
        if (e.status != ZKB_OK) {
            st = e.status;
            zkbi_srs_errf(err, errcap, "%s", e.err);
        }
    }
    for (unsigned i = 0; i < nw; i++)
        worker_free(&wk[i]);
    pthread_mutex_destroy(&e.mu);
    free(sc);
    return st;
}
