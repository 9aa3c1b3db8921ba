/* Files: small helpers, and the binary headers of .r1cs and .ptau files
 * (snarkjs "binfile" layout: 4-byte magic, u32 version, u32 section count,
 * then sections of u32 type, u64 size, data; little-endian). */
#include "circom_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *absolute(const char *d, char *buf, size_t cap)
{
    if (!d)
        return NULL;
    char tmp[PATH_MAX];
    if (!realpath(d, tmp) || strlen(tmp) >= cap)
        return NULL;
    memcpy(buf, tmp, strlen(tmp) + 1);
    return buf;
}

const char *cs_scratch(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(cs_host->scratch_dir(h), buf, cap);
}

const char *cs_cache(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(cs_host->cache_dir(h), buf, cap);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Find section `type` in a binfile; returns its offset, size through *size. */
static long find_section(FILE *fp, const char *magic, uint32_t type, uint64_t *size)
{
    unsigned char hdr[12];
    if (fseek(fp, 0, SEEK_SET) != 0 || fread(hdr, 1, 12, fp) != 12 || memcmp(hdr, magic, 4) != 0)
        return -1;
    uint32_t n = le32(hdr + 8);
    long off = 12;
    for (uint32_t i = 0; i < n && i < 64; i++) {
        unsigned char sh[12];
        if (fseek(fp, off, SEEK_SET) != 0 || fread(sh, 1, 12, fp) != 12)
            return -1;
        uint64_t sz = le64(sh + 4);
        if (le32(sh) == type) {
            *size = sz;
            return off + 12;
        }
        if (sz > (uint64_t)1 << 40)
            return -1;
        off += 12 + (long)sz;
    }
    return -1;
}

int cs_r1cs_info(const char *path, uint64_t *constraints, uint64_t *n_public, uint64_t *wires)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    uint64_t size = 0;
    long off = find_section(fp, "r1cs", 1, &size);
    unsigned char b[4 + 64 + 4 * 4 + 8 + 4];
    int rc = -1;
    if (off >= 0 && size >= 4 && fseek(fp, off, SEEK_SET) == 0 && fread(b, 1, 4, fp) == 4) {
        uint32_t n8 = le32(b);
        if (n8 > 0 && n8 <= 64 && size >= 4 + n8 + 28 &&
            fread(b + 4, 1, n8 + 28, fp) == n8 + 28) {
            const unsigned char *q = b + 4 + n8;
            *wires = le32(q);
            *n_public = (uint64_t)le32(q + 4) + le32(q + 8);
            *constraints = le32(q + 24);
            rc = 0;
        }
    }
    fclose(fp);
    return rc;
}

int cs_ptau_power(const char *path, int *has_lagrange)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    uint64_t size = 0;
    int power = -1;
    long off = find_section(fp, "ptau", 1, &size);
    unsigned char b[4 + 64 + 8];
    if (off >= 0 && fseek(fp, off, SEEK_SET) == 0 && fread(b, 1, 4, fp) == 4) {
        uint32_t n8 = le32(b);
        if (n8 > 0 && n8 <= 64 && size >= 4 + n8 + 8 && fread(b + 4, 1, n8 + 4, fp) == n8 + 4)
            power = (int)le32(b + 4 + n8);
    }
    if (has_lagrange)
        *has_lagrange = power >= 0 && find_section(fp, "ptau", 12, &size) >= 0 && size > 0;
    fclose(fp);
    return power;
}

/* BN254 scalar field modulus. */
static const char P_DEC[] =
    "21888242871839275222246405745257275088548364400416034343698204186575808495617";

/* a - b for decimal strings with a >= b (same or fewer digits in b). */
static void dec_sub(const char *a, const char *b, char *out, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    char tmp[128];
    int borrow = 0;
    size_t k = 0;
    for (size_t i = 0; i < la && k < sizeof tmp - 1; i++) {
        int da = a[la - 1 - i] - '0';
        int db = i < lb ? b[lb - 1 - i] - '0' : 0;
        int d = da - db - borrow;
        borrow = d < 0;
        if (d < 0)
            d += 10;
        tmp[k++] = (char)('0' + d);
    }
    while (k > 1 && tmp[k - 1] == '0')
        k--;
    size_t j = 0;
    for (; j < k && j < cap - 1; j++)
        out[j] = tmp[k - 1 - j];
    out[j] = '\0';
}

static int dec_to_i64(const char *d, int64_t *v)
{
    size_t n = strlen(d);
    if (n == 0 || n > 19)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(d[i] - '0');
    }
    if (x > (uint64_t)INT64_MAX)
        return -1;
    *v = (int64_t)x;
    return 0;
}

int cs_parse_public(const char *json, int64_t *out, size_t n, char *why, size_t why_len)
{
    const char *p = json;
    size_t k = 0;
    while (*p && *p != '[')
        p++;
    if (*p != '[') {
        cs_fmt(why, why_len, "public.json: not a JSON array");
        return -1;
    }
    p++;
    while (k < n) {
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ',')
            p++;
        if (*p != '"') {
            cs_fmt(why, why_len, "public.json: %zu values, want at least %zu", k, n);
            return -1;
        }
        p++;
        char num[100];
        size_t j = 0;
        while (*p >= '0' && *p <= '9' && j < sizeof num - 1)
            num[j++] = *p++;
        num[j] = '\0';
        if (*p != '"' || j == 0 || j > 77) {
            cs_fmt(why, why_len, "public.json: value %zu is not a field element", k);
            return -1;
        }
        p++;
        int64_t v;
        if (dec_to_i64(num, &v) == 0) {
            out[k++] = v;
            continue;
        }
        /* Above p/2: the negative number v - p. */
        if (j < 77 || strcmp(num, P_DEC) >= 0) {
            cs_fmt(why, why_len, "public.json: value %zu (%s) is not an int64 logit", k, num);
            return -1;
        }
        char d[100];
        dec_sub(P_DEC, num, d, sizeof d);
        if (dec_to_i64(d, &v) != 0) {
            cs_fmt(why, why_len, "public.json: value %zu (%s) is not an int64 logit", k, num);
            return -1;
        }
        out[k++] = -v;
    }
    return (int)k;
}
