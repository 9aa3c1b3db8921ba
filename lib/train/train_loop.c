/* Trainer: minibatch loop (seeded shuffle and augmentation), softmax
 * cross-entropy, SGD/Adam with a learning-rate schedule, and the fixed
 * slicing of each batch that keeps threaded training deterministic. */
#include "train_int.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define ZKBI_HAVE_MXCSR 1
#endif

#define SLICES_MAX 64u

typedef struct slice_ws {
    float **act;  /* n_layers + 1 activations: input, then each layer's output */
    float **grad; /* their gradients */
    float *g;     /* parameter gradients, flat (trainer.woff/boff) */
    float *scratch; /* the largest zkbi_tl_scratch of the layers */
    double loss;
    size_t correct;
    size_t lo, hi; /* positions in the current batch */
} slice_ws;

typedef struct trainer {
    const zkbi_train_spec *spec;
    zkb_model *m;
    const zkbi_train_data *data;
    size_t F;        /* features per sample */
    size_t P;        /* parameters */
    size_t *woff;    /* per layer: offset of the weights in the flat arrays */
    size_t *boff;    /* and of the biases */
    uint32_t first;  /* first layer with parameters (no dx needed up to it) */
    uint32_t S;      /* slices */
    slice_ws *ws;
    const uint32_t *batch; /* sample indices of the current batch */
    uint32_t epoch;
} trainer;

/* Denormal floats (weights and Adam moments that decay towards zero) are
 * ~100x slower on x86: training runs with flush-to-zero and
 * denormals-are-zero. The mode is fixed, so results stay reproducible. */
static unsigned fp_fast_begin(void)
{
#ifdef ZKBI_HAVE_MXCSR
    unsigned old = _mm_getcsr();
    _mm_setcsr(old | 0x8040u); /* FTZ (bit 15) | DAZ (bit 6) */
    return old;
#else
    return 0;
#endif
}

static void fp_fast_end(unsigned old)
{
#ifdef ZKBI_HAVE_MXCSR
    _mm_setcsr(old);
#else
    (void)old;
#endif
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Input of sample idx in this epoch: a copy, or a random translation. */
static void load_input(const trainer *t, uint32_t idx, float *dst)
{
    const zkbi_train_data *d = t->data;
    const float *src = d->x + (size_t)idx * t->F;
    uint32_t sh = t->spec->shift;
    if (!sh || d->h < 2 || d->w < 2) {
        memcpy(dst, src, t->F * sizeof *dst);
        return;
    }
    uint64_t s = t->spec->seed ^ UINT64_C(0x6175676d656e7421); /* "augment!" */
    s += (uint64_t)(t->epoch + 1) * UINT64_C(0xD1B54A32D192ED03);
    s ^= (uint64_t)idx * UINT64_C(0xABC98388FB8FAC03);
    zkbi_rng_next(&s);
    int dy = (int)zkbi_rng_below(&s, 2 * (uint64_t)sh + 1) - (int)sh;
    int dx = (int)zkbi_rng_below(&s, 2 * (uint64_t)sh + 1) - (int)sh;
    int H = (int)d->h, W = (int)d->w;
    for (uint32_t c = 0; c < d->c; c++)
        for (int y = 0; y < H; y++) {
            float *o = dst + ((size_t)c * H + y) * W;
            int sy = y - dy;
            if (sy < 0 || sy >= H) {
                memset(o, 0, (size_t)W * sizeof *o);
                continue;
            }
            const float *in = src + ((size_t)c * H + sy) * W;
            for (int x = 0; x < W; x++) {
                int sx = x - dx;
                o[x] = sx >= 0 && sx < W ? in[sx] : 0.0f;
            }
        }
}

static uint32_t argmax(const float *z, uint32_t n)
{
    uint32_t b = 0;
    for (uint32_t k = 1; k < n; k++)
        if (z[k] > z[b])
            b = k;
    return b;
}

static void run_slice(trainer *t, slice_ws *w)
{
    const zkb_model *m = t->m;
    uint32_t L = m->n_layers;
    memset(w->g, 0, t->P * sizeof *w->g);
    w->loss = 0;
    w->correct = 0;
    for (size_t k = w->lo; k < w->hi; k++) {
        uint32_t idx = t->batch[k];
        int32_t label = t->data->y[idx];
        load_input(t, idx, w->act[0]);
        for (uint32_t l = 0; l < L; l++)
            zkbi_tl_forward(&m->layers[l].d, m->layers[l].w, m->layers[l].b, w->act[l],
                            w->act[l + 1], w->scratch);
        w->loss += zkbi_tl_softmax_xent(w->act[L], m->classes, label, w->grad[L]);
        if ((int32_t)argmax(w->act[L], m->classes) == label)
            w->correct++;
        for (uint32_t l = L; l-- > t->first;)
            zkbi_tl_backward(&m->layers[l].d, m->layers[l].w, w->act[l], w->act[l + 1],
                             w->grad[l + 1], l > t->first ? w->grad[l] : NULL,
                             w->g + t->woff[l], w->g + t->boff[l], w->scratch);
    }
}

/* A persistent pool: threads 1..T-1 wait for a new batch (gen), compute
 * slices i, i+T, i+2T, ... and report; the calling thread does slices 0, T,
 * ... itself. Which thread computes a slice never matters for the result. */
#define POOL_MAX 64u

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen;
    uint32_t pending, T, n_started;
    int quit;
    trainer *t;
    pthread_t tid[POOL_MAX];
    uint32_t idx[POOL_MAX];
} pool;

