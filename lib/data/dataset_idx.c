/* IDX files (MNIST): a parser over memory and a gzip/plain file reader (data_stream.c). */
#include "data_int.h"

#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static const char *kind_plural(uint32_t ndims) { return ndims == 1 ? "labels" : "images"; }

zkb_status zkbi_idx_parse_header(const uint8_t *buf, size_t len, const char *name,
                                 uint32_t want_ndims, zkbi_idx *out, char *err, size_t errn)
{
    if (!name)
        name = "(idx)";
    if (!out || (!buf && len))
        return ZKB_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (len < 4) {
        zkbi_errf(err, errn, "%s: truncated header: %zu bytes, an IDX file starts with a 4-byte "
                  "magic number", name, len);
        return ZKB_ERR_PARSE;
    }
    uint32_t magic = be32(buf);
    uint32_t ndims = buf[3];
    if (buf[0] != 0 || buf[1] != 0 || buf[2] != 0x08 || (ndims != 1 && ndims != 3) ||
        (want_ndims && ndims != want_ndims)) {
        if (want_ndims)
            zkbi_errf(err, errn, "%s: bad magic number 0x%08x (expected 0x%08x for IDX %s)", name,
                      magic, want_ndims == 1 ? ZKBI_IDX_MAGIC_LABELS : ZKBI_IDX_MAGIC_IMAGES,
                      kind_plural(want_ndims));
        else
            zkbi_errf(err, errn, "%s: bad magic number 0x%08x (expected 0x%08x or 0x%08x)", name,
                      magic, ZKBI_IDX_MAGIC_LABELS, ZKBI_IDX_MAGIC_IMAGES);
        return ZKB_ERR_PARSE;
    }
    size_t hdr = 4 + 4 * (size_t)ndims;
    if (len < hdr) {
        zkbi_errf(err, errn, "%s: truncated header: %zu bytes, expected %zu", name, len, hdr);
        return ZKB_ERR_PARSE;
    }
    uint32_t count = be32(buf + 4);
    uint32_t rows = ndims == 3 ? be32(buf + 8) : 0;
    uint32_t cols = ndims == 3 ? be32(buf + 12) : 0;
    if (count == 0) {
        zkbi_errf(err, errn, "%s: header says 0 %s", name, kind_plural(ndims));
        return ZKB_ERR_PARSE;
    }
    if (count > ZKBI_IDX_MAX_ITEMS) {
        zkbi_errf(err, errn, "%s: header says %u %s, more than the limit of %u", name, count,
                  kind_plural(ndims), ZKBI_IDX_MAX_ITEMS);
        return ZKB_ERR_OVERFLOW;
    }
    if (ndims == 3) {
        if (rows == 0 || cols == 0) {
            zkbi_errf(err, errn, "%s: header says images of %ux%u", name, rows, cols);
            return ZKB_ERR_PARSE;
        }
        if (rows > ZKBI_IDX_MAX_DIM || cols > ZKBI_IDX_MAX_DIM) {
            zkbi_errf(err, errn, "%s: header says images of %ux%u, larger than the limit of %ux%u",
                      name, rows, cols, ZKBI_IDX_MAX_DIM, ZKBI_IDX_MAX_DIM);
            return ZKB_ERR_OVERFLOW;
        }
    }
    /* count <= 1e6 and rows*cols <= 2^24: the product fits in 64 bits. */
    uint64_t item = ndims == 3 ? (uint64_t)rows * cols : 1;
    uint64_t total = (uint64_t)hdr + (uint64_t)count * item;
    if (total > ZKBI_IDX_MAX_BYTES) { /* also keeps it below SIZE_MAX */
        zkbi_errf(err, errn, "%s: header says %u images of %ux%u (%llu bytes), more than the "
                  "limit of %u bytes", name, count, rows, cols, (unsigned long long)total,
                  ZKBI_IDX_MAX_BYTES);
        return ZKB_ERR_OVERFLOW;
    }
    out->ndims = ndims;
    out->count = count;
    out->rows = rows;
    out->cols = cols;
    out->header_bytes = hdr;
    out->total_bytes = (size_t)total;
    return ZKB_OK;
}

/* "10000 images of 28x28" / "10000 labels" */
static void describe(const zkbi_idx *h, char *buf, size_t n)
{
    if (h->ndims == 3)
        zkbi_errf(buf, n, "%u images of %ux%u", h->count, h->rows, h->cols);
    else
        zkbi_errf(buf, n, "%u labels", h->count);
}

static zkb_status size_error(const zkbi_idx *h, const char *name, uint64_t have, int at_least,
                             char *err, size_t errn)
{
    char what[96];
    describe(h, what, sizeof what);
    if (have < h->total_bytes)
        zkbi_errf(err, errn, "%s: truncated: header says %s (%zu bytes), file has %llu", name,
                  what, h->total_bytes, (unsigned long long)have);
    else
        zkbi_errf(err, errn, "%s: %s%llu trailing bytes after the %s the header declares "
                  "(expected %zu bytes, file has %s%llu)", name, at_least ? "at least " : "",
                  (unsigned long long)(have - h->total_bytes), what, h->total_bytes,
                  at_least ? "at least " : "", (unsigned long long)have);
    return ZKB_ERR_PARSE;
}

