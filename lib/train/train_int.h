/* Internal to the library: the training layer (lib/train/): a deterministic,
 * seeded trainer for the model IR, and the model zoo (zoo_table.c: the
 * architectures and hyper-parameters; zoo.c: the public zoo API). See
 * docs/training.md.
 *
 * Same seed, same spec, same data -> bit-identical weights and byte-identical
 * JSON, whatever the number of threads: a minibatch is cut into a fixed number
 * of slices (spec->slices), each slice's gradients are summed in sample
 * order, and the slices are added in slice order; threads only decide who
 * computes which slice. All arithmetic is float32 in a fixed order. */
#ifndef ZKBI_TRAIN_INT_H
#define ZKBI_TRAIN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "eval/eval_int.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkb_zoo.h"

/* ---- specification ------------------------------------------------------------ */

typedef enum zkbi_optimizer {
    ZKBI_OPT_SGD = 1, /* SGD with (heavy-ball) momentum spec->momentum */
    ZKBI_OPT_ADAM = 2 /* Adam (beta1, beta2, eps), bias-corrected */
} zkbi_optimizer;

typedef enum zkbi_schedule {
    ZKBI_SCHED_CONSTANT = 0, /* lr throughout */
    ZKBI_SCHED_COSINE = 1    /* lr * (f + (1-f) * (1 + cos(pi t/T)) / 2), f = lr_final_frac */
} zkbi_schedule;

/* One layer: the IR's ops. dense: units; conv2d: filters, kernel kh x kw,
 * stride 1 (only), valid padding; avgpool2d/maxpool2d: pool kh x kw, stride
 * = pool; pad2d: kh zero rows above and below, kw zero columns left and
 * right; relu, flatten: nothing. */
typedef struct zkbi_train_layer {
    uint32_t op;    /* zkb_op */
    uint32_t units; /* dense units, conv2d filters */
    uint32_t kh, kw;
} zkbi_train_layer;

#define ZKBI_TRAIN_LAYERS_MAX 32u

/* Progress line (one per epoch); may be NULL. */
typedef void (*zkbi_train_log_fn)(void *user, const char *msg);

typedef struct zkbi_train_spec {
    const char *name;    /* model name written to the file */
    uint32_t n_layers;   /* 1..ZKBI_TRAIN_LAYERS_MAX */
    zkbi_train_layer layers[ZKBI_TRAIN_LAYERS_MAX];
    uint64_t seed;       /* init, shuffle and augmentation */
    uint32_t epochs;     /* >= 1 */
    uint32_t batch;      /* minibatch size >= 1 (the last batch may be smaller) */
    uint32_t optimizer;  /* zkbi_optimizer */
    uint32_t schedule;   /* zkbi_schedule */
    double lr;           /* base learning rate */
    double lr_final_frac;/* cosine: final lr as a fraction of lr (0..1) */
    uint32_t warmup;     /* linear warm-up over this many steps (0 = none) */
    double momentum;     /* SGD */
    double beta1, beta2, eps; /* Adam; 0 means the defaults 0.9, 0.999, 1e-8 */
    double weight_decay; /* L2 on weights (not biases), added to the gradient */
    uint32_t shift;      /* augmentation: random translation by -shift..shift
                            pixels in x and y (zero fill); 0 = none */
    uint32_t slices;     /* fixed split of a batch (0 means 2); part of the result */
    uint32_t threads;    /* 0 or 1 = single-threaded; never changes the result */
    uint32_t log_test;   /* with log: also report test accuracy after each epoch */
    zkbi_train_log_fn log;
    void *log_user;
} zkbi_train_spec;

/* Defaults: Adam, lr 1e-3, cosine to 1% , batch 32, 10 epochs, seed 1,
 * 2 slices, 1 thread; no layers. */
void zkbi_train_spec_init(zkbi_train_spec *spec);

/* Data as plain arrays (zkbi_train wraps zkb_dataset into this). */
typedef struct zkbi_train_data {
    const char *name;  /* dataset name for the metadata ("mnist"), may be NULL */
    const char *split; /* "train", "test", may be NULL */
    const float *x;    /* count * c*h*w floats */
    const int32_t *y;  /* count labels in 0..classes-1 */
    size_t count;
    uint32_t c, h, w;
    uint32_t classes;
} zkbi_train_data;

typedef struct zkbi_train_report {
    double train_accuracy; /* float evaluator, %, on the (unaugmented) train set */
    double test_accuracy;  /* float evaluator (zkbi_model_eval_float), %; -1 without test */
    double final_loss;     /* mean training loss of the last epoch */
    double seconds;        /* wall time of training and evaluation */
    uint64_t params;
} zkbi_train_report;

/* Build and check the model skeleton of spec for an input [c][h][w] and
 * `classes` outputs (weights allocated, zero). Used by the trainer and to
 * count parameters. */
zkb_status zkbi_train_skeleton(const zkbi_train_spec *spec, uint32_t c, uint32_t h, uint32_t w,
                               uint32_t classes, zkb_model **out, char *err, size_t errlen);

/* Train. On success *out is a finished model whose metadata records the
 * generator, seed, epochs, optimizer, datasets and float test accuracy (no
 * time: the file must be reproducible). rep may be NULL; test may be NULL. */
