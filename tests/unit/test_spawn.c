/* The host's spawn service: argv without a shell, PATH lookup, env, cwd,
 * redirections, exit status, signals, timeout, cancel, measurements. The
 * programs run are this test binary itself with a --zkb-* flag. */
#include "zkbt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plugin/plugin_int.h"
#include "core/core_int.h"

#define MIB (1024.0 * 1024.0)

static const char *self_exe;

typedef struct fx {
    zkb_ctx *ctx;
    zkb_host_ctx *h;
    char dir[256];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->dir, sizeof f->dir, "spawn") != 0)
        return -1;
    zkb_ctx_set(f->ctx, "log_level", "error");
    f->h = zkbi_host_ctx_new(f->ctx, NULL);
    zkbi_host_ctx_set_scratch(f->h, f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbi_host_ctx_free(f->h);
    zkbt_ctx_tmpdir_free(f->ctx, f->dir);
    free(f);
    return 0;
}

static zkb_status run(fx *f, const char *const *argv, const zkb_spawn_opts *base, zkb_spawn_result *res)
{
    zkb_spawn_opts o = {.struct_size = sizeof o};
    if (base)
        o = *base;
    o.struct_size = sizeof o;
    o.argv = argv;
    memset(res, 0, sizeof *res);
    res->struct_size = sizeof *res;
    zkbi_host_ctx_clear_error(f->h);
    return zkbi_host_api()->spawn(f->h, &o, res);
}

static const char *read_file(const char *path)
{
    static char buf[8192];
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (!fp)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void test_exit_codes(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-exit", "0", NULL}, NULL, &r), ZKB_OK);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(r.term_signal, 0);
    assert_int_equal(r.timed_out, 0);
    assert_true(r.wall_s > 0 && r.wall_s < 5);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-exit", "3", NULL}, NULL, &r), ZKB_ERR_CHILD);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "exited with status 3"));
}

static void test_signal(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-raise", "15", NULL}, NULL, &r), ZKB_ERR_CRASHED);
    assert_int_equal(r.exit_code, -1);
    assert_int_equal(r.term_signal, SIGTERM);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "killed by signal 15 (Terminated)"));
}

static void test_stderr_tail_in_error(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    /* more than the 2 KiB quoted: the end is what counts */
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big + sizeof big - 20, "THE-END-OF-IT", 13);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-stderr", big, NULL}, NULL, &r), ZKB_ERR_CHILD);
    const char *e = zkbi_host_ctx_error(f->h);
    assert_non_null(strstr(e, "exited with status 2; stderr: "));
    assert_non_null(strstr(e, "THE-END-OF-IT"));
    assert_true(strlen(e) < ZKBI_STDERR_TAIL + 300);
    /* kept in the scratch directory */
    char path[400];
    snprintf(path, sizeof path, "%s/spawn-0-%s.stderr", f->dir, strrchr(self_exe, '/') + 1);
    assert_int_equal(strlen(read_file(path)), strlen(big) + 1);
}

static void test_path_lookup(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    assert_int_equal(run(f, (const char *const[]){"true", NULL}, NULL, &r), ZKB_OK);
    assert_int_equal(run(f, (const char *const[]){"zkb-no-such-program-x", NULL}, NULL, &r), ZKB_ERR_NOT_FOUND);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "'zkb-no-such-program-x' not found in PATH"));
    /* the PATH the child gets is the one searched */
    char bin[300], link[400], path_env[320];
    snprintf(bin, sizeof bin, "%s/bin", f->dir);
    mkdir(bin, 0700);
    snprintf(link, sizeof link, "%s/zkbtool", bin);
    assert_int_equal(symlink(self_exe, link), 0);
    snprintf(path_env, sizeof path_env, "PATH=/nonexistent:%s", bin);
    zkb_spawn_opts o = {.env = (const char *const[]){path_env, NULL}, .stdout_path = "out.txt"};
    assert_int_equal(run(f, (const char *const[]){"zkbtool", "--zkb-print-env", "PATH", NULL}, &o, &r), ZKB_OK);
    char out[300];
    snprintf(out, sizeof out, "%s/out.txt", f->dir);
    assert_string_equal(read_file(out), path_env + 5);
    /* a name with a slash is not looked up */
    assert_int_equal(run(f, (const char *const[]){"./zkbtool", NULL}, NULL, &r), ZKB_ERR_NOT_FOUND);
}

