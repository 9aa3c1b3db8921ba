/* Errors and bounded formatting (zkbp_error.h). */
#include "zkbp_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "zkbp_host.h"

int zkbp_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

zkb_status zkbp_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    zkbp_host->set_error(h, msg);
    return st;
}
