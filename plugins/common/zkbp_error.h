/* Errors and bounded formatting. */
#ifndef ZKBP_ERROR_H
#define ZKBP_ERROR_H

#include <stddef.h>

#include "zkmlbench/zkb_plugin.h"

/* snprintf that returns -1 when the text does not fit (it is cut there). */
int zkbp_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Formats the detail of st into host->set_error and returns st:
 * `return zkbp_fail(h, ZKB_ERR_IO, "cannot write %s", path);` */
zkb_status zkbp_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
