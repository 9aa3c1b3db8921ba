/* Internal to the library: the data layer (lib/data/): datasets (MNIST IDX
 * files, heart.csv, the synthetic inputs, samples a caller already holds)
 * and their checksums.
 *
 * Every parser works over a memory buffer and never trusts its input (the
 * fuzzers call them directly); the file readers sit on top. Errors are
 * written into a caller-owned buffer (ZKBI_ERR_LEN bytes is enough) and name
 * the file and the fault. */
#ifndef ZKBI_DATA_INT_H
#define ZKBI_DATA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_int.h"
#include "zkmlbench/zkb_data.h"

/* ---- limits ------------------------------------------------------------ */

#define ZKBI_IDX_MAX_ITEMS 1000000u           /* images or labels per file */
#define ZKBI_IDX_MAX_DIM 4096u                /* rows, cols */
#define ZKBI_IDX_MAX_BYTES (1024u * 1024u * 1024u) /* whole decompressed file */
#define ZKBI_CSV_MAX_BYTES (64u * 1024u * 1024u)

/* ---- data files as a stream (data_stream.c) --------------------------------- */

/* A regular file (zkbi_open_input), gzip-compressed (one or more members,
 * nothing else after them) or plain, read as its data. */
typedef struct zkbi_instream zkbi_instream;

/* Errors name the file: ZKB_ERR_NOT_FOUND, ZKB_ERR_IO (not a regular file,
 * cannot be opened), ZKB_ERR_NOMEM. path must outlive the stream. */
zkb_status zkbi_instream_open(const char *path, zkbi_instream **out, char *err, size_t errn);
/* Reads up to n bytes: fewer only at the end of the data, or with *st set on
 * an error: ZKB_ERR_PARSE ("gzip stream ends early", "corrupt gzip data",
 * "trailing data after the gzip stream at offset N"), ZKB_ERR_IO. */
size_t zkbi_instream_read(zkbi_instream *s, void *dst, size_t n, zkb_status *st, char *err,
                          size_t errn);
void zkbi_instream_close(zkbi_instream *s);

/* ---- IDX (dataset_idx.c) ---------------------------------------------- */

/* IDX magic numbers: 0x00 0x00, element type 0x08 (unsigned byte), dims. */
#define ZKBI_IDX_MAGIC_LABELS 0x00000801u
#define ZKBI_IDX_MAGIC_IMAGES 0x00000803u

typedef struct zkbi_idx {
    uint32_t ndims;        /* 1 (labels) or 3 (images) */
    uint32_t count;        /* number of items */
    uint32_t rows, cols;   /* images only; 0 for labels */
    size_t header_bytes;   /* 8 or 16 */
    size_t total_bytes;    /* header + count * rows * cols (or count) */
    const uint8_t *data;   /* first item, inside the parsed buffer */
} zkbi_idx;

/* Header only: needs the first header_bytes of the file (fewer is an error:
 * "truncated header"). want_ndims is 1, 3, or 0 for either. Fills everything
 * but data. Never reads past buf[len). */
zkb_status zkbi_idx_parse_header(const uint8_t *buf, size_t len, const char *name,
                                 uint32_t want_ndims, zkbi_idx *out, char *err, size_t errn);

/* Whole file in memory: header checks, then len must equal total_bytes
 * exactly (shorter: "truncated", longer: "trailing bytes"). out->data points
 * into buf. */
zkb_status zkbi_idx_parse(const uint8_t *buf, size_t len, const char *name, uint32_t want_ndims,
                          zkbi_idx *out, char *err, size_t errn);

/* Read an IDX file, gzip-compressed or plain, and parse it. Never allocates
 * more than the (capped) size its header declares. *buf is malloc'd and owns
 * out->data; free it. ZKB_ERR_NOT_FOUND when the file does not exist. */
zkb_status zkbi_idx_read_file(const char *path, uint32_t want_ndims, uint8_t **buf, zkbi_idx *out,
                              char *err, size_t errn);

/* Read a whole file (gzip or plain) of at most cap bytes, NUL-terminated
 * (the NUL is not counted in *len). */