zkb_status zkbi_train_arrays(const zkbi_train_spec *spec, const zkbi_train_data *train,
                             const zkbi_train_data *test, zkb_model **out,
                             zkbi_train_report *rep, char *err, size_t errlen);

zkb_status zkbi_train(const zkbi_train_spec *spec, const zkb_dataset *train,
                      const zkb_dataset *test, zkb_model **out, zkbi_train_report *rep,
                      char *err, size_t errlen);

/* Accuracy (%) of m on data with the float reference evaluator, computed on
 * `threads` threads (result independent of it). */
zkb_status zkbi_train_accuracy(const zkb_model *m, const zkbi_train_data *data, uint32_t threads,
                               double *acc, char *err, size_t errlen);

/* ---- saving (train_save.c) ------------------------------------------------------------ */

/* The model as JSON text in the format of docs/model-format.md (weights
 * printed "%.9g", so float32 values round-trip exactly); *out is malloc'd
 * and NUL-terminated. Refuses non-finite weights (ZKB_ERR_INVALID_ARG). */
zkb_status zkbi_model_to_json(const zkb_model *m, char **out, size_t *len, char *err,
                              size_t errlen);
/* Write zkbi_model_to_json's text to path (via a temporary file and rename). */
zkb_status zkbi_model_save_file(const zkb_model *m, const char *path, char *err, size_t errlen);

/* ---- layers (train_layers.c) ---------------------------------------------------------- */

/* Floats of scratch memory zkbi_tl_forward/backward need for layer d (0 for
 * all but conv2d). */
size_t zkbi_tl_scratch(const zkb_layer_desc *d);
/* Forward of one inferred layer d (zkbi_layer_infer filled in the shapes):
 * y = f(x). w, b may be NULL for layers without parameters. Float32 with a
 * fixed summation order. */
void zkbi_tl_forward(const zkb_layer_desc *d, const float *w, const float *b, const float *x,
                     float *y, float *scratch);
/* Backward: given x, y = forward(x) and dy = dL/dy, ADD dL/dw to dw and
 * dL/db to db (when the layer has parameters) and SET dx = dL/dx unless dx
 * is NULL. */
void zkbi_tl_backward(const zkb_layer_desc *d, const float *w, const float *x, const float *y,
                      const float *dy, float *dx, float *dw, float *db, float *scratch);

/* Softmax cross-entropy of logits z[n] for label: returns the loss and sets
 * dz = softmax(z) - onehot(label). */
float zkbi_tl_softmax_xent(const float *z, uint32_t n, int32_t label, float *dz);

/* ---- the zoo (zoo_table.c) -------------------------------------------------------------- */

typedef struct zkbi_zoo_entry {
    const char *name;    /* "mnist_784_56_10", ... */
    const char *dataset; /* "mnist", "mnist14", "heart_std" */
    uint64_t params;     /* expected parameter count */
    double target;       /* reference float accuracy (%), 0 if none */
} zkbi_zoo_entry;

size_t zkbi_zoo_count(void);
const zkbi_zoo_entry *zkbi_zoo_at(size_t i);
const zkbi_zoo_entry *zkbi_zoo_find(const char *name);
/* The training spec of a zoo model (architecture and hyper-parameters). */
void zkbi_zoo_spec(const zkbi_zoo_entry *e, zkbi_train_spec *spec);
/* Open e's dataset (train and test splits), train with spec, write
 * <out_dir>/<name>.json. Errors in err. */
zkb_status zkbi_zoo_train_entry(zkb_ctx *ctx, const zkbi_zoo_entry *e, const zkbi_train_spec *spec,
                                const char *out_dir, zkbi_train_report *rep, char *err, size_t errlen);

/* ---- shared by the train*.c files ------------------------------------------------------ */

/* Seeded initialization of every weight layer of m (train_model.c). */
void zkbi_train_init_weights(zkb_model *m, uint64_t seed);
/* The metadata object as compact JSON (malloc'd, NULL when out of memory). */
char *zkbi_train_metadata(const zkbi_train_spec *spec, const zkb_model *m,
                          const zkbi_train_data *train, const zkbi_train_data *test,
                          size_t test_correct);
/* Number of samples of data that m classifies correctly (float reference
 * evaluator, argmax with the lowest index winning ties), on `threads` threads. */
zkb_status zkbi_train_count_correct(const zkb_model *m, const zkbi_train_data *data,
                                    uint32_t threads, size_t *correct, char *err, size_t errlen);

/* ---- random numbers ------------------------------------------------------------------ */

/* splitmix64 step: advances *s and returns 64 random bits. */
static inline uint64_t zkbi_rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
/* Uniform float in [0, 1) with 24 random bits. */
static inline float zkbi_rng_unit(uint64_t *s)
{
    return (float)(zkbi_rng_next(s) >> 40) * (1.0f / 16777216.0f);
}
/* Uniform integer in 0..n-1 (n >= 1; modulo bias < n / 2^64). */
static inline uint64_t zkbi_rng_below(uint64_t *s, uint64_t n)
{
    return zkbi_rng_next(s) % n;
}

#endif
