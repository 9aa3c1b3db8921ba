/* Datasets: IDX parser and reader, MNIST pairing and 14x14 pooling, heart.csv
 * preprocessing and split, SHA-256 checks; the real files when present. */
#include "zkbt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "data/data_int.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkmlbench.h"

#define REAL_DATA ZKB_SOURCE_DIR "/../shared/data"

static char tmpdir[256];

/* ---- helpers ------------------------------------------------------------ */

static void expect_substr(const char *err, const char *needle)
{
    if (!err || !strstr(err, needle))
        fail_msg("error '%s' does not contain '%s'", err ? err : "(null)", needle);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* IDX images: n images of r x c, pixel (k, i) = (k * 7 + i * 3) & 255. */
static uint8_t *make_images(uint32_t n, uint32_t r, uint32_t c, size_t *len)
{
    size_t sz = 16 + (size_t)n * r * c;
    uint8_t *b = malloc(sz);
    assert_non_null(b);
    put_be32(b, ZKBI_IDX_MAGIC_IMAGES);
    put_be32(b + 4, n);
    put_be32(b + 8, r);
    put_be32(b + 12, c);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < (size_t)r * c; i++)
            b[16 + k * r * c + i] = (uint8_t)((k * 7 + i * 3) & 255);
    *len = sz;
    return b;
}

/* IDX labels: label k = (k * 3 + 7) % 10 (so the first is 7). */
static uint8_t *make_labels(uint32_t n, size_t *len)
{
    uint8_t *b = malloc(8 + (size_t)n);
    assert_non_null(b);
    put_be32(b, ZKBI_IDX_MAGIC_LABELS);
    put_be32(b + 4, n);
    for (size_t k = 0; k < n; k++)
        b[8 + k] = (uint8_t)((k * 3 + 7) % 10);
    *len = 8 + (size_t)n;
    return b;
}

static void write_file(const char *path, const void *data, size_t len, int gz)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        assert_non_null(g);
        if (len)
            assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
        assert_int_equal(gzclose(g), Z_OK);
    } else {
        zkbt_write_file(path, data, len);
    }
}

static void write_str(const char *path, const char *s) { write_file(path, s, strlen(s), 0); }

static const char *tpath(const char *rel)
{
    return zkbt_path(tmpdir, rel);
}

static int setup_tmp(void **state)
{
    (void)state;
    if (zkbt_tmpdir(tmpdir, sizeof tmpdir, "dataset") != 0)
        return -1;
    if (mkdir(tpath("mnist"), 0755) != 0 || mkdir(tpath("heart"), 0755) != 0)
        return -1;
    return 0;
}

static int teardown_tmp(void **state)
{
    (void)state;
    return zkbi_remove_tree(tmpdir);
}

static zkb_ctx *ctx_for(const char *dir)
{
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    zkb_ctx_set(ctx, "log_level", "error");
    assert_int_equal(zkb_ctx_set(ctx, "data_dir", dir), ZKB_OK);
    return ctx;
}

/* ---- IDX over memory ------------------------------------------------------ */

static void test_idx_parse_ok(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN] = "";
    size_t len;
    uint8_t *b = make_images(3, 4, 2, &len);
    zkbi_idx h;
    assert_int_equal(zkbi_idx_parse(b, len, "img", 3, &h, err, sizeof err), ZKB_OK);
    assert_int_equal(h.ndims, 3);
    assert_int_equal(h.count, 3);
    assert_int_equal(h.rows, 4);
    assert_int_equal(h.cols, 2);
    assert_int_equal(h.total_bytes, 16 + 24);
    assert_ptr_equal(h.data, b + 16);
    /* either kind */
    assert_int_equal(zkbi_idx_parse(b, len, "img", 0, &h, err, sizeof err), ZKB_OK);
    free(b);

    b = make_labels(5, &len);
    assert_int_equal(zkbi_idx_parse(b, len, "lab", 1, &h, err, sizeof err), ZKB_OK);
    assert_int_equal(h.ndims, 1);
    assert_int_equal(h.count, 5);
    assert_int_equal(h.data[0], 7);
    free(b);
}

static void expect_idx_err(const uint8_t *b, size_t len, uint32_t want, zkb_status st,
                           const char *needle)
{
    char err[ZKBI_ERR_LEN] = "";
    zkbi_idx h;
    assert_int_equal(zkbi_idx_parse(b, len, "f.idx", want, &h, err, sizeof err), st);
    expect_substr(err, needle);
    assert_null(h.data);
}

