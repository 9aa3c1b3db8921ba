/* Small helpers of the Noir backend: formatting, errors, files, and running
 * children (node and the driver) through host->spawn, so that their wall
 * time, CPU time and peak memory count in the current phase. */
#include "noir_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int nr_fmt(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

zkb_status nr_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nr_host->set_error(h, msg);
    return st;
}

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

const char *nr_scratch(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(nr_host->scratch_dir(h), buf, cap);
}

const char *nr_cache(zkb_host_ctx *h, char *buf, size_t cap)
{
    return absolute(nr_host->cache_dir(h), buf, cap);
}

int nr_find_on_path(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && len + strlen(name) + 2 < cap) {
            nr_fmt(out, cap, "%.*s/%s", (int)len, path, name);
            if (access(out, X_OK) == 0)
                return 0;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    out[0] = '\0';
    return -1;
}

zkb_status nr_run(nr_state *s, const char *what, const char *const *argv, const char *out_path,
                  double timeout_s)
{
    if (nr_host->cancelled(s->h))
        return nr_fail(s->h, ZKB_ERR_CANCELLED, "%s: cancelled", what);
    zkb_spawn_opts o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.argv = argv;
    o.stdout_path = out_path;
    o.cwd = s->cwd;
    o.timeout_s = timeout_s;
    zkb_spawn_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    zkb_status st = nr_host->spawn(s->h, &o, &r);
    if (st != ZKB_OK && st != ZKB_ERR_CANCELLED && st != ZKB_ERR_TIMEOUT) {
        char msg[256];
        nr_fmt(msg, sizeof msg, "noir backend: %s failed (exit %d)", what, r.exit_code);
        nr_host->log(s->h, ZKB_LOG_DEBUG, msg);
    }
    return st;
}

void nr_json_str(char *out, size_t cap, const char *v)
{
    size_t k = 0;
    if (cap < 3) {
        if (cap)
            out[0] = '\0';
        return;
    }
    out[k++] = '"';
    for (; *v && k + 3 < cap; v++) {
        if (*v == '"' || *v == '\\')
            out[k++] = '\\';
        out[k++] = *v;
    }
    out[k++] = '"';
    out[k] = '\0';
}

zkb_status nr_driver(nr_state *s, const char *phase, const char *cfg_json, nr_result *res)
{
    res->text = NULL;
    char sbuf[NR_PATH];
    const char *scratch = nr_scratch(s->h, sbuf, sizeof sbuf);
    if (!scratch)
        return nr_fail(s->h, ZKB_ERR_IO, "no scratch directory");
    char cfg[NR_PATH], out[NR_PATH], what[96];
    nr_fmt(cfg, sizeof cfg, "%s/noir-%s.json", scratch, phase);
    nr_fmt(out, sizeof out, "%s/noir-%s.out", scratch, phase);
    nr_fmt(what, sizeof what, "noir driver (%s)", phase);
    if (zkbp_write_text(cfg, cfg_json) != 0)
        return nr_fail(s->h, ZKB_ERR_IO, "cannot write %s", cfg);
    unlink(out);
    /* Large programs need a bigger V8 heap than node's default. */
    const char *argv[] = {s->t.node, "--max-old-space-size=16384", s->t.driver, phase, cfg, out, NULL};
    zkb_status st = nr_run(s, what, argv, NULL, 0);
    res->text = zkbp_read_file(nr_host, out, (size_t)1 << 26, NULL);
    if (st == ZKB_OK && !res->text)
        return nr_fail(s->h, ZKB_ERR_IO, "%s wrote no result (%s)", what, out);
    return st;
}

void nr_result_free(nr_result *r)
{
    if (r && r->text) {
        nr_host->free(r->text);
        r->text = NULL;
    }
}

/* The value text after "key " at the start of a line, or NULL. */
static const char *find_key(const nr_result *r, const char *key)
{
    if (!r || !r->text)
        return NULL;
    size_t n = strlen(key);
    const char *p = r->text;
    while (p && *p) {
        if (strncmp(p, key, n) == 0 && p[n] == ' ')
            return p + n + 1;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

int nr_result_num(const nr_result *r, const char *key, double *v)
{
    const char *p = find_key(r, key);
    if (!p)
        return -1;
    char *end = NULL;
    double d = strtod(p, &end);
    if (end == p)
        return -1;
    *v = d;
    return 0;
}

const char *nr_result_str(const nr_result *r, const char *key, char *out, size_t cap)
{
    const char *p = find_key(r, key);
    if (!p)
        return NULL;
    size_t n = strcspn(p, "\n");
    nr_fmt(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
    return out;
}
