/* A growable text buffer for the report writers. */
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(zkbr_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void zkbr_buf_put(zkbr_buf *b, const char *s, size_t n)
{
    if (grow(b, n) != 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void zkbr_buf_puts(zkbr_buf *b, const char *s) { zkbr_buf_put(b, s, strlen(s)); }

void zkbr_buf_vprintf(zkbr_buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0 || grow(b, (size_t)n) != 0)
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void zkbr_buf_printf(zkbr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    zkbr_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void zkbr_buf_free(zkbr_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

int zkbr_buf_save(const zkbr_buf *b, const char *path)
{
    if (b->oom) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(path, "we");
    if (!f)
        return -1;
    size_t n = b->len ? fwrite(b->p, 1, b->len, f) : 0;
    int bad = n != b->len || ferror(f);
    if (fclose(f) != 0 || bad)
        return -1;
    return 0;
}

char *zkbr_strdup(const char *s) { return strdup(s ? s : ""); }
