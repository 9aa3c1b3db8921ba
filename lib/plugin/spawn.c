/* The spawn service: run a program from an argv array (never a shell), wait
 * for it under a timeout and the cancel flag, and measure it. */
#include "plugin_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define POLL_SLICE_MS 50

typedef struct spawn_plan {
    char path[4096];   /* resolved program */
    char cwd[4096];
    char err_path[4096]; /* where stderr goes, "" for /dev/null */
    char **envp;
    int fd_in, fd_out, fd_err;
} spawn_plan;

static zkb_status fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static zkb_status fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
{
    char msg[ZKBI_HOST_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    zkbi_host_api()->set_error(h, msg);
    return st;
}

static int is_exec_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

static const char *env_lookup(const char *const *env, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
            return env[i] + kl + 1;
    return NULL;
}

/* PATH lookup as execvp does it, in the PATH the child will see. */
static int resolve(const char *name, const char *const *extra, char *out, size_t cap)
{
    if (strchr(name, '/')) {
        snprintf(out, cap, "%s", name);
        return 0;
    }
    const char *path = env_lookup(extra, "PATH");
    if (!path)
        path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t dl = end ? (size_t)(end - p) : strlen(p);
        int n = dl ? snprintf(out, cap, "%.*s/%s", (int)dl, p, name) : snprintf(out, cap, "./%s", name);
        if (n > 0 && (size_t)n < cap && is_exec_file(out))
            return 0;
        if (!end)
            break;
        p = end + 1;
    }
    return -1;
}

int zkbi_find_program(const char *name, char *out, size_t cap) { return resolve(name, NULL, out, cap); }

/* environ with the extra "KEY=VALUE" entries replacing or adding keys. */
static char **build_env(const char *const *extra)
{
    size_t n_env = 0, n_extra = 0;
    while (environ && environ[n_env])
        n_env++;
    while (extra && extra[n_extra])
        n_extra++;
    char **envp = calloc(n_env + n_extra + 1, sizeof *envp);
    if (!envp)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_env; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t kl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int overridden = 0;
        for (size_t j = 0; j < n_extra && !overridden; j++)
            overridden = strncmp(extra[j], environ[i], kl) == 0 && extra[j][kl] == '=';
        if (!overridden)
            envp[k++] = environ[i];
    }
    for (size_t j = 0; j < n_extra; j++)
        envp[k++] = (char *)extra[j];
    return envp;
}

/* p relative to dir; "" when too long (the open then fails cleanly). */
static void join_path(char *out, size_t cap, const char *dir, const char *p)
{
    int n = p[0] == '/' || !dir ? snprintf(out, cap, "%s", p) : snprintf(out, cap, "%s/%s", dir, p);
    if (n < 0 || (size_t)n >= cap)
        out[0] = '\0';
}

/* Above the standard descriptors, so the child's dup2 onto 0, 1, 2 cannot
 * clobber one it still needs (a host may run with stdio closed). */
static int high_fd(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return h;
}

