/* results.jsonl: appending one record per line, and the index of the cell ids for resuming. */
#include "run_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID_LEN 32

typedef struct entry {
    char id[ID_LEN + 1];
    size_t seq; /* line order: the last record of an id wins */
    uint64_t off;
    uint64_t len;
} entry;

struct zkbi_results {
    char *path;
    entry *e;
    size_t n, cap;
};

zkb_status zkbi_results_append(const char *path, const char *line, char *err, size_t errlen)
{
    size_t len = strlen(line);
    if (memchr(line, '\n', len)) {
        zkbi_errf(err, errlen, "results: a record must be one line");
        return ZKB_ERR_INVALID_ARG;
    }
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        zkbi_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return ZKB_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        zkbi_errf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
        close(fd);
        return ZKB_ERR_IO;
    }
    off_t before = st.st_size; /* the writer holds the run's lock: nobody else appends */
    char last = '\n';
    if (before > 0 && pread(fd, &last, 1, before - 1) != 1)
        last = '\n';
    size_t pre = last != '\n';
    char *buf = malloc(pre + len + 1);
    if (!buf) {
        close(fd);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    buf[0] = '\n';
    memcpy(buf + pre, line, len);
    buf[pre + len] = '\n';
    /* One write: a reader (or a killed writer) sees the line whole or not at all. */
    int rc = zkbi_write_all(fd, buf, pre + len + 1);
    free(buf);
    if (rc != 0 || fsync(fd) != 0) {
        /* A full disk or a file size limit takes part of the line: cut the
         * file back, so that no torn record stays behind. */
        int why = errno;
        if (ftruncate(fd, before) == 0) {
            fsync(fd);
            zkbi_errf(err, errlen, "cannot write %s: %s (the record was not saved; the file is as it was)", path,
                      strerror(why));
        } else {
            zkbi_errf(err, errlen, "cannot write %s: %s; nor cut it back: %s (its last line may be torn)", path,
                      strerror(why), strerror(errno));
        }
        close(fd);
        return ZKB_ERR_IO;
    }
    close(fd);
    if (before == 0)
        zkbi_fsync_parent_dir(path);
    return ZKB_OK;
}

static void warnf(zkbi_results_warn_fn warn, void *user, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warnf(zkbi_results_warn_fn warn, void *user, const char *fmt, ...)
{
    if (!warn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    warn(user, msg);
}

/* The record's cell id, or -1 if the line is not a record. */
/* The cell id of a line that is one valid record (zkbi_result_check, the
 * rule merge and report apply); -1 with why otherwise. */
static int record_id(const char *line, size_t len, int unterminated, char id[ID_LEN + 1], char *why,
                     size_t why_len)
{
    cJSON *rec = NULL;
    if (zkbi_result_check(line, len, unterminated, &rec, why, why_len) != 0)
        return -1;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(rec, "cell_id");
    memcpy(id, c->valuestring, ID_LEN + 1);
    cJSON_Delete(rec);
    return 0;
}

static int add_entry(zkbi_results *r, const char *id, uint64_t off, uint64_t len)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        entry *g = realloc(r->e, cap * sizeof *g);
        if (!g)
            return -1;
        r->e = g;
        r->cap = cap;
    }
    entry *e = &r->e[r->n];
    memcpy(e->id, id, ID_LEN + 1);
    e->seq = r->n;
    e->off = off;
    e->len = len;
    r->n++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

typedef struct reader {
    zkbi_results *r;
    zkbi_results_warn_fn warn;
    void *user;
    char *line;
    size_t len, cap;
    int too_long;
    uint64_t line_off;
    size_t line_no;
} reader;

static int end_line(reader *rd, int complete)
{
    rd->line_no++;
    char id[ID_LEN + 1], why[320];
    int blank = rd->len == 0 || strspn(rd->line, " \t\r") == rd->len;
    if (rd->too_long) {
        warnf(rd->warn, rd->user, "%s:%zu: line longer than %u bytes, ignored", rd->r->path,
              rd->line_no, ZKBI_RESULTS_LINE_MAX);
    } else if (blank) {
    } else if (record_id(rd->line, rd->len, !complete, id, why, sizeof why) == 0) {
        if (add_entry(rd->r, id, rd->line_off, rd->len) != 0)
            return -1;
    } else if (!complete) {
        warnf(rd->warn, rd->user, "%s:%zu: truncated last line (an interrupted run?), ignored",
              rd->r->path, rd->line_no);
    } else {
        warnf(rd->warn, rd->user, "%s:%zu: not a valid result record (%s), ignored: its cell runs again",
              rd->r->path, rd->line_no, why);
    }
    rd->len = 0;
    rd->too_long = 0;
    return 0;
}

static int push(reader *rd, const char *p, size_t n)
{
    if (rd->too_long)
        return 0;
    if (rd->len + n > ZKBI_RESULTS_LINE_MAX) {
        rd->too_long = 1;
        return 0;
    }
    if (rd->len + n + 1 > rd->cap) {
        size_t cap = rd->cap ? rd->cap : 4096;
        while (cap < rd->len + n + 1)
            cap *= 2;
        char *g = realloc(rd->line, cap);
        if (!g)
            return -1;
        rd->line = g;
        rd->cap = cap;
    }
    memcpy(rd->line + rd->len, p, n);
    rd->len += n;
    rd->line[rd->len] = '\0';
    return 0;
}

static int scan(int fd, reader *rd)
{
    char buf[65536];
    uint64_t off = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        size_t i = 0;
        while (i < (size_t)n) {
            char *nl = memchr(buf + i, '\n', (size_t)n - i);
            size_t take = nl ? (size_t)(nl - (buf + i)) : (size_t)n - i;
            if (push(rd, buf + i, take) != 0)
                return -2;
            i += take;
            if (nl) {
                if (end_line(rd, 1) != 0)
                    return -2;
                i++;
                rd->line_off = off + i;
            }
        }
        off += (uint64_t)n;
    }
    if ((rd->len > 0 || rd->too_long) && end_line(rd, 0) != 0)
        return -2;
    return 0;
}

