/* MNIST: pair IDX images and labels, scale to [0,1], optional 2x2 pooling. */
#include "data_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

zkb_status zkbi_mnist_build(const zkbi_idx *img, const char *img_name, const zkbi_idx *lab,
                            const char *lab_name, int pool2, float **xp, int32_t **yp,
                            size_t *countp, uint32_t *hp, uint32_t *wp, char *err, size_t errn)
{
    if (!img || !lab || !xp || !yp || !countp || !hp || !wp || !img->data || !lab->data)
        return ZKB_ERR_INVALID_ARG;
    if (!img_name)
        img_name = "images";
    if (!lab_name)
        lab_name = "labels";
    *xp = NULL;
    *yp = NULL;
    if (img->ndims != 3 || lab->ndims != 1) {
        zkbi_errf(err, errn, "%s, %s: expected IDX images and IDX labels", img_name, lab_name);
        return ZKB_ERR_INVALID_ARG;
    }
    if (img->count != lab->count) {
        zkbi_errf(err, errn, "count mismatch: %s has %u images but %s has %u labels", img_name,
                  img->count, lab_name, lab->count);
        return ZKB_ERR_PARSE;
    }
    if (pool2 && (img->rows % 2 || img->cols % 2)) {
        zkbi_errf(err, errn, "%s: cannot halve images of %ux%u (rows and columns must be even)",
                  img_name, img->rows, img->cols);
        return ZKB_ERR_UNSUPPORTED;
    }
    size_t n = img->count;
    for (size_t i = 0; i < n; i++) {
        if (lab->data[i] > 9) {
            zkbi_errf(err, errn, "%s: label %u of item %zu is not a digit 0..9", lab_name,
                      lab->data[i], i);
            return ZKB_ERR_PARSE;
        }
    }
    uint32_t h = pool2 ? img->rows / 2 : img->rows;
    uint32_t w = pool2 ? img->cols / 2 : img->cols;
    size_t feat = (size_t)h * w;
    /* n <= 1e6 and rows*cols <= 2^24 (zkbi_idx_parse_header): no overflow. */
    float *x = malloc(n * feat * sizeof *x);
    int32_t *y = malloc(n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        zkbi_errf(err, errn, "%s: out of memory for %zu images", img_name, n);
        return ZKB_ERR_NOMEM;
    }
    size_t in_sz = (size_t)img->rows * img->cols;
    for (size_t k = 0; k < n; k++) {
        const uint8_t *p = img->data + k * in_sz;
        float *o = x + k * feat;
        if (!pool2) {
            for (size_t i = 0; i < in_sz; i++)
                o[i] = (float)p[i] / 255.0f;
        } else {
            /* Mean of the four [0,1] values, correctly rounded:
             * (p00 + p01 + p10 + p11) / (4 * 255). */
            size_t cols = img->cols;
            for (uint32_t r = 0; r < h; r++) {
                const uint8_t *a = p + (size_t)(2 * r) * cols;
                const uint8_t *b = a + cols;
                for (uint32_t c = 0; c < w; c++) {
                    unsigned s = (unsigned)a[2 * c] + a[2 * c + 1] + b[2 * c] + b[2 * c + 1];
                    o[(size_t)r * w + c] = (float)((double)s / 1020.0);
                }
            }
        }
        y[k] = lab->data[k];
    }
    *xp = x;
    *yp = y;
    *countp = n;
    *hp = h;
    *wp = w;
    return ZKB_OK;
}

/* Whether something is at p: a directory or a FIFO in place of a data file
 * is taken, and refused by the reader with what it is, not "not found". */
static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* <dir>/mnist/<base>.gz, else <dir>/mnist/<base> when that exists. Returns
 * whether either exists; path is the .gz name when neither does. */
static int find(const char *dir, const char *base, char *path, size_t n)
{
    snprintf(path, n, "%s/mnist/%s.gz", dir, base);
    if (exists(path))
        return 1;
    snprintf(path, n, "%s/mnist/%s", dir, base);
    if (exists(path))
        return 1;
    snprintf(path, n, "%s/mnist/%s.gz", dir, base);
    return 0;
}

zkb_status zkbi_mnist_paths(const char *dir, const char *split, char *img, char *lab, size_t n,
                            char *err, size_t errn)
{
    if (!dir || !split || !img || !lab || n == 0)
        return ZKB_ERR_INVALID_ARG;
    const char *ib, *lb;
    if (strcmp(split, "test") == 0) {
        ib = "t10k-images-idx3-ubyte";
        lb = "t10k-labels-idx1-ubyte";
    } else if (strcmp(split, "train") == 0) {
        if (find(dir, "train-images-idx3-ubyte", img, n) &&
            find(dir, "train-labels-idx1-ubyte", lab, n))
            return ZKB_OK;
        ib = "train-10k-images-idx3-ubyte";
        lb = "train-10k-labels-idx1-ubyte";
    } else {
        zkbi_errf(err, errn, "mnist: unknown split '%s' (expected test or train)", split);
        return ZKB_ERR_INVALID_ARG;
    }
    int hi = find(dir, ib, img, n);
    int hl = find(dir, lb, lab, n);
    if (!hi || !hl) {
        zkbi_errf(err, errn, "mnist %s: %s not found (data directory '%s'; set $ZKB_DATA_DIR or "
                  "the data_dir setting)", split, hi ? lab : img, dir);
        return ZKB_ERR_NOT_FOUND;
    }
    return ZKB_OK;
}
