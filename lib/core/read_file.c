/* Reading a whole input file (a model) with a size limit, never trusting
 * what stat says: a file that grows while it is read is noticed. */
#include "core_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        zkbi_errf(err, errlen, "%s: cannot open: %s", path, strerror_r(e, eb, sizeof eb));
        return e == ENOENT ? ZKB_ERR_NOT_FOUND : ZKB_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return fail(fd, NULL, ZKB_ERR_IO, err, errlen, "%s: cannot stat: %s", path,
                    strerror_r(errno, eb, sizeof eb));
    if (S_ISDIR(sb.st_mode))
        return fail(fd, NULL, ZKB_ERR_IO, err, errlen, "%s: %s", path, "is a directory");
    int regular = S_ISREG(sb.st_mode);
    if (regular && (uint64_t)sb.st_size > max) {
        zkbi_errf(err, errlen, "%s: file too large (%" PRIu64 " bytes, the limit is %" PRIu64 ")",
                  path, (uint64_t)sb.st_size, max);
        close(fd);
        return ZKB_ERR_OVERFLOW;
    }
    /* A regular file: one byte more than its size, to notice that it grew;
     * a pipe: grown as it comes, up to max. */
    size_t cap = regular ? (size_t)sb.st_size + 1 : 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        return fail(fd, NULL, ZKB_ERR_NOMEM, err, errlen, "%s: %s", path, "out of memory");
    for (;;) {
        if (n == cap) {
            if (regular)
                return fail(fd, b, ZKB_ERR_IO, err, errlen, "%s: %s", path,
                            "the file changed while being read");
            if ((uint64_t)n > max) {
                zkbi_errf(err, errlen, "%s: file too large (more than %" PRIu64 " bytes)", path, max);
                free(b);
                close(fd);
                return ZKB_ERR_OVERFLOW;
            }
            size_t ncap = (uint64_t)cap * 2 > max + 1 ? (size_t)max + 1 : cap * 2;
            char *nb = realloc(b, ncap + 1);
            if (!nb)
                return fail(fd, b, ZKB_ERR_NOMEM, err, errlen, "%s: %s", path, "out of memory");
            b = nb;
            cap = ncap;
        }
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
    if ((uint64_t)n > max) {
        zkbi_errf(err, errlen, "%s: file too large (more than %" PRIu64 " bytes)", path, max);
        free(b);
        return ZKB_ERR_OVERFLOW;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return ZKB_OK;
}
