/* The trainer (lib/train*.c): each layer's backward pass against finite
 * differences, softmax cross-entropy, determinism (same seed -> same bytes,
 * whatever the thread count), a separable problem learnt to 100%, the JSON
 * writer round trip, bad specs, and the zoo's parameter counts.
 *
 * Not a test: `test_train --zoo OUTDIR [options] [model...]` trains the zoo
 * (docs/training.md) and writes OUTDIR/<model>.json. */
#include "zkbt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval/eval_int.h"
#include "train/train_int.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkmlbench.h"

/* ---- gradient checks ------------------------------------------------------------ */

static float urand(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * zkbi_rng_unit(s);
}

/* Random value with |v| in [0.2, 1]: away from ReLU's kink. */
static float away(uint64_t *s)
{
    float v = urand(s, 0.2f, 1.0f);
    return zkbi_rng_next(s) & 1 ? v : -v;
}

static float scratch[4096];

static double loss_of(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                      const float *r, float *y)
{
    zkbi_tl_forward(d, w, b, x, y, scratch);
    size_t n = (size_t)d->out_c * d->out_h * d->out_w;
    double l = 0;
    for (size_t i = 0; i < n; i++)
        l += (double)r[i] * (double)y[i];
    return l;
}

static void check_close(const char *what, size_t i, double analytic, double numeric)
{
    double tol = 2e-3 + 2e-3 * fabs(numeric);
    if (fabs(analytic - numeric) > tol)
        fail_msg("%s[%zu]: analytic %.6g, numeric %.6g", what, i, analytic, numeric);
}

/* Loss = sum r * layer(x); compares dL/dx, dL/dw, dL/db with central
 * differences. */
static void gradcheck(zkb_layer_desc d, uint32_t c, uint32_t h, uint32_t w_, int flat)
{
    zkbi_shape s = {c, h, w_, flat};
    uint64_t macs;
    char err[256];
    assert_int_equal(zkbi_layer_infer(&d, &s, &macs, err, sizeof err), ZKB_OK);
    size_t nin = (size_t)d.in_c * d.in_h * d.in_w, nout = (size_t)d.out_c * d.out_h * d.out_w;
    size_t nw = d.n_weights, nb = d.n_bias;
    float *x = calloc(nin, sizeof *x), *y = calloc(nout, sizeof *y), *r = calloc(nout, 4);
    float *dx = calloc(nin, 4), *w = calloc(nw + 1, 4), *b = calloc(nb + 1, 4);
    float *dw = calloc(nw + 1, 4), *db = calloc(nb + 1, 4);
    assert_non_null(x && y && r && dx && w && b && dw && db);
    uint64_t rs = 12345;
    for (size_t i = 0; i < nin; i++)
        x[i] = away(&rs);
    if (d.op == ZKB_OP_MAXPOOL2D) /* distinct values, gaps > 2h */
        for (size_t i = 0; i < nin; i++)
            x[i] = (float)((i * 37) % nin) * 0.05f - 1.0f;
    for (size_t i = 0; i < nw; i++)
        w[i] = urand(&rs, -1, 1);
    for (size_t i = 0; i < nb; i++)
        b[i] = urand(&rs, -1, 1);
    for (size_t i = 0; i < nout; i++)
        r[i] = urand(&rs, -1, 1);
    assert_true(zkbi_tl_scratch(&d) <= sizeof scratch / sizeof scratch[0]);
    zkbi_tl_forward(&d, w, b, x, y, scratch);
    zkbi_tl_backward(&d, w, x, y, r, dx, dw, db, scratch);
    const float h_ = 1e-2f;
    struct {
        const char *name;
        float *p, *g;
        size_t n;
    } parts[3] = {{"dx", x, dx, nin}, {"dw", w, dw, nw}, {"db", b, db, nb}};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < parts[k].n; i++) {
            float keep = parts[k].p[i];
            parts[k].p[i] = keep + h_;
            double lp = loss_of(&d, w, b, x, r, y);
            parts[k].p[i] = keep - h_;
            double lm = loss_of(&d, w, b, x, r, y);
            parts[k].p[i] = keep;
            double num = (lp - lm) / (2.0 * (double)h_);
            check_close(parts[k].name, i, parts[k].g[i], num);
        }
    /* dw/db accumulate: a second backward doubles them */
    if (nw) {
        float g0 = dw[0];
        zkbi_tl_backward(&d, w, x, y, r, dx, dw, db, scratch);
        assert_true(fabsf(dw[0] - 2 * g0) <= 1e-5f * (1 + fabsf(g0)));
    }
    free(x), free(y), free(r), free(dx), free(w), free(b), free(dw), free(db);
}

