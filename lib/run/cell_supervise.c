/* The parent's side of a cell: read the cell process's events, enforce the
 * wall-clock limit and the memory cap over the cell's whole tree, stop it
 * when the host cancels the run, reap the keeper (cell_keeper.c, the root of
 * the tree) and say what happened. */
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAMPLE_MS 20
#define TICK_MS 500 /* progress of a running phase, for hosts that show elapsed time */
#define KEEPER_GRACE_MS 10000 /* for the keeper to reap the tree after a kill */

typedef enum { KILL_NONE, KILL_TIMEOUT, KILL_MEMORY, KILL_PROTOCOL, KILL_CANCEL } kill_reason;

typedef struct watch_state {
    const zkbi_watch *w;
    zkbi_outcome *o;
    zkbi_event_reader rd;
    int failed; /* a FAIL event arrived */
    kill_reason killed;
    uint64_t last_progress_ns; /* last progress call: a phase start or a tick */
} watch_state;

static int push(zkbi_series *s, double v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        double *g = realloc(s->v, cap * sizeof *g);
        if (!g)
            return -1;
        s->v = g;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return 0;
}

static void record_measure(zkbi_outcome *o, const zkbi_event *e)
{
    if (e->phase >= ZKBI_N_PHASES)
        return;
    zkbi_phase_data *p = &o->phases[e->phase];
    push(&p->wall, e->m.wall_s);
    push(&p->cpu, e->m.cpu_s);
    push(&p->peak, (double)e->m.peak_rss);
    push(&p->peak_self, (double)e->m.peak_rss_self);
    push(&p->peak_children, (double)e->m.peak_rss_children);
    o->hwm_reset_ok = e->m.hwm_reset_ok;
}

static void on_event(watch_state *st, const zkbi_event *e)
{
    zkbi_outcome *o = st->o;
    const zkbi_watch *w = st->w;
    const zkb_host_api *api = zkbi_host_api();
    switch (e->type) {
    case ZKBI_EV_PHASE_BEGIN:
        if (st->failed)
            break; /* the cleanup after a failure: the failure's place is the one to report */
        o->phase = e->phase;
        o->sample = e->sample;
        o->step[0] = '\0';
        st->last_progress_ns = zkbi_now_ns();
        if (w->run->progress && e->phase < ZKBI_N_PHASES)
            w->run->progress(w->run->progress_user, w->cell, w->run->n_cells, zkbi_phase_name(e->phase),
                             (double)(zkbi_now_ns() - w->t0_ns) * 1e-9);
        break;
    case ZKBI_EV_PHASE_END:
        record_measure(o, e);
        break;
    case ZKBI_EV_METRIC:
        api->metric(o->facts, e->s1, e->value, e->s2);
        break;
    case ZKBI_EV_INFO:
        api->info(o->facts, e->s1, e->s2);
        break;
    case ZKBI_EV_LOG:
        zkbi_ctx_log(w->run->ctx, e->level > ZKB_LOG_DEBUG ? ZKB_LOG_DEBUG : e->level, "%s: %s",
                     w->backend, e->s1);
        break;
    case ZKBI_EV_PROGRESS:
        if (!st->failed)
            snprintf(o->step, sizeof o->step, "%s", e->s1);
        if (e->value >= 0)
            zkbi_ctx_log(w->run->ctx, ZKB_LOG_DEBUG, "%s: progress %.0f%% %s", w->backend, e->value * 100.0, e->s1);
        else
            zkbi_ctx_log(w->run->ctx, ZKB_LOG_DEBUG, "%s: progress: %s", w->backend, e->s1);
        break;
    case ZKBI_EV_CLASS:
        if (e->sample >= 0 && (size_t)e->sample < o->n_samples)
            o->zk_class[e->sample] = e->cls;
        break;
    case ZKBI_EV_FAIL: {
        st->failed = 1;
        o->phase = e->phase;
        o->sample = e->sample;
        zkb_status code = (zkb_status)e->status;
        const char *status = code == ZKB_ERR_UNAVAILABLE ? "unavailable" : "failed";
        const char *where = zkbi_phase_name(e->phase);
        const char *sep = e->s1[0] ? ": " : "";
        if (code == ZKB_ERR_UNAVAILABLE)
            zkbi_outcome_set(o, status, code, "unavailable: %s", e->s1[0] ? e->s1 : "the probe failed");
        else if (e->sample >= 0)
            zkbi_outcome_set(o, status, code, "%s: %s in %s, sample %lld%s%s", status, zkb_status_str(code),
                             where, (long long)e->sample, sep, e->s1);
        else
            zkbi_outcome_set(o, status, code, "%s: %s in %s%s%s", status, zkb_status_str(code), where, sep,
                             e->s1);
        break;
    }
    case ZKBI_EV_DONE:
        o->done = 1;
        break;
    }
}