typedef struct pool_arg {
    pool *p;
    uint32_t i;
} pool_arg;

static void run_share(trainer *t, uint32_t i, uint32_t T)
{
    for (uint32_t s = i; s < t->S; s += T)
        run_slice(t, &t->ws[s]);
}

static void *pool_worker(void *arg)
{
    pool *p = ((pool_arg *)arg)->p;
    uint32_t i = ((pool_arg *)arg)->i;
    unsigned fp = fp_fast_begin();
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->gen;
        uint32_t T = p->T;
        pthread_mutex_unlock(&p->mu);
        run_share(p->t, i, T);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    fp_fast_end(fp);
    return NULL;
}

/* Start up to threads-1 workers (fewer if the trainer has fewer slices or a
 * thread cannot be created: the result is the same). */
static int pool_start(pool *p, trainer *t, uint32_t threads, pool_arg *args)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    p->T = 1;
    if (pthread_mutex_init(&p->mu, NULL))
        return -1;
    if (pthread_cond_init(&p->go, NULL)) {
        pthread_mutex_destroy(&p->mu);
        return -1;
    }
    if (pthread_cond_init(&p->done, NULL)) {
        pthread_cond_destroy(&p->go);
        pthread_mutex_destroy(&p->mu);
        return -1;
    }
    uint32_t T = threads < 1 ? 1 : threads > POOL_MAX ? POOL_MAX : threads;
    if (T > t->S)
        T = t->S;
    for (uint32_t i = 1; i < T; i++) {
        args[i] = (pool_arg){p, i};
        if (pthread_create(&p->tid[i], NULL, pool_worker, &args[i]) != 0)
            break;
        p->n_started = i;
    }
    p->T = p->n_started + 1;
    return 0;
}

