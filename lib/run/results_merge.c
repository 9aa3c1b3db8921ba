/* zkb_results_merge: combine results.jsonl files (shards of one run, runs on
 * several machines) into one, keeping every record once. */
#include "run_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* Set of XXH3-128 hashes of record identities (open addressing). */
typedef struct seen_set {
    XXH128_hash_t *h;
    unsigned char *used;
    size_t cap, n;
} seen_set;

static int seen_grow(seen_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    XXH128_hash_t *h = calloc(cap, sizeof *h);
    unsigned char *used = calloc(cap, 1);
    if (!h || !used) {
        free(h);
        free(used);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->used[i])
            continue;
        size_t j = (size_t)s->h[i].low64 & (cap - 1);
        while (used[j])
            j = (j + 1) & (cap - 1);
        h[j] = s->h[i];
        used[j] = 1;
    }
    free(s->h);
    free(s->used);
    s->h = h;
    s->used = used;
    s->cap = cap;
    return 0;
}

/* 1 if x was already there, 0 if added, -1 out of memory. */
static int seen_add(seen_set *s, XXH128_hash_t x)
{
    if ((s->n + 1) * 2 > s->cap && seen_grow(s) != 0)
        return -1;
    size_t j = (size_t)x.low64 & (s->cap - 1);
    while (s->used[j]) {
        if (XXH128_isEqual(s->h[j], x))
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    s->h[j] = x;
    s->used[j] = 1;
    s->n++;
    return 0;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checks one line with the rule every reader shares (zkbi_result_check); on
 * success the identity hash goes to *id. 0, or -1 with the reason in why. */
static int check_line(const char *line, size_t len, int unterminated, XXH128_hash_t *id, char *why,
                      size_t why_len)
{
    cJSON *j = NULL;
    if (zkbi_result_check(line, len, unterminated, &j, why, why_len) != 0)
        return -1;
    /* One measurement: the cell, the run that made it, when it started. */
    const char *run = str_of(j, "run_id"), *t = str_of(j, "started_at");
    const char *parts[3] = {str_of(j, "cell_id"), run ? run : "", t ? t : ""};
    XXH3_state_t *st = XXH3_createState();
    int rc = 0;
    if (!st) {
        snprintf(why, why_len, "out of memory");
        rc = -1;
    } else {
        XXH3_128bits_reset(st);
        for (int i = 0; i < 3; i++)
            XXH3_128bits_update(st, parts[i], strlen(parts[i]) + 1);
        *id = XXH3_128bits_digest(st);
        XXH3_freeState(st);
    }
    cJSON_Delete(j);
    return rc;
}

typedef struct merge_state {
    zkb_ctx *ctx;
    int fd;
    int strict;
    seen_set seen;
    uint64_t written, dups, bad;
    char first_bad[768]; /* "FILE:LINE: reason" of the first refused line */
} merge_state;

/* 0 ok, else the status (ctx error set). */
static zkb_status merge_file(merge_state *m, const char *path)
{
    char err[ZKBI_ERR_LEN];
    zkb_status ost;
    int fd = zkbi_open_input(path, NULL, &ost, err, sizeof err); /* never blocks on a FIFO */
    if (fd < 0)
        return zkbi_ctx_fail(m->ctx, ost, "%s", err);
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return zkbi_ctx_fail(m->ctx, ZKB_ERR_NOMEM, "%s: out of memory", path);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t no = 0;
    zkb_status st = ZKB_OK;
    while (st == ZKB_OK && (n = getline(&line, &cap, f)) >= 0) {
        no++;
        size_t len = (size_t)n;
        int complete = len > 0 && line[len - 1] == '\n';
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (strspn(line, " \t") >= len)
            continue; /* blank */
        XXH128_hash_t id;
        char why[320];
        int refused = 1;
        if (len > ZKBI_RESULTS_LINE_MAX)
            snprintf(why, sizeof why, "line too long (over %u bytes)", ZKBI_RESULTS_LINE_MAX);
        else
            refused = check_line(line, len, !complete, &id, why, sizeof why) != 0;
        if (refused && strcmp(why, "out of memory") == 0) {
            st = zkbi_ctx_fail(m->ctx, ZKB_ERR_NOMEM, "out of memory");
            break;
        }
        if (refused) {
            /* every refused line is reported; strict fails the merge after
             * the last input, so that one call lists them all */
            if (m->bad++ == 0)
                snprintf(m->first_bad, sizeof m->first_bad, "%s:%llu: %s", path, (unsigned long long)no, why);
            zkbi_ctx_log(m->ctx, ZKB_LOG_WARN, "%s:%llu: %s, %s", path, (unsigned long long)no, why,
                         m->strict ? "refused" : "skipped");
            continue;
        }
        int r = seen_add(&m->seen, id);
        if (r < 0) {
            st = zkbi_ctx_fail(m->ctx, ZKB_ERR_NOMEM, "out of memory");
            break;
        }
        if (r == 1) {
            m->dups++;
            continue;
        }
        line[len] = '\n';
        if (zkbi_write_all(m->fd, line, len + 1) != 0) {
            st = zkbi_ctx_fail(m->ctx, ZKB_ERR_IO, "cannot write the merged file: %s", strerror(errno));
            break;
        }
        m->written++;
    }
    if (st == ZKB_OK && ferror(f))
        st = zkbi_ctx_fail(m->ctx, ZKB_ERR_IO, "cannot read %s", path);
    free(line);
    fclose(f);
    return st;
}

zkb_status zkb_results_merge(zkb_ctx *ctx, const char *out_path, const char *const *in_paths,
                             size_t n_in, int strict, uint64_t *written, uint64_t *duplicates,
                             uint64_t *bad)
{
    if (written)
        *written = 0;
    if (duplicates)
        *duplicates = 0;
    if (bad)
        *bad = 0;
    if (!ctx)
        return ZKB_ERR_INVALID_ARG;
    if (!out_path || !*out_path || (n_in && !in_paths))
        return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_results_merge: an output path and inputs are required");
    for (size_t i = 0; i < n_in; i++)
        if (!in_paths[i] || !*in_paths[i])
            return zkbi_ctx_fail(ctx, ZKB_ERR_INVALID_ARG, "zkb_results_merge: input %zu has no path", i);
    size_t tl = strlen(out_path) + sizeof ".merge-XXXXXX";
    char *tmp = malloc(tl);
    if (!tmp)
        return zkbi_ctx_fail(ctx, ZKB_ERR_NOMEM, "out of memory");
    snprintf(tmp, tl, "%s.merge-XXXXXX", out_path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        zkb_status st = zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot create a temporary file beside %s: %s",
                                      out_path, strerror(errno));
        free(tmp);
        return st;
    }
    fchmod(fd, 0644);
    merge_state m = {.ctx = ctx, .fd = fd, .strict = strict};
    zkb_status st = ZKB_OK;
    for (size_t i = 0; st == ZKB_OK && i < n_in; i++)
        st = merge_file(&m, in_paths[i]);
    if (st == ZKB_OK && strict && m.bad)
        st = zkbi_ctx_fail(ctx, ZKB_ERR_PARSE, "%llu %s (strict merge), the first: %s", (unsigned long long)m.bad,
                           m.bad == 1 ? "line is not a result record" : "lines are not result records", m.first_bad);
    if (st == ZKB_OK && fsync(fd) != 0)
        st = zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && st == ZKB_OK)
        st = zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    if (st == ZKB_OK && rename(tmp, out_path) != 0)
        st = zkbi_ctx_fail(ctx, ZKB_ERR_IO, "cannot rename %s to %s: %s", tmp, out_path, strerror(errno));
    if (st == ZKB_OK)
        zkbi_fsync_parent_dir(out_path);
    else
        unlink(tmp);
    free(tmp);
    free(m.seen.h);
    free(m.seen.used);
    if (written)
        *written = m.written;
    if (duplicates)
        *duplicates = m.dups;
    if (bad)
        *bad = m.bad;
    return st;
}
