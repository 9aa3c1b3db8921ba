/* Data files read as a stream, gzip-compressed or plain (told by the gzip
 * magic number). zlib's gzread is not used: it skips whatever follows the
 * last gzip member without a word, and a damaged or wrong file must not pass
 * as a good one. Concatenated gzip members (RFC 1952 allows them; `gzip -d`
 * reads them as one) are read as one stream; anything else after a member
 * is an error. */
#include "data_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CAP (128u * 1024u)

struct zkbi_instream {
    const char *path;
    int fd;
    int gz;           /* gzip, else plain */
    int z_live;       /* inflateInit2 done */
    int file_eof;     /* read() returned 0 */
    int done;         /* no more data */
    uint64_t in_off;  /* file offset of the byte after the ones read into in */
    z_stream z;
    uint8_t in[IN_CAP];
};

static zkb_status read_err(zkbi_instream *s, char *err, size_t errn)
{
    zkbi_errf(err, errn, "%s: read error: %s", s->path, strerror(errno));
    return ZKB_ERR_IO;
}

/* Tops up the input buffer (keeping what inflate has not used). */
static zkb_status fill(zkbi_instream *s, char *err, size_t errn)
{
    if (s->file_eof)
        return ZKB_OK;
    if (s->z.avail_in && s->z.next_in != s->in)
        memmove(s->in, s->z.next_in, s->z.avail_in);
    s->z.next_in = s->in;
    while (s->z.avail_in < IN_CAP) {
        ssize_t r = read(s->fd, s->in + s->z.avail_in, IN_CAP - s->z.avail_in);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return read_err(s, err, errn);
        if (r == 0) {
            s->file_eof = 1;
            break;
        }
        s->z.avail_in += (unsigned)r;
        s->in_off += (uint64_t)r;
    }
    return ZKB_OK;
}

zkb_status zkbi_instream_open(const char *path, zkbi_instream **out, char *err, size_t errn)
{
    *out = NULL;
    zkb_status st;
    int fd = zkbi_open_input(path, NULL, &st, err, errn);
    if (fd < 0)
        return st;
    zkbi_instream *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        zkbi_errf(err, errn, "%s: out of memory", path);
        return ZKB_ERR_NOMEM;
    }
    s->path = path;
    s->fd = fd;
    if ((st = fill(s, err, errn)) != ZKB_OK) {
        zkbi_instream_close(s);
        return st;
    }
    s->gz = s->z.avail_in >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b;
    if (s->gz) {
        int zr = inflateInit2(&s->z, 16 + MAX_WBITS); /* gzip wrapper only */
        if (zr != Z_OK) {
            zkbi_instream_close(s);
            zkbi_errf(err, errn, "%s: cannot start decompressing (zlib error %d)", path, zr);
            return zr == Z_MEM_ERROR ? ZKB_ERR_NOMEM : ZKB_ERR_INTERNAL;
        }
        s->z_live = 1;
    }
    *out = s;
    return ZKB_OK;
}

void zkbi_instream_close(zkbi_instream *s)
{
    if (!s)
        return;
    if (s->z_live)
        inflateEnd(&s->z);
    close(s->fd);
    free(s);
}

static size_t read_plain(zkbi_instream *s, uint8_t *dst, size_t n, zkb_status *st, char *err,
                         size_t errn)
{
    size_t got = 0;
    while (got < n && !s->done) {
        if (s->z.avail_in == 0 && (*st = fill(s, err, errn)) != ZKB_OK)
            break;
        if (s->z.avail_in == 0) {
            s->done = 1;
            break;
        }
        size_t k = n - got < s->z.avail_in ? n - got : s->z.avail_in;
        memcpy(dst + got, s->z.next_in, k);
        s->z.next_in += k;
        s->z.avail_in -= (unsigned)k;
        got += k;
    }
    return got;
}

/* At the end of a gzip member: the end of the file, another member, or an error. */
static zkb_status member_end(zkbi_instream *s, char *err, size_t errn)
{
    zkb_status st;
    if (s->z.avail_in < 2 && (st = fill(s, err, errn)) != ZKB_OK)
        return st;
    if (s->z.avail_in == 0) {
        s->done = 1;
        return ZKB_OK;
    }
    if (s->z.avail_in >= 2 && s->z.next_in[0] == 0x1f && s->z.next_in[1] == 0x8b) {
        inflateReset(&s->z);
        return ZKB_OK;
    }
    uint64_t at = s->in_off - s->z.avail_in;
    zkbi_errf(err, errn, "%s: trailing data after the gzip stream at offset %llu (byte 0x%02x; "
              "not another gzip member): a damaged or wrong file", s->path,
              (unsigned long long)at, s->z.next_in[0]);
    return ZKB_ERR_PARSE;
}

static size_t read_gz(zkbi_instream *s, uint8_t *dst, size_t n, zkb_status *st, char *err,
                      size_t errn)
{
    size_t got = 0;
    while (got < n && !s->done) {
        if (s->z.avail_in == 0 && (*st = fill(s, err, errn)) != ZKB_OK)
            break;
        size_t want = n - got > UINT_MAX ? UINT_MAX : n - got;
        s->z.next_out = dst + got;
        s->z.avail_out = (unsigned)want;
        int zr = inflate(&s->z, Z_NO_FLUSH);
        got += want - s->z.avail_out;
        if (zr == Z_STREAM_END) {
            if ((*st = member_end(s, err, errn)) != ZKB_OK)
                break;
            continue;
        }
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && s->file_eof) {
            zkbi_errf(err, errn, "%s: gzip stream ends early (unexpected end of file): the file "
                      "is cut short", s->path);
            *st = ZKB_ERR_PARSE;
            break;
        }
        if (zr == Z_BUF_ERROR) { /* no progress possible with this input: get more */
            if ((*st = fill(s, err, errn)) != ZKB_OK)
                break;
            continue;
        }
        if (zr == Z_MEM_ERROR) {
            zkbi_errf(err, errn, "%s: out of memory decompressing", s->path);
            *st = ZKB_ERR_NOMEM;
        } else {
            zkbi_errf(err, errn, "%s: corrupt gzip data: %s", s->path,
                      s->z.msg ? s->z.msg : "invalid data");
            *st = ZKB_ERR_PARSE;
        }
        break;
    }
    return got;
}

size_t zkbi_instream_read(zkbi_instream *s, void *dst, size_t n, zkb_status *st, char *err,
                          size_t errn)
{
    *st = ZKB_OK;
    return s->gz ? read_gz(s, dst, n, st, err, errn) : read_plain(s, dst, n, st, err, errn);
}