static zkb_layer_desc desc(uint32_t op)
{
    zkb_layer_desc d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.op = op;
    return d;
}

static void test_grad_dense(void **state)
{
    (void)state;
    zkb_layer_desc d = desc(ZKB_OP_DENSE);
    d.out_w = 5;
    gradcheck(d, 1, 1, 11, 1);
}

static void test_grad_conv(void **state)
{
    (void)state;
    zkb_layer_desc d = desc(ZKB_OP_CONV2D);
    d.out_c = 3;
    d.kernel_h = 3;
    d.kernel_w = 2;
    d.stride_h = d.stride_w = 1;
    gradcheck(d, 2, 6, 13, 0);
    d = desc(ZKB_OP_CONV2D); /* stride 2, the general path */
    d.out_c = 2;
    d.kernel_h = d.kernel_w = 3;
    d.stride_h = d.stride_w = 2;
    gradcheck(d, 2, 7, 7, 0);
}

static void test_grad_pools(void **state)
{
    (void)state;
    zkb_layer_desc d = desc(ZKB_OP_AVGPOOL2D);
    d.kernel_h = d.kernel_w = d.stride_h = d.stride_w = 2;
    gradcheck(d, 3, 6, 5, 0);
    d = desc(ZKB_OP_MAXPOOL2D);
    d.kernel_h = d.kernel_w = d.stride_h = d.stride_w = 2;
    gradcheck(d, 2, 4, 6, 0);
}

static void test_grad_relu_flatten(void **state)
{
    (void)state;
    gradcheck(desc(ZKB_OP_RELU), 2, 3, 4, 0);
    gradcheck(desc(ZKB_OP_RELU), 1, 1, 9, 1);
    gradcheck(desc(ZKB_OP_FLATTEN), 2, 3, 4, 0);
}

/* pad2d: forward copies into the middle, backward crops the gradient */
static void test_grad_pad2d(void **state)
{
    (void)state;
    zkb_layer_desc d = desc(ZKB_OP_PAD2D);
    d.pad_top = 1;
    d.pad_left = 2;
    d.pad_right = 1;
    gradcheck(d, 2, 3, 4, 0);
    float x[6] = {1, 2, 3, 4, 5, 6}, y[2 * 3 * 7], dy[2 * 3 * 7], dx[6];
    d = desc(ZKB_OP_PAD2D);
    d.pad_left = d.pad_bottom = 1;
    zkbi_shape sh = {2, 1, 3, 0};
    uint64_t macs;
    assert_int_equal(zkbi_layer_infer(&d, &sh, &macs, NULL, 0), ZKB_OK);
    assert_true(sh.h == 2 && sh.w == 4);
    zkbi_tl_forward(&d, NULL, NULL, x, y, NULL);
    const float want[16] = {0, 1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0};
    assert_memory_equal(y, want, sizeof want);
    for (int i = 0; i < 16; i++)
        dy[i] = (float)(i + 1);
    zkbi_tl_backward(&d, NULL, x, y, dy, dx, NULL, NULL, NULL);
    const float want_dx[6] = {2, 3, 4, 10, 11, 12};
    assert_memory_equal(dx, want_dx, sizeof want_dx);
}

static void test_grad_softmax(void **state)
{
    (void)state;
    float z[5] = {0.3f, -1.2f, 2.0f, 0.0f, 0.7f}, dz[5], tmp[5];
    float l = zkbi_tl_softmax_xent(z, 5, 2, dz);
    assert_true(l > 0);
    for (int i = 0; i < 5; i++) {
        float keep = z[i];
        z[i] = keep + 1e-2f;
        double lp = zkbi_tl_softmax_xent(z, 5, 2, tmp);
        z[i] = keep - 1e-2f;
        double lm = zkbi_tl_softmax_xent(z, 5, 2, tmp);
        z[i] = keep;
        check_close("dz", (size_t)i, dz[i], (lp - lm) / 2e-2);
    }
    /* large logits do not overflow */
    float big[2] = {1000.0f, -1000.0f};
    assert_true(zkbi_tl_softmax_xent(big, 2, 0, dz) < 1e-6f);
    assert_true(fabsf(zkbi_tl_softmax_xent(big, 2, 1, dz) - 2000.0f) < 1e-2f);
}