/* Reads and handles what the pipe holds; as zkbi_event_fill. */
static int drain(watch_state *st, int fd)
{
    int r = zkbi_event_fill(&st->rd, fd);
    zkbi_event e;
    int k;
    while ((k = zkbi_event_next(&st->rd, &e)) == 1)
        on_event(st, &e);
    if (k < 0 && st->killed == KILL_NONE)
        st->killed = KILL_PROTOCOL;
    return r;
}

static int child_ended(pid_t pid, int pidfd, short revents)
{
    if (pidfd >= 0)
        return (revents & POLLIN) != 0;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* Waits up to ms for the keeper to end (not reaped). */
static int keeper_ends(pid_t pid, int pidfd, int ms)
{
    uint64_t until = zkbi_now_ns() + (uint64_t)ms * 1000000u;
    for (;;) {
        if (child_ended(pid, -1, 0))
            return 1;
        uint64_t now = zkbi_now_ns();
        if (now >= until)
            return 0;
        int left = (int)((until - now) / 1000000u) + 1;
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        if (pidfd < 0 || poll(&p, 1, left) < 0) {
            struct timespec ts = {0, 2000000L};
            nanosleep(&ts, NULL);
        }
    }
}

static void sample_memory(watch_state *st, pid_t pid)
{
    uint64_t rss = zkbi_process_tree_rss_below(pid, NULL); /* not the keeper: a copy of the host */
    if (rss > st->o->peak_rss_sampled)
        st->o->peak_rss_sampled = rss;
    if (st->w->memory_cap && rss > st->w->memory_cap && st->killed == KILL_NONE) {
        st->killed = KILL_MEMORY;
        st->o->rss_at_kill = rss;
    }
}

/* "setup", "prove, sample 3"; with the plugin's last progress text when it
 * gave one ("setup (ezkl setup, logrows 23)"): which step a long phase was in. */
static void where(const zkbi_outcome *o, char *out, size_t cap)
{
    char sample[32] = "";
    if (o->sample >= 0 && zkbi_phase_per_sample(o->phase))
        snprintf(sample, sizeof sample, ", sample %lld", (long long)o->sample);
    if (o->step[0])
        snprintf(out, cap, "%s%s (%s)", zkbi_phase_name(o->phase), sample, o->step);
    else
        snprintf(out, cap, "%s%s", zkbi_phase_name(o->phase), sample);
}

static void conclude(watch_state *st, int wst)
{
    zkbi_outcome *o = st->o;
    char at[256], cap[32];
    where(o, at, sizeof at);
    int out_of_time = st->killed == KILL_TIMEOUT ||
                      (st->w->deadline_ns && zkbi_now_ns() >= st->w->deadline_ns);
    if (st->failed && o->code == ZKB_ERR_TIMEOUT && out_of_time)
        st->killed = KILL_TIMEOUT; /* the cell's time ran out inside a spawned program */
    else if (st->failed && st->killed != KILL_PROTOCOL)
        return; /* the child's own report; whatever happened while it cleaned up */
    if (o->done && st->killed != KILL_PROTOCOL) {
        zkbi_outcome_set(o, "ok", ZKB_OK, "%s", "");
        return;
    }
    switch (st->killed) {
    case KILL_TIMEOUT:
        zkbi_outcome_set(o, "timeout", ZKB_ERR_TIMEOUT, "timeout: %g s in %s", st->w->timeout_s, at);
        return;
    case KILL_MEMORY:
        zkbi_format_bytes(st->w->memory_cap, cap, sizeof cap);
        zkbi_outcome_set(o, "killed", ZKB_ERR_MEMORY_CAP, "killed: memory cap %s in %s", cap, at);
        return;
    case KILL_PROTOCOL:
        zkbi_outcome_set(o, "crashed", ZKB_ERR_CRASHED, "crashed: garbled events from the cell in %s", at);
        return;
    case KILL_CANCEL:
        zkbi_outcome_set(o, "interrupted", ZKB_ERR_CANCELLED, "interrupted in %s", at);
        return;
    case KILL_NONE:
        break;
    }
    if (WIFSIGNALED(wst))
        zkbi_outcome_set(o, "crashed", ZKB_ERR_CRASHED, "crashed: signal %d (%s) in %s", WTERMSIG(wst),
                         strsignal(WTERMSIG(wst)), at);
    else
        zkbi_outcome_set(o, "crashed", ZKB_ERR_CRASHED, "crashed: process exited with status %d in %s",
                         WEXITSTATUS(wst), at);
}

void zkbi_cell_supervise(const zkbi_watch *w, pid_t pid, int fd, zkbi_outcome *o)
{
    watch_state st = {.w = w, .o = o, .last_progress_ns = zkbi_now_ns()};
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    uint64_t next_sample = zkbi_now_ns() + SAMPLE_MS * 1000000ull;
    int pipe_open = 1;
    for (;;) {
        uint64_t now = zkbi_now_ns();
        if (w->deadline_ns && now >= w->deadline_ns && st.killed == KILL_NONE)
            st.killed = KILL_TIMEOUT;
        if (zkbi_run_cancelled(w->run) && st.killed == KILL_NONE)
            st.killed = KILL_CANCEL;
        if (now >= next_sample) {
            sample_memory(&st, pid);
            next_sample = now + SAMPLE_MS * 1000000ull;
        }
        if (now >= st.last_progress_ns + TICK_MS * 1000000ull) {
            st.last_progress_ns = now;
            if (w->run->progress && !st.failed && o->phase < ZKBI_N_PHASES)
                w->run->progress(w->run->progress_user, w->cell, w->run->n_cells, zkbi_phase_name(o->phase),
                                 (double)(now - w->t0_ns) * 1e-9);
        }
        if (st.killed != KILL_NONE)
            break;
        uint64_t until = next_sample;
        if (w->deadline_ns && w->deadline_ns < until)
            until = w->deadline_ns;
        int ms = until > now ? (int)((until - now + 999999u) / 1000000u) : 0;
        struct pollfd p[2] = {{.fd = pipe_open ? fd : -1, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        /* Without a pidfd, an open pipe is the only wake-up: poll in short steps. */
        if (pidfd < 0 && !pipe_open && ms > 1)
            ms = 1;
        int r = poll(p, 2, ms);
        if (r < 0 && errno != EINTR)
            break;
        if (pipe_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            int d = drain(&st, fd);
            if (d == 0 || d == -2)
                pipe_open = 0;
        }
        if (st.killed == KILL_NONE && child_ended(pid, pidfd, p[1].revents))
            break;
    }
    /* The cell process and all below the keeper; the keeper reaps them and
     * ends. A keeper that does not is killed with the rest. */
    if (st.killed != KILL_NONE || !child_ended(pid, -1, 0)) {
        zkbi_process_tree_kill_below(pid);
        if (!keeper_ends(pid, pidfd, KEEPER_GRACE_MS))
            zkbi_process_tree_kill(pid);
    }
    kill(-pid, SIGKILL); /* strays of the cell's group, if the keeper could not (its group lives while it is a zombie) */
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
    }
    /* What the child wrote before it ended (non-blocking: a descendant may
     * still hold the pipe open). */
    while (pipe_open && drain(&st, fd) > 0) {
    }
    if (pidfd >= 0)
        close(pidfd);
    conclude(&st, wst);
    zkbi_event_reader_free(&st.rd);
}
