/* snarkjs's prepared powers-of-tau file (.ptau), written natively. Layout
 * (snarkjs 0.7 powersoftau_new.js / powersoftau_preparephase2.js):
 *   "ptau" u32 version 1, u32 11 sections, then sections (u32 type, u64 size):
 *   1 header: u32 n8 = 32, q (32 bytes LE), u32 power, u32 ceremonyPower
 *   2 tauG1      2^(N+1) - 1 points tau^i G1
 *   3 tauG2      2^N points tau^i G2
 *   4 alphaTauG1 2^N points alpha tau^i G1
 *   5 betaTauG1  2^N points beta tau^i G1
 *   6 betaG2     beta G2
 *   7 contributions (one, named TESTING ONLY with the seed)
 *   12-15 the Lagrange forms of 2-5 for every domain 2^0 .. 2^N concatenated;
 *   12 also has the domain 2^(N+1), whose input's last power is infinity.
 * Points: affine, coordinates in Montgomery form, 32-byte little-endian. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srs_int.h"
#include "zkmlbench/zkb_srs.h"

#define NAME_MAX_LEN 64

static size_t contribution_name(char *out, const char *seed)
{
    char buf[256];
    snprintf(buf, sizeof buf, "zkmlbench TESTING ONLY native ptau, seed=%s", seed);
    size_t n = strlen(buf);
    if (n > NAME_MAX_LEN)
        n = NAME_MAX_LEN;
    for (size_t i = 0; i < n; i++)
        out[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
    out[n] = 0;
    return n;
}

/* Section 7 bytes: count, then one contribution: tauG1, tauG2, alphaG1, betaG1,
 * betaG2, an all-infinity public key (6 G1 + 3 G2), a zero partial hash (216)
 * and challenge hash (64), type 0, parameters (1 = name). */
#define CONTRIB_FIXED (4 + 64 + 128 + 64 + 64 + 128 + 6 * 64 + 3 * 128 + 216 + 64 + 4 + 4)

static uint64_t contrib_size(const char *seed)
{
    char name[NAME_MAX_LEN + 1];
    return CONTRIB_FIXED + 2 + contribution_name(name, seed);
}

static uint64_t npts(unsigned k) { return (uint64_t)1 << k; }

uint64_t zkb_srs_ptau_size(uint32_t power, const char *seed)
{
    if (power < ZKB_SRS_PTAU_MIN_POWER || power > ZKB_SRS_PTAU_MAX_POWER || !seed)
        return 0;
    uint64_t n = npts(power);
    uint64_t s = 12 + 11 * 12 + 44;
    s += (2 * n - 1) * 64 + n * 128 + n * 64 + n * 64 + 128 + contrib_size(seed);
    s += (4 * n - 1) * 64 + (2 * n - 1) * 128 + (2 * n - 1) * 64 * 2;
    return s;
}

static void le32(unsigned char *o, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *o, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}


static void g1_times(zkbi_g1a *out, const zkbi_fe *mont_scalar)
{
    zkbi_g1a g;
    zkbi_g1j j;
    zkbi_fe k;
    zkbi_g1_generator(&g);
    zkbi_fr_from_mont(&k, mont_scalar);
    zkbi_g1_mul(&j, &g, &k);
    zkbi_g1_to_affine(out, &j);
}

static void g2_times(zkbi_g2a *out, const zkbi_fe *mont_scalar)
{
    zkbi_g2a g;
    zkbi_g2j j;
    zkbi_fe k;
    zkbi_g2_generator(&g);
    zkbi_fr_from_mont(&k, mont_scalar);
    zkbi_g2_mul(&j, &g, &k);
    zkbi_g2_to_affine(out, &j);
}

/* Everything but the point sections: the file header, the section headers,
 * sections 1 and 7. */
static int write_meta(int fd, unsigned power, const char *seed, const zkbi_srs_secrets *sec,
                      const uint64_t *sizes, const uint64_t *offs)
{
    static const unsigned ids[11] = {1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15};
    unsigned char h[12];
    memcpy(h, "ptau", 4);
    le32(h + 4, 1);
    le32(h + 8, 11);
    if (zkbi_srs_pwrite_all(fd, h, 12, 0) != 0)
        return -1;
    for (int i = 0; i < 11; i++) {
        le32(h, ids[i]);
        le64(h + 4, sizes[i]);
        if (zkbi_srs_pwrite_all(fd, h, 12, offs[i] - 12) != 0)
            return -1;
    }
    /* 1: header */
    unsigned char s1[44];
    zkbi_fe q = zkbi_fp_mod;
    le32(s1, 32);
    for (int i = 0; i < 4; i++)
        le64(s1 + 4 + 8 * i, q.l[i]);
    le32(s1 + 36, power);
    le32(s1 + 40, power);
    if (zkbi_srs_pwrite_all(fd, s1, sizeof s1, offs[0]) != 0)
        return -1;
    /* 7: contributions */
    unsigned char *c = calloc(1, (size_t)sizes[6]);
    if (!c)
        return -1;
    unsigned char *p = c;
    zkbi_g1a a1;
    zkbi_g2a a2;
    le32(p, 1);
    p += 4;
    g1_times(&a1, &sec->tau);
    zkbi_srs_enc_g1(p, &a1, ZKBI_ENC_PTAU);
    p += 64;
    g2_times(&a2, &sec->tau);
    zkbi_srs_enc_g2(p, &a2, ZKBI_ENC_PTAU);
    p += 128;
    g1_times(&a1, &sec->alpha);
    zkbi_srs_enc_g1(p, &a1, ZKBI_ENC_PTAU);
    p += 64;
    g1_times(&a1, &sec->beta);
    zkbi_srs_enc_g1(p, &a1, ZKBI_ENC_PTAU);
    p += 64;
    g2_times(&a2, &sec->beta);
    zkbi_srs_enc_g2(p, &a2, ZKBI_ENC_PTAU);
    p += 128;
    p += 6 * 64 + 3 * 128 + 216 + 64; /* public key at infinity, zero hashes */
    le32(p, 0);                       /* type: a plain contribution */
    p += 4;
    char name[NAME_MAX_LEN + 1];
    size_t nl = contribution_name(name, seed);
    le32(p, (uint32_t)(2 + nl));
    p += 4;
    *p++ = 1;
    *p++ = (unsigned char)nl;
    memcpy(p, name, nl);
    int rc = zkbi_srs_pwrite_all(fd, c, (size_t)sizes[6], offs[6]);
    free(c);
    return rc;
}

