/* Input files (models, datasets, results): only regular files are read. A
 * FIFO would block the reader until some writer came (forever, often), and a
 * device or a directory is never what the caller meant; each is refused with
 * a message that says what the path is. */
#include "core_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *zkbi_file_kind(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a FIFO (named pipe)";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    case S_IFLNK:
        return "a symbolic link";
    default:
        return "of an unknown file type";
    }
}

static zkb_status not_regular(const char *path, unsigned mode, char *err, size_t errlen)
{
    zkbi_errf(err, errlen, "%s: is %s, not a regular file", path, zkbi_file_kind(mode));
    return ZKB_ERR_IO;
}

static zkb_status stat_fail(const char *path, int e, const char *what, char *err, size_t errlen)
{
    char eb[256];
    zkbi_errf(err, errlen, "%s: %s%s", path, what, strerror_r(e, eb, sizeof eb));
    return e == ENOENT || e == ENOTDIR ? ZKB_ERR_NOT_FOUND : ZKB_ERR_IO;
}

zkb_status zkbi_stat_regular(const char *path, uint64_t *size, char *err, size_t n)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return stat_fail(path, errno, "", err, n);
    if (!S_ISREG(sb.st_mode))
        return not_regular(path, sb.st_mode, err, n);
    if (size)
        *size = (uint64_t)sb.st_size;
    return ZKB_OK;
}

int zkbi_open_input(const char *path, uint64_t *size, zkb_status *st, char *err, size_t errlen)
{
    zkb_status dummy;
    if (!st)
        st = &dummy;
    /* stat first, so that a FIFO or a device is never opened at all; then the
     * opened file is checked again (it may have been replaced in between),
     * opened non-blocking so that even then a FIFO cannot block. */
    struct stat sb;
    if (stat(path, &sb) != 0) {
        *st = stat_fail(path, errno, "cannot open: ", err, errlen);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        *st = not_regular(path, sb.st_mode, err, errlen);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        *st = stat_fail(path, errno, "cannot open: ", err, errlen);
        return -1;
    }
    int fl;
    if (fstat(fd, &sb) != 0 || (S_ISREG(sb.st_mode) && ((fl = fcntl(fd, F_GETFL)) < 0 ||
                                                        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0))) {
        stat_fail(path, errno, "cannot open: ", err, errlen);
        *st = ZKB_ERR_IO;
    } else if (!S_ISREG(sb.st_mode)) {
        *st = not_regular(path, sb.st_mode, err, errlen);
    } else {
        if (size)
            *size = (uint64_t)sb.st_size;
        *st = ZKB_OK;
        return fd;
    }
    close(fd);
    return -1;
}

static zkb_status fail(int fd, void *b, zkb_status st, char *err, size_t errlen, const char *fmt,
                       const char *path, const char *why)
{
    zkbi_errf(err, errlen, fmt, path, why);
    free(b);
    if (fd >= 0)
        close(fd);
    return st;
}

zkb_status zkbi_read_file(const char *path, uint64_t max, char **buf, size_t *len, char *err,
                          size_t errlen)
{
    char eb[256];
    *buf = NULL;
    *len = 0;
    uint64_t size;
    zkb_status st;
    int fd = zkbi_open_input(path, &size, &st, err, errlen);
    if (fd < 0)
        return st;
    if (size > max) {
        zkbi_errf(err, errlen, "%s: file too large (%" PRIu64 " bytes, the limit is %" PRIu64 ")",
                  path, size, max);
        close(fd);
        return ZKB_ERR_OVERFLOW;
    }
    /* One byte more than its size, to notice that it grew while being read. */
    size_t cap = (size_t)size + 1, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        return fail(fd, NULL, ZKB_ERR_NOMEM, err, errlen, "%s: %s", path, "out of memory");
    for (;;) {
        if (n == cap)
            return fail(fd, b, ZKB_ERR_IO, err, errlen, "%s: %s", path,
                        "the file changed while being read");
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return fail(fd, b, ZKB_ERR_IO, err, errlen, "%s: read failed: %s", path,
                        strerror_r(errno, eb, sizeof eb));
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return ZKB_OK;
}
