/* Internal: formatting of error detail into a caller-owned buffer. */
#ifndef ZKBI_ERROR_H
#define ZKBI_ERROR_H

#include <stddef.h>

#define ZKBI_ERR_LEN 1024

/* snprintf into buf (always NUL-terminated, truncated if needed). */
void zkbi_errf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