static void test_env_cwd_stdin(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    setenv("ZKB_TEST_INHERITED", "kept", 1);
    setenv("ZKB_TEST_OVERRIDDEN", "old", 1);
    zkb_spawn_opts o = {.env = (const char *const[]){"ZKB_TEST_OVERRIDDEN=new", "ZKB_TEST_ADDED=a=b", NULL},
                        .stdout_path = "env.txt"};
    char out[300];
    snprintf(out, sizeof out, "%s/env.txt", f->dir);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-print-env", "ZKB_TEST_OVERRIDDEN", NULL}, &o, &r), ZKB_OK);
    assert_string_equal(read_file(out), "new");
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-print-env", "ZKB_TEST_ADDED", NULL}, &o, &r), ZKB_OK);
    assert_string_equal(read_file(out), "a=b");
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-print-env", "ZKB_TEST_INHERITED", NULL}, &o, &r), ZKB_OK);
    assert_string_equal(read_file(out), "kept");
    zkb_spawn_opts bad = {.env = (const char *const[]){"NOEQUALS", NULL}};
    assert_int_equal(run(f, (const char *const[]){self_exe, NULL}, &bad, &r), ZKB_ERR_INVALID_ARG);

    /* cwd: default is the scratch directory; relative paths follow cwd */
    zkb_spawn_opts c = {.stdout_path = "cwd.txt"};
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-print-cwd", NULL}, &c, &r), ZKB_OK);
    char cwdfile[400];
    snprintf(cwdfile, sizeof cwdfile, "%s/cwd.txt", f->dir);
    assert_string_equal(read_file(cwdfile), f->dir);
    char sub[280];
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    mkdir(sub, 0700);
    c.cwd = sub;
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-print-cwd", NULL}, &c, &r), ZKB_OK);
    snprintf(cwdfile, sizeof cwdfile, "%s/cwd.txt", sub);
    assert_string_equal(read_file(cwdfile), sub);

    /* stdin, and stdout and stderr into one file */
    char in[300];
    snprintf(in, sizeof in, "%s/in.txt", f->dir);
    FILE *fp = fopen(in, "w");
    fputs("hello through stdin", fp);
    fclose(fp);
    zkb_spawn_opts s = {.stdin_path = "in.txt", .stdout_path = "both.txt", .stderr_path = "both.txt"};
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-cat", NULL}, &s, &r), ZKB_OK);
    snprintf(out, sizeof out, "%s/both.txt", f->dir);
    assert_string_equal(read_file(out), "hello through stdin[stderr]");
    zkb_spawn_opts missing = {.stdin_path = "nope.txt"};
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-cat", NULL}, &missing, &r), ZKB_ERR_IO);
}

static int alive(pid_t pid)
{
    /* a killed process may linger a moment as a zombie of init */
    for (int i = 0; i < 100; i++) {
        if (kill(pid, 0) != 0 && errno == ESRCH)
            return 0;
        char path[64], buf[512] = "";
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *fp = fopen(path, "r");
        if (fp) {
            size_t n = fread(buf, 1, sizeof buf - 1, fp);
            buf[n] = '\0';
            fclose(fp);
            char *p = strrchr(buf, ')');
            if (p && p[2] == 'Z')
                return 0;
        }
        usleep(10000);
    }
    return 1;
}

static void test_timeout_kills_the_group(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    char pidfile[300];
    snprintf(pidfile, sizeof pidfile, "%s/grandchild.pid", f->dir);
    zkb_spawn_opts o = {.timeout_s = 0.3};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-fork-sleep", pidfile, NULL}, &o, &r), ZKB_ERR_TIMEOUT);
    double took = since(&t0);
    assert_true(took >= 0.3 && took < 2.0);
    assert_int_equal(r.timed_out, 1);
    assert_int_equal(r.term_signal, SIGKILL);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "timed out after 0.3 s"));
    pid_t gc = (pid_t)atoi(read_file(pidfile));
    assert_true(gc > 0);
    assert_false(alive(gc));
}

static void test_session_deadline(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    /* timeout_s 0: the rest of the cell's time */
    zkbi_host_ctx_set_deadline(f->h, zkbi_now_ns() + 200000000u);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-sleep", "10", NULL}, NULL, &r), ZKB_ERR_TIMEOUT);
    assert_true(since(&t0) < 2.0);
    /* time is up: not even started */
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-exit", "0", NULL}, NULL, &r), ZKB_ERR_TIMEOUT);
    assert_true(zkbi_host_api()->cancelled(f->h));
    zkbi_host_ctx_set_deadline(f->h, 0);
    assert_false(zkbi_host_api()->cancelled(f->h));
}

static void *cancel_later(void *arg)
{
    usleep(150000);
    zkbi_host_ctx_cancel(arg);
    return NULL;
}

static void test_cancel(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, f->h);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-sleep", "10", NULL}, NULL, &r), ZKB_ERR_CANCELLED);
    assert_true(since(&t0) < 2.0);
    pthread_join(t, NULL);
    assert_true(zkbi_host_api()->cancelled(f->h));
}