/* ---- synthetic data --------------------------------------------------------------- */

typedef struct synth {
    float *x;
    int32_t *y;
    zkbi_train_data d;
} synth;

/* n images [1][6][6]: class k has a bright 2x2 block in corner k (3 classes)
 * plus noise. */
static void make_images(synth *s, size_t n, uint64_t seed)
{
    s->x = calloc(n * 36, sizeof *s->x);
    s->y = calloc(n, sizeof *s->y);
    assert_non_null(s->x && s->y);
    for (size_t i = 0; i < n; i++) {
        int k = (int)(i % 3);
        s->y[i] = k;
        float *im = s->x + i * 36;
        for (int j = 0; j < 36; j++)
            im[j] = 0.2f * zkbi_rng_unit(&seed);
        int oy = k == 2 ? 4 : 0, ox = k == 1 ? 4 : 0;
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                im[(oy + a) * 6 + ox + b] += 1.0f;
    }
    s->d = (zkbi_train_data){"synthetic", "train", s->x, s->y, n, 1, 6, 6, 3};
}

static void free_synth(synth *s)
{
    free(s->x);
    free(s->y);
}

static void tiny_cnn_spec(zkbi_train_spec *sp)
{
    zkbi_train_spec_init(sp);
    sp->name = "tiny_trained_cnn";
    sp->n_layers = 5;
    sp->layers[0] = (zkbi_train_layer){ZKB_OP_CONV2D, 2, 3, 3};
    sp->layers[1] = (zkbi_train_layer){ZKB_OP_RELU, 0, 0, 0};
    sp->layers[2] = (zkbi_train_layer){ZKB_OP_AVGPOOL2D, 0, 2, 2};
    sp->layers[3] = (zkbi_train_layer){ZKB_OP_FLATTEN, 0, 0, 0};
    sp->layers[4] = (zkbi_train_layer){ZKB_OP_DENSE, 3, 0, 0};
    sp->epochs = 4;
    sp->batch = 8;
    sp->lr = 1e-2;
    sp->seed = 7;
}

static char *train_json(const zkbi_train_spec *sp, const zkbi_train_data *tr,
                        const zkbi_train_data *te, zkbi_train_report *rep)
{
    zkb_model *m = NULL;
    char err[512] = "";
    zkb_status st = zkbi_train_arrays(sp, tr, te, &m, rep, err, sizeof err);
    if (st != ZKB_OK)
        fail_msg("train: %s: %s", zkb_status_str(st), err);
    char *js = NULL;
    assert_int_equal(zkbi_model_to_json(m, &js, NULL, err, sizeof err), ZKB_OK);
    zkb_model_free(m);
    return js;
}

static void test_determinism(void **state)
{
    (void)state;
    synth s;
    make_images(&s, 90, 99);
    zkbi_train_spec sp;
    tiny_cnn_spec(&sp);
    sp.shift = 1;
    char *a = train_json(&sp, &s.d, &s.d, NULL);
    char *b = train_json(&sp, &s.d, &s.d, NULL);
    assert_string_equal(a, b);
    sp.threads = 2; /* threads never change the bytes */
    char *c = train_json(&sp, &s.d, &s.d, NULL);
    assert_string_equal(a, c);
    sp.threads = 3;
    sp.slices = 3; /* but the slicing is part of the result */
    char *d = train_json(&sp, &s.d, &s.d, NULL);
    sp.threads = 1;
    char *e = train_json(&sp, &s.d, &s.d, NULL);
    assert_string_equal(d, e);
    sp.slices = 2;
    sp.seed = 8;
    char *f = train_json(&sp, &s.d, &s.d, NULL);
    assert_string_not_equal(a, f);
    sp.seed = 7;
    sp.optimizer = ZKBI_OPT_SGD;
    sp.schedule = ZKBI_SCHED_CONSTANT;
    char *g = train_json(&sp, &s.d, &s.d, NULL);
    char *h = train_json(&sp, &s.d, &s.d, NULL);
    assert_string_equal(g, h);
    assert_string_not_equal(a, g);
    free(a), free(b), free(c), free(d), free(e), free(f), free(g), free(h);
    free_synth(&s);
}

