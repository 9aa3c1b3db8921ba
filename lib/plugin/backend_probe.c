/* zkb_backend_probe: asks a backend whether it can run here, in a forked
 * child so that a plugin crashing or hanging in probe cannot take the host
 * down with it. */
#include "plugin_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_TIMEOUT_MS 60000
#define PROBE_MAX_OUTPUT 16384

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

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
    write_all(fd, line, len + 1);
}

static void run_probe_child(zkb_backend_ref *b, int fd)
{
    zkbi_reset_signals();
    zkbi_ctx_export_env(b->ctx);
    zkb_host_ctx *h = zkbi_host_ctx_new(b->ctx, b);
    if (!h) {
        send_line(fd, 'S', "1", NULL);
        _exit(0);
    }
    zkb_status st = b->vt->probe(h);
    char num[16];
    snprintf(num, sizeof num, "%d", (int)st);
    send_line(fd, 'S', num, NULL);
    send_line(fd, 'E', zkbi_host_ctx_error(h), NULL);
    for (size_t i = 0; i < zkbi_host_ctx_info_count(h); i++)
        send_line(fd, 'I', zkbi_host_ctx_info_key(h, i), zkbi_host_ctx_info_value(h, i));
    zkbi_host_ctx_free(h);
    _exit(0);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Reads the child's lines until EOF or the deadline; returns 1 on EOF. */
static int read_output(int fd, char *buf, size_t cap, size_t *len)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = PROBE_TIMEOUT_MS - ms_since(&t0);
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        char tmp[4096];
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        size_t take = (size_t)n < cap - 1 - *len ? (size_t)n : cap - 1 - *len;
        memcpy(buf + *len, tmp, take);
        *len += take;
    }
}

/* Builds "available" or "available: k=v, k=v" / the error text from the
 * child's lines; returns the status it reported. */
static zkb_status parse_output(char *buf, char *detail, size_t cap)
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

zkb_status zkb_backend_probe(zkb_backend_ref *b)
{
    if (!b)
        return ZKB_ERR_INVALID_ARG;
    if (b->probed)
        return b->probe_status;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return finish(b, ZKB_ERR_UNAVAILABLE, "probe: cannot create a pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return finish(b, ZKB_ERR_UNAVAILABLE, "probe: fork failed");
    }
    if (pid == 0) {
        close(fds[0]);
        setpgid(0, 0);
        run_probe_child(b, fds[1]);
    }
    close(fds[1]);
    char *buf = malloc(PROBE_MAX_OUTPUT);
    size_t len = 0;
    int eof = buf ? read_output(fds[0], buf, PROBE_MAX_OUTPUT, &len) : 0;
    close(fds[0]);
    if (!eof)
        kill(-pid, SIGKILL), kill(pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
    }
    char detail[4096];
    zkb_status st;
    if (!eof) {
        snprintf(detail, sizeof detail, "probe did not finish within %d s", PROBE_TIMEOUT_MS / 1000);
        st = ZKB_ERR_UNAVAILABLE;
    } else if (WIFSIGNALED(wst)) {
        snprintf(detail, sizeof detail, "probe crashed: signal %d (%s)", WTERMSIG(wst),
                 strsignal(WTERMSIG(wst)));
        st = ZKB_ERR_UNAVAILABLE;
    } else {
        buf[len] = '\0';
        st = parse_output(buf, detail, sizeof detail);
        if (st != ZKB_OK)
            st = ZKB_ERR_UNAVAILABLE;
    }
    free(buf);
    return finish(b, st, detail);
}

const char *zkb_backend_probe_detail(const zkb_backend_ref *b)
{
    if (!b)
        return NULL;
    return b->probed ? b->probe_detail : "not probed";
}