static void test_measures_cpu_and_memory(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-spin", "0.2", NULL}, NULL, &r), ZKB_OK);
    assert_true(r.user_s + r.sys_s >= 0.19);
    assert_true(r.wall_s >= 0.19);

    zkbi_span p;
    zkbi_host_ctx_set_phase(f->h, &p);
    zkbi_span_begin(&p);
    assert_int_equal(run(f, (const char *const[]){self_exe, "--zkb-alloc-mib", "96", NULL}, NULL, &r), ZKB_OK);
    zkbi_measure m;
    zkbi_span_end(&p, &m);
    zkbi_host_ctx_set_phase(f->h, NULL);
    assert_true(r.peak_rss_bytes >= 96 * MIB);
    assert_true(r.peak_rss_bytes < 96 * MIB + 256 * MIB);
    assert_int_equal(m.peak_rss_children, r.peak_rss_bytes);
    assert_int_equal(m.n_children, 1);
    assert_int_equal(m.peak_rss, m.peak_rss_self + m.peak_rss_children);
    assert_true(m.cpu_s > 0); /* the child's CPU counts for the phase */
}

static void test_bad_arguments(void **state)
{
    fx *f = *state;
    zkb_spawn_result r;
    assert_int_equal(run(f, (const char *const[]){NULL}, NULL, &r), ZKB_ERR_INVALID_ARG);
    assert_int_equal(run(f, (const char *const[]){"", NULL}, NULL, &r), ZKB_ERR_INVALID_ARG);
    zkb_spawn_opts o = {.struct_size = 4, .argv = (const char *const[]){"true", NULL}};
    assert_int_equal(zkbi_host_api()->spawn(f->h, &o, NULL), ZKB_ERR_INVALID_ARG);
    /* res may be NULL */
    o.struct_size = sizeof o;
    assert_int_equal(zkbi_host_api()->spawn(f->h, &o, NULL), ZKB_OK);
    /* not executable */
    char path[300];
    snprintf(path, sizeof path, "%s/plain.txt", f->dir);
    FILE *fp = fopen(path, "w");
    fclose(fp);
    assert_int_equal(run(f, (const char *const[]){path, NULL}, NULL, &r), ZKB_ERR_CHILD);
    assert_non_null(strstr(zkbi_host_ctx_error(f->h), "Permission denied"));
}

/* ---- the programs the tests run ------------------------------------------- */

/* Burns s seconds of CPU time (not wall time: the machine may be busy). */
static void busy(double s)
{
    volatile unsigned long x = 0;
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        if ((double)t.tv_sec + (double)t.tv_nsec * 1e-9 >= s)
            return;
        for (int i = 0; i < 10000; i++)
            x++;
    }
}

static int child_main(int argc, char **argv)
{
    const char *flag = argv[1], *arg = argc > 2 ? argv[2] : "";
    if (!strcmp(flag, "--zkb-exit"))
        _exit(atoi(arg));
    if (!strcmp(flag, "--zkb-raise")) {
        signal(atoi(arg), SIG_DFL);
        raise(atoi(arg));
        _exit(100);
    }
    if (!strcmp(flag, "--zkb-spin")) {
        busy(atof(arg));
        _exit(0);
    }
    if (!strcmp(flag, "--zkb-print-env")) {
        const char *v = getenv(arg);
        printf("%s", v ? v : "(unset)");
        fflush(stdout);
        _exit(0);
    }
    if (!strcmp(flag, "--zkb-print-cwd")) {
        char buf[PATH_MAX];
        printf("%s", getcwd(buf, sizeof buf) ? buf : "?");
        fflush(stdout);
        _exit(0);
    }
    if (!strcmp(flag, "--zkb-cat")) {
        char buf[4096];
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
        fputs("[stderr]", stderr);
        _exit(0);
    }
    if (!strcmp(flag, "--zkb-stderr")) {
        fprintf(stderr, "%s\n", arg);
        _exit(2);
    }
    if (!strcmp(flag, "--zkb-fork-sleep")) {
        pid_t pid = fork();
        if (pid == 0) {
            FILE *fp = fopen(arg, "w");
            fprintf(fp, "%d", (int)getpid());
            fclose(fp);
            sleep(30);
            _exit(0);
        }
        sleep(30);
        _exit(0);
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        zkbt_child_main(argc, argv); /* --zkb-sleep, --zkb-alloc-mib */
        return child_main(argc, argv);
    }
    self_exe = zkbt_self_exe();
    if (!self_exe)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stderr_tail_in_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_cwd_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_kills_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measures_cpu_and_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
