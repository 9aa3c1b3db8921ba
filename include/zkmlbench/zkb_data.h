/* zkb_data.h - datasets of libzkmlbench (proposal; see docs/datasets.md).
 *
 * Same conventions as zkmlbench.h: opaque handles, zkb_status returns, the
 * detail of a failure in the handle (zkb_dataset_last_error) or, when no
 * handle exists yet, in the context (zkb_ctx_last_error). Strings and arrays
 * returned are owned by the library and live as long as the handle. Only
 * scalars and pointers are passed, so ctypes and libffi can call everything.
 * Compiles as C11 and C++17. */
#ifndef ZKB_DATA_H
#define ZKB_DATA_H

#include "zkmlbench.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zkb_dataset zkb_dataset;

/* Load a dataset from the context's data directory (setting "data_dir":
 * $ZKB_DATA_DIR, else ../shared/data when present, else ./data).
 *   name:  "mnist"     MNIST 28x28, pixels / 255 (files under <dir>/mnist/)
 *          "mnist14"   MNIST 14x14: 2x2 average pooling of the [0,1] pixels
 *          "heart"     heart.csv, 18 features, unscaled (<dir>/heart/)
 *          "heart_std" the same, z-scored with the train split's mean/std
 *   split: "test" or "train" (NULL means "test"). MNIST train is the full
 *          60k set when train-images/labels-idx?-ubyte(.gz) exist, else
 *          train-10k-*. Heart: our seeded 70/30 split (642/276 rows).
 * Errors (in zkb_ctx_last_error): ZKB_ERR_NOT_FOUND (file missing),
 * ZKB_ERR_PARSE (malformed file, naming file and fault), ZKB_ERR_IO,
 * ZKB_ERR_INVALID_ARG (unknown name or split), ZKB_ERR_NOMEM. */
ZKB_API zkb_status zkb_dataset_open(zkb_ctx *ctx, const char *name, const char *split,
                                    zkb_dataset **out);
ZKB_API void zkb_dataset_free(zkb_dataset *ds);

/* The names zkb_dataset_open knows, so that a host can reject an unknown
 * name before it reads or runs anything: zkb_dataset_is_known is 1 for
 * "mnist", "mnist14", "heart" and "heart_std" (whether or not their files
 * are in the data directory), else 0 (NULL included); known_name(i) lists
 * them, NULL when i is out of range. */
ZKB_API int zkb_dataset_is_known(const char *name);
ZKB_API size_t zkb_dataset_known_count(void);
ZKB_API const char *zkb_dataset_known_name(size_t i);
ZKB_API const char *zkb_dataset_last_error(const zkb_dataset *ds);

ZKB_API const char *zkb_dataset_name(const zkb_dataset *ds);
ZKB_API const char *zkb_dataset_split(const zkb_dataset *ds);
/* Number of samples, and floats per sample (784, 196 or 18). */
ZKB_API size_t zkb_dataset_count(const zkb_dataset *ds);
ZKB_API size_t zkb_dataset_features(const zkb_dataset *ds);
/* Sample shape as channels, height, width (1x28x28, 1x14x14, 1x1x18); any
 * pointer may be NULL. */
ZKB_API void zkb_dataset_shape(const zkb_dataset *ds, uint32_t *c, uint32_t *h, uint32_t *w);
/* Number of classes (10 for MNIST, 2 for heart). */
ZKB_API uint32_t zkb_dataset_classes(const zkb_dataset *ds);
/* Name of feature i ("Age", "ChestPainType_ASY", ...) for heart; NULL for
 * MNIST or when out of range. */
ZKB_API const char *zkb_dataset_feature_name(const zkb_dataset *ds, size_t i);

/* Sample i: *x points to zkb_dataset_features() floats, *label is the class.
 * Either pointer may be NULL. ZKB_ERR_INVALID_ARG when i is out of range. */
ZKB_API zkb_status zkb_dataset_sample(zkb_dataset *ds, size_t i, const float **x,
                                      int32_t *label);
/* All samples at once: count * features floats, row-major; count labels. */
ZKB_API const float *zkb_dataset_data(const zkb_dataset *ds);
ZKB_API const int32_t *zkb_dataset_labels(const zkb_dataset *ds);

/* ---- checksums ------------------------------------------------------------ */

/* The known files (paths relative to the data directory) and their SHA-256
 * sums (64 lowercase hex digits); NULL when i is out of range. */
ZKB_API size_t zkb_data_file_count(void);
ZKB_API const char *zkb_data_file_path(size_t i);
ZKB_API const char *zkb_data_file_sha256(size_t i);

/* Called once per known file by zkb_data_verify: status is "ok", "missing",
 * "mismatch" or "error"; detail is the full path (ok, missing), "got <sum>"
 * (mismatch) or the reason (error). */
typedef void (*zkb_data_verify_fn)(void *user, const char *file, const char *status,
                                   const char *detail);

/* Check the SHA-256 of every known file under the context's data directory.
 * fn may be NULL. Returns ZKB_OK when all match, ZKB_ERR_VERIFY when any
 * differs or cannot be read, else ZKB_ERR_NOT_FOUND when some are missing;
 * a summary is in zkb_ctx_last_error. */
ZKB_API zkb_status zkb_data_verify(zkb_ctx *ctx, zkb_data_verify_fn fn, void *user);

/* Download the four canonical MNIST files (t10k and the full 60k training
 * set) into <data dir>/mnist with curl or wget, keeping a file only when its
 * SHA-256 is the canonical one; files already there and right are kept.
 * fn is called once per file ("ok" or "error", detail). ZKB_OK when all four
 * are in place, else ZKB_ERR_IO with a summary in zkb_ctx_last_error.
 * heart.csv has no canonical download and is not fetched. */
ZKB_API zkb_status zkb_data_fetch(zkb_ctx *ctx, zkb_data_verify_fn fn, void *user);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_DATA_H */