static void pool_stop(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (uint32_t i = 1; i <= p->n_started; i++)
        pthread_join(p->tid[i], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
}

/* Every slice of the current batch. */
static void run_batch(pool *p)
{
    if (p->T > 1) {
        pthread_mutex_lock(&p->mu);
        p->gen++;
        p->pending = p->T - 1;
        pthread_cond_broadcast(&p->go);
        pthread_mutex_unlock(&p->mu);
    }
    run_share(p->t, 0, p->T);
    if (p->T > 1) {
        pthread_mutex_lock(&p->mu);
        while (p->pending)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

static float sched_lr(const zkbi_train_spec *sp, uint64_t step, uint64_t total)
{
    double lr = sp->lr;
    if (sp->warmup && step < sp->warmup)
        lr *= (double)(step + 1) / (double)sp->warmup;
    if (sp->schedule == ZKBI_SCHED_COSINE && total > 1) {
        double f = sp->lr_final_frac;
        double c = 0.5 * (1.0 + cos(M_PI * (double)step / (double)(total - 1)));
        lr *= f + (1.0 - f) * c;
    }
    return (float)lr;
}

typedef struct opt_state {
    float *m1, *m2;
    uint64_t t;
} opt_state;

/* One update of every parameter from g (sum over nb samples). */
static void opt_step(trainer *t, opt_state *o, const float *g, size_t nb, float lr)
{
    const zkbi_train_spec *sp = t->spec;
    float inv = 1.0f / (float)nb;
    float wd = (float)sp->weight_decay;
    o->t++;
    float b1 = (float)(sp->beta1 > 0 ? sp->beta1 : 0.9);
    float b2 = (float)(sp->beta2 > 0 ? sp->beta2 : 0.999);
    float eps = (float)(sp->eps > 0 ? sp->eps : 1e-8);
    float c1 = (float)(1.0 / (1.0 - pow((double)b1, (double)o->t)));
    float c2 = (float)(1.0 / (1.0 - pow((double)b2, (double)o->t)));
    float mom = (float)sp->momentum;
    for (uint32_t l = 0; l < t->m->n_layers; l++) {
        zkbi_layer *L = &t->m->layers[l];
        for (int part = 0; part < 2; part++) {
            size_t n = part ? L->d.n_bias : L->d.n_weights;
            size_t off = part ? t->boff[l] : t->woff[l];
            float *p = part ? L->b : L->w;
            float lwd = part ? 0.0f : wd;
            const float *gp = g + off;
            float *m1 = o->m1 + off, *m2 = o->m2 + off;
            if (sp->optimizer == ZKBI_OPT_SGD) {
                for (size_t i = 0; i < n; i++) {
                    float gi = gp[i] * inv + lwd * p[i];
                    m1[i] = mom * m1[i] + gi;
                    p[i] -= lr * m1[i];
                }
            } else {
                for (size_t i = 0; i < n; i++) {
                    float gi = gp[i] * inv + lwd * p[i];
                    m1[i] = b1 * m1[i] + (1.0f - b1) * gi;
                    m2[i] = b2 * m2[i] + (1.0f - b2) * gi * gi;
                    p[i] -= lr * (m1[i] * c1) / (sqrtf(m2[i] * c2) + eps);
                }
            }
        }
    }
}

/* Quick accuracy with the trainer's own float forward (for progress lines). */
static size_t quick_correct(trainer *t, const zkbi_train_data *d)
{
    slice_ws *w = &t->ws[0];
    const zkb_model *m = t->m;
    size_t c = 0;
    for (size_t i = 0; i < d->count; i++) {
        memcpy(w->act[0], d->x + i * t->F, t->F * sizeof(float));
        for (uint32_t l = 0; l < m->n_layers; l++)
            zkbi_tl_forward(&m->layers[l].d, m->layers[l].w, m->layers[l].b, w->act[l],
                            w->act[l + 1], w->scratch);
        if ((int32_t)argmax(w->act[m->n_layers], m->classes) == d->y[i])
            c++;
    }
    return c;
}

static void free_trainer(trainer *t)
{
    if (t->ws)
        for (uint32_t s = 0; s < t->S; s++) {
            slice_ws *w = &t->ws[s];
            if (w->act)
                for (uint32_t l = 0; l <= t->m->n_layers; l++)
                    free(w->act[l]);
            if (w->grad)
                for (uint32_t l = 0; l <= t->m->n_layers; l++)
                    free(w->grad[l]);
            free(w->act);
            free(w->grad);
            free(w->g);
            free(w->scratch);
        }
    free(t->ws);
    free(t->woff);
    free(t->boff);
}

static zkb_status check_data(const zkbi_train_data *d, const char *what, char *err,
                             size_t errlen)
{
    if (!d->x || !d->y || d->count < 1 || d->count > UINT32_MAX || d->classes < 1) {
        zkbi_errf(err, errlen, "%s data: empty or missing arrays", what);
        return ZKB_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < d->count; i++)
        if (d->y[i] < 0 || (uint32_t)d->y[i] >= d->classes) {
            zkbi_errf(err, errlen, "%s data: label %" PRId32 " of sample %zu is not in 0..%" PRIu32,
                      what, d->y[i], i, d->classes - 1);
            return ZKB_ERR_INVALID_ARG;
        }
    return ZKB_OK;
}

zkb_status zkbi_train_arrays(const zkbi_train_spec *spec, const zkbi_train_data *train,
                             const zkbi_train_data *test, zkb_model **out,
                             zkbi_train_report *rep, char *err, size_t errlen)
{
    zkb_status st;
    trainer t;
    memset(&t, 0, sizeof t);
    uint32_t *perm = NULL;
    opt_state o = {NULL, NULL, 0};
    zkb_model *m = NULL;
    double t0 = now_s();

    if (!spec || !train || !out) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    if (spec->epochs < 1 || spec->batch < 1 || !(spec->lr > 0) ||
        (spec->optimizer != ZKBI_OPT_SGD && spec->optimizer != ZKBI_OPT_ADAM) ||
        spec->slices > SLICES_MAX) {
        zkbi_errf(err, errlen,
                  "bad spec: epochs and batch must be >= 1, lr > 0, optimizer sgd or adam, "
                  "slices <= %u",
                  SLICES_MAX);
        return ZKB_ERR_INVALID_ARG;
    }
    for (uint32_t i = 0; i < spec->n_layers && i < ZKBI_TRAIN_LAYERS_MAX; i++)
        if (spec->layers[i].op == ZKB_OP_CONV2D && (spec->layers[i].kh < 1 || spec->layers[i].kw < 1)) {
            zkbi_errf(err, errlen, "layer %" PRIu32 ": conv2d needs a kernel", i);
            return ZKB_ERR_INVALID_ARG;
        }
    if ((st = check_data(train, "train", err, errlen)) != ZKB_OK)
        return st;
    if (test && (st = check_data(test, "test", err, errlen)) != ZKB_OK)
        return st;
    if (test && (test->c != train->c || test->h != train->h || test->w != train->w ||
                 test->classes != train->classes)) {
        zkbi_errf(err, errlen, "train and test data differ in shape or classes");
        return ZKB_ERR_INVALID_ARG;
    }
    if ((st = zkbi_train_skeleton(spec, train->c, train->h, train->w, train->classes, &m, err,
                                  errlen)) != ZKB_OK)
        return st;
    zkbi_train_init_weights(m, spec->seed);

    t.spec = spec;
    t.m = m;
    t.data = train;
    t.F = (size_t)train->c * train->h * train->w;
    t.S = spec->slices ? spec->slices : 2;
    uint32_t L = m->n_layers;
    t.woff = calloc(L, sizeof *t.woff);
    t.boff = calloc(L, sizeof *t.boff);
    t.ws = calloc(t.S, sizeof *t.ws);
    perm = malloc(train->count * sizeof *perm);
    if (!t.woff || !t.boff || !t.ws || !perm)
        goto nomem;
    t.first = L;
    for (uint32_t l = 0; l < L; l++) {
        t.woff[l] = t.P;
        t.P += m->layers[l].d.n_weights;
        t.boff[l] = t.P;
        t.P += m->layers[l].d.n_bias;
        if (m->layers[l].d.n_weights && t.first == L)
            t.first = l;
    }
    if (t.first == L) {
        zkbi_errf(err, errlen, "the model has no layer with parameters");
        st = ZKB_ERR_INVALID_ARG;
        goto fail;
    }
    for (uint32_t s = 0; s < t.S; s++) {
        slice_ws *w = &t.ws[s];
        w->act = calloc(L + 1, sizeof *w->act);
        w->grad = calloc(L + 1, sizeof *w->grad);
        w->g = malloc(t.P * sizeof *w->g);
        size_t sc = 1;
        for (uint32_t l = 0; l < L; l++)
            if (zkbi_tl_scratch(&m->layers[l].d) > sc)
                sc = zkbi_tl_scratch(&m->layers[l].d);
        w->scratch = malloc(sc * sizeof *w->scratch);
        if (!w->act || !w->grad || !w->g || !w->scratch)
            goto nomem;
        for (uint32_t l = 0; l <= L; l++) {
            size_t n = l == 0 ? t.F
                              : (size_t)m->layers[l - 1].d.out_c * m->layers[l - 1].d.out_h *
                                    m->layers[l - 1].d.out_w;
            w->act[l] = malloc(n * sizeof(float));
            w->grad[l] = malloc(n * sizeof(float));
            if (!w->act[l] || !w->grad[l])
                goto nomem;
        }
    }
    o.m1 = calloc(t.P, sizeof *o.m1);
    o.m2 = calloc(t.P, sizeof *o.m2);
    if (!o.m1 || !o.m2)
        goto nomem;

    size_t N = train->count, B = spec->batch;
    uint64_t steps_per_epoch = (N + B - 1) / B;
    uint64_t total = steps_per_epoch * spec->epochs, step = 0;
    uint64_t shuf = spec->seed ^ UINT64_C(0x73687566666c6521); /* "shuffle!" */
    for (size_t i = 0; i < N; i++)
        perm[i] = (uint32_t)i;
    double last_loss = 0, last_acc = 0;
    pool pl;
    pool_arg pargs[POOL_MAX];
    if (pool_start(&pl, &t, spec->threads, pargs) != 0) {
        zkbi_errf(err, errlen, "cannot create the thread pool");
        st = ZKB_ERR_NOMEM;
        goto fail;
    }
    unsigned fp = fp_fast_begin();
    for (uint32_t ep = 0; ep < spec->epochs; ep++) {
        t.epoch = ep;
        for (size_t i = N; i > 1; i--) {
            size_t j = (size_t)zkbi_rng_below(&shuf, i);
            uint32_t tmp = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = tmp;
        }
        double loss = 0;
        size_t correct = 0;
        for (size_t b0 = 0; b0 < N; b0 += B, step++) {
            size_t nb = N - b0 < B ? N - b0 : B;
            t.batch = perm + b0;
            for (uint32_t s = 0; s < t.S; s++) {
                t.ws[s].lo = nb * s / t.S;
                t.ws[s].hi = nb * (s + 1) / t.S;
            }
            run_batch(&pl);
            float *g = t.ws[0].g;
            for (uint32_t s = 1; s < t.S; s++) {
                const float *gs = t.ws[s].g;
                for (size_t i = 0; i < t.P; i++)
                    g[i] += gs[i];
            }
            for (uint32_t s = 0; s < t.S; s++) {
                loss += t.ws[s].loss;
                correct += t.ws[s].correct;
            }
            opt_step(&t, &o, g, nb, sched_lr(spec, step, total));
        }
        last_loss = loss / (double)N;
        last_acc = 100.0 * (double)correct / (double)N;
        if (!isfinite(last_loss)) {
            zkbi_errf(err, errlen, "training diverged in epoch %" PRIu32 " (loss is not finite)",
                      ep + 1);
            st = ZKB_ERR_INTERNAL;
            fp_fast_end(fp);
            pool_stop(&pl);
            goto fail;
        }
        if (spec->log) {
            char msg[256];
            int k = snprintf(msg, sizeof msg,
                             "%s: epoch %" PRIu32 "/%" PRIu32 " loss %.4f train %.2f%%",
                             m->name, ep + 1, spec->epochs, last_loss, last_acc);
            if (spec->log_test && test && k > 0 && (size_t)k < sizeof msg)
                snprintf(msg + k, sizeof msg - (size_t)k, " test %.2f%%",
                         100.0 * (double)quick_correct(&t, test) / (double)test->count);
            spec->log(spec->log_user, msg);
        }
    }

    fp_fast_end(fp);
    pool_stop(&pl);
    char why[512];
    if ((st = zkbi_model_finish(m, why, sizeof why)) != ZKB_OK) {
        zkbi_errf(err, errlen, "%s", why);
        goto fail;
    }
    size_t test_correct = 0;
    if (test && (st = zkbi_train_count_correct(m, test, spec->threads, &test_correct, err,
                                               errlen)) != ZKB_OK)
        goto fail;
    if (!(m->metadata = zkbi_train_metadata(spec, m, train, test, test_correct)))
        goto nomem;
    if (rep) {
        rep->train_accuracy = last_acc;
        rep->final_loss = last_loss;
        rep->test_accuracy = test ? 100.0 * (double)test_correct / (double)test->count : -1.0;
        rep->params = m->n_params;
        rep->seconds = now_s() - t0;
    }
    *out = m;
    m = NULL;
    st = ZKB_OK;
    goto done;
nomem:
    zkbi_errf(err, errlen, "out of memory");
    st = ZKB_ERR_NOMEM;
fail:
done:
    free_trainer(&t);
    free(o.m1);
    free(o.m2);
    free(perm);
    zkb_model_free(m);
    return st;
}

static void view(const zkb_dataset *ds, zkbi_train_data *d)
{
    memset(d, 0, sizeof *d);
    d->name = zkb_dataset_name(ds);
    d->split = zkb_dataset_split(ds);
    d->x = zkb_dataset_data(ds);
    d->y = zkb_dataset_labels(ds);
    d->count = zkb_dataset_count(ds);
    zkb_dataset_shape(ds, &d->c, &d->h, &d->w);
    d->classes = zkb_dataset_classes(ds);
}

zkb_status zkbi_train(const zkbi_train_spec *spec, const zkb_dataset *train,
                      const zkb_dataset *test, zkb_model **out, zkbi_train_report *rep,
                      char *err, size_t errlen)
{
    if (!train) {
        zkbi_errf(err, errlen, "invalid argument (NULL training set)");
        return ZKB_ERR_INVALID_ARG;
    }
    zkbi_train_data tr, te;
    view(train, &tr);
    if (test)
        view(test, &te);
    return zkbi_train_arrays(spec, &tr, test ? &te : NULL, out, rep, err, errlen);
}
