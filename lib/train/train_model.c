/* Trainer: spec defaults, the model skeleton of a spec, seeded weight
 * initialization and the metadata recorded in the trained model. */
#include "train_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zkbi_train_spec_init(zkbi_train_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->name = "model";
    spec->seed = 1;
    spec->epochs = 10;
    spec->batch = 32;
    spec->optimizer = ZKBI_OPT_ADAM;
    spec->schedule = ZKBI_SCHED_COSINE;
    spec->lr = 1e-3;
    spec->lr_final_frac = 0.01;
    spec->momentum = 0.9;
    spec->slices = 2;
    spec->threads = 1;
}

zkb_status zkbi_train_skeleton(const zkbi_train_spec *spec, uint32_t c, uint32_t h, uint32_t w,
                               uint32_t classes, zkb_model **out, char *err, size_t errlen)
{
    char why[512];
    *out = NULL;
    if (!spec || spec->n_layers < 1 || spec->n_layers > ZKBI_TRAIN_LAYERS_MAX) {
        zkbi_errf(err, errlen, "the spec needs 1..%u layers", ZKBI_TRAIN_LAYERS_MAX);
        return ZKB_ERR_INVALID_ARG;
    }
    const char *name = spec->name ? spec->name : "model";
    size_t nl = strlen(name);
    int ctl = 0;
    for (size_t i = 0; i < nl; i++)
        ctl |= (unsigned char)name[i] < 0x20 || name[i] == 0x7f;
    if (nl < 1 || nl > ZKBI_NAME_MAX || ctl) {
        zkbi_errf(err, errlen, "model name must have 1..%u bytes and no control characters",
                  ZKBI_NAME_MAX);
        return ZKB_ERR_INVALID_ARG;
    }
    zkb_model *m = zkbi_model_alloc(spec->n_layers);
    if (!m || !(m->name = strdup(name))) {
        zkb_model_free(m);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    m->in_c = c;
    m->in_h = h;
    m->in_w = w;
    m->classes = classes;
    zkbi_shape s = {c, h, w, 0};
    zkb_status st;
    for (uint32_t i = 0; i < spec->n_layers; i++) {
        const zkbi_train_layer *tl = &spec->layers[i];
        zkb_layer_desc *d = &m->layers[i].d;
        d->op = tl->op;
        switch (tl->op) {
        case ZKB_OP_DENSE:
            d->out_w = tl->units;
            break;
        case ZKB_OP_CONV2D:
            d->out_c = tl->units;
            d->kernel_h = tl->kh;
            d->kernel_w = tl->kw;
            d->stride_h = d->stride_w = 1;
            break;
        case ZKB_OP_AVGPOOL2D:
        case ZKB_OP_MAXPOOL2D:
            d->kernel_h = d->stride_h = tl->kh;
            d->kernel_w = d->stride_w = tl->kw;
            break;
        case ZKB_OP_PAD2D:
            d->pad_top = d->pad_bottom = tl->kh;
            d->pad_left = d->pad_right = tl->kw;
            break;
        case ZKB_OP_RELU:
        case ZKB_OP_FLATTEN:
            break;
        default:
            zkbi_errf(err, errlen, "layer %" PRIu32 ": unknown op %" PRIu32, i, tl->op);
            zkb_model_free(m);
            return ZKB_ERR_INVALID_ARG;
        }
        uint64_t macs;
        if ((st = zkbi_layer_infer(d, &s, &macs, why, sizeof why)) != ZKB_OK) {
            zkbi_errf(err, errlen, "layer %" PRIu32 ": %s", i, why);
            zkb_model_free(m);
            return ZKB_ERR_INVALID_ARG;
        }
        if (d->n_weights) {
            m->layers[i].w = calloc(d->n_weights, sizeof(float));
            m->layers[i].b = calloc(d->n_bias, sizeof(float));
            if (!m->layers[i].w || !m->layers[i].b) {
                zkb_model_free(m);
                zkbi_errf(err, errlen, "out of memory");
                return ZKB_ERR_NOMEM;
            }
        }
    }
    if ((st = zkbi_model_finish(m, why, sizeof why)) != ZKB_OK) {
        zkbi_errf(err, errlen, "%s", why);
        zkb_model_free(m);
        return st == ZKB_ERR_NOMEM ? st : ZKB_ERR_INVALID_ARG;
    }
    *out = m;
    return ZKB_OK;
}

/* He-uniform (limit sqrt(6 / fan_in)) for a layer whose output goes through
 * a ReLU (possibly after a pool), Glorot-uniform (sqrt(6 / (fan_in +
 * fan_out))) otherwise; biases zero. One stream, layers in order. */
void zkbi_train_init_weights(zkb_model *m, uint64_t seed)
{
    uint64_t s = seed ^ UINT64_C(0x696e69745f777473); /* "init_wts" */
    for (uint32_t i = 0; i < m->n_layers; i++) {
        zkbi_layer *L = &m->layers[i];
        if (!L->d.n_weights)
            continue;
        uint64_t units = L->d.op == ZKB_OP_DENSE ? L->d.out_w : L->d.out_c;
        uint64_t fan_in = L->d.n_weights / units;
        uint64_t fan_out =
            L->d.op == ZKB_OP_DENSE ? units : units * L->d.kernel_h * L->d.kernel_w;
        int relu = 0;
        for (uint32_t j = i + 1; j < m->n_layers; j++) {
            uint32_t op = m->layers[j].d.op;
            if (op == ZKB_OP_RELU) {
                relu = 1;
                break;
            }
            if (op != ZKB_OP_AVGPOOL2D && op != ZKB_OP_MAXPOOL2D && op != ZKB_OP_FLATTEN &&
                op != ZKB_OP_PAD2D)
                break;
        }
        double limit = relu ? sqrt(6.0 / (double)fan_in)
                            : sqrt(6.0 / (double)(fan_in + fan_out));
        float lim = (float)limit;
        for (uint64_t k = 0; k < L->d.n_weights; k++)
            L->w[k] = (2.0f * zkbi_rng_unit(&s) - 1.0f) * lim;
        memset(L->b, 0, L->d.n_bias * sizeof(float));
    }
}

static void describe(const zkb_model *m, char *buf, size_t n)
{
    size_t k = 0;
    k += (size_t)snprintf(buf + k, n - k, "[%" PRIu32 ",%" PRIu32 ",%" PRIu32 "]", m->in_c,
                          m->in_h, m->in_w);
    for (uint32_t i = 0; i < m->n_layers && k < n; i++) {
        const zkb_layer_desc *d = &m->layers[i].d;
        const char *op = zkb_op_name(d->op);
        switch (d->op) {
        case ZKB_OP_DENSE:
            k += (size_t)snprintf(buf + k, n - k, " -> dense %" PRIu32, d->out_w);
            break;
        case ZKB_OP_CONV2D:
            k += (size_t)snprintf(buf + k, n - k, " -> conv2d %" PRIu32 "x%" PRIu32 "x%" PRIu32,
                                  d->out_c, d->kernel_h, d->kernel_w);
            break;
        case ZKB_OP_AVGPOOL2D:
        case ZKB_OP_MAXPOOL2D:
            k += (size_t)snprintf(buf + k, n - k, " -> %s %" PRIu32 "x%" PRIu32, op, d->kernel_h,
                                  d->kernel_w);
            break;
        case ZKB_OP_PAD2D:
            k += (size_t)snprintf(buf + k, n - k, " -> pad2d %" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32,
                                  d->pad_top, d->pad_left, d->pad_bottom, d->pad_right);
            break;
        default:
            k += (size_t)snprintf(buf + k, n - k, " -> %s", op);
            break;
        }
    }
}

static cJSON *set_json(const zkbi_train_data *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", d->name ? d->name : "unnamed");
    cJSON_AddStringToObject(o, "split", d->split ? d->split : "unknown");
    cJSON_AddNumberToObject(o, "count", (double)d->count);
    return o;
}

char *zkbi_train_metadata(const zkbi_train_spec *spec, const zkb_model *m,
                          const zkbi_train_data *train, const zkbi_train_data *test,
                          size_t test_correct)
{
    char desc[1024];
    describe(m, desc, sizeof desc);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "description", desc);
    cJSON_AddStringToObject(o, "generator", "libzkmlbench trainer " ZKB_VERSION_STRING);
    if (spec->seed < (UINT64_C(1) << 53)) {
        cJSON_AddNumberToObject(o, "seed", (double)spec->seed);
    } else {
        char sb[32];
        snprintf(sb, sizeof sb, "%" PRIu64, spec->seed);
        cJSON_AddStringToObject(o, "seed", sb);
    }
    cJSON_AddNumberToObject(o, "epochs", spec->epochs);
    cJSON_AddNumberToObject(o, "batch", spec->batch);
    cJSON_AddStringToObject(o, "optimizer", spec->optimizer == ZKBI_OPT_SGD ? "sgd" : "adam");
    cJSON_AddNumberToObject(o, "lr", spec->lr);
    if (spec->optimizer == ZKBI_OPT_SGD)
        cJSON_AddNumberToObject(o, "momentum", spec->momentum);
    cJSON_AddStringToObject(o, "schedule",
                            spec->schedule == ZKBI_SCHED_COSINE ? "cosine" : "constant");
    if (spec->schedule == ZKBI_SCHED_COSINE)
        cJSON_AddNumberToObject(o, "lr_final_frac", spec->lr_final_frac);
    cJSON_AddNumberToObject(o, "warmup_steps", spec->warmup);
    cJSON_AddNumberToObject(o, "weight_decay", spec->weight_decay);
    cJSON_AddNumberToObject(o, "augment_shift", spec->shift);
    cJSON_AddNumberToObject(o, "slices", spec->slices ? spec->slices : 2);
    cJSON_AddStringToObject(o, "init", "he_uniform before relu, else glorot_uniform; zero bias");
    cJSON_AddStringToObject(o, "loss", "softmax_cross_entropy");
    cJSON_AddItemToObject(o, "train_set", set_json(train));
    if (test) {
        cJSON_AddItemToObject(o, "test_set", set_json(test));
        /* percent with two decimals (the exact count is beside it) */
        double acc = test->count ? round(10000.0 * (double)test_correct / (double)test->count) / 100.0
                                 : 0.0;
        cJSON_AddNumberToObject(o, "float_test_accuracy", acc);
        cJSON_AddNumberToObject(o, "float_test_correct", (double)test_correct);
    }
    char *txt = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return txt;
}
