/* A function run in a forked child (no exec) with a time limit and a memory
 * cap, its answer read from a pipe: how the library calls plugin code it
 * does not trust yet (the trial load, probe, the conformance checks). The
 * child runs in its own session with default signal actions and ends with
 * _exit, so neither the host's handlers (cmocka, Python, sanitizers) nor its
 * atexit handlers run there. */
#include "plugin_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_MS 20 /* memory sampling period, as the cell supervisor's */

/* Descriptors of the child: stdin from /dev/null, stderr appended to
 * stderr_path (else the host's), stdout to stdout_path (else onto stderr,
 * so that nothing a plugin prints lands in the host's stdout). */
static void child_stdio(const zkbi_isolate *o)
{
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in >= 0 && in != 0) {
        dup2(in, 0);
        close(in);
    }
    if (o->stderr_path) {
        int e = open(o->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (e >= 0 && e != 2) {
            dup2(e, 2);
            close(e);
        }
    }
    int out = o->stdout_path ? open(o->stdout_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
    if (out >= 0 && out != 1) {
        dup2(out, 1);
        close(out);
    } else if (out < 0) {
        dup2(2, 1);
    }
}

static _Noreturn void child_main(const zkbi_isolate *o, zkbi_isolate_body body, void *user, int fd,
                                 pid_t parent)
{
    if (fd <= 2) /* keep it clear of the stdio descriptors about to be replaced */
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    setsid(); /* its own session and process group: killed as a whole */
    prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphans stay in its tree, for the cap */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(ZKBI_ISOLATE_ORPHAN);
    zkbi_reset_signals();
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, NULL); /* a closed pipe is an error, not a death */
    child_stdio(o);
    if (fd >= 0)
        body(user, fd);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* Waits for pid until the deadline (0: none); 1 when it was reaped. A child
 * that closed its pipe is usually gone within microseconds: poll from 20 us
 * up, doubling to 10 ms. */
static int reap_until(pid_t pid, uint64_t deadline_ns, int *wst)
{
    long nap_ns = 20000;
    for (;;) {
        pid_t r = waitpid(pid, wst, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
        if (deadline_ns && zkbi_now_ns() >= deadline_ns)
            return 0;
        struct timespec ts = {0, nap_ns};
        nanosleep(&ts, NULL);
        if (nap_ns < 10000000)
            nap_ns *= 2;
    }
}

void zkbi_isolate_run(const zkbi_isolate *o, zkbi_isolate_body body, zkbi_isolate_reader rd, void *user,
                      zkbi_isolate_end *end)
{
    memset(end, 0, sizeof *end);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        end->how = ZKBI_END_HOST;
        snprintf(end->host_err, sizeof end->host_err, "cannot create a pipe: %s", strerror(errno));
        return;
    }
    pid_t parent = getpid();
    fflush(NULL); /* nothing buffered in the host is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_main(o, body, user, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        end->how = ZKBI_END_HOST;
        snprintf(end->host_err, sizeof end->host_err, "fork failed: %s", strerror(errno));
        return;
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    uint64_t deadline = o->timeout_s > 0 ? zkbi_now_ns() + (uint64_t)(o->timeout_s * 1e9) : 0;
    end->how = ZKBI_END_EXITED;
    int stop = 0; /* 1: the child closed the pipe; -1: it must be killed */
    while (!stop) {
        int wait_ms = -1;
        if (deadline) {
            uint64_t now = zkbi_now_ns();
            if (now >= deadline) {
                end->how = ZKBI_END_TIMEOUT;
                stop = -1;
                break;
            }
            uint64_t left = (deadline - now) / 1000000u + 1;
            wait_ms = left > 1000000 ? 1000000 : (int)left;
        }
        if (o->memory_cap) {
            uint64_t rss = zkbi_process_tree_rss(pid, NULL);
            if (rss > o->memory_cap) {
                end->how = ZKBI_END_MEMORY_CAP;
                end->rss = rss;
                stop = -1;
                break;
            }
            if (wait_ms < 0 || wait_ms > SAMPLE_MS)
                wait_ms = SAMPLE_MS;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&p, 1, wait_ms);
        if (pr < 0 && errno != EINTR) {
            stop = -1;
            end->how = ZKBI_END_HOST;
            snprintf(end->host_err, sizeof end->host_err, "poll failed: %s", strerror(errno));
        }
        if (pr <= 0)
            continue;
        int r = rd(user, fds[0]);
        if (r == 0)
            stop = 1;
        else if (r < 0) {
            end->how = ZKBI_END_GARBLED;
            stop = -1;
        }
    }
    close(fds[0]);
    int wst = 0, reaped = 0;
    if (stop > 0) /* end of output: the child is exiting, or closed the pipe and goes on */
        reaped = reap_until(pid, deadline, &wst);
    if (!reaped && stop > 0) /* the pipe closed, yet the child lived on past the deadline */
        end->how = ZKBI_END_TIMEOUT;
    kill(-pid, SIGKILL); /* its session: strays, or all of it */
    zkbi_process_tree_kill(pid);
    while (!reaped && waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
    }
    if (end->how == ZKBI_END_EXITED) {
        if (WIFSIGNALED(wst)) {
            end->how = ZKBI_END_SIGNALED;
            end->code = WTERMSIG(wst);
        } else {
            end->code = WEXITSTATUS(wst);
        }
    }
}

/* The usual name of a signal that ends a faulty plugin, else NULL. */
static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    }
    return NULL;
}

void zkbi_isolate_describe(const zkbi_isolate_end *e, const zkbi_isolate *o, char *out, size_t cap)
{
    char size[32];
    switch (e->how) {
    case ZKBI_END_EXITED:
        snprintf(out, cap, "exited with status %d", e->code);
        break;
    case ZKBI_END_SIGNALED: {
        const char *name = signal_name(e->code);
        snprintf(out, cap, "crashed: signal %d (%s)", e->code, name ? name : strsignal(e->code));
        break;
    }
    case ZKBI_END_TIMEOUT:
        snprintf(out, cap, "did not return within %g s", o->timeout_s);
        break;
    case ZKBI_END_MEMORY_CAP:
        zkbi_format_bytes(o->memory_cap, size, sizeof size);
        snprintf(out, cap, "killed at the memory cap of %s", size);
        break;
    case ZKBI_END_GARBLED:
        snprintf(out, cap, "sent garbled output to the host");
        break;
    case ZKBI_END_HOST:
        snprintf(out, cap, "host: %s", e->host_err);
        break;
    }
}

int zkbi_isolate_read_into(int fd, char *buf, size_t cap, size_t *len)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (n == 0)
        return 0;
    size_t room = cap - 1 - *len;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(buf + *len, tmp, take);
    *len += take;
    return 1;
}
