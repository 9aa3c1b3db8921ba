/* Error text: bounded formatting, printable copies of input. */
#include "core_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void zkbi_errf(char *buf, size_t n, const char *fmt, ...)
{
    if (!buf || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

const char *zkbi_printable(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    if (!s)
        s = "";
    for (; *s && k + 4 < n; s++)
        buf[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    if (*s && k + 4 >= n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

size_t zkbi_utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((n == 3 && c == 0xE0 && p[1] < 0xA0) || (n == 3 && c == 0xED && p[1] > 0x9F) ||
        (n == 4 && c == 0xF0 && p[1] < 0x90) || (n == 4 && c == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}
