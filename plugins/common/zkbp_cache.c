/* A cache of built artifacts named by content (zkbp_cache.h). */
#include "zkbp_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_host.h"

static int entry_name(const char *cache, const zkbp_cache_job *job, char *out, size_t cap)
{
    size_t len = 0;
    char *text = zkbp_read_file(job->src, (size_t)1 << 31, &len);
    if (!text)
        return -1;
    /* Two FNV-1a hashes from different offsets: 128 bits of name. */
    uint64_t h1 = zkbp_fnv(1469598103934665603ULL, text, len);
    uint64_t h2 = zkbp_fnv(0x9e3779b97f4a7c15ULL, text, len);
    zkbp_host->free(text);
    h1 = zkbp_fnv(h1, job->extra, strlen(job->extra));
    h2 = zkbp_fnv(h2, job->extra, strlen(job->extra));
    return zkbp_fmt(out, cap, "%s/%s/%016llx%016llx", cache, job->kind, (unsigned long long)h1,
                    (unsigned long long)h2) < 0 ? -1 : 0;
}

/* Whether the entry dir is complete: DONE marks it. */
static int complete(const char *dir)
{
    char done[ZKBP_PATH];
    return zkbp_fmt(done, sizeof done, "%s/DONE", dir) >= 0 && zkbp_file_exists(done);
}

zkb_status zkbp_cache_build(zkb_host_ctx *h, const char *cache, const zkbp_cache_job *job, char *facts,
                            size_t cap)
{
    char dir[ZKBP_PATH], path[ZKBP_PATH];
    facts[0] = '\0';
    if (entry_name(cache, job, dir, sizeof dir) != 0)
        return zkbp_fail(h, ZKB_ERR_IO, "cannot read %s", job->src);
    zkbp_host->info(h, job->info_key, dir);
    if (complete(dir)) {
        job->use(job->user, dir);
        zkbp_host->info(h, "setup_cache", "hit");
        zkbp_fmt(path, sizeof path, "%s/meta.txt", dir);
        char *text = zkbp_read_file(path, 1 << 16, NULL);
        if (text)
            zkbp_fmt(facts, cap, "%s", text);
        zkbp_host->free(text);
        return ZKB_OK;
    }
    char tmp[ZKBP_PATH];
    if (zkbp_fmt(tmp, sizeof tmp, "%s.tmp%d", dir, (int)getpid()) < 0 || zkbp_mkdirs(tmp) != 0)
        return zkbp_fail(h, ZKB_ERR_IO, "cannot create %s", tmp);
    job->use(job->user, tmp);
    zkb_status st = job->build(job->user, tmp, facts, cap);
    if (st != ZKB_OK)
        return st;
    if (zkbp_fmt(path, sizeof path, "%s/meta.txt", tmp) < 0 || zkbp_write_text(path, facts) != 0)
        return zkbp_fail(h, ZKB_ERR_IO, "cannot write %s", path);
    if (zkbp_fmt(path, sizeof path, "%s/DONE", tmp) < 0 || zkbp_write_text(path, "ok\n") != 0)
        return zkbp_fail(h, ZKB_ERR_IO, "cannot write %s", path);
    if (rename(tmp, dir) == 0 || complete(dir))
        job->use(job->user, dir); /* ours, or a concurrent cell's identical one */
    zkbp_host->info(h, "setup_cache", "miss");
    return ZKB_OK;
}
