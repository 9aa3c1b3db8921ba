/* The cell's first process (the keeper): no descendant of a cell outlives it.
 *
 * The keeper is a child subreaper in a session of its own: every process
 * the cell starts stays in its tree, whatever it does (double forks,
 * setsid()), and when one's parent ends it becomes the keeper's child. The
 * keeper forks the cell process (cell_child.c), which runs the plugin, and
 * waits. When that process ends, however it ends (done, failed, crashed,
 * killed by the parent at the time limit or the memory cap), the keeper
 * kills and reaps whatever is left of the tree and only then exits, with
 * the cell process's status, so that the parent sees the end of the cell
 * when nothing of it is left. If the host dies, the keeper is told
 * (PR_SET_PDEATHSIG) and does the same.
 *
 * It also owns cell.log: the cell's stdout and stderr come to it through a
 * pipe, and it keeps the first ZKBI_CELL_LOG_HEAD and the last
 * ZKBI_CELL_LOG_TAIL bytes of them. */
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct log_sink {
    int fd;
    uint64_t total;  /* bytes received */
    char *ring;      /* the last bytes past the head */
    size_t ring_pos; /* next write position in ring */
    size_t ring_len;
} log_sink;

static void sink_add(log_sink *s, const char *p, size_t n)
{
    if (s->total < ZKBI_CELL_LOG_HEAD) {
        size_t take = ZKBI_CELL_LOG_HEAD - s->total;
        if (take > n)
            take = n;
        if (s->fd >= 0 && zkbi_write_all(s->fd, p, take) != 0) {
            close(s->fd); /* a full disk: the log is lost, the cell is not */
            s->fd = -1;
        }
        s->total += take;
        p += take;
        n -= take;
    }
    if (n == 0)
        return;
    if (!s->ring && !(s->ring = malloc(ZKBI_CELL_LOG_TAIL)))
        return;
    s->total += n;
    if (n > ZKBI_CELL_LOG_TAIL) {
        p += n - ZKBI_CELL_LOG_TAIL;
        n = ZKBI_CELL_LOG_TAIL;
    }
    size_t first = ZKBI_CELL_LOG_TAIL - s->ring_pos;
    if (first > n)
        first = n;
    memcpy(s->ring + s->ring_pos, p, first);
    memcpy(s->ring, p + first, n - first);
    s->ring_pos = (s->ring_pos + n) % ZKBI_CELL_LOG_TAIL;
    s->ring_len = s->ring_len + n > ZKBI_CELL_LOG_TAIL ? ZKBI_CELL_LOG_TAIL : s->ring_len + n;
}

static void sink_finish(log_sink *s)
{
    if (s->fd < 0)
        return;
    uint64_t left_out = s->total - ZKBI_CELL_LOG_HEAD - (s->total > ZKBI_CELL_LOG_HEAD ? s->ring_len : 0);
    if (s->total > ZKBI_CELL_LOG_HEAD && left_out > 0) {
        char note[200];
        int k = snprintf(note, sizeof note,
                         "\n[zkmlbench: %llu bytes of the cell's output left out here; cell.log keeps the first "
                         "%u and the last %u bytes]\n",
                         (unsigned long long)left_out, ZKBI_CELL_LOG_HEAD, ZKBI_CELL_LOG_TAIL);
        zkbi_write_all(s->fd, note, (size_t)k);
    }
    if (s->ring_len) {
        size_t start = (s->ring_pos + ZKBI_CELL_LOG_TAIL - s->ring_len) % ZKBI_CELL_LOG_TAIL;
        size_t first = ZKBI_CELL_LOG_TAIL - start;
        if (first > s->ring_len)
            first = s->ring_len;
        zkbi_write_all(s->fd, s->ring + start, first);
        zkbi_write_all(s->fd, s->ring, s->ring_len - first);
    }
    close(s->fd);
    s->fd = -1;
}

/* Reads what the pipe holds: 0 at end of file, 1 otherwise. */
static int pump(int fd, log_sink *s)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            sink_add(s, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n == 0 ? 0 : 1;
    }
}

static _Noreturn void end_like(int wst)
{
    if (WIFSIGNALED(wst)) {
        int sig = WTERMSIG(wst);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* the cell process dumped its own core, if any */
        signal(sig, SIG_DFL);
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    _exit(WIFEXITED(wst) ? WEXITSTATUS(wst) : 3);
}

/* Kills what is left below the keeper and reaps it all. Each wait follows a
 * kill pass, so a process that appeared after a pass (forked while its
 * parent was being killed, and now the keeper's child) is killed by the
 * next one. */
static void reap_all(pid_t worker, int *wst)
{
    pid_t self = getpid();
    for (;;) {
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0)
            if (p == worker)
                *wst = st;
        if (p < 0 && errno == ECHILD)
            return;
        zkbi_process_tree_kill_below(self);
        p = waitpid(-1, &st, 0);
        if (p < 0 && errno == ECHILD)
            return;
        if (p == worker)
            *wst = st;
    }
}

_Noreturn void zkbi_cell_keeper(const zkbi_cell_job *job_in)
{
    setsid(); /* the cell's session: the parent finds and kills all of it */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    zkbi_reset_signals(); /* none of the host's handlers */
    signal(SIGXFSZ, SIG_IGN); /* a file size limit fails a write of the log, it does not kill the keeper */
    sigset_t watched;
    sigemptyset(&watched);
    sigaddset(&watched, SIGCHLD);
    sigaddset(&watched, SIGTERM);
    sigprocmask(SIG_BLOCK, &watched, NULL); /* read through a signalfd, from here on */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != job_in->parent)
        _exit(3);
    zkbi_cell_job job = *job_in;
    if (job.host_fd >= 0)
        close(job.host_fd);
    job.host_fd = -1;
    if (job.fd <= 2) /* keep it clear of the stdio redirections */
        job.fd = fcntl(job.fd, F_DUPFD_CLOEXEC, 3);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3 && devnull >= 0; i++) /* hold none of the host's terminal or pipes */
        if (devnull != i)
            dup2(devnull, i);
    if (devnull > 2)
        close(devnull);
    int sfd = signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);
    int out[2];
    if (job.fd < 0 || sfd < 0 || pipe2(out, O_CLOEXEC) != 0)
        _exit(3);
    log_sink sink = {.fd = open(job.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    pid_t keeper = getpid();
    pid_t worker = fork();
    if (worker == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != keeper)
            _exit(3);
        close(out[0]);
        close(sfd);
        if (sink.fd >= 0)
            close(sink.fd);
        zkbi_cell_child(&job, out[1]);
    }
    close(out[1]);
    close(job.fd); /* the parent sees the end of the events when the cell process is gone */
    if (worker < 0)
        _exit(3);
    int wst = 0, worker_done = 0, host_gone = 0;
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    int log_open = 1;
    while (!worker_done && !host_gone) {
        struct pollfd p[2] = {{.fd = log_open ? out[0] : -1, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (log_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            log_open = pump(out[0], &sink);
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
            host_gone |= si.ssi_signo == SIGTERM && getppid() != job.parent;
        int st;
        pid_t r;
        while ((r = waitpid(-1, &st, WNOHANG)) > 0)
            if (r == worker) {
                wst = st;
                worker_done = 1;
            }
    }
    if (!worker_done)
        kill(worker, SIGKILL);
    reap_all(worker, &wst);
    if (log_open) /* every writer is gone: the rest of the output, up to its end */
        pump(out[0], &sink);
    sink_finish(&sink);
    if (host_gone)
        _exit(3);
    end_like(wst);
}