static void test_learns_cnn(void **state)
{
    (void)state;
    synth tr, te;
    make_images(&tr, 150, 1);
    make_images(&te, 60, 2);
    te.d.split = "test";
    zkbi_train_spec sp;
    tiny_cnn_spec(&sp);
    sp.epochs = 15;
    zkbi_train_report rep;
    char *js = train_json(&sp, &tr.d, &te.d, &rep);
    assert_true(rep.test_accuracy == 100.0);
    assert_non_null(strstr(js, "\"float_test_accuracy\":100"));
    assert_non_null(strstr(js, "\"seed\":7"));
    free(js);
    free_synth(&tr);
    free_synth(&te);
}

/* Two linearly separable classes in 4 features -> 100% with a linear model
 * and with an MLP, with Adam and with SGD. */
static void test_separable(void **state)
{
    (void)state;
    enum { N = 200 };
    float x[N * 4];
    int32_t y[N];
    uint64_t s = 3;
    for (int i = 0; i < N; i++) {
        float *v = x + i * 4;
        float m;
        do {
            for (int k = 0; k < 4; k++)
                v[k] = urand(&s, -1, 1);
            m = v[0] - 0.5f * v[1] + 0.25f * v[2];
        } while (fabsf(m) < 0.1f);
        y[i] = m > 0;
    }
    zkbi_train_data tr = {"separable", "train", x, y, 150, 1, 1, 4, 2};
    zkbi_train_data te = {"separable", "test", x + 150 * 4, y + 150, 50, 1, 1, 4, 2};
    for (int variant = 0; variant < 3; variant++) {
        zkbi_train_spec sp;
        zkbi_train_spec_init(&sp);
        sp.name = "sep";
        sp.layers[0] = (zkbi_train_layer){ZKB_OP_FLATTEN, 0, 0, 0};
        if (variant == 1) {
            sp.n_layers = 4;
            sp.layers[1] = (zkbi_train_layer){ZKB_OP_DENSE, 8, 0, 0};
            sp.layers[2] = (zkbi_train_layer){ZKB_OP_RELU, 0, 0, 0};
            sp.layers[3] = (zkbi_train_layer){ZKB_OP_DENSE, 2, 0, 0};
        } else {
            sp.n_layers = 2;
            sp.layers[1] = (zkbi_train_layer){ZKB_OP_DENSE, 2, 0, 0};
        }
        sp.epochs = 60;
        sp.batch = 10;
        sp.lr = 0.05;
        if (variant == 2) {
            sp.optimizer = ZKBI_OPT_SGD;
            sp.lr = 0.5;
        }
        zkb_model *m = NULL;
        zkbi_train_report rep;
        char err[512];
        assert_int_equal(zkbi_train_arrays(&sp, &tr, &te, &m, &rep, err, sizeof err), ZKB_OK);
        double acc = 0;
        assert_int_equal(zkbi_train_accuracy(m, &tr, 2, &acc, err, sizeof err), ZKB_OK);
        if (acc != 100.0 || rep.test_accuracy != 100.0)
            fail_msg("variant %d: train %.2f%% test %.2f%%", variant, acc, rep.test_accuracy);
        zkb_model_free(m);
    }
}

