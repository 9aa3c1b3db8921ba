/* libFuzzer target: the IDX parser (zkbi_idx_parse, zkbi_idx_parse_header)
 * and, on inputs that parse, zkbi_mnist_build against a synthetic partner
 * file. See docs/fuzzing.md; the invariants are in fuzz_common.h. */
#include "data/data_int.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed header is within the documented limits and adds up. */
static void check_header(const zkbi_idx *h, uint32_t want)
{
    FUZZ_CHECK(h->ndims == 1 || h->ndims == 3);
    FUZZ_CHECK(!want || h->ndims == want);
    FUZZ_CHECK(h->header_bytes == 4 + 4 * (size_t)h->ndims);
    FUZZ_CHECK(h->count >= 1 && h->count <= ZKBI_IDX_MAX_ITEMS);
    uint64_t item = 1;
    if (h->ndims == 3) {
        FUZZ_CHECK(h->rows >= 1 && h->rows <= ZKBI_IDX_MAX_DIM);
        FUZZ_CHECK(h->cols >= 1 && h->cols <= ZKBI_IDX_MAX_DIM);
        item = (uint64_t)h->rows * h->cols;
    } else {
        FUZZ_CHECK(h->rows == 0 && h->cols == 0);
    }
    FUZZ_CHECK(h->total_bytes == h->header_bytes + h->count * item);
    FUZZ_CHECK(h->total_bytes <= ZKBI_IDX_MAX_BYTES);
}

/* One parse; returns its status after checking the outcome. */
static zkb_status parse_one(const uint8_t *data, size_t size, uint32_t want, zkbi_idx *out)
{
    char err[ZKBI_ERR_LEN];
    fuzz_err_prepare(err, sizeof err);
    zkb_status st = zkbi_idx_parse(data, size, "fuzz-idx", want, out, err, sizeof err);
    zkbi_idx hdr;
    char herr[ZKBI_ERR_LEN];
    fuzz_err_prepare(herr, sizeof herr);
    zkb_status hst = zkbi_idx_parse_header(data, size, "fuzz-idx", want, &hdr, herr, sizeof herr);
    if (st == ZKB_OK) {
        check_header(out, want);
        FUZZ_CHECK(out->total_bytes == size);
        FUZZ_CHECK(out->data == data + out->header_bytes);
        FUZZ_CHECK(hst == ZKB_OK);
        FUZZ_CHECK(hdr.ndims == out->ndims && hdr.count == out->count &&
                   hdr.rows == out->rows && hdr.cols == out->cols &&
                   hdr.total_bytes == out->total_bytes);
        return st;
    }
    fuzz_check_err(err, sizeof err);
    if (hst == ZKB_OK) {
        /* Only the size can be wrong when the header is fine. */
        check_header(&hdr, want);
        FUZZ_CHECK(hdr.total_bytes != size);
        FUZZ_CHECK(st == ZKB_ERR_PARSE);
    } else {
        fuzz_check_err(herr, sizeof herr);
        FUZZ_CHECK(hst == st);
    }
    fuzz_err_prepare(err, sizeof err);
    zkbi_idx tmp;
    FUZZ_CHECK(zkbi_idx_parse(data, size, "fuzz-idx", want, &tmp, err, FUZZ_SMALL_ERR) == st);
    fuzz_check_small_err(err, sizeof err);
    return st;
}

static void check_build(const zkbi_idx *img, const zkbi_idx *lab, int pool2)
{
    char err[ZKBI_ERR_LEN];
    fuzz_err_prepare(err, sizeof err);
    float *x = NULL;
    int32_t *y = NULL;
    size_t count = 0;
    uint32_t h = 0, w = 0;
    zkb_status st = zkbi_mnist_build(img, "fuzz-images", lab, "fuzz-labels", pool2, &x, &y, &count,
                                     &h, &w, err, sizeof err);
    if (st == ZKB_OK) {
        FUZZ_CHECK(count == img->count && count == lab->count);
        FUZZ_CHECK(h == (pool2 ? img->rows / 2 : img->rows));
        FUZZ_CHECK(w == (pool2 ? img->cols / 2 : img->cols));
        for (size_t i = 0; i < count; i++)
            FUZZ_CHECK(y[i] >= 0 && y[i] <= 9);
        for (size_t i = 0; i < count * h * w; i++)
            FUZZ_CHECK(x[i] >= 0.0f && x[i] <= 1.0f);
    } else {
        fuzz_check_err(err, sizeof err);
    }
    free(x);
    free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zkbi_idx any, lab, img;
    zkb_status s0 = parse_one(data, size, 0, &any);
    zkb_status s1 = parse_one(data, size, 1, &lab);
    zkb_status s3 = parse_one(data, size, 3, &img);
    /* "either" accepts exactly what one of the two specific kinds accepts. */
    FUZZ_CHECK((s0 == ZKB_OK) == (s1 == ZKB_OK || s3 == ZKB_OK));
    FUZZ_CHECK(!(s1 == ZKB_OK && s3 == ZKB_OK));
    if (s0 != ZKB_OK)
        return 0;
    FUZZ_CHECK(any.ndims == (s1 == ZKB_OK ? 1u : 3u));

    /* Pair with a synthetic partner of the same count (bounded by size). */
    uint8_t *partner = NULL;
    zkbi_idx other;
    char err[ZKBI_ERR_LEN];
    size_t n = any.count;
    if (s3 == ZKB_OK) { /* labels i % 10 */
        partner = malloc(8 + n);
        FUZZ_CHECK(partner);
        memcpy(partner, "\0\0\x08\x01", 4);
        for (int i = 0; i < 4; i++)
            partner[4 + i] = (uint8_t)(n >> (24 - 8 * i));
        for (size_t i = 0; i < n; i++)
            partner[8 + i] = (uint8_t)(i % 10);
        FUZZ_CHECK(zkbi_idx_parse(partner, 8 + n, "labels", 1, &other, err, sizeof err) == ZKB_OK);
        check_build(&img, &other, 0);
        check_build(&img, &other, 1);
    } else { /* fuzzed labels, images of 2x2 */
        partner = malloc(16 + 4 * n);
        FUZZ_CHECK(partner);
        memcpy(partner, "\0\0\x08\x03", 4);
        for (int i = 0; i < 4; i++)
            partner[4 + i] = (uint8_t)(n >> (24 - 8 * i));
        memcpy(partner + 8, "\0\0\0\x02\0\0\0\x02", 8);
        for (size_t i = 0; i < 4 * n; i++)
            partner[16 + i] = (uint8_t)(i * 37);
        FUZZ_CHECK(zkbi_idx_parse(partner, 16 + 4 * n, "images", 3, &other, err, sizeof err) ==
                   ZKB_OK);
        check_build(&other, &lab, 0);
        check_build(&other, &lab, 1);
    }
    free(partner);
    return 0;
}
