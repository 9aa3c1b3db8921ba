/* The zoo table: architectures of the reference study and the
 * hyper-parameters we train them with (docs/training.md). */
#include "train_int.h"

#include <string.h>

#define D(n) {ZKB_OP_DENSE, n, 0, 0}
#define C(f, k) {ZKB_OP_CONV2D, f, k, k}
#define AP2 {ZKB_OP_AVGPOOL2D, 0, 2, 2}
#define R {ZKB_OP_RELU, 0, 0, 0}
#define FL {ZKB_OP_FLATTEN, 0, 0, 0}

typedef struct zoo_def {
    zkbi_zoo_entry e;
    uint32_t n_layers;
    zkbi_train_layer layers[16];
    uint32_t epochs, batch;
    double lr, weight_decay;
    uint32_t shift;
} zoo_def;

/* Hyper-parameters: see docs/training.md (chosen with a few runs each). All use
 * Adam with a cosine schedule to 1% of lr, He/Glorot-uniform init, seed 1. */
static const zoo_def zoo[] = {
    /* name, dataset, params, reference accuracy; layers; epochs, batch, lr, L2, shift */
    {{"mnist_784_56_10", "mnist", 44530, 97.40}, 4, {FL, D(56), R, D(10)}, 30, 32, 1e-2, 5e-4, 1},
    {{"mnist_196_25_10", "mnist14", 5185, 95.41}, 4, {FL, D(25), R, D(10)}, 30, 16, 1e-2, 5e-4, 0},
    {{"mnist_196_24_14_10", "mnist14", 5228, 95.56},
     6, {FL, D(24), R, D(14), R, D(10)}, 30, 16, 1e-2, 5e-4, 0},
    {{"mnist_cnn_28_6_16_10_5", "mnist", 5142, 98.66},
     8, {C(6, 5), R, AP2, C(16, 5), R, AP2, FL, D(10)}, 20, 32, 5e-3, 5e-4, 1},
    {{"mnist_cnn_14_5_11_80_10_3", "mnist14", 4966, 97.07},
     10, {C(5, 3), R, AP2, C(11, 3), R, AP2, FL, D(80), R, D(10)}, 20, 32, 5e-3, 5e-4, 1},
    {{"mnist_cnn_28_6_16_120_84_10_5", "mnist", 44426, 98.72},
     12, {C(6, 5), R, AP2, C(16, 5), R, AP2, FL, D(120), R, D(84), R, D(10)}, 20, 32, 5e-3, 5e-4, 1},
    {{"heart_linear_18_2", "heart_std", 38, 0}, 2, {FL, D(2)}, 50, 32, 1e-2, 0, 0},
    {{"heart_mlp_18_8_8_2", "heart_std", 242, 0}, 6, {FL, D(8), R, D(8), R, D(2)}, 50, 32, 1e-2, 1e-2, 0},
};

size_t zkbi_zoo_count(void)
{
    return sizeof zoo / sizeof zoo[0];
}

const zkbi_zoo_entry *zkbi_zoo_at(size_t i)
{
    return i < zkbi_zoo_count() ? &zoo[i].e : NULL;
}

const zkbi_zoo_entry *zkbi_zoo_find(const char *name)
{
    for (size_t i = 0; name && i < zkbi_zoo_count(); i++)
        if (strcmp(zoo[i].e.name, name) == 0)
            return &zoo[i].e;
    return NULL;
}

void zkbi_zoo_spec(const zkbi_zoo_entry *e, zkbi_train_spec *spec)
{
    const zoo_def *z = (const zoo_def *)e; /* e is the first member */
    zkbi_train_spec_init(spec);
    spec->name = z->e.name;
    spec->n_layers = z->n_layers;
    memcpy(spec->layers, z->layers, z->n_layers * sizeof z->layers[0]);
    spec->epochs = z->epochs;
    spec->batch = z->batch;
    spec->lr = z->lr;
    spec->weight_decay = z->weight_decay;
    spec->shift = z->shift;
}