static void test_json_roundtrip(void **state)
{
    (void)state;
    synth s;
    make_images(&s, 30, 5);
    zkbi_train_spec sp;
    tiny_cnn_spec(&sp);
    sp.epochs = 1;
    zkb_model *m = NULL, *back = NULL;
    char err[512];
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, &s.d, &m, NULL, err, sizeof err), ZKB_OK);
    char *js = NULL;
    size_t len = 0;
    assert_int_equal(zkbi_model_to_json(m, &js, &len, err, sizeof err), ZKB_OK);
    assert_int_equal(len, strlen(js));
    if (zkbi_model_parse_json(js, len, "<trained>", &back, err, sizeof err) != ZKB_OK)
        fail_msg("%s", err);
    assert_string_equal(zkb_model_fingerprint(m), zkb_model_fingerprint(back));
    assert_string_equal(zkbi_model_metadata(m), zkbi_model_metadata(back));
    assert_string_equal(zkb_model_name(back), "tiny_trained_cnn");
    assert_int_equal(zkb_model_param_count(back), 2 * 9 + 2 + 8 * 3 + 3);
    /* and again, byte for byte */
    char *js2 = NULL;
    assert_int_equal(zkbi_model_to_json(back, &js2, NULL, err, sizeof err), ZKB_OK);
    assert_string_equal(js, js2);
    /* saved file = the text */
    char path[] = "/tmp/zkb_test_train_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(zkbi_model_save_file(m, path, err, sizeof err), ZKB_OK);
    zkb_model *f = NULL;
    assert_int_equal(zkb_model_load_file(NULL, path, &f), ZKB_OK);
    assert_string_equal(zkb_model_fingerprint(f), zkb_model_fingerprint(m));
    zkb_model_free(f);
    remove(path);
    /* a non-finite weight is refused */
    m->layers[0].w[0] = NAN;
    free(js2);
    js2 = NULL;
    assert_int_equal(zkbi_model_to_json(m, &js2, NULL, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_null(js2);
    free(js);
    free(js2);
    zkb_model_free(m);
    zkb_model_free(back);
    free_synth(&s);
}

/* A spec with pad2d ("same" padding for the 3x3 conv) trains, and its model
 * saves and loads with the pads. */
static void test_pad2d_spec(void **state)
{
    (void)state;
    synth s;
    make_images(&s, 30, 5);
    zkbi_train_spec sp;
    tiny_cnn_spec(&sp);
    sp.n_layers = 6;
    memmove(&sp.layers[1], &sp.layers[0], 5 * sizeof sp.layers[0]);
    sp.layers[0] = (zkbi_train_layer){ZKB_OP_PAD2D, 0, 1, 1};
    sp.epochs = 2;
    zkb_model *m = NULL, *back = NULL;
    char err[512];
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, &s.d, &m, NULL, err, sizeof err), ZKB_OK);
    const zkb_layer_desc *d = zkbi_model_desc(m)->layers[0];
    assert_true(d->op == ZKB_OP_PAD2D && d->out_h == 8 && d->out_w == 8);
    assert_int_equal(zkb_model_param_count(m), 2 * 9 + 2 + 18 * 3 + 3); /* conv [2,6,6], pool [2,3,3] */
    assert_non_null(strstr(zkbi_model_metadata(m), "[1,6,6] -> pad2d 1,1,1,1 -> conv2d 2x3x3"));
    char *js = NULL;
    assert_int_equal(zkbi_model_to_json(m, &js, NULL, err, sizeof err), ZKB_OK);
    assert_non_null(strstr(js, "{\"op\": \"pad2d\", \"pads\": [1, 1, 1, 1]}"));
    if (zkbi_model_parse_json(js, strlen(js), "<trained>", &back, err, sizeof err) != ZKB_OK)
        fail_msg("%s", err);
    assert_string_equal(zkb_model_fingerprint(m), zkb_model_fingerprint(back));
    free(js);
    zkb_model_free(m);
    zkb_model_free(back);
    free_synth(&s);
}

static void test_bad_spec(void **state)
{
    (void)state;
    synth s;
    make_images(&s, 12, 5);
    zkbi_train_spec sp;
    zkb_model *m = NULL;
    char err[512];
    tiny_cnn_spec(&sp);
    sp.epochs = 0;
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, NULL, &m, NULL, err, sizeof err),
                     ZKB_ERR_INVALID_ARG);
    tiny_cnn_spec(&sp);
    sp.layers[4].units = 4; /* 4 outputs, 3 classes */
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, NULL, &m, NULL, err, sizeof err),
                     ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "classes"));
    tiny_cnn_spec(&sp);
    sp.layers[3].op = ZKB_OP_RELU; /* dense without flatten */
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, NULL, &m, NULL, err, sizeof err),
                     ZKB_ERR_INVALID_ARG);
    assert_non_null(strstr(err, "flat"));
    tiny_cnn_spec(&sp);
    s.y[3] = 3; /* label out of range */
    assert_int_equal(zkbi_train_arrays(&sp, &s.d, NULL, &m, NULL, err, sizeof err),
                     ZKB_ERR_INVALID_ARG);
    assert_null(m);
    free_synth(&s);
}

