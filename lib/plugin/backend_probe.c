/* zkb_backend_probe: asks a backend whether it can run here, in a forked
 * child (isolate.c) so that a plugin crashing or hanging in probe cannot take
 * the host down with it. What the plugin prints to stdout there goes to
 * stderr, never into the host's output. */
#include "plugin_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_MAX_OUTPUT 16384


/* One line per fact, newlines in text folded to spaces. */
static void send_line(int fd, char tag, const char *a, const char *b)
{
    char line[2048];
    int n = b ? snprintf(line, sizeof line, "%c %s\t%s", tag, a, b)
              : snprintf(line, sizeof line, "%c %s", tag, a);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    for (size_t i = 2; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len] = '\n';
    (void)zkbi_write_all(fd, line, len + 1);
}

typedef struct probe_out {
    zkb_backend_ref *b;
    char *buf;
    size_t len, cap;
} probe_out;

static void probe_child(void *user, int fd)
{
    zkb_backend_ref *b = ((probe_out *)user)->b;
    zkbi_ctx_export_env(b->ctx);
    zkb_host_ctx *h = zkbi_host_ctx_new(b->ctx, b);
    if (!h) {
        send_line(fd, 'S', "1", NULL);
        return;
    }
    zkb_status st = b->vt->probe(h);
    char num[16];
    snprintf(num, sizeof num, "%d", (int)st);
    send_line(fd, 'S', num, NULL);
    send_line(fd, 'E', zkbi_host_ctx_error(h), NULL);
    for (size_t i = 0; i < zkbi_host_ctx_info_count(h); i++)
        send_line(fd, 'I', zkbi_host_ctx_info_key(h, i), zkbi_host_ctx_info_value(h, i));
    if (zkbi_host_ctx_bad_keys(h)[0])
        send_line(fd, 'K', zkbi_host_ctx_bad_keys(h), NULL);
    zkbi_host_ctx_free(h);
}

/* Collects the child's lines (at most cap - 1 bytes). */
static int probe_read(void *user, int fd)
{
    probe_out *o = user;
    return zkbi_isolate_read_into(fd, o->buf, o->cap, &o->len);
}

/* Builds "available" or "available: k=v, k=v" / the error text from the
 * child's lines; returns the status it reported. */
static zkb_status parse_output(char *buf, char *detail, size_t cap, char *bad_keys, size_t bad_cap)
{
    zkb_status st = ZKB_ERR_INTERNAL;
    char err[1024] = "";
    char infos[2048] = "";
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strlen(line) < 2)
            continue;
        if (line[0] == 'S')
            st = (zkb_status)atoi(line + 2);
        else if (line[0] == 'E')
            snprintf(err, sizeof err, "%s", line + 2);
        else if (line[0] == 'K')
            snprintf(bad_keys, bad_cap, "%s", line + 2);
        else if (line[0] == 'I') {
            char *tab = strchr(line + 2, '\t');
            if (tab)
                *tab = '=';
            size_t used = strlen(infos);
            snprintf(infos + used, sizeof infos - used, "%s%s", used ? ", " : "", line + 2);
        }
    }
    if (st == ZKB_OK)
        snprintf(detail, cap, "available%s%s", infos[0] ? ": " : "", infos);
    else
        snprintf(detail, cap, "%s", err[0] ? err : zkb_status_str(st));
    return st;
}

static zkb_status finish(zkb_backend_ref *b, zkb_status st, const char *detail)
{
    free(b->probe_detail);
    b->probe_detail = strdup(detail);
    b->probe_status = st;
    b->probed = 1;
    return st;
}

zkb_status zkbi_backend_probe_with(zkb_backend_ref *b, const zkbi_isolate *limits)
{
    if (!b)
        return ZKB_ERR_INVALID_ARG;
    if (b->probed)
        return b->probe_status;
    probe_out out = {.b = b, .cap = PROBE_MAX_OUTPUT};
    if (!(out.buf = malloc(out.cap)))
        return finish(b, ZKB_ERR_UNAVAILABLE, "probe: out of memory");
    zkbi_isolate_end end;
    zkbi_isolate_run(limits, probe_child, probe_read, &out, &end);
    out.buf[out.len] = '\0';
    char detail[4096], how[256], bad_keys[1024] = "";
    zkb_status st = ZKB_ERR_UNAVAILABLE;
    if (end.how == ZKBI_END_TIMEOUT) {
        snprintf(detail, sizeof detail, "probe did not finish within %g s", limits->timeout_s);
    } else if (end.how == ZKBI_END_EXITED && out.len > 0) {
        st = parse_output(out.buf, detail, sizeof detail, bad_keys, sizeof bad_keys);
        if (st != ZKB_OK)
            st = ZKB_ERR_UNAVAILABLE;
    } else {
        zkbi_isolate_describe(&end, limits, how, sizeof how);
        snprintf(detail, sizeof detail, "probe %s%s", how,
                 end.how == ZKBI_END_EXITED ? " without an answer (exit() in the plugin?)" : "");
    }
    b->probe_no_answer = !(end.how == ZKBI_END_EXITED && out.len > 0);
    free(out.buf);
    free(b->probe_bad_keys);
    b->probe_bad_keys = bad_keys[0] ? strdup(bad_keys) : NULL;
    return finish(b, st, detail);
}

zkb_status zkb_backend_probe(zkb_backend_ref *b)
{
    zkbi_isolate limits = {.timeout_s = ZKBI_PROBE_TIMEOUT_S};
    return zkbi_backend_probe_with(b, &limits);
}

const char *zkb_backend_probe_detail(const zkb_backend_ref *b)
{
    if (!b)
        return NULL;
    return b->probed ? b->probe_detail : "not probed";
}