zkb_status zkb_srs_write_ptau(const char *path, uint32_t power, const char *seed, uint32_t threads,
                              char *err, size_t errcap)
{
    char dummy[1];
    if (!err || !errcap) {
        err = dummy;
        errcap = sizeof dummy;
    }
    err[0] = 0;
    if (!path || !*path || !seed || !*seed) {
        zkbi_srs_errf(err, errcap, "srs ptau: path and a non-empty seed are required");
        return ZKB_ERR_INVALID_ARG;
    }
    if (power < ZKB_SRS_PTAU_MIN_POWER || power > ZKB_SRS_PTAU_MAX_POWER) {
        zkbi_srs_errf(err, errcap, "srs ptau: power %u out of range %d..%d", power, ZKB_SRS_PTAU_MIN_POWER,
                  ZKB_SRS_PTAU_MAX_POWER);
        return ZKB_ERR_INVALID_ARG;
    }
    zkbi_srs_secrets sec;
    if (zkbi_srs_derive(&sec, seed) != 0) {
        zkbi_srs_errf(err, errcap, "srs ptau: hashing the seed failed (libcrypto)");
        return ZKB_ERR_INTERNAL;
    }
    uint64_t n = npts(power);
    uint64_t sizes[11] = {44,          (2 * n - 1) * 64,     n * 128,          n * 64, n * 64, 128,
                          contrib_size(seed), (4 * n - 1) * 64, (2 * n - 1) * 128, (2 * n - 1) * 64,
                          (2 * n - 1) * 64};
    uint64_t offs[11], off = 12;
    for (int i = 0; i < 11; i++) {
        off += 12;
        offs[i] = off;
        off += sizes[i];
    }
    /* segments */
    zkbi_srs_seg segs[6 + 4 * 30];
    size_t ns = 0;
    zkbi_fe one = zkbi_fr_r1;
    segs[ns++] = (zkbi_srs_seg){.g2 = 0, .kind = ZKBI_SRS_POW, .count = 2 * n - 1, .coef = one, .off = offs[1]};
    segs[ns++] = (zkbi_srs_seg){.g2 = 1, .kind = ZKBI_SRS_POW, .count = n, .coef = one, .off = offs[2]};
    segs[ns++] = (zkbi_srs_seg){.g2 = 0, .kind = ZKBI_SRS_POW, .count = n, .coef = sec.alpha, .off = offs[3]};
    segs[ns++] = (zkbi_srs_seg){.g2 = 0, .kind = ZKBI_SRS_POW, .count = n, .coef = sec.beta, .off = offs[4]};
    segs[ns++] = (zkbi_srs_seg){.g2 = 1, .kind = ZKBI_SRS_POW, .count = 1, .coef = sec.beta, .off = offs[5]};
    static const int lag_g2[4] = {0, 1, 0, 0};
    const zkbi_fe *lag_coef[4] = {&one, &one, &sec.alpha, &sec.beta};
    for (int s = 0; s < 4; s++) {
        uint64_t o = offs[7 + s];
        unsigned top = s == 0 ? power + 1 : power;
        for (unsigned p = 0; p <= top; p++) {
            segs[ns++] = (zkbi_srs_seg){.g2 = lag_g2[s],
                                        .kind = p == power + 1 ? ZKBI_SRS_LAGZ : ZKBI_SRS_LAG,
                                        .p = p,
                                        .count = npts(p),
                                        .coef = *lag_coef[s],
                                        .off = o};
            o += npts(p) * (lag_g2[s] ? 128 : 64);
        }
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        zkbi_srs_errf(err, errcap, "srs ptau: path too long");
        return ZKB_ERR_INVALID_ARG;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno));
        return ZKB_ERR_IO;
    }
    zkb_status st = ZKB_OK;
    if (ftruncate(fd, (off_t)off) != 0 || write_meta(fd, power, seed, &sec, sizes, offs) != 0) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno ? errno : EIO));
        st = ZKB_ERR_IO;
    }
    if (st == ZKB_OK) {
        char e2[256] = "";
        st = (zkb_status)zkbi_srs_run(fd, &sec.tau, segs, ns, ZKBI_ENC_PTAU, threads, e2, sizeof e2);
        if (st != ZKB_OK)
            zkbi_srs_errf(err, errcap, "%s: %s", tmp, e2);
    }
    if (close(fd) != 0 && st == ZKB_OK) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno));
        st = ZKB_ERR_IO;
    }
    if (st == ZKB_OK && rename(tmp, path) != 0) {
        zkbi_srs_errf(err, errcap, "%s: %s", path, strerror(errno));
        st = ZKB_ERR_IO;
    }
    if (st != ZKB_OK)
        unlink(tmp);
    return st;
}
