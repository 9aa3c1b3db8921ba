/* Barretenberg's CRS directory: bn254_g1.dat (num_points x 64 bytes) and
 * bn254_g2.dat (128 bytes), canonical coordinates, 32-byte big-endian, as
 * bb reads them (from_buffer<g1::affine_element>, get_bn254_crs.cpp). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srs_int.h"
#include "zkmlbench/zkb_srs.h"

#define BB_MAX_POINTS ((uint64_t)1 << 28)

static int mkdirs(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static zkb_status finish(int fd, const char *tmp, const char *path, zkb_status st, char *err, size_t errcap)
{
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

zkb_status zkb_srs_write_bb_crs(const char *dir, uint64_t num_points, const char *seed, uint32_t threads,
                                char *err, size_t errcap)
{
    char dummy[1];
    if (!err || !errcap) {
        err = dummy;
        errcap = sizeof dummy;
    }
    err[0] = 0;
    if (!dir || !*dir || !seed || !*seed) {
        zkbi_srs_errf(err, errcap, "srs bb: directory and a non-empty seed are required");
        return ZKB_ERR_INVALID_ARG;
    }
    if (num_points < 1 || num_points > BB_MAX_POINTS) {
        zkbi_srs_errf(err, errcap, "srs bb: %llu points: between 1 and 2^28", (unsigned long long)num_points);
        return ZKB_ERR_INVALID_ARG;
    }
    if (mkdirs(dir) != 0) {
        zkbi_srs_errf(err, errcap, "%s: cannot create the directory: %s", dir, strerror(errno));
        return ZKB_ERR_IO;
    }
    zkbi_srs_secrets sec;
    if (zkbi_srs_derive(&sec, seed) != 0) {
        zkbi_srs_errf(err, errcap, "srs bb: hashing the seed failed (libcrypto)");
        return ZKB_ERR_INTERNAL;
    }
    char path[4096], tmp[4200];
    /* G2: tau * G2 */
    if (snprintf(path, sizeof path, "%s/bn254_g2.dat", dir) >= (int)sizeof path) {
        zkbi_srs_errf(err, errcap, "srs bb: path too long");
        return ZKB_ERR_INVALID_ARG;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno));
        return ZKB_ERR_IO;
    }
    zkbi_g2a g2, t2;
    zkbi_g2j j2;
    zkbi_fe k;
    zkbi_g2_generator(&g2);
    zkbi_fr_from_mont(&k, &sec.tau);
    zkbi_g2_mul(&j2, &g2, &k);
    zkbi_g2_to_affine(&t2, &j2);
    unsigned char b[128];
    zkbi_srs_enc_g2(b, &t2, ZKBI_ENC_BB);
    zkb_status st = ZKB_OK;
    if (write(fd, b, sizeof b) != (ssize_t)sizeof b) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno ? errno : EIO));
        st = ZKB_ERR_IO;
    }
    if ((st = finish(fd, tmp, path, st, err, errcap)) != ZKB_OK)
        return st;
    /* G1: tau^i * G1 */
    snprintf(path, sizeof path, "%s/bn254_g1.dat", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, strerror(errno));
        return ZKB_ERR_IO;
    }
    zkbi_srs_seg seg = {.g2 = 0, .kind = ZKBI_SRS_POW, .count = num_points, .coef = zkbi_fr_r1, .off = 0};
    char e2[256] = "";
    st = (zkb_status)zkbi_srs_run(fd, &sec.tau, &seg, 1, ZKBI_ENC_BB, threads, e2, sizeof e2);
    if (st != ZKB_OK)
        zkbi_srs_errf(err, errcap, "%s: %s", tmp, e2);
    return finish(fd, tmp, path, st, err, errcap);
}
