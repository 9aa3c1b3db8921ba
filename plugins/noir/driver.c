/* Running the driver under node through host->spawn, so that its wall
 * time, CPU time and peak memory count in the current phase, and reading
 * its results. */
#include "noir_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void cfg_put(nr_cfg *c, const char *text, size_t n)
{
    if (c->too_long || c->len + n >= sizeof c->text) {
        c->too_long = 1;
        return;
    }
    memcpy(c->text + c->len, text, n);
    c->len += n;
    c->text[c->len] = '\0';
}

void nr_cfg_start(nr_cfg *c, const nr_state *s)
{
    c->len = 0;
    c->too_long = 0;
    c->text[0] = '\0';
    cfg_put(c, "{", 1);
    nr_cfg_path(c, "tools_dir", s->t.tools_dir);
}

void nr_cfg_path(nr_cfg *c, const char *key, const char *path)
{
    char head[64];
    int n = zkbp_fmt(head, sizeof head, "%s\"%s\": \"", c->len > 1 ? ", " : "", key);
    cfg_put(c, head, n < 0 ? sizeof head : (size_t)n);
    for (; *path; path++) {
        if (*path == '"' || *path == '\\')
            cfg_put(c, "\\", 1);
        cfg_put(c, path, 1);
    }
    cfg_put(c, "\"", 1);
}

void nr_cfg_int(nr_cfg *c, const char *key, long long v)
{
    char item[96];
    int n = zkbp_fmt(item, sizeof item, "%s\"%s\": %lld", c->len > 1 ? ", " : "", key, v);
    cfg_put(c, item, n < 0 ? sizeof item : (size_t)n);
}

zkb_status nr_driver(nr_state *s, const char *phase, nr_cfg *c, nr_result *res)
{
    res->text = NULL;
    cfg_put(c, "}\n", 2);
    if (c->too_long)
        return zkbp_fail(s->h, ZKB_ERR_INVALID_ARG, "noir driver (%s): paths too long for its config", phase);
    char sbuf[ZKBP_PATH];
    const char *scratch = zkbp_scratch_dir(s->h, sbuf, sizeof sbuf);
    if (!scratch)
        return zkbp_fail(s->h, ZKB_ERR_IO, "no scratch directory");
    char cfg[ZKBP_PATH], out[ZKBP_PATH], what[96];
    zkbp_fmt(cfg, sizeof cfg, "%s/noir-%s.json", scratch, phase);
    zkbp_fmt(out, sizeof out, "%s/noir-%s.out", scratch, phase);
    zkbp_fmt(what, sizeof what, "noir driver (%s)", phase);
    if (zkbp_write_text(cfg, c->text) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write %s", cfg);
    unlink(out);
    /* Large programs need a bigger V8 heap than node's default. */
    const char *argv[] = {s->t.node, "--max-old-space-size=16384", s->t.driver, phase, cfg, out, NULL};
    zkbp_child child = {.what = what, .argv = argv, .log_level = ZKB_LOG_DEBUG};
    zkb_status st = zkbp_run(s->h, &child, NULL);
    res->text = zkbp_read_file(out, (size_t)1 << 26, NULL);
    if (st == ZKB_OK && !res->text)
        return zkbp_fail(s->h, ZKB_ERR_IO, "%s wrote no result (%s)", what, out);
    return st;
}

void nr_result_free(nr_result *r)
{
    if (r && r->text) {
        zkbp_host->free(r->text);
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
    zkbp_fmt(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
    return out;
}

void nr_result_metric(nr_state *s, const nr_result *r, const char *key, const char *metric, const char *unit)
{
    double v;
    if (nr_result_num(r, key, &v) == 0)
        zkbp_host->metric(s->h, metric, v, unit);
}