static void test_idx_parse_errors(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = make_images(3, 4, 2, &len);

    expect_idx_err(b, 0, 3, ZKB_ERR_PARSE, "f.idx: truncated header: 0 bytes");
    expect_idx_err(NULL, 0, 3, ZKB_ERR_PARSE, "truncated header");
    expect_idx_err(b, 3, 3, ZKB_ERR_PARSE, "truncated header: 3 bytes");
    expect_idx_err(b, 10, 3, ZKB_ERR_PARSE, "truncated header: 10 bytes, expected 16");
    expect_idx_err(b, len - 10, 3, ZKB_ERR_PARSE,
                   "f.idx: truncated: header says 3 images of 4x2 (40 bytes), file has 30");
    expect_idx_err(b, 16, 3, ZKB_ERR_PARSE, "file has 16");
    /* images where labels are wanted */
    expect_idx_err(b, len, 1, ZKB_ERR_PARSE,
                   "f.idx: bad magic number 0x00000803 (expected 0x00000801 for IDX labels)");

    uint8_t *big = malloc(len + 5);
    assert_non_null(big);
    memcpy(big, b, len);
    memset(big + len, 0xAA, 5);
    expect_idx_err(big, len + 5, 3, ZKB_ERR_PARSE,
                   "f.idx: 5 trailing bytes after the 3 images of 4x2 the header declares "
                   "(expected 40 bytes, file has 45)");
    free(big);

    put_be32(b, 0x00000804);
    expect_idx_err(b, len, 3, ZKB_ERR_PARSE, "bad magic number 0x00000804 (expected 0x00000803");
    put_be32(b, 0x08030000); /* little-endian by mistake */
    expect_idx_err(b, len, 0, ZKB_ERR_PARSE, "bad magic number 0x08030000");
    put_be32(b, 0x00000d03); /* type double */
    expect_idx_err(b, len, 3, ZKB_ERR_PARSE, "bad magic");
    put_be32(b, ZKBI_IDX_MAGIC_IMAGES);

    put_be32(b + 4, 0);
    expect_idx_err(b, len, 3, ZKB_ERR_PARSE, "header says 0 images");
    put_be32(b + 4, 2000000);
    expect_idx_err(b, len, 3, ZKB_ERR_OVERFLOW, "header says 2000000 images, more than the limit");
    put_be32(b + 4, 0xFFFFFFFFu);
    expect_idx_err(b, len, 3, ZKB_ERR_OVERFLOW, "more than the limit");
    put_be32(b + 4, 3);
    put_be32(b + 8, 5000);
    expect_idx_err(b, len, 3, ZKB_ERR_OVERFLOW, "images of 5000x2, larger than the limit");
    put_be32(b + 8, 0);
    expect_idx_err(b, len, 3, ZKB_ERR_PARSE, "images of 0x2");
    put_be32(b + 4, 1000000);
    put_be32(b + 8, 4096);
    put_be32(b + 12, 4096);
    expect_idx_err(b, len, 3, ZKB_ERR_OVERFLOW, "more than the limit of 1073741824 bytes");
    free(b);

    b = make_labels(4, &len);
    expect_idx_err(b, len - 1, 1, ZKB_ERR_PARSE,
                   "truncated: header says 4 labels (12 bytes), file has 11");
    expect_idx_err(b, len, 3, ZKB_ERR_PARSE, "bad magic number 0x00000801 (expected 0x00000803");
    free(b);
}

/* Mutated and random inputs never crash the parsers (valgrind/ASan check
 * the reads). A fuzzer does this properly later. */
static void test_parsers_robust(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN];
    size_t len;
    uint8_t *good = make_images(2, 3, 3, &len);
    uint8_t *b = malloc(len + 8);
    assert_non_null(b);
    uint64_t s = 12345;
    for (int it = 0; it < 3000; it++) {
        memcpy(b, good, len);
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = (size_t)(s >> 33) % (len + 8);
        for (int m = 0; m < 3; m++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            b[(s >> 20) % (len + 8)] = (uint8_t)(s >> 50);
        }
        uint8_t *exact = malloc(n ? n : 1);
        assert_non_null(exact);
        memcpy(exact, b, n);
        zkbi_idx h;
        if (zkbi_idx_parse(exact, n, "fuzz", 0, &h, err, sizeof err) == ZKB_OK) {
            size_t sz = h.ndims == 3 ? (size_t)h.count * h.rows * h.cols : h.count;
            assert_true(h.data + sz == exact + n);
        }
        zkbi_heart hh;
        if (zkbi_heart_parse((const char *)exact, n, "fuzz", &hh, err, sizeof err) == ZKB_OK)
            zkbi_heart_free(&hh);
        free(exact);
    }
    free(b);
    free(good);
}

/* ---- IDX files ------------------------------------------------------------ */

