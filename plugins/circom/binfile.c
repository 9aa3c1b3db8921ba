/* The binary headers of .r1cs and .ptau files (snarkjs "binfile" layout:
 * 4-byte magic, u32 version, u32 section count, then sections of u32 type,
 * u64 size, data; little-endian). */
#include "circom_int.h"

#include <stdio.h>
#include <string.h>

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
