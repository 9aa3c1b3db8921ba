/* Measurement: clocks, CPU time, per-phase peak RSS of this process (VmHWM reset)
 * and of children (wait4), and the RSS and kill of a cell's process tree. */
#include "zkbt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin/plugin_int.h"
#include "run/run_int.h"

#define MIB ((uint64_t)1 << 20)

static const char *self_exe;

static char *touch_mib(size_t mib)
{
    char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    memset(p, 7, mib * MIB);
    return p;
}

static double process_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void test_clock_and_cpu(void **state)
{
    (void)state;
    uint64_t t0 = zkbi_now_ns();
    double c0 = zkbi_cpu_self_s(), p0 = process_cpu_s();
    volatile unsigned long x = 0;
    while (process_cpu_s() - p0 < 0.1) /* 0.1 s of CPU, however busy the machine */
        x++;
    uint64_t t1 = zkbi_now_ns();
    assert_true(t1 - t0 >= 100000000u);
    double c = zkbi_cpu_self_s() - c0;
    assert_true(c >= 0.099 && c < 0.2 + (double)(t1 - t0) / 1e9);
}

static void test_phase_peak_self(void **state)
{
    (void)state;
    if (zkbi_hwm_reset() != 0)
        skip(); /* kernel without clear_refs "5" */
    /* an earlier, larger peak must not leak into the phase */
    char *old = touch_mib(160);
    munmap(old, 160 * MIB);

    zkbi_span p;
    zkbi_span_begin(&p);
    uint64_t base = zkbi_rss_bytes();
    char *mem = touch_mib(64);
    munmap(mem, 64 * MIB); /* gone again before the phase ends: only the peak remembers */
    zkbi_measure m;
    zkbi_span_end(&p, &m);
    assert_true(m.hwm_reset_ok);
    assert_true(m.peak_rss_self >= 64 * MIB);
    /* the kernel's RSS counters are batched per CPU: allow them a MiB of lag */
    assert_true(m.peak_rss_self >= base + 63 * MIB);
    assert_true(m.peak_rss_self < base + 64 * MIB + 32 * MIB);
    assert_true(zkbi_rss_bytes() < m.peak_rss_self);
    assert_int_equal(m.peak_rss_children, 0);
    assert_int_equal(m.peak_rss, m.peak_rss_self);
    assert_true(m.wall_s > 0 && m.wall_s < 5);
    assert_true(m.cpu_s >= 0);

    /* the next phase starts from the current RSS again */
    zkbi_span_begin(&p);
    zkbi_span_end(&p, &m);
    assert_true(m.peak_rss_self < base + 32 * MIB);
}

static void test_phase_peak_children(void **state)
{
    (void)state;
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    zkb_host_ctx *h = zkbi_host_ctx_new(ctx, NULL);
    zkbi_span p;
    zkbi_host_ctx_set_phase(h, &p);
    zkbi_span_begin(&p);
    zkb_spawn_opts o = {.struct_size = sizeof o, .argv = (const char *const[]){self_exe, "--zkb-alloc-mib", "96", NULL}};
    zkb_spawn_result r = {.struct_size = sizeof r};
    assert_int_equal(zkbi_host_api()->spawn(h, &o, &r), ZKB_OK);
    o.argv = (const char *const[]){self_exe, "--zkb-alloc-mib", "32", NULL};
    assert_int_equal(zkbi_host_api()->spawn(h, &o, &r), ZKB_OK);
    zkbi_measure m;
    zkbi_span_end(&p, &m);
    assert_int_equal(m.n_children, 2);
    /* the largest child, not the sum: they ran one after the other */
    assert_true(m.peak_rss_children >= 96 * MIB);
    assert_true(m.peak_rss_children < 96 * MIB + 256 * MIB);
    assert_int_equal(m.peak_rss, m.peak_rss_self + m.peak_rss_children);
    zkbi_host_ctx_free(h);
    zkb_ctx_free(ctx);
}

static void test_process_tree_rss_and_kill(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        touch_mib(48);
        if (fork() == 0) { /* a member with its own process group */
            setpgid(0, 0);
            touch_mib(24);
            pause();
            _exit(0);
        }
        if (fork() == 0) { /* an orphan in a session of its own */
            if (fork() == 0) {
                setsid();
                touch_mib(16);
                ssize_t w = write(fds[1], "o", 1);
                (void)w;
                pause();
                _exit(0);
            }
            _exit(0);
        }
        usleep(100000);
        ssize_t w = write(fds[1], "x", 1);
        (void)w;
        pause();
        _exit(0);
    }
    char c[2];
    assert_int_equal(read(fds[0], &c[0], 1), 1);
    assert_int_equal(read(fds[0], &c[1], 1), 1);
    unsigned n = 0;
    uint64_t rss = zkbi_process_tree_rss(pid, &n);
    assert_int_equal(n, 3);
    assert_true(rss >= 88 * MIB);
    assert_true(zkbi_process_tree_kill(pid) >= 1);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    for (int i = 0; i < 100 && zkbi_process_tree_rss(pid, &n) > 0; i++)
        usleep(10000);
    assert_int_equal(zkbi_process_tree_rss(pid, &n), 0);
    assert_int_equal(n, 0);
    close(fds[0]);
    close(fds[1]);
}

static void test_measure_cost(void **state)
{
    (void)state;
    /* what a phase that does nothing measures: the harness's floor */
    zkbi_span p;
    zkbi_measure m;
    int fast = 0;
    for (int i = 0; i < 200; i++) {
        zkbi_span_begin(&p);
        zkbi_span_end(&p, &m);
        fast += m.wall_s < 50e-6;
    }
    assert_true(fast >= 180);
}

int main(int argc, char **argv)
{
    if (argc > 1) /* --zkb-alloc-mib */
        return zkbt_child_main(argc, argv);
    self_exe = zkbt_self_exe();
    if (!self_exe)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_and_cpu),
        cmocka_unit_test(test_phase_peak_self),
        cmocka_unit_test(test_phase_peak_children),
        cmocka_unit_test(test_process_tree_rss_and_kill),
        cmocka_unit_test(test_measure_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
