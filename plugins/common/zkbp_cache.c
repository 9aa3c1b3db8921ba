/* A cache of built artifacts named by content (zkbp_cache.h). */
#include "zkbp_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_host.h"

int zkbp_cache_entry(const char *cache, const char *kind, const char *src, const char *extra, char *out,
                     size_t cap)
{
    size_t len = 0;
    char *text = zkbp_read_file(src, (size_t)1 << 31, &len);
    if (!text)
        return -1;
    /* Two FNV-1a hashes from different offsets: 128 bits of name. */
    uint64_t h1 = zkbp_fnv(1469598103934665603ULL, text, len);
    uint64_t h2 = zkbp_fnv(0x9e3779b97f4a7c15ULL, text, len);
    zkbp_host->free(text);
    h1 = zkbp_fnv(h1, extra, strlen(extra));
    h2 = zkbp_fnv(h2, extra, strlen(extra));
    return zkbp_fmt(out, cap, "%s/%s/%016llx%016llx", cache, kind, (unsigned long long)h1,
                    (unsigned long long)h2) < 0 ? -1 : 0;
}

/* The mark of a complete entry. */
static int done_path(const char *dir, char *out, size_t cap)
{
    return zkbp_fmt(out, cap, "%s/DONE", dir) < 0 ? -1 : 0;
}

int zkbp_cache_done(const char *dir)
{
    char done[ZKBP_PATH];
    return done_path(dir, done, sizeof done) == 0 && zkbp_file_exists(done);
}

int zkbp_cache_start(const char *dir, char *tmp, size_t cap)
{
    if (zkbp_fmt(tmp, cap, "%s.tmp%d", dir, (int)getpid()) < 0)
        return -1;
    return zkbp_mkdirs(tmp);
}

int zkbp_cache_finish(const char *tmp, const char *dir)
{
    char done[ZKBP_PATH];
    if (done_path(tmp, done, sizeof done) != 0 || zkbp_write_text(done, "ok\n") != 0)
        return -1;
    return rename(tmp, dir) == 0 || zkbp_cache_done(dir) ? 0 : 1;
}