static void test_zoo_params(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint64_t params;
        uint32_t layers;
    } want[] = {
        {"mnist_784_56_10", 44530, 4},
        {"mnist_196_25_10", 5185, 4},
        {"mnist_196_24_14_10", 5228, 6},
        {"mnist_cnn_28_6_16_10_5", 5142, 8},
        {"mnist_cnn_14_5_11_80_10_3", 4966, 10},
        {"mnist_cnn_28_6_16_120_84_10_5", 44426, 12},
        {"heart_linear_18_2", 38, 2},
        {"heart_mlp_18_8_8_2", 242, 6},
    };
    assert_int_equal(zkbi_zoo_count(), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zkbi_zoo_entry *e = zkbi_zoo_find(want[i].name);
        assert_non_null(e);
        assert_ptr_equal(e, zkbi_zoo_at(i));
        assert_int_equal(e->params, want[i].params);
        zkbi_train_spec sp;
        zkbi_zoo_spec(e, &sp);
        uint32_t side = strcmp(e->dataset, "mnist") == 0 ? 28 : 14;
        int heart = strncmp(e->dataset, "heart", 5) == 0;
        zkb_model *m = NULL;
        char err[512];
        zkb_status st = heart ? zkbi_train_skeleton(&sp, 1, 1, 18, 2, &m, err, sizeof err)
                              : zkbi_train_skeleton(&sp, 1, side, side, 10, &m, err, sizeof err);
        if (st != ZKB_OK)
            fail_msg("%s: %s", want[i].name, err);
        assert_int_equal(zkb_model_param_count(m), want[i].params);
        assert_int_equal(zkb_model_layer_count(m), want[i].layers);
        zkb_model_free(m);
    }
    /* shapes of LeNet-5 with valid padding */
    zkbi_train_spec sp;
    zkbi_zoo_spec(zkbi_zoo_find("mnist_cnn_28_6_16_120_84_10_5"), &sp);
    zkb_model *m = NULL;
    char err[512];
    assert_int_equal(zkbi_train_skeleton(&sp, 1, 28, 28, 10, &m, err, sizeof err), ZKB_OK);
    const zkb_model_desc *d = zkbi_model_desc(m);
    assert_int_equal(d->layers[0]->out_h, 24);
    assert_int_equal(d->layers[2]->out_h, 12);
    assert_int_equal(d->layers[3]->out_h, 8);
    assert_int_equal(d->layers[5]->out_h, 4);
    assert_int_equal(d->layers[6]->out_w, 256);
    zkb_model_free(m);
    assert_null(zkbi_zoo_find("nope"));
    assert_null(zkbi_zoo_at(99));
}

/* The real heart data when ../shared/data is there: the zoo's linear model
 * through zkbi_train (datasets, not arrays), then through the saved file. */
static void test_heart_real(void **state)
{
    (void)state;
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    if (!getenv("ZKB_DATA_DIR"))
        zkb_ctx_set(ctx, "data_dir", ZKB_SOURCE_DIR "/../shared/data");
    zkb_dataset *tr = NULL, *te = NULL;
    if (zkb_dataset_open(ctx, "heart_std", "train", &tr) != ZKB_OK ||
        zkb_dataset_open(ctx, "heart_std", "test", &te) != ZKB_OK) {
        zkb_dataset_free(tr);
        zkb_ctx_free(ctx);
        skip();
    }
    zkbi_train_spec sp;
    zkbi_zoo_spec(zkbi_zoo_find("heart_linear_18_2"), &sp);
    zkb_model *m = NULL;
    zkbi_train_report rep;
    char err[512];
    if (zkbi_train(&sp, tr, te, &m, &rep, err, sizeof err) != ZKB_OK)
        fail_msg("%s", err);
    assert_int_equal(rep.params, 38);
    assert_true(rep.test_accuracy > 80.0);
    const char *meta = zkbi_model_metadata(m);
    assert_non_null(strstr(meta, "\"train_set\":{\"name\":\"heart_std\",\"split\":\"train\",\"count\":642}"));
    assert_non_null(strstr(meta, "\"epochs\":50"));
    /* the float accuracy recorded = the library's evaluator on the test set */
    size_t n = zkb_dataset_count(te), ok = 0;
    for (size_t i = 0; i < n; i++) {
        const float *x;
        int32_t y;
        float out[2];
        assert_int_equal(zkb_dataset_sample(te, i, &x, &y), ZKB_OK);
        assert_int_equal(zkb_model_eval_float(m, x, 18, out, 2), ZKB_OK);
        ok += (out[1] > out[0]) == (y == 1);
    }
    char want[64];
    snprintf(want, sizeof want, "\"float_test_correct\":%zu", ok);
    assert_non_null(strstr(meta, want));
    zkb_model_free(m);
    zkb_dataset_free(tr);
    zkb_dataset_free(te);
    zkb_ctx_free(ctx);
}

