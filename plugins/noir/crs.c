/* The CRS (structured reference string) Barretenberg reads: a directory with
 * bn254_g1.dat (tau^i * G1 as x||y, 32-byte big-endian coordinates, the
 * generator first) and bn254_g2.dat ([tau]G2 as x.c0, x.c1, y.c0, y.c1).
 * bb.js 0.82.2 (dest/node/crs/node/index.js) uses the directory given as
 * crsPath when g1 holds at least the points it needs (a multiple of 64
 * bytes) and g2 is exactly 128 bytes; otherwise it downloads Aztec's
 * ceremony file. This backend never lets it: the driver checks the files
 * first and fails instead.
 *
 * Sources, option crs / crs_dir:
 *   local     (default) a TESTING-ONLY CRS from a known tau, written by the
 *             library's native writer (lib/srs, zkb_srs_write_bb_crs, compiled
 *             into this plugin; `zkbench srs bb` is the same code), cached by
 *             size under <cache>/noir/crs/;
 *   bb-cache  Aztec's real CRS in bb's own cache (~/.bb-crs), when the user
 *             has it;
 *   crs_dir   a directory of the user's own in the same format. */
#include "noir_int.h"

#include "zkmlbench/zkb_srs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t crs_points(const char *dir)
{
    char g1[ZKBP_PATH], g2[ZKBP_PATH];
    zkbp_fmt(g1, sizeof g1, "%s/bn254_g1.dat", dir);
    zkbp_fmt(g2, sizeof g2, "%s/bn254_g2.dat", dir);
    long long n1 = zkbp_file_size(g1), n2 = zkbp_file_size(g2);
    if (n1 <= 0 || n1 % 64 != 0 || n2 != 128)
        return 0;
    return (uint64_t)n1 / 64;
}

void nr_crs_id(nr_state *s, char *out, size_t cap)
{
    if (s->crs_dir_opt)
        zkbp_fmt(out, cap, "dir:%s", s->crs_dir_opt);
    else if (s->crs == NR_CRS_BB_CACHE)
        zkbp_fmt(out, cap, "bb-cache");
    else
        zkbp_fmt(out, cap, "local-testing-seed:%s", s->srs_seed ? s->srs_seed : NR_DEFAULT_SEED);
}

static zkb_status local_crs(nr_state *s, uint64_t points)
{
    char cbuf[ZKBP_PATH];
    const char *cache = zkbp_cache_dir(s->h, cbuf, sizeof cbuf);
    if (!cache)
        return zkbp_fail(s->h, ZKB_ERR_IO, "no cache directory");
    /* sizes are powers of two plus one (bb asks circuit_size + 1 points) */
    uint32_t k = 0;
    while (k < 30 && ((uint64_t)1 << k) + 1 < points)
        k++;
    if (((uint64_t)1 << k) + 1 < points)
        return zkbp_fail(s->h, ZKB_ERR_UNSUPPORTED, "circuit needs a CRS of %llu points (> 2^30)",
                         (unsigned long long)points);
    /* the directory is named by a hash of the seed (any string) */
    const char *seed = s->srs_seed ? s->srs_seed : NR_DEFAULT_SEED;
    char base[ZKBP_PATH];
    zkbp_fmt(base, sizeof base, "%s/crs/testing-%016llx", cache,
             (unsigned long long)zkbp_fnv(1469598103934665603ULL, seed, strlen(seed)));
    /* a cached one of this size or up to 4x larger */
    for (uint32_t j = k; j <= k + 2 && j <= 30; j++) {
        zkbp_fmt(s->crs_path, sizeof s->crs_path, "%s/k%u", base, j);
        if (crs_points(s->crs_path) >= points) {
            zkbp_fmt(s->crs_desc, sizeof s->crs_desc,
                     "local CRS from a known tau (seed \"%.64s\", 2^%u+1 points), TESTING ONLY", seed, j);
            return ZKB_OK;
        }
    }
    char dir[ZKBP_PATH], tmp[ZKBP_PATH], err[512];
    zkbp_fmt(dir, sizeof dir, "%s/k%u", base, k);
    zkbp_fmt(tmp, sizeof tmp, "%s.tmp%d", dir, (int)getpid());
    if (zkbp_mkdirs(tmp) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot create %s", tmp);
    zkbp_host->progress(s->h, -1, "testing-only CRS");
    uint64_t t0 = zkbp_host->now_ns();
    zkb_status st = zkb_srs_write_bb_crs(tmp, ((uint64_t)1 << k) + 1, seed, 0, err, sizeof err);
    if (st != ZKB_OK)
        return zkbp_fail(s->h, st, "writing the testing CRS into %s: %s", tmp, err);
    if (crs_points(tmp) < points)
        return zkbp_fail(s->h, ZKB_ERR_IO, "the testing CRS written into %s is not usable", tmp);
    zkbp_host->metric(s->h, "crs_write_s", (double)(zkbp_host->now_ns() - t0) / 1e9, "s");
    if (rename(tmp, dir) != 0) {
        /* a concurrent cell's identical CRS got there first: use it */
        if (crs_points(dir) < points)
            return zkbp_fail(s->h, ZKB_ERR_IO, "cannot rename %s to %s", tmp, dir);
        char f[ZKBP_PATH];
        zkbp_fmt(f, sizeof f, "%s/bn254_g1.dat", tmp);
        unlink(f);
        zkbp_fmt(f, sizeof f, "%s/bn254_g2.dat", tmp);
        unlink(f);
        rmdir(tmp);
    }
    zkbp_fmt(s->crs_path, sizeof s->crs_path, "%s", dir);
    zkbp_fmt(s->crs_desc, sizeof s->crs_desc,
             "local CRS from a known tau (seed \"%.64s\", 2^%u+1 points), TESTING ONLY", seed, k);
    return ZKB_OK;
}

zkb_status nr_crs_prepare(nr_state *s, uint64_t points)
{
    if (s->crs_dir_opt) {
        uint64_t have = crs_points(s->crs_dir_opt);
        if (have < points)
            return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG,
                             "crs_dir %s: %llu G1 points (bn254_g1.dat, with a 128-byte bn254_g2.dat); "
                             "this circuit needs %llu",
                             s->crs_dir_opt, (unsigned long long)have, (unsigned long long)points);
        zkbp_fmt(s->crs_path, sizeof s->crs_path, "%s", s->crs_dir_opt);
        zkbp_fmt(s->crs_desc, sizeof s->crs_desc, "user-provided CRS (%s)", s->crs_dir_opt);
        return ZKB_OK;
    }
    if (s->crs == NR_CRS_BB_CACHE) {
        const char *home = getenv("HOME");
        zkbp_fmt(s->crs_path, sizeof s->crs_path, "%s/.bb-crs", home && *home ? home : ".");
        uint64_t have = crs_points(s->crs_path);
        if (have < points)
            return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE,
                             "crs=bb-cache: %s holds %llu points of Aztec's CRS, this circuit needs %llu "
                             "(bb.js would download them; this backend never downloads). Use crs=local "
                             "(testing only) or fill the cache where you have internet",
                             s->crs_path, (unsigned long long)have, (unsigned long long)points);
        zkbp_fmt(s->crs_desc, sizeof s->crs_desc, "Aztec ignition CRS from bb's cache (%s)", s->crs_path);
        return ZKB_OK;
    }
    return local_crs(s, points);
}
