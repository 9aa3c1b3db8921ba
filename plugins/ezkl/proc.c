/* Running the Python driver through host->spawn (so each phase's time and
 * peak memory are measured by the host) and reading its JSON answer. */
#include "ezkl_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last line of stdout that parses as a JSON object. */
static cJSON *read_answer(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    cJSON *best = NULL;
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    if (!line) {
        fclose(f);
        return NULL;
    }
    size_t n = 0;
    int c;
    for (;;) {
        c = fgetc(f);
        if (c == '\n' || c == EOF) {
            line[n] = '\0';
            if (n > 0 && line[0] == '{') {
                cJSON *j = cJSON_Parse(line);
                if (j && cJSON_IsObject(j)) {
                    cJSON_Delete(best);
                    best = j;
                } else {
                    cJSON_Delete(j);
                }
            }
            n = 0;
            if (c == EOF)
                break;
            continue;
        }
        if (n + 1 >= cap) {
            char *p = realloc(line, cap * 2);
            if (!p)
                break;
            line = p;
            cap *= 2;
        }
        line[n++] = (char)c;
    }
    free(line);
    fclose(f);
    return best;
}

static void forward(zkb_host_ctx *h, const cJSON *j, const char *what)
{
    const int probe = strcmp(what, "probe") == 0; /* facts only: no timings in the cell */
    const cJSON *m = probe ? NULL : cJSON_GetObjectItemCaseSensitive(j, "metrics");
    const cJSON *e;
    cJSON_ArrayForEach(e, m)
    {
        const cJSON *v = cJSON_GetArrayItem(e, 0), *u = cJSON_GetArrayItem(e, 1);
        if (e->string && cJSON_IsNumber(v))
            zkbp_host->metric(h, e->string, v->valuedouble, cJSON_IsString(u) ? u->valuestring : "");
    }
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(j, "infos");
    cJSON_ArrayForEach(e, in)
    {
        if (e->string && cJSON_IsString(e))
            zkbp_host->info(h, e->string, e->valuestring);
    }
    if (probe)
        return;
    char key[96];
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "call_s");
    if (cJSON_IsNumber(t) && zkbp_fmt(key, sizeof key, "ezkl_%s_s", what) > 0)
        zkbp_host->metric(h, key, t->valuedouble, "s");
    t = cJSON_GetObjectItemCaseSensitive(j, "startup_s");
    if (cJSON_IsNumber(t) && zkbp_fmt(key, sizeof key, "startup_%s_s", what) > 0)
        zkbp_host->metric(h, key, t->valuedouble, "s");
}

zkb_status ez_drive(zkb_host_ctx *h, const char *python, const char *driver, const char *wdir,
                    const char *what, const char *const *args, cJSON **out)
{
    *out = NULL;
    const char *argv[64];
    size_t n = 0;
    argv[n++] = python;
    argv[n++] = driver;
    argv[n++] = what;
    argv[n++] = "--workdir";
    argv[n++] = wdir;
    for (size_t i = 0; args && args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char so[ZKBP_PATH], se[ZKBP_PATH], label[96];
    zkbp_fmt(label, sizeof label, "ezkl %s", what);
    if (zkbp_fmt(so, sizeof so, "%s/%s.out", wdir, what) < 0 ||
        zkbp_fmt(se, sizeof se, "%s/%s.err", wdir, what) < 0)
        return zkbp_fail(h, ZKB_ERR_INVALID_ARG, "ezkl: work directory path too long");
    /* Single-threaded numpy/BLAS would distort nothing here; keep ezkl's own
     * rayon pool at its default (all cores). */
    const char *env[] = {"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", NULL};
    zkbp_child c = {.what = label, .argv = argv, .env = env, .cwd = wdir, .stdout_path = so,
                    .stderr_path = se, .log_level = ZKBP_SILENT};
    zkb_spawn_result r;
    zkb_status st = zkbp_run(h, &c, &r);
    char key[96];
    if (r.peak_rss_bytes && strcmp(what, "probe") != 0 && zkbp_fmt(key, sizeof key, "peak_rss_%s", what) > 0)
        zkbp_host->metric(h, key, (double)r.peak_rss_bytes, "bytes");
    if (st == ZKB_ERR_TIMEOUT || st == ZKB_ERR_CANCELLED || st == ZKB_ERR_CRASHED)
        return st; /* the host's detail says what happened */
    cJSON *j = read_answer(so);
    if (!j) {
        if (st == ZKB_OK)
            st = ZKB_ERR_CHILD;
        return zkbp_fail(h, st, "ezkl %s: the driver gave no answer (exit %d); see %s", what,
                         r.exit_code, se);
    }
    if (!ez_bool(j, "ok")) {
        const char *msg = zkbp_json_str(j, "error");
        zkb_status fst = ez_bool(j, "verify_failed") ? ZKB_ERR_VERIFY : ZKB_ERR_CHILD;
        zkbp_fail(h, fst, "ezkl %s: %s", what, msg ? msg : "failed");
        *out = j; /* the caller may quote its error */
        return fst;
    }
    forward(h, j, what);
    *out = j;
    return ZKB_OK;
}

void ez_json_free(cJSON *j) { cJSON_Delete(j); }

zkb_status ez_run(ez_state *s, const char *what, const char *const *args)
{
    cJSON *j = NULL;
    zkb_status st = ez_drive(s->h, s->python, s->driver, s->wdir, what, args, &j);
    ez_json_free(j);
    return st;
}

int ez_bool(const cJSON *j, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, key));
}