static int open_out(const char *path)
{
    return high_fd(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
}

static void close_plan(spawn_plan *pl)
{
    if (pl->fd_in >= 0)
        close(pl->fd_in);
    if (pl->fd_out >= 0)
        close(pl->fd_out);
    if (pl->fd_err >= 0 && pl->fd_err != pl->fd_out)
        close(pl->fd_err);
    free(pl->envp);
}

static zkb_status plan(zkb_host_ctx *h, const zkb_spawn_opts *o, spawn_plan *pl)
{
    const char *argv0 = o->argv[0];
    if (resolve(argv0, o->env, pl->path, sizeof pl->path) != 0)
        return fail(h, ZKB_ERR_NOT_FOUND, "spawn: '%s' not found in PATH", argv0);
    for (size_t j = 0; o->env && o->env[j]; j++)
        if (!strchr(o->env[j], '=') || o->env[j][0] == '=')
            return fail(h, ZKB_ERR_INVALID_ARG, "spawn: env entry '%s' is not KEY=VALUE", o->env[j]);
    const char *cwd = o->cwd ? o->cwd : zkbi_host_api()->scratch_dir(h);
    if (!cwd)
        return fail(h, ZKB_ERR_IO, "spawn: no working directory (scratch unavailable)");
    snprintf(pl->cwd, sizeof pl->cwd, "%s", cwd);

    char p[4096];
    join_path(p, sizeof p, pl->cwd, o->stdin_path ? o->stdin_path : "/dev/null");
    pl->fd_in = high_fd(open(p, O_RDONLY | O_CLOEXEC));
    if (pl->fd_in < 0)
        return fail(h, ZKB_ERR_IO, "spawn: cannot open stdin %s: %s", p, strerror(errno));
    join_path(p, sizeof p, pl->cwd, o->stdout_path ? o->stdout_path : "/dev/null");
    pl->fd_out = open_out(p);
    if (pl->fd_out < 0)
        return fail(h, ZKB_ERR_IO, "spawn: cannot open stdout %s: %s", p, strerror(errno));
    if (o->stderr_path) {
        join_path(pl->err_path, sizeof pl->err_path, pl->cwd, o->stderr_path);
    } else {
        char base[48];
        const char *slash = strrchr(argv0, '/');
        zkbi_sanitize_name(slash ? slash + 1 : argv0, base, sizeof base);
        const char *scratch = zkbi_host_api()->scratch_dir(h);
        snprintf(pl->err_path, sizeof pl->err_path, "%s/spawn-%u-%s.stderr", scratch ? scratch : "/tmp",
                 (unsigned)atomic_fetch_add(&h->spawn_seq, 1), base);
    }
    if (o->stdout_path && o->stderr_path && strcmp(o->stdout_path, o->stderr_path) == 0)
        pl->fd_err = pl->fd_out;
    else
        pl->fd_err = open_out(pl->err_path);
    if (pl->fd_err < 0)
        return fail(h, ZKB_ERR_IO, "spawn: cannot open stderr %s: %s", pl->err_path, strerror(errno));
    pl->envp = build_env(o->env);
    if (!pl->envp)
        return fail(h, ZKB_ERR_NOMEM, "spawn: out of memory");
    return ZKB_OK;
}

/* Between fork and execve: async-signal-safe calls only (the parent may
 * have threads). Reports a failure as errno through errfd. */
static void child_exec(const spawn_plan *pl, char *const *argv, pid_t parent, int errfd)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    zkbi_reset_signals();
    int err = 0;
    if (dup2(pl->fd_in, 0) < 0 || dup2(pl->fd_out, 1) < 0 || dup2(pl->fd_err, 2) < 0)
        err = errno;
    else if (chdir(pl->cwd) != 0)
        err = errno;
    if (!err) {
        /* Descriptors a plugin left inheritable stay with the plugin. */
        syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
        execve(pl->path, argv, pl->envp);
        err = errno;
    }
    ssize_t w = write(errfd, &err, sizeof err);
    (void)w;
    _exit(127);
}

