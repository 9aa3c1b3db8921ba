/* Internal: formatting of error detail into a caller-owned buffer. */
#ifndef ZKBI_ERROR_H
#define ZKBI_ERROR_H

#include <stddef.h>

#define ZKBI_ERR_LEN 1024

/* snprintf into buf (always NUL-terminated, truncated if needed). */
void zkbi_errf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#include "zkmlbench/zkb_common.h"

/* stat()s path: ZKB_OK for a regular file (size through *size, may be NULL),
 * else ZKB_ERR_NOT_FOUND or ZKB_ERR_IO with "path: reason" in err. */
zkb_status zkbi_stat_regular(const char *path, uint64_t *size, char *err, size_t n);

/* A printable, bounded copy of a string taken from the input, for error
 * messages: bytes outside 0x20..0x7e become '?', and a string too long for
 * buf ends in "...". Returns buf. */
const char *zkbi_printable(const char *s, char *buf, size_t n);

#endif