long ez_ints(const cJSON *j, const char *key, int64_t *out, size_t cap)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsArray(a))
        return -1;
    long n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        /* integers beyond 2^53 come as decimal strings (the driver's jint) */
        if (cJSON_IsString(e)) {
            char *end;
            errno = 0;
            long long v = strtoll(e->valuestring, &end, 10);
            if (errno || end == e->valuestring || *end)
                return -1;
            if ((size_t)n < cap)
                out[n] = (int64_t)v;
        } else if (cJSON_IsNumber(e)) {
            if ((size_t)n < cap)
                out[n] = (int64_t)e->valuedouble;
        } else {
            return -1;
        }
        n++;
    }
    return n;
}

zkb_status ez_read_batch(zkb_host_ctx *h, const char *path, uint64_t n, int64_t *out, uint64_t n_out,
                         uint64_t *n_done)
{
    *n_done = 0;
    char *text = zkbp_read_file(path, (size_t)1 << 31, NULL);
    if (!text)
        return zkbp_fail(h, ZKB_ERR_IO, "ezkl: cannot read %s", path);
    cJSON *j = cJSON_Parse(text);
    zkbp_host->free(text);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(j, "outputs_q");
    if (!cJSON_IsArray(rows)) {
        cJSON_Delete(j);
        return zkbp_fail(h, ZKB_ERR_CHILD, "ezkl witness_batch: %s has no outputs_q", path);
    }
    const cJSON *row;
    uint64_t k = 0;
    cJSON_ArrayForEach(row, rows)
    {
        if (k >= n)
            break;
        if (cJSON_IsNull(row)) { /* gen_witness failed for it: no outputs */
            for (uint64_t c = 0; c < n_out; c++)
                out[k * n_out + c] = INT64_MIN;
            k++;
            continue;
        }
        /* ez_ints wants an object holding the array */
        cJSON *wrap = cJSON_CreateObject();
        if (!wrap || !cJSON_AddItemReferenceToObject(wrap, "v", (cJSON *)row)) {
            cJSON_Delete(wrap);
            cJSON_Delete(j);
            return ZKB_ERR_NOMEM;
        }
        long got = ez_ints(wrap, "v", out + k * n_out, n_out);
        cJSON_Delete(wrap);
        if (got != (long)n_out) {
            cJSON_Delete(j);
            return zkbp_fail(h, ZKB_ERR_CHILD, "ezkl witness_batch: sample %llu has %ld outputs, want %llu",
                             (unsigned long long)k, got, (unsigned long long)n_out);
        }
        k++;
    }
    cJSON_Delete(j);
    *n_done = k;
    return ZKB_OK;
}

double ez_metric(const cJSON *j, const char *key, double dflt)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "metrics"), key);
    const cJSON *v = cJSON_GetArrayItem(m, 0);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}