zkb_status zkbi_read_all(const char *path, size_t cap, uint8_t **buf, size_t *len, char *err,
                         size_t errn);

/* ---- MNIST (dataset_mnist.c) ------------------------------------------ */

/* Pair parsed images and labels: counts must match, labels must be 0..9.
 * Pixels become p/255 floats; with pool2, 2x2 average pooling of those
 * values (rows and cols must be even). x is count * (h * w) floats. */
zkb_status zkbi_mnist_build(const zkbi_idx *img, const char *img_name, const zkbi_idx *lab,
                            const char *lab_name, int pool2, float **x, int32_t **y,
                            size_t *count, uint32_t *h, uint32_t *w, char *err, size_t errn);

/* Files of a split under <data_dir>/mnist: "test" -> t10k-*, "train" ->
 * train-* (full 60k) when both exist, else train-10k-*. ".gz" is tried first,
 * then the uncompressed name. Paths are written into img and lab. */
zkb_status zkbi_mnist_paths(const char *data_dir, const char *split, char *img, char *lab,
                            size_t n, char *err, size_t errn);

/* ---- heart.csv (dataset_heart.c) -------------------------------------- */

#define ZKBI_HEART_FEATURES 18u
#define ZKBI_HEART_SPLIT_SEED 42u

typedef struct zkbi_heart {
    size_t n;     /* rows */
    float *x;     /* n * ZKBI_HEART_FEATURES */
    int32_t *y;   /* n labels, 0 or 1 */
} zkbi_heart;

/* Static names of the 18 features, in order ("Age", ..., "ST_Slope_Up"). */
const char *zkbi_heart_feature_name(size_t i);

/* Parse heart.csv from memory (name is used in messages). */
zkb_status zkbi_heart_parse(const char *buf, size_t len, const char *name, zkbi_heart *out,
                            char *err, size_t errn);
void zkbi_heart_free(zkbi_heart *h);

/* Deterministic 70/30 split: Fisher-Yates over row indices with splitmix64
 * seeded by seed; the first ceil(3n/10) of the permutation are the test
 * rows, the rest the train rows. perm must hold n entries. Returns n_test. */
size_t zkbi_heart_permutation(size_t n, uint64_t seed, size_t *perm);

/* Select a split ("train"/"test") of h into out (copied rows); with
 * standardize, z-score every feature with the train rows' mean and
 * population standard deviation (a zero deviation counts as 1). */
zkb_status zkbi_heart_split(const zkbi_heart *h, const char *split, int standardize,
                            zkbi_heart *out, char *err, size_t errn);

/* ---- checksums (dataset_verify.c) -------------------------------------- */

/* SHA-256 of a file (raw bytes) as 64 lowercase hex digits + NUL. */
zkb_status zkbi_sha256_file(const char *path, char hex[65], char *err, size_t errn);
zkb_status zkbi_sha256_buf(const void *buf, size_t len, char hex[65]);

/* ---- the handle (dataset.c) -------------------------------------------- */

struct zkb_dataset {
    char err[ZKBI_ERR_LEN];
    char name[16];
    char split[8];
    size_t count;
    size_t features;
    uint32_t c, h, w;
    uint32_t classes;
    float *x;      /* count * features */
    int32_t *y;    /* count */
    int heart;     /* feature names available */
};

/* ---- synthetic inputs (dataset_synth.c) -------------------------------------- */

/* Sample `index` of the synthetic dataset under `seed`: n floats in [0, 1),
 * the same for a given (seed, index) whatever the sample count. */
void zkbi_synth_sample(uint64_t seed, uint64_t index, float *x, size_t n);

/* ---- samples a caller holds (dataset.c) ----------------------------------------- */

/* A dataset handle over copies of count samples of c*h*w floats and count
 * labels in 0..classes-1 (checked). name is at most 15 bytes, split "test"
 * or "train" (NULL: "test"). Free with zkb_dataset_free. */
zkb_status zkbi_dataset_from_arrays(const char *name, const char *split, const float *x,
                                    const int32_t *y, size_t count, uint32_t c, uint32_t h,
                                    uint32_t w, uint32_t classes, zkb_dataset **out, char *err,
                                    size_t errlen);

#endif