static int wait_exit(pid_t pid, int pidfd, int ms)
{
    if (pidfd >= 0) {
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        int r = poll(&p, 1, ms);
        return r > 0;
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int slept = 0;
    for (;;) {
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
            return 1;
        if (slept >= ms)
            return 0;
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
        slept++;
    }
}

typedef enum { END_EXITED, END_TIMEOUT, END_CANCELLED } end_kind;

static end_kind supervise(zkb_host_ctx *h, pid_t pid, uint64_t deadline_ns)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    end_kind end = END_EXITED;
    for (;;) {
        int slice = POLL_SLICE_MS;
        if (deadline_ns) {
            uint64_t now = zkbi_now_ns();
            if (now >= deadline_ns) {
                end = END_TIMEOUT;
                break;
            }
            uint64_t left_ms = (deadline_ns - now + 999999u) / 1000000u;
            if (left_ms < (uint64_t)slice)
                slice = (int)left_ms;
        }
        if (wait_exit(pid, pidfd, slice))
            break;
        if (atomic_load(&h->cancel)) {
            end = END_CANCELLED;
            break;
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    /* The child is a zombie or still running: its pid, and so its process
     * group, cannot be reused yet. Strays it left in its group go too. */
    kill(-pid, SIGKILL);
    if (end != END_EXITED)
        kill(pid, SIGKILL);
    return end;
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6; }

static zkb_status result_status(zkb_host_ctx *h, const zkb_spawn_opts *o, const spawn_plan *pl,
                                end_kind end, int wst, double timeout_s)
{
    const char *argv0 = o->argv[0];
    if (end == END_TIMEOUT)
        return fail(h, ZKB_ERR_TIMEOUT, "%s: timed out after %.3g s", argv0, timeout_s);
    if (end == END_CANCELLED)
        return fail(h, ZKB_ERR_CANCELLED, "%s: cancelled", argv0);
    if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0)
        return ZKB_OK;
    char tail[ZKBI_STDERR_TAIL + 1];
    zkbi_file_tail(pl->err_path, tail, sizeof tail);
    if (WIFSIGNALED(wst))
        return fail(h, ZKB_ERR_CRASHED, "%s: killed by signal %d (%s)%s%s", argv0, WTERMSIG(wst),
                    strsignal(WTERMSIG(wst)), tail[0] ? "; stderr: " : "", tail);
    return fail(h, ZKB_ERR_CHILD, "%s: exited with status %d%s%s", argv0, WEXITSTATUS(wst),
                tail[0] ? "; stderr: " : "", tail);
}

static void copy_result(zkb_spawn_result *res, const zkb_spawn_result *r)
{
    if (!res)
        return;
    uint32_t sz = res->struct_size;
    if (sz < sizeof(uint32_t) * 2 || sz > sizeof *r)
        sz = sizeof *r;
    memcpy((char *)res + sizeof(uint32_t), (const char *)r + sizeof(uint32_t), sz - sizeof(uint32_t));
}

zkb_status zkbi_host_spawn(zkb_host_ctx *h, const zkb_spawn_opts *o, zkb_spawn_result *res)
{
    if (!h)
        return ZKB_ERR_INVALID_ARG;
    if (!o || o->struct_size < sizeof *o || !o->argv || !o->argv[0] || !o->argv[0][0])
        return fail(h, ZKB_ERR_INVALID_ARG, "spawn: opts with struct_size and a non-empty argv are required");
    double timeout_s = o->timeout_s;
    uint64_t deadline = 0;
    uint64_t t_start = zkbi_now_ns();
    if (timeout_s > 0) {
        deadline = t_start + (uint64_t)(timeout_s * 1e9);
    } else if (h->deadline_ns) {
        if (t_start >= h->deadline_ns)
            return fail(h, ZKB_ERR_TIMEOUT, "%s: not started, the cell's time is up", o->argv[0]);
        deadline = h->deadline_ns;
        timeout_s = (double)(deadline - t_start) * 1e-9;
    }

    spawn_plan *pl = calloc(1, sizeof *pl);
    if (!pl)
        return fail(h, ZKB_ERR_NOMEM, "spawn: out of memory");
    pl->fd_in = pl->fd_out = pl->fd_err = -1;
    zkb_status st = plan(h, o, pl);
    int errpipe[2] = {-1, -1};
    if (st == ZKB_OK && pipe2(errpipe, O_CLOEXEC) != 0)
        st = fail(h, ZKB_ERR_IO, "spawn: pipe: %s", strerror(errno));
    if (st != ZKB_OK) {
        close_plan(pl);
        free(pl);
        return st;
    }

    pid_t parent = getpid();
    uint64_t t0 = zkbi_now_ns();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(pl, (char *const *)o->argv, parent, errpipe[1]);
    close(errpipe[1]);
    if (pid < 0) {
        close(errpipe[0]);
        close_plan(pl);
        free(pl);
        return fail(h, ZKB_ERR_IO, "spawn: fork: %s", strerror(errno));
    }
    /* Also keeps the group id valid for kill(-pid) below. */
    setpgid(pid, pid);

    int exec_err = 0;
    ssize_t r;
    while ((r = read(errpipe[0], &exec_err, sizeof exec_err)) < 0 && errno == EINTR) {
    }
    close(errpipe[0]);

    end_kind end = r > 0 ? END_EXITED : supervise(h, pid, deadline);
    int wst = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &wst, 0, &ru) < 0 && errno == EINTR) {
    }
    uint64_t t1 = zkbi_now_ns();

    if (r > 0) {
        st = fail(h, exec_err == ENOENT ? ZKB_ERR_NOT_FOUND : ZKB_ERR_CHILD, "spawn: cannot run %s: %s",
                  pl->path, strerror(exec_err));
        close_plan(pl);
        free(pl);
        return st;
    }

    zkb_spawn_result out = {.struct_size = sizeof out};
    out.exit_code = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    out.term_signal = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
    out.timed_out = end == END_TIMEOUT;
    out.wall_s = (double)(t1 - t0) * 1e-9;
    out.user_s = tv_s(ru.ru_utime);
    out.sys_s = tv_s(ru.ru_stime);
    out.peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;
    if (h->phase)
        zkbi_span_add_child(h->phase, out.peak_rss_bytes);
    copy_result(res, &out);
    st = result_status(h, o, pl, end, wst, timeout_s);
    close_plan(pl);
    free(pl);
    return st;
}