zkb_status zkbi_idx_parse(const uint8_t *buf, size_t len, const char *name, uint32_t want_ndims,
                          zkbi_idx *out, char *err, size_t errn)
{
    if (!name)
        name = "(idx)";
    zkb_status st = zkbi_idx_parse_header(buf, len, name, want_ndims, out, err, errn);
    if (st != ZKB_OK)
        return st;
    if (len != out->total_bytes) {
        st = size_error(out, name, len, 0, err, errn);
        memset(out, 0, sizeof *out);
        return st;
    }
    out->data = buf + out->header_bytes;
    return ZKB_OK;
}

/* ---- files ---------------------------------------------------------------- */

zkb_status zkbi_idx_read_file(const char *path, uint32_t want_ndims, uint8_t **bufp, zkbi_idx *out,
                              char *err, size_t errn)
{
    if (!path || !bufp || !out)
        return ZKB_ERR_INVALID_ARG;
    *bufp = NULL;
    memset(out, 0, sizeof *out);
    zkbi_instream *in = NULL;
    zkb_status st = zkbi_instream_open(path, &in, err, errn);
    if (st != ZKB_OK)
        return st;

    uint8_t hdr[16];
    size_t n = zkbi_instream_read(in, hdr, 4, &st, err, errn);
    if (st == ZKB_OK && n == 4 && hdr[3] == 3)
        n += zkbi_instream_read(in, hdr + 4, 12, &st, err, errn);
    else if (st == ZKB_OK && n == 4)
        n += zkbi_instream_read(in, hdr + 4, 4, &st, err, errn);
    zkbi_idx h;
    if (st == ZKB_OK)
        st = zkbi_idx_parse_header(hdr, n, path, want_ndims, &h, err, errn);
    if (st != ZKB_OK) {
        zkbi_instream_close(in);
        return st;
    }

    uint8_t *buf = malloc(h.total_bytes);
    if (!buf) {
        zkbi_instream_close(in);
        zkbi_errf(err, errn, "%s: out of memory (%zu bytes)", path, h.total_bytes);
        return ZKB_ERR_NOMEM;
    }
    memcpy(buf, hdr, h.header_bytes);
    size_t body = h.total_bytes - h.header_bytes;
    size_t got = zkbi_instream_read(in, buf + h.header_bytes, body, &st, err, errn);
    if (st == ZKB_OK && got < body)
        st = size_error(&h, path, h.header_bytes + got, 0, err, errn);
    if (st == ZKB_OK) {
        /* Trailing data: count it (up to a limit) for the message. */
        uint8_t tmp[4096];
        uint64_t extra = 0;
        int capped = 0;
        for (;;) {
            size_t r = zkbi_instream_read(in, tmp, sizeof tmp, &st, err, errn);
            extra += r;
            if (st != ZKB_OK || r < sizeof tmp)
                break;
            if (extra >= ZKBI_IDX_MAX_BYTES) {
                capped = 1;
                break;
            }
        }
        if (st == ZKB_OK && extra)
            st = size_error(&h, path, h.total_bytes + extra, capped, err, errn);
    }
    zkbi_instream_close(in);
    if (st == ZKB_OK)
        st = zkbi_idx_parse(buf, h.total_bytes, path, want_ndims, out, err, errn);
    if (st != ZKB_OK) {
        free(buf);
        return st;
    }
    *bufp = buf;
    return ZKB_OK;
}

zkb_status zkbi_read_all(const char *path, size_t cap, uint8_t **bufp, size_t *lenp, char *err,
                         size_t errn)
{
    if (!path || !bufp || !lenp)
        return ZKB_ERR_INVALID_ARG;
    *bufp = NULL;
    *lenp = 0;
    zkbi_instream *in = NULL;
    zkb_status st = zkbi_instream_open(path, &in, err, errn);
    if (st != ZKB_OK)
        return st;
    size_t size = 0, alloc = cap < 64 * 1024 ? cap : 64 * 1024;
    uint8_t *buf = malloc(alloc + 1);
    if (!buf) {
        zkbi_instream_close(in);
        zkbi_errf(err, errn, "%s: out of memory", path);
        return ZKB_ERR_NOMEM;
    }
    for (;;) {
        if (size == alloc) {
            if (alloc >= cap) {
                /* one more byte tells whether the file is over the cap */
                uint8_t probe;
                size_t r = zkbi_instream_read(in, &probe, 1, &st, err, errn);
                if (st == ZKB_OK && r) {
                    zkbi_errf(err, errn, "%s: larger than the limit of %zu bytes", path, cap);
                    st = ZKB_ERR_OVERFLOW;
                }
                break;
            }
            size_t na = alloc * 2 > cap ? cap : alloc * 2;
            uint8_t *nb = realloc(buf, na + 1);
            if (!nb) {
                zkbi_errf(err, errn, "%s: out of memory", path);
                st = ZKB_ERR_NOMEM;
                break;
            }
            buf = nb;
            alloc = na;
        }
        size_t r = zkbi_instream_read(in, buf + size, alloc - size, &st, err, errn);
        size += r;
        if (st != ZKB_OK || size < alloc)
            break;
    }
    zkbi_instream_close(in);
    if (st != ZKB_OK) {
        free(buf);
        return st;
    }
    buf[size] = 0;
    *bufp = buf;
    *lenp = size;
    return ZKB_OK;
}
