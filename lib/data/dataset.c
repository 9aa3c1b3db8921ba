/* The zkb_dataset handle: open by name and split, accessors. */
#include "data_int.h"
#include "model/model_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static zkb_status open_mnist(zkb_ctx *ctx, zkb_dataset *ds, int pool2)
{
    char img[4096], lab[4096], err[ZKBI_ERR_LEN];
    zkb_status st = zkbi_mnist_paths(ctx->data_dir, ds->split, img, lab, sizeof img, err,
                                     sizeof err);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(ctx, st, "%s", err);
    uint8_t *ib = NULL, *lb = NULL;
    zkbi_idx ii, li;
    st = zkbi_idx_read_file(img, 3, &ib, &ii, err, sizeof err);
    if (st == ZKB_OK)
        st = zkbi_idx_read_file(lab, 1, &lb, &li, err, sizeof err);
    if (st == ZKB_OK)
        st = zkbi_mnist_build(&ii, img, &li, lab, pool2, &ds->x, &ds->y, &ds->count, &ds->h,
                              &ds->w, err, sizeof err);
    free(ib);
    free(lb);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(ctx, st, "%s", err);
    ds->c = 1;
    ds->features = (size_t)ds->h * ds->w;
    ds->classes = 10;
    return ZKB_OK;
}

static zkb_status open_heart(zkb_ctx *ctx, zkb_dataset *ds, int standardize)
{
    char path[4096], err[ZKBI_ERR_LEN];
    snprintf(path, sizeof path, "%s/heart/heart.csv", ctx->data_dir);
    uint8_t *buf = NULL;
    size_t len = 0;
    zkb_status st = zkbi_read_all(path, ZKBI_CSV_MAX_BYTES, &buf, &len, err, sizeof err);
    if (st != ZKB_OK) {
        if (st == ZKB_ERR_NOT_FOUND)
            return zkbi_ctx_fail(ctx, st, "heart: %s not found (data directory '%s'; set "
                                 "$ZKB_DATA_DIR or the data_dir setting)", path, ctx->data_dir);
        return zkbi_ctx_fail(ctx, st, "%s", err);
    }
    zkbi_heart all, part;
    st = zkbi_heart_parse((const char *)buf, len, path, &all, err, sizeof err);
    free(buf);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(ctx, st, "%s", err);
    st = zkbi_heart_split(&all, ds->split, standardize, &part, err, sizeof err);
    zkbi_heart_free(&all);
    if (st != ZKB_OK)
        return zkbi_ctx_fail(ctx, st, "%s", err);
    ds->x = part.x;
    ds->y = part.y;
    ds->count = part.n;
    ds->c = 1;
    ds->h = 1;
    ds->w = ZKBI_HEART_FEATURES;
    ds->features = ZKBI_HEART_FEATURES;
    ds->classes = 2;
    ds->heart = 1;
    return ZKB_OK;
}

/* In the order of zkb_dataset_open's kinds: 0 mnist, 1 mnist14, 2 heart,
 * 3 heart_std. */
static const char *const known_names[] = {"mnist", "mnist14", "heart", "heart_std"};
#define N_KNOWN (sizeof known_names / sizeof known_names[0])

static int known_index(const char *name)
{
    for (size_t i = 0; name && i < N_KNOWN; i++)
        if (strcmp(name, known_names[i]) == 0)
            return (int)i;
    return -1;
}

size_t zkb_dataset_known_count(void) { return N_KNOWN; }
const char *zkb_dataset_known_name(size_t i) { return i < N_KNOWN ? known_names[i] : NULL; }
int zkb_dataset_is_known(const char *name) { return known_index(name) >= 0; }

zkb_status zkb_dataset_open(zkb_ctx *ctx, const char *name, const char *split, zkb_dataset **out)
{
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!out || !name)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_dataset_open: name and out are required");
    *out = NULL;
    if (!split)
        split = "test";
    if (strcmp(split, "test") != 0 && strcmp(split, "train") != 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG,
                             "dataset %s: unknown split '%s' (expected test or train)", name, split);
    int kind = known_index(name);
    if (kind < 0)
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG,
                             "unknown dataset '%s' (expected mnist, mnist14, heart or heart_std)",
                             name);
    if (!ctx->data_dir || !*ctx->data_dir)
        return zkbi_ctx_fail(ctx, ZKB_ERR_STATE, "no data directory set");
    zkb_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    snprintf(ds->name, sizeof ds->name, "%s", name);
    snprintf(ds->split, sizeof ds->split, "%s", split);
    zkb_status st = kind < 2 ? open_mnist(ctx, ds, kind == 1) : open_heart(ctx, ds, kind == 3);
    if (st != ZKB_OK) {
        zkb_dataset_free(ds);
        return st;
    }
    *out = ds;
    return ZKB_OK;
}