/* ---- the zoo driver (not a test) ---------------------------------------------------- */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void log_line(void *user, const char *msg)
{
    (void)user;
    static double t0;
    if (t0 == 0)
        t0 = mono_s();
    fprintf(stderr, "  %7.2fs %s\n", mono_s() - t0, msg);
    fflush(stderr);
}

static int zoo_main(int argc, char **argv)
{
    const char *outdir = argc > 2 ? argv[2] : NULL;
    if (!outdir) {
        fprintf(stderr,
                "usage: test_train --zoo OUTDIR [--threads N] [--epochs N] [--lr X] "
                "[--batch N] [--shift N] [--wd X] [--seed N] [--log-test] [model...]\n");
        return 2;
    }
    uint32_t threads = 2, epochs = 0, batch = 0, shift = UINT32_MAX, log_test = 0;
    double lr = 0, wd = -1;
    uint64_t seed = 0;
    const char *names[64];
    int n_names = 0;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
        if (!strcmp(a, "--threads"))
            threads = (uint32_t)atoi(v), i++;
        else if (!strcmp(a, "--epochs"))
            epochs = (uint32_t)atoi(v), i++;
        else if (!strcmp(a, "--batch"))
            batch = (uint32_t)atoi(v), i++;
        else if (!strcmp(a, "--shift"))
            shift = (uint32_t)atoi(v), i++;
        else if (!strcmp(a, "--lr"))
            lr = atof(v), i++;
        else if (!strcmp(a, "--wd"))
            wd = atof(v), i++;
        else if (!strcmp(a, "--seed"))
            seed = strtoull(v, NULL, 10), i++;
        else if (!strcmp(a, "--log-test"))
            log_test = 1;
        else if (n_names < 64)
            names[n_names++] = a;
    }
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK)
        return 1;
    if (!getenv("ZKB_DATA_DIR"))
        zkb_ctx_set(ctx, "data_dir", ZKB_SOURCE_DIR "/../shared/data");
    printf("%-30s %7s %6s %8s %8s %7s %8s\n", "model", "params", "epochs", "test%", "target%",
           "delta", "seconds");
    double total = 0;
    int rc = 0;
    for (size_t i = 0; i < zkbi_zoo_count(); i++) {
        const zkbi_zoo_entry *e = zkbi_zoo_at(i);
        int want = n_names == 0;
        for (int k = 0; k < n_names; k++)
            want |= strcmp(names[k], e->name) == 0;
        if (!want)
            continue;
        zkbi_train_spec sp;
        zkbi_zoo_spec(e, &sp);
        sp.threads = threads;
        sp.log = log_line;
        sp.log_test = log_test;
        if (epochs)
            sp.epochs = epochs;
        if (batch)
            sp.batch = batch;
        if (shift != UINT32_MAX)
            sp.shift = shift;
        if (lr > 0)
            sp.lr = lr;
        if (wd >= 0)
            sp.weight_decay = wd;
        if (seed)
            sp.seed = seed;
        zkbi_train_report rep;
        char err[512];
        zkb_status st = zkbi_zoo_train_entry(ctx, e, &sp, outdir, &rep, err, sizeof err);
        if (st != ZKB_OK) {
            fprintf(stderr, "%s\n", err);
            rc = 1;
        } else {
            total += rep.seconds;
            printf("%-30s %7llu %6u %8.2f %8.2f %+7.2f %8.1f\n", e->name,
                   (unsigned long long)rep.params, sp.epochs, rep.test_accuracy, e->target,
                   e->target > 0 ? rep.test_accuracy - e->target : 0.0, rep.seconds);
            fflush(stdout);
        }
    }
    printf("total %.1f s\n", total);
    zkb_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--zoo") == 0)
        return zoo_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grad_dense),
        cmocka_unit_test(test_grad_conv),
        cmocka_unit_test(test_grad_pools),
        cmocka_unit_test(test_grad_relu_flatten),
        cmocka_unit_test(test_grad_softmax),
        cmocka_unit_test(test_grad_pad2d),
        cmocka_unit_test(test_pad2d_spec),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_learns_cnn),
        cmocka_unit_test(test_separable),
        cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_bad_spec),
        cmocka_unit_test(test_zoo_params),
        cmocka_unit_test(test_heart_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