zkb_status zkbi_results_load(const char *path, zkbi_results **out, zkbi_results_warn_fn warn,
                             void *user, char *err, size_t errlen)
{
    *out = NULL;
    zkbi_results *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    zkb_status st;
    int fd = zkbi_open_input(path, NULL, &st, err, errlen);
    if (fd < 0 && st == ZKB_ERR_NOT_FOUND) { /* a new run */
        zkbi_errf(err, errlen, "%s", "");
        *out = r;
        return ZKB_OK;
    }
    if (fd < 0) {
        zkbi_results_free(r);
        return st;
    }
    reader rd = {.r = r, .warn = warn, .user = user};
    int rc = scan(fd, &rd);
    close(fd);
    free(rd.line);
    if (rc != 0) {
        zkbi_errf(err, errlen, rc == -1 ? "cannot read %s" : "out of memory reading %s", path);
        zkbi_results_free(r);
        return rc == -1 ? ZKB_ERR_IO : ZKB_ERR_NOMEM;
    }
    if (r->n)
        qsort(r->e, r->n, sizeof *r->e, cmp_entry);
    *out = r;
    return ZKB_OK;
}

void zkbi_results_free(zkbi_results *r)
{
    if (!r)
        return;
    free(r->e);
    free(r->path);
    free(r);
}

size_t zkbi_results_count(const zkbi_results *r) { return r ? r->n : 0; }

static const entry *find_last(const zkbi_results *r, const char *cell_id)
{
    if (!r || !cell_id)
        return NULL;
    size_t lo = 0, hi = r->n;
    while (lo < hi) { /* first entry with id > cell_id */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->e[mid].id, cell_id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && strcmp(r->e[lo - 1].id, cell_id) == 0 ? &r->e[lo - 1] : NULL;
}

int zkbi_results_has(const zkbi_results *r, const char *cell_id) { return find_last(r, cell_id) != NULL; }

char *zkbi_results_find(const zkbi_results *r, const char *cell_id)
{
    const entry *e = find_last(r, cell_id);
    if (!e)
        return NULL;
    char *line = malloc(e->len + 1);
    int fd = line ? open(r->path, O_RDONLY | O_CLOEXEC) : -1;
    ssize_t n = fd >= 0 ? pread(fd, line, e->len, (off_t)e->off) : -1;
    if (fd >= 0)
        close(fd);
    if (n != (ssize_t)e->len) {
        free(line);
        return NULL;
    }
    line[e->len] = '\0';
    return line;
}