void zkb_dataset_free(zkb_dataset *ds)
{
    if (!ds)
        return;
    free(ds->x);
    free(ds->y);
    free(ds);
}

const char *zkb_dataset_last_error(const zkb_dataset *ds) { return ds ? ds->err : "no dataset"; }
const char *zkb_dataset_name(const zkb_dataset *ds) { return ds ? ds->name : NULL; }
const char *zkb_dataset_split(const zkb_dataset *ds) { return ds ? ds->split : NULL; }
size_t zkb_dataset_count(const zkb_dataset *ds) { return ds ? ds->count : 0; }
size_t zkb_dataset_features(const zkb_dataset *ds) { return ds ? ds->features : 0; }
uint32_t zkb_dataset_classes(const zkb_dataset *ds) { return ds ? ds->classes : 0; }
const float *zkb_dataset_data(const zkb_dataset *ds) { return ds ? ds->x : NULL; }
const int32_t *zkb_dataset_labels(const zkb_dataset *ds) { return ds ? ds->y : NULL; }

void zkb_dataset_shape(const zkb_dataset *ds, uint32_t *c, uint32_t *h, uint32_t *w)
{
    if (c)
        *c = ds ? ds->c : 0;
    if (h)
        *h = ds ? ds->h : 0;
    if (w)
        *w = ds ? ds->w : 0;
}

const char *zkb_dataset_feature_name(const zkb_dataset *ds, size_t i)
{
    return ds && ds->heart ? zkbi_heart_feature_name(i) : NULL;
}

zkb_status zkb_dataset_sample(zkb_dataset *ds, size_t i, const float **x, int32_t *label)
{
    if (!ds)
        return ZKB_ERR_INVALID_ARG;
    if (i >= ds->count) {
        zkbi_errf(ds->err, sizeof ds->err, "sample %zu out of range: %s %s has %zu samples", i,
                  ds->name, ds->split, ds->count);
        return ZKB_ERR_INVALID_ARG;
    }
    if (x)
        *x = ds->x + i * ds->features;
    if (label)
        *label = ds->y[i];
    return ZKB_OK;
}

zkb_status zkbi_dataset_from_arrays(const char *name, const char *split, const float *x,
                                    const int32_t *y, size_t count, uint32_t c, uint32_t h,
                                    uint32_t w, uint32_t classes, zkb_dataset **out, char *err,
                                    size_t errlen)
{
    if (!out || !name || (count && (!x || !y)) || !c || !h || !w || !classes) {
        zkbi_errf(err, errlen, "invalid argument (NULL pointer or zero size)");
        return ZKB_ERR_INVALID_ARG;
    }
    *out = NULL;
    if (!split)
        split = "test";
    if (strlen(name) >= sizeof((zkb_dataset *)0)->name ||
        strlen(split) >= sizeof((zkb_dataset *)0)->split) {
        zkbi_errf(err, errlen, "dataset name or split too long");
        return ZKB_ERR_INVALID_ARG;
    }
    uint64_t feat = (uint64_t)c * h * w;
    if (feat > ZKBI_ACT_MAX || (count && feat > SIZE_MAX / sizeof(float) / count)) {
        zkbi_errf(err, errlen, "dataset too large");
        return ZKB_ERR_OVERFLOW;
    }
    for (size_t i = 0; i < count; i++)
        if (y[i] < 0 || (uint32_t)y[i] >= classes) {
            zkbi_errf(err, errlen, "label %zu is %" PRId32 ", not in 0..%" PRIu32, i, y[i],
                      classes - 1);
            return ZKB_ERR_INVALID_ARG;
        }
    zkb_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        goto nomem;
    snprintf(ds->name, sizeof ds->name, "%s", name);
    snprintf(ds->split, sizeof ds->split, "%s", split);
    ds->count = count;
    ds->features = (size_t)feat;
    ds->c = c;
    ds->h = h;
    ds->w = w;
    ds->classes = classes;
    ds->x = malloc(count ? count * ds->features * sizeof *ds->x : 1);
    ds->y = malloc(count ? count * sizeof *ds->y : 1);
    if (!ds->x || !ds->y)
        goto nomem;
    if (count) {
        memcpy(ds->x, x, count * ds->features * sizeof *ds->x);
        memcpy(ds->y, y, count * sizeof *ds->y);
    }
    *out = ds;
    return ZKB_OK;
nomem:
    zkb_dataset_free(ds);
    zkbi_errf(err, errlen, "out of memory");
    return ZKB_ERR_NOMEM;
}