static void test_idx_files(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN] = "";
    size_t len;
    uint8_t *b = make_images(10, 28, 28, &len);
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tpath(gz ? "img.gz" : "img");
        write_file(p, b, len, gz);
        uint8_t *buf = NULL;
        zkbi_idx h;
        assert_int_equal(zkbi_idx_read_file(p, 3, &buf, &h, err, sizeof err), ZKB_OK);
        assert_int_equal(h.count, 10);
        assert_memory_equal(h.data, b + 16, 10 * 784);
        free(buf);
        remove(p);
    }

    /* truncated: half of the images (plain and gzip) */
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tpath("t10k-images-idx3-ubyte.gz");
        write_file(p, b, 16 + 5 * 784, gz);
        uint8_t *buf = NULL;
        zkbi_idx h;
        assert_int_equal(zkbi_idx_read_file(p, 3, &buf, &h, err, sizeof err), ZKB_ERR_PARSE);
        expect_substr(err, "t10k-images-idx3-ubyte.gz: truncated: header says 10 images of 28x28 "
                           "(7856 bytes), file has 3936");
        assert_null(buf);
        remove(p);
    }

    /* trailing garbage */
    uint8_t *big = calloc(1, len + 100);
    assert_non_null(big);
    memcpy(big, b, len);
    write_file(tpath("trail.gz"), big, len + 100, 1);
    uint8_t *buf = NULL;
    zkbi_idx h;
    assert_int_equal(zkbi_idx_read_file(tpath("trail.gz"), 3, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "100 trailing bytes after the 10 images of 28x28");
    free(big);

    /* gzip stream cut in the middle */
    write_file(tpath("cut.gz"), b, len, 1);
    FILE *f = fopen(tpath("cut.gz"), "rb");
    assert_non_null(f);
    uint8_t comp[16384];
    size_t clen = fread(comp, 1, sizeof comp, f);
    fclose(f);
    assert_true(clen > 100);
    write_file(tpath("cut.gz"), comp, clen / 2, 0);
    assert_int_equal(zkbi_idx_read_file(tpath("cut.gz"), 3, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "cut.gz: ");
    assert_null(buf);
    /* corrupt deflate data */
    for (size_t i = 20; i < clen - 10; i++)
        comp[i] ^= 0x5A;
    write_file(tpath("bad.gz"), comp, clen, 0);
    assert_int_equal(zkbi_idx_read_file(tpath("bad.gz"), 3, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "bad.gz: ");

    /* not an IDX file, empty file, a directory, no file */
    write_str(tpath("text.gz"), "hello, world\n");
    assert_int_equal(zkbi_idx_read_file(tpath("text.gz"), 3, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "text.gz: bad magic number 0x68656c6c");
    write_file(tpath("empty.gz"), "", 0, 1);
    assert_int_equal(zkbi_idx_read_file(tpath("empty.gz"), 1, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "empty.gz: truncated header: 0 bytes");
    assert_int_equal(zkbi_idx_read_file(tpath("mnist"), 1, &buf, &h, err, sizeof err), ZKB_ERR_IO);
    expect_substr(err, "not a regular file");
    assert_int_equal(zkbi_idx_read_file(tpath("nope.gz"), 1, &buf, &h, err, sizeof err),
                     ZKB_ERR_NOT_FOUND);
    expect_substr(err, "nope.gz: cannot open: No such file");
    remove(tpath("trail.gz"));
    remove(tpath("cut.gz"));
    remove(tpath("bad.gz"));
    remove(tpath("text.gz"));
    remove(tpath("empty.gz"));
    free(b);
}

/* The gzip bytes of len bytes of data (one member). */
static uint8_t *gzip_bytes(const void *data, size_t len, size_t *glen)
{
    write_file(tpath("member.gz"), data, len, 1);
    uint8_t *g = (uint8_t *)zkbt_read_file(tpath("member.gz"), glen);
    remove(tpath("member.gz"));
    return g;
}

/* After the last gzip member only the end of the file may come: zlib's
 * gzread skipped anything else without a word. Concatenated members are one
 * stream, as for gzip -d. */
static void test_gzip_trailing(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN] = "";
    size_t len, glen, llen;
    uint8_t *b = make_images(10, 28, 28, &len);
    uint8_t *g = gzip_bytes(b, len, &glen);
    uint8_t *f = malloc(2 * glen + 16);
    assert_non_null(f);
    uint8_t *buf = NULL;
    zkbi_idx h;

    /* garbage after the member: refused with the offset */
    static const char *const tails[] = {"garbage", "\0", "\x1f", "\0\0\0\0\0\0\0\0"};
    static const size_t tail_len[] = {7, 1, 1, 8};
    for (size_t t = 0; t < 4; t++) {
        memcpy(f, g, glen);
        memcpy(f + glen, tails[t], tail_len[t]);
        zkbt_write_file(tpath("tail.gz"), f, glen + tail_len[t]);
        assert_int_equal(zkbi_idx_read_file(tpath("tail.gz"), 3, &buf, &h, err, sizeof err),
                         ZKB_ERR_PARSE);
        assert_null(buf);
        char want[128];
        zkbt_fmt(want, sizeof want, "tail.gz: trailing data after the gzip stream at offset %zu",
                 glen);
        expect_substr(err, want);
    }

    /* two members: one stream (the images cut in two, each half a member) */
    size_t half = len / 2, g1len, g2len;
    uint8_t *g1 = gzip_bytes(b, half, &g1len);
    uint8_t *g2 = gzip_bytes(b + half, len - half, &g2len);
    uint8_t *two = malloc(g1len + g2len);
    assert_non_null(two);
    memcpy(two, g1, g1len);
    memcpy(two + g1len, g2, g2len);
    zkbt_write_file(tpath("two.gz"), two, g1len + g2len);
    assert_int_equal(zkbi_idx_read_file(tpath("two.gz"), 3, &buf, &h, err, sizeof err), ZKB_OK);
    assert_memory_equal(buf, b, len);
    free(buf);
    buf = NULL;
    /* ... but a second member cut short is an error */
    zkbt_write_file(tpath("two.gz"), two, g1len + g2len / 2);
    assert_int_equal(zkbi_idx_read_file(tpath("two.gz"), 3, &buf, &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "two.gz: gzip stream ends early");

    /* heart.csv.gz is read the same way */
    uint8_t *lab = make_labels(4, &llen);
    uint8_t *lg = gzip_bytes(lab, llen, &glen);
    memcpy(f, lg, glen);
    memcpy(f + glen, "junk", 4);
    zkbt_write_file(tpath("all.gz"), f, glen + 4);
    size_t n = 0;
    assert_int_equal(zkbi_read_all(tpath("all.gz"), 1024, &buf, &n, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "all.gz: trailing data after the gzip stream");
    zkbt_write_file(tpath("all.gz"), f, glen);
    assert_int_equal(zkbi_read_all(tpath("all.gz"), 1024, &buf, &n, err, sizeof err), ZKB_OK);
    assert_int_equal(n, llen);
    assert_memory_equal(buf, lab, llen);
    free(buf);

    remove(tpath("tail.gz"));
    remove(tpath("two.gz"));
    remove(tpath("all.gz"));
    free(lab);
    free(lg);
    free(two);
    free(g1);
    free(g2);
    free(f);
    free(g);
    free(b);
}

/* ---- MNIST ---------------------------------------------------------------- */

static void test_mnist_build(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN] = "";
    /* one 4x4 image with a known pattern */
    uint8_t img[16 + 16];
    put_be32(img, ZKBI_IDX_MAGIC_IMAGES);
    put_be32(img + 4, 1);
    put_be32(img + 8, 4);
    put_be32(img + 12, 4);
    const uint8_t px[16] = {0,   255, 10, 20,  /* */
                            255, 0,   30, 40,  /* */
                            255, 255, 1,  0,   /* */
                            255, 255, 0,  0};
    memcpy(img + 16, px, 16);
    uint8_t lab[9];
    put_be32(lab, ZKBI_IDX_MAGIC_LABELS);
    put_be32(lab + 4, 1);
    lab[8] = 3;
    zkbi_idx ii, li;
    assert_int_equal(zkbi_idx_parse(img, sizeof img, "i", 3, &ii, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_idx_parse(lab, sizeof lab, "l", 1, &li, err, sizeof err), ZKB_OK);

    float *x = NULL;
    int32_t *y = NULL;
    size_t n;
    uint32_t h, w;
    assert_int_equal(zkbi_mnist_build(&ii, "i", &li, "l", 0, &x, &y, &n, &h, &w, err, sizeof err),
                     ZKB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h, 4);
    assert_int_equal(w, 4);
    assert_int_equal(y[0], 3);
    for (int i = 0; i < 16; i++)
        assert_true(x[i] == (float)px[i] / 255.0f);
    assert_true(x[1] == 1.0f && x[0] == 0.0f);
    free(x);
    free(y);

    assert_int_equal(zkbi_mnist_build(&ii, "i", &li, "l", 1, &x, &y, &n, &h, &w, err, sizeof err),
                     ZKB_OK);
    assert_int_equal(h, 2);
    assert_int_equal(w, 2);
    assert_true(x[0] == 0.5f);                                   /* 0,255,255,0 */
    assert_true(x[1] == (float)(100.0 / 1020.0));                /* 10,20,30,40 */
    assert_true(x[2] == 1.0f);                                   /* all 255 */
    assert_true(x[3] == (float)(1.0 / 1020.0));                  /* 1,0,0,0 */
    /* same as the mean of the [0,1] values, up to float rounding */
    float m1 = (10 / 255.0f + 20 / 255.0f + 30 / 255.0f + 40 / 255.0f) / 4;
    assert_true(fabsf(x[1] - m1) <= 1e-7f);
    free(x);
    free(y);

    /* count mismatch, bad label, odd size */
    uint8_t lab2[10];
    put_be32(lab2, ZKBI_IDX_MAGIC_LABELS);
    put_be32(lab2 + 4, 2);
    lab2[8] = 1;
    lab2[9] = 2;
    zkbi_idx l2;
    assert_int_equal(zkbi_idx_parse(lab2, sizeof lab2, "l2", 1, &l2, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_mnist_build(&ii, "imgs.gz", &l2, "labs.gz", 0, &x, &y, &n, &h, &w, err,
                                      sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "count mismatch: imgs.gz has 1 images but labs.gz has 2 labels");
    assert_null(x);
    lab[8] = 10;
    assert_int_equal(zkbi_mnist_build(&ii, "i", &li, "l", 0, &x, &y, &n, &h, &w, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, "l: label 10 of item 0 is not a digit");
    lab[8] = 3;
    put_be32(img + 8, 2);
    put_be32(img + 12, 8); /* 2x8 still even */
    assert_int_equal(zkbi_idx_parse(img, sizeof img, "i", 3, &ii, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_mnist_build(&ii, "i", &li, "l", 1, &x, &y, &n, &h, &w, err, sizeof err),
                     ZKB_OK);
    assert_int_equal(h * 10 + w, 14);
    free(x);
    free(y);
    put_be32(img + 8, 1);
    put_be32(img + 12, 16);
    assert_int_equal(zkbi_idx_parse(img, sizeof img, "i", 3, &ii, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_mnist_build(&ii, "i", &li, "l", 1, &x, &y, &n, &h, &w, err, sizeof err),
                     ZKB_ERR_UNSUPPORTED);
    expect_substr(err, "cannot halve images of 1x16");
}

static void write_mnist(const char *prefix, uint32_t n_img, uint32_t n_lab, int gz)
{
    char p[512];
    size_t len;
    uint8_t *b = make_images(n_img, 28, 28, &len);
    snprintf(p, sizeof p, "%s/mnist/%s-images-idx3-ubyte%s", tmpdir, prefix, gz ? ".gz" : "");
    write_file(p, b, len, gz);
    free(b);
    b = make_labels(n_lab, &len);
    snprintf(p, sizeof p, "%s/mnist/%s-labels-idx1-ubyte%s", tmpdir, prefix, gz ? ".gz" : "");
    write_file(p, b, len, gz);
    free(b);
}

static void test_mnist_open(void **state)
{
    (void)state;
    zkb_ctx *ctx = ctx_for(tmpdir);
    zkb_dataset *ds = NULL;

    assert_int_equal(zkb_dataset_open(ctx, "mnist", "test", &ds), ZKB_ERR_NOT_FOUND);
    expect_substr(zkb_ctx_last_error(ctx), "mnist test: ");
    expect_substr(zkb_ctx_last_error(ctx), "mnist/t10k-images-idx3-ubyte.gz not found");
    assert_null(ds);

    write_mnist("t10k", 6, 6, 1);
    assert_int_equal(zkb_dataset_open(ctx, "mnist", NULL, &ds), ZKB_OK);
    assert_string_equal(zkb_dataset_name(ds), "mnist");
    assert_string_equal(zkb_dataset_split(ds), "test");
    assert_int_equal(zkb_dataset_count(ds), 6);
    assert_int_equal(zkb_dataset_features(ds), 784);
    assert_int_equal(zkb_dataset_classes(ds), 10);
    uint32_t c, h, w;
    zkb_dataset_shape(ds, &c, &h, &w);
    assert_int_equal(c * 10000 + h * 100 + w, 12828);
    assert_null(zkb_dataset_feature_name(ds, 0));
    const float *x;
    int32_t y;
    assert_int_equal(zkb_dataset_sample(ds, 2, &x, &y), ZKB_OK);
    assert_int_equal(y, (2 * 3 + 7) % 10);
    for (size_t i = 0; i < 784; i++)
        assert_true(x[i] == (float)((2 * 7 + i * 3) & 255) / 255.0f);
    assert_ptr_equal(x, zkb_dataset_data(ds) + 2 * 784);
    assert_int_equal(zkb_dataset_labels(ds)[0], 7);
    assert_int_equal(zkb_dataset_sample(ds, 6, &x, &y), ZKB_ERR_INVALID_ARG);
    expect_substr(zkb_dataset_last_error(ds), "sample 6 out of range");
    zkb_dataset_free(ds);

    assert_int_equal(zkb_dataset_open(ctx, "mnist14", "test", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_features(ds), 196);
    zkb_dataset_shape(ds, &c, &h, &w);
    assert_int_equal(c * 10000 + h * 100 + w, 11414);
    assert_int_equal(zkb_dataset_sample(ds, 1, &x, NULL), ZKB_OK);
    for (size_t r = 0; r < 14; r++)
        for (size_t q = 0; q < 14; q++) {
            unsigned s = 0;
            for (size_t dr = 0; dr < 2; dr++)
                for (size_t dq = 0; dq < 2; dq++)
                    s += (unsigned)((7 + ((2 * r + dr) * 28 + 2 * q + dq) * 3) & 255);
            assert_true(x[r * 14 + q] == (float)(s / 1020.0));
        }
    zkb_dataset_free(ds);

    /* train: the 10k names, else the full set; plain files work too */
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "train", &ds), ZKB_ERR_NOT_FOUND);
    expect_substr(zkb_ctx_last_error(ctx), "train-10k-images-idx3-ubyte.gz not found");
    write_mnist("train-10k", 4, 4, 0);
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "train", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_count(ds), 4);
    zkb_dataset_free(ds);
    write_mnist("train", 5, 5, 1);
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "train", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_count(ds), 5);
    zkb_dataset_free(ds);

    /* mismatched counts through files name both files */
    write_mnist("t10k", 6, 5, 1);
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "test", &ds), ZKB_ERR_PARSE);
    expect_substr(zkb_ctx_last_error(ctx), "t10k-images-idx3-ubyte.gz has 6 images but ");
    expect_substr(zkb_ctx_last_error(ctx), "t10k-labels-idx1-ubyte.gz has 5 labels");
    assert_null(ds);

    /* bad arguments */
    assert_int_equal(zkb_dataset_open(ctx, "cifar", "test", &ds), ZKB_ERR_INVALID_ARG);
    expect_substr(zkb_ctx_last_error(ctx), "unknown dataset 'cifar'");
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "valid", &ds), ZKB_ERR_INVALID_ARG);
    expect_substr(zkb_ctx_last_error(ctx), "unknown split 'valid'");
    assert_int_equal(zkb_dataset_open(NULL, "mnist", "test", &ds), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_dataset_count(NULL), 0);
    zkb_dataset_free(NULL);
    zkb_ctx_free(ctx);
}

/* The names zkb_dataset_open knows, asked before any file is read (the CLI
 * rejects `--dataset nosuch` with them before it runs anything). */
static void test_known_names(void **state)
{
    (void)state;
    assert_int_equal(zkb_dataset_known_count(), 4);
    const char *want[] = {"mnist", "mnist14", "heart", "heart_std"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(zkb_dataset_known_name(i), want[i]);
        assert_true(zkb_dataset_is_known(want[i]));
    }
    assert_null(zkb_dataset_known_name(4));
    assert_false(zkb_dataset_is_known("nosuch"));
    assert_false(zkb_dataset_is_known("synthetic")); /* the runner's, not a dataset */
    assert_false(zkb_dataset_is_known("MNIST"));
    assert_false(zkb_dataset_is_known(""));
    assert_false(zkb_dataset_is_known(NULL));
}

/* ---- heart ------------------------------------------------------------------ */

#define HEART_HEADER \
    "Age,Sex,ChestPainType,RestingBP,Cholesterol,FastingBS,RestingECG,MaxHR,ExerciseAngina," \
    "Oldpeak,ST_Slope,HeartDisease\n"

static const char *heart_small =
    HEART_HEADER
    "40,M,ATA,140,289,0,Normal,172,N,0,Up,0\n"
    "49,F,NAP,160,180,0,Normal,156,N,1,Flat,1\n"
    "37,M,ASY,130,283,0,ST,98,Y,-0.5,Down,0\n"
    "65,F,TA,150,0,1,LVH,120,Y,2.5,Flat,1\n";

static void expect_row(const float *x, const float *want)
{
    for (int i = 0; i < 18; i++)
        if (x[i] != want[i])
            fail_msg("feature %d (%s): got %g, want %g", i, zkbi_heart_feature_name((size_t)i),
                     (double)x[i], (double)want[i]);
}

static void test_heart_parse(void **state)
{
    (void)state;
    char err[ZKBI_ERR_LEN] = "";
    zkbi_heart h;
    assert_int_equal(zkbi_heart_parse(heart_small, strlen(heart_small), "h.csv", &h, err, sizeof err),
                     ZKB_OK);
    assert_int_equal(h.n, 4);
    /* Age Sex RestingBP Chol FBS MaxHR Angina Oldpeak | CP ASY ATA NAP TA | ECG LVH Normal ST |
     * Slope Down Flat Up */
    const float r0[18] = {40, 1, 140, 289, 0, 172, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    const float r1[18] = {49, 0, 160, 180, 0, 156, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0};
    const float r2[18] = {37, 1, 130, 283, 0, 98, 1, -0.5f, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0};
    const float r3[18] = {65, 0, 150, 0, 1, 120, 1, 2.5f, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0};
    expect_row(h.x, r0);
    expect_row(h.x + 18, r1);
    expect_row(h.x + 36, r2);
    expect_row(h.x + 54, r3);
    assert_int_equal(h.y[0] * 1000 + h.y[1] * 100 + h.y[2] * 10 + h.y[3], 101);
    zkbi_heart_free(&h);

    const char *names[18] = {"Age", "Sex", "RestingBP", "Cholesterol", "FastingBS", "MaxHR",
                             "ExerciseAngina", "Oldpeak", "ChestPainType_ASY", "ChestPainType_ATA",
                             "ChestPainType_NAP", "ChestPainType_TA", "RestingECG_LVH",
                             "RestingECG_Normal", "RestingECG_ST", "ST_Slope_Down",
                             "ST_Slope_Flat", "ST_Slope_Up"};
    for (size_t i = 0; i < 18; i++)
        assert_string_equal(zkbi_heart_feature_name(i), names[i]);
    assert_null(zkbi_heart_feature_name(18));

    /* columns in another order, CRLF, BOM, quotes, blanks, blank lines */
    const char *other = "\xEF\xBB\xBF"
                        "HeartDisease,ST_Slope,Oldpeak,ExerciseAngina,MaxHR,RestingECG,FastingBS,"
                        "Cholesterol,RestingBP,ChestPainType,Sex,Age,Extra\r\n"
                        "\r\n"
                        "0, Up ,0,N,172,\"Normal\",0,289,140,ATA,M,40,whatever\r\n";
    assert_int_equal(zkbi_heart_parse(other, strlen(other), "o.csv", &h, err, sizeof err), ZKB_OK);
    assert_int_equal(h.n, 1);
    expect_row(h.x, r0);
    zkbi_heart_free(&h);
}

static void expect_heart_err(const char *csv, const char *needle)
{
    char err[ZKBI_ERR_LEN] = "";
    zkbi_heart h;
    assert_int_equal(zkbi_heart_parse(csv, strlen(csv), "heart.csv", &h, err, sizeof err),
                     ZKB_ERR_PARSE);
    expect_substr(err, needle);
    assert_null(h.x);
    assert_int_equal(h.n, 0);
}

static void test_heart_errors(void **state)
{
    (void)state;
    expect_heart_err("", "heart.csv: empty file");
    expect_heart_err(" \n\r\n", "heart.csv: empty file");
    expect_heart_err(HEART_HEADER, "heart.csv: no data rows");
    expect_heart_err("Age,Sex,ChestPainType,RestingBP,Cholesterol,FastingBS,RestingECG,MaxHR,"
                     "ExerciseAngina,Oldpeak,HeartDisease\n40,M,ATA,140,289,0,Normal,172,N,0,0\n",
                     "heart.csv: missing column 'ST_Slope'");
    expect_heart_err(HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up,0\n"
                                  "49,F,NAP,160,abc,0,Normal,156,N,1,Flat,1\n",
                     "heart.csv: row 2 (line 3), column 'Cholesterol': 'abc' is not a number");
    expect_heart_err(HEART_HEADER "49,F,NAP,160,,0,Normal,156,N,1,Flat,1\n",
                     "row 1 (line 2), column 'Cholesterol': '' is not a number");
    expect_heart_err(HEART_HEADER "49,F,NAP,160,1e999,0,Normal,156,N,1,Flat,1\n",
                     "'1e999' is not a number");
    /* finite as a double, but not as the float32 the features are stored in */
    expect_heart_err(HEART_HEADER "1e300,M,ATA,140,289,0,Normal,172,N,0,Up,0\n",
                     "column 'Age': '1e300' is not a number");
    expect_heart_err(HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up\n",
                     "heart.csv: row 1 (line 2): 11 fields, expected 12");
    expect_heart_err(HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up,0,1\n",
                     "row 1 (line 2): 13 fields, expected 12");
    expect_heart_err(HEART_HEADER "40,M,XYZ,140,289,0,Normal,172,N,0,Up,0\n",
                     "row 1 (line 2), column 'ChestPainType': unknown value 'XYZ' "
                     "(expected ASY, ATA, NAP or TA)");
    expect_heart_err(HEART_HEADER "40,m,ATA,140,289,0,Normal,172,N,0,Up,0\n",
                     "column 'Sex': unknown value 'm' (expected F or M)");
    expect_heart_err(HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up,2\n",
                     "column 'HeartDisease': '2' is not 0 or 1");
    /* numbers are plain decimals: not what strtod takes besides */
    static const char *const not_plain[] = {"0x10", "0X1p4", "inf", "-Infinity", "nan", "NAN(1)",
                                            "\" 40\"", "1e", "1.2.3", "+", ".", "e5", "1,5"};
    for (size_t i = 0; i < sizeof not_plain / sizeof not_plain[0]; i++) {
        char csv[512], want[128];
        zkbt_fmt(csv, sizeof csv, HEART_HEADER "%s,M,ATA,140,289,0,Normal,172,N,0,Up,0\n",
                 not_plain[i]);
        zkbt_fmt(want, sizeof want, "row 1 (line 2), column 'Age': '%s' is not a number (plain",
                 not_plain[i][0] == '"' ? " 40" : not_plain[i]);
        if (strchr(not_plain[i], ',')) /* a comma: one field more */
            zkbt_fmt(want, sizeof want, "13 fields, expected 12");
        expect_heart_err(csv, want);
    }
    static const char *const plain[] = {"40", "+40", "-0.5", "40.", ".5", "4e1", "4E+1", "400e-1"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        char csv[512], err[ZKBI_ERR_LEN];
        zkbi_heart h;
        zkbt_fmt(csv, sizeof csv, HEART_HEADER "%s,M,ATA,140,289,0,Normal,172,N,0,Up,0\n",
                 plain[i]);
        if (zkbi_heart_parse(csv, strlen(csv), "heart.csv", &h, err, sizeof err) != ZKB_OK)
            fail_msg("'%s' refused: %s", plain[i], err);
        zkbi_heart_free(&h);
    }
    expect_heart_err(HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up,0x1\n",
                     "column 'HeartDisease': '0x1' is not 0 or 1");
    expect_heart_err("Age,Age,Sex\n1,2,M\n", "column 'Age' appears twice");
    expect_heart_err(HEART_HEADER "40,M,\"ATA,140,289,0,Normal,172,N,0,Up,0\n", "unbalanced quotes");
}

static void test_heart_split(void **state)
{
    (void)state;
    size_t perm[918];
    assert_int_equal(zkbi_heart_permutation(918, 42, perm), 276);
    unsigned char seen[918] = {0};
    for (size_t i = 0; i < 918; i++) {
        assert_true(perm[i] < 918);
        assert_false(seen[perm[i]]);
        seen[perm[i]] = 1;
    }
    /* pinned: the Python snippet in docs/datasets.md prints the same */
    const size_t first[5] = {368, 838, 233, 740, 813};
    assert_memory_equal(perm, first, sizeof first);
    assert_int_equal(zkbi_heart_permutation(10, 42, perm), 3);
    assert_int_equal(zkbi_heart_permutation(11, 42, perm), 4);
    assert_int_equal(zkbi_heart_permutation(2, 42, perm), 1);

    /* 20 rows: 6 test, 14 train, disjoint, standardized with train stats */
    char csv[8192];
    size_t off = (size_t)snprintf(csv, sizeof csv, "%s", HEART_HEADER);
    for (int i = 0; i < 20; i++)
        off += (size_t)snprintf(csv + off, sizeof csv - off,
                                "%d,%s,ASY,%d,200,0,Normal,150,N,1.5,Up,%d\n", 30 + i,
                                i % 3 ? "M" : "F", 100 + 2 * i, i % 2);
    char err[ZKBI_ERR_LEN];
    zkbi_heart all, te, tr, te_s, tr_s;
    assert_int_equal(zkbi_heart_parse(csv, off, "h", &all, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_heart_split(&all, "test", 0, &te, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_heart_split(&all, "train", 0, &tr, err, sizeof err), ZKB_OK);
    assert_int_equal(te.n, 6);
    assert_int_equal(tr.n, 14);
    int age_seen[20] = {0};
    for (size_t i = 0; i < 6; i++)
        age_seen[(int)te.x[i * 18] - 30]++;
    for (size_t i = 0; i < 14; i++)
        age_seen[(int)tr.x[i * 18] - 30]++;
    for (int i = 0; i < 20; i++)
        assert_int_equal(age_seen[i], 1);

    assert_int_equal(zkbi_heart_split(&all, "train", 1, &tr_s, err, sizeof err), ZKB_OK);
    assert_int_equal(zkbi_heart_split(&all, "test", 1, &te_s, err, sizeof err), ZKB_OK);
    for (size_t f = 0; f < 18; f++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < 14; i++)
            m += tr.x[i * 18 + f];
        m /= 14;
        for (size_t i = 0; i < 14; i++)
            v += (tr.x[i * 18 + f] - m) * (tr.x[i * 18 + f] - m);
        double sd = sqrt(v / 14);
        double ms = 0;
        for (size_t i = 0; i < 14; i++)
            ms += tr_s.x[i * 18 + f];
        assert_true(fabs(ms / 14) < 1e-5);
        if (sd == 0)
            sd = 1; /* constant feature: only centred */
        for (size_t i = 0; i < 6; i++)
            assert_true(fabs(te_s.x[i * 18 + f] - (te.x[i * 18 + f] - m) / sd) < 1e-5);
    }
    zkbi_heart_free(&te);
    assert_int_equal(zkbi_heart_split(&all, "dev", 0, &te, err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_null(te.x);
    expect_substr(err, "unknown split 'dev'");
    zkbi_heart_free(&all);
    zkbi_heart_free(&te_s);
    zkbi_heart_free(&tr_s);
    zkbi_heart_free(&tr);

    /* through the public API */
    write_str(tpath("heart/heart.csv"), csv);
    zkb_ctx *ctx = ctx_for(tmpdir);
    zkb_dataset *ds = NULL;
    assert_int_equal(zkb_dataset_open(ctx, "heart", "train", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_count(ds), 14);
    assert_int_equal(zkb_dataset_features(ds), 18);
    assert_int_equal(zkb_dataset_classes(ds), 2);
    assert_string_equal(zkb_dataset_feature_name(ds, 8), "ChestPainType_ASY");
    assert_null(zkb_dataset_feature_name(ds, 18));
    zkb_dataset_free(ds);
    assert_int_equal(zkb_dataset_open(ctx, "heart_std", "test", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_count(ds), 6);
    zkb_dataset_free(ds);
    write_str(tpath("heart/heart.csv"), HEART_HEADER "40,M,ATA,140,289,0,Normal,172,N,0,Up\n");
    assert_int_equal(zkb_dataset_open(ctx, "heart", "test", &ds), ZKB_ERR_PARSE);
    expect_substr(zkb_ctx_last_error(ctx), "heart/heart.csv: row 1 (line 2): 11 fields");
    remove(tpath("heart/heart.csv"));
    assert_int_equal(zkb_dataset_open(ctx, "heart", "test", &ds), ZKB_ERR_NOT_FOUND);
    expect_substr(zkb_ctx_last_error(ctx), "heart/heart.csv not found");
    zkb_ctx_free(ctx);
}

/* ---- checksums ---------------------------------------------------------- */

typedef struct verify_log {
    int n;
    char status[8][16];
    char file[8][64];
} verify_log;

static void on_verify(void *user, const char *file, const char *status, const char *detail)
{
    verify_log *v = user;
    assert_non_null(detail);
    if (v->n < 8) {
        snprintf(v->status[v->n], sizeof v->status[0], "%s", status);
        snprintf(v->file[v->n], sizeof v->file[0], "%s", file);
    }
    v->n++;
}

static void test_sha256_and_verify(void **state)
{
    (void)state;
    char hex[65], err[ZKBI_ERR_LEN];
    assert_int_equal(zkbi_sha256_buf("", 0, hex), ZKB_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(zkbi_sha256_buf("abc", 3, hex), ZKB_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    write_str(tpath("abc.txt"), "abc");
    assert_int_equal(zkbi_sha256_file(tpath("abc.txt"), hex, err, sizeof err), ZKB_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    remove(tpath("abc.txt"));
    assert_int_equal(zkbi_sha256_file(tpath("abc.txt"), hex, err, sizeof err), ZKB_ERR_NOT_FOUND);

    assert_int_equal(zkb_data_file_count(), 5);
    assert_string_equal(zkb_data_file_path(4), "heart/heart.csv");
    assert_int_equal(strlen(zkb_data_file_sha256(0)), 64);
    assert_null(zkb_data_file_path(5));

    /* empty directory: all missing */
    assert_int_equal(mkdir(tpath("v"), 0755), 0);
    assert_int_equal(mkdir(tpath("v/heart"), 0755), 0);
    zkb_ctx *ctx = ctx_for(tpath("v"));
    verify_log v;
    memset(&v, 0, sizeof v);
    assert_int_equal(zkb_data_verify(ctx, on_verify, &v), ZKB_ERR_NOT_FOUND);
    assert_int_equal(v.n, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(v.status[i], "missing");
    expect_substr(zkb_ctx_last_error(ctx), "0 ok, 5 missing, 0 bad");
    /* a wrong heart.csv: mismatch */
    write_str(tpath("v/heart/heart.csv"), heart_small);
    memset(&v, 0, sizeof v);
    assert_int_equal(zkb_data_verify(ctx, on_verify, &v), ZKB_ERR_VERIFY);
    assert_string_equal(v.file[4], "heart/heart.csv");
    assert_string_equal(v.status[4], "mismatch");
    expect_substr(zkb_ctx_last_error(ctx), "0 ok, 4 missing, 1 bad");
    assert_int_equal(zkb_data_verify(ctx, NULL, NULL), ZKB_ERR_VERIFY);
    zkb_ctx_free(ctx);
}

/* ---- the real files --------------------------------------------------------- */

static int have_real_data(void)
{
    struct stat sb;
    return stat(REAL_DATA "/mnist/t10k-images-idx3-ubyte.gz", &sb) == 0 &&
           stat(REAL_DATA "/heart/heart.csv", &sb) == 0;
}

static void test_real_mnist(void **state)
{
    (void)state;
    if (!have_real_data())
        skip();
    zkb_ctx *ctx = ctx_for(REAL_DATA);
    zkb_dataset *ds = NULL;
    assert_int_equal(zkb_dataset_open(ctx, "mnist", "test", &ds), ZKB_OK);
    assert_int_equal(zkb_dataset_count(ds), 10000);
    assert_int_equal(zkb_dataset_features(ds), 784);
    const float *x;
    int32_t y;
    assert_int_equal(zkb_dataset_sample(ds, 0, &x, &y), ZKB_OK);
    assert_int_equal(y, 7);
    assert_int_equal(zkb_dataset_labels(ds)[1], 2);
    assert_int_equal(zkb_dataset_labels(ds)[9999], 6);
    const float *all = zkb_dataset_data(ds);
    float lo = 1, hi = 0;
    for (size_t i = 0; i < 10000 * 784; i++) {
        lo = all[i] < lo ? all[i] : lo;
        hi = all[i] > hi ? all[i] : hi;
    }
    assert_true(lo == 0.0f && hi == 1.0f);
    /* mnist14 is the 2x2 mean of mnist */
    zkb_dataset *d14 = NULL;
    assert_int_equal(zkb_dataset_open(ctx, "mnist14", "test", &d14), ZKB_OK);
    assert_int_equal(zkb_dataset_count(d14), 10000);
    const float *x14;
    assert_int_equal(zkb_dataset_sample(d14, 0, &x14, &y), ZKB_OK);
    assert_int_equal(y, 7);
    for (size_t r = 0; r < 14; r++)
        for (size_t c = 0; c < 14; c++) {
            float m = (x[56 * r + 2 * c] + x[56 * r + 2 * c + 1] + x[56 * r + 28 + 2 * c] +
                       x[56 * r + 28 + 2 * c + 1]) / 4;
            assert_true(fabsf(x14[14 * r + c] - m) < 1e-6f);
        }
    zkb_dataset_free(d14);
    zkb_dataset_free(ds);

    assert_int_equal(zkb_dataset_open(ctx, "mnist", "train", &ds), ZKB_OK);
    assert_true(zkb_dataset_count(ds) == 10000 || zkb_dataset_count(ds) == 60000);
    if (zkb_dataset_count(ds) == 10000) /* 1,000 per digit, interleaved 0..9 */
        for (int i = 0; i < 20; i++)
            assert_int_equal(zkb_dataset_labels(ds)[i], i % 10);
    zkb_dataset_free(ds);
    zkb_ctx_free(ctx);
}

static void test_real_heart_and_verify(void **state)
{
    (void)state;
    if (!have_real_data())
        skip();
    zkb_ctx *ctx = ctx_for(REAL_DATA);
    zkb_dataset *te = NULL, *tr = NULL;
    assert_int_equal(zkb_dataset_open(ctx, "heart", "test", &te), ZKB_OK);
    assert_int_equal(zkb_dataset_open(ctx, "heart", "train", &tr), ZKB_OK);
    assert_int_equal(zkb_dataset_count(te), 276);
    assert_int_equal(zkb_dataset_count(tr), 642);
    assert_int_equal(zkb_dataset_features(te), 18);
    /* first data row of heart.csv: 40,M,ATA,140,289,0,Normal,172,N,0,Up,0 */
    char err[ZKBI_ERR_LEN];
    uint8_t *buf;
    size_t len;
    assert_int_equal(zkbi_read_all(REAL_DATA "/heart/heart.csv", ZKBI_CSV_MAX_BYTES, &buf, &len,
                                   err, sizeof err),
                     ZKB_OK);
    zkbi_heart all;
    assert_int_equal(zkbi_heart_parse((char *)buf, len, "heart.csv", &all, err, sizeof err), ZKB_OK);
    free(buf);
    assert_int_equal(all.n, 918);
    const float r0[18] = {40, 1, 140, 289, 0, 172, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    expect_row(all.x, r0);
    int pos = 0;
    for (size_t i = 0; i < all.n; i++)
        pos += all.y[i];
    assert_int_equal(pos, 508); /* 508 with heart disease, 410 without */
    size_t perm[918];
    zkbi_heart_permutation(918, ZKBI_HEART_SPLIT_SEED, perm);
    const float *x;
    int32_t y;
    assert_int_equal(zkb_dataset_sample(te, 0, &x, &y), ZKB_OK);
    assert_memory_equal(x, all.x + perm[0] * 18, 18 * sizeof(float));
    assert_int_equal(y, all.y[perm[0]]);
    zkbi_heart_free(&all);
    zkb_dataset_free(te);
    zkb_dataset_free(tr);

    assert_int_equal(zkb_dataset_open(ctx, "heart_std", "train", &tr), ZKB_OK);
    const float *d = zkb_dataset_data(tr);
    double m = 0;
    for (size_t i = 0; i < 642; i++)
        m += d[i * 18 + 3]; /* Cholesterol */
    assert_true(fabs(m / 642) < 1e-4);
    zkb_dataset_free(tr);

    verify_log v;
    memset(&v, 0, sizeof v);
    zkb_status st = zkb_data_verify(ctx, on_verify, &v);
    if (st != ZKB_OK)
        fail_msg("verify: %s", zkb_ctx_last_error(ctx));
    assert_int_equal(v.n, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(v.status[i], "ok");
    zkb_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idx_parse_ok),
        cmocka_unit_test(test_idx_parse_errors),
        cmocka_unit_test(test_parsers_robust),
        cmocka_unit_test(test_idx_files),
        cmocka_unit_test(test_gzip_trailing),
        cmocka_unit_test(test_mnist_build),
        cmocka_unit_test(test_mnist_open),
        cmocka_unit_test(test_known_names),
        cmocka_unit_test(test_heart_parse),
        cmocka_unit_test(test_heart_errors),
        cmocka_unit_test(test_heart_split),
        cmocka_unit_test(test_sha256_and_verify),
        cmocka_unit_test(test_real_mnist),
        cmocka_unit_test(test_real_heart_and_verify),
    };
    return cmocka_run_group_tests_name("dataset", tests, setup_tmp, teardown_tmp);
}
