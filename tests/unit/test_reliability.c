/* What the runner guarantees (docs/reliability.md): no torn record, no lost
 * record without an error, no process outliving its cell, scratch removed
 * however a cell ends, a capped cell.log, one writer per results file, and a
 * run a host can cancel. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/run_int.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define REF ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"
#define DENSE ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json"
#define CNN ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json"
#define MAXPOOL ZKB_SOURCE_DIR "/models/tiny/tiny_maxpool.json"

typedef struct fx {
    zkb_ctx *ctx;
    char out[256];
    zkbt_warnings warnings;
    zkb_run *run;          /* the run a progress callback acts on */
    char pid_file[300];    /* where rt_leave_behind writes its orphan's pid */
    zkb_status second;     /* test_second_writer_refused: the second run's status */
    char second_err[1024]; /* and its message */
    int calls;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->out, sizeof f->out, "reliability") != 0)
        return -1;
    zkb_ctx_set_logger(f->ctx, zkbt_log_warnings, &f->warnings);
    const char *plugins[] = {REF, TP("rt_leave_behind"), TP("bad_segv_prove")};
    for (size_t i = 0; i < sizeof plugins / sizeof *plugins; i++)
        if (zkb_ctx_load_plugin(f->ctx, plugins[i]) != ZKB_OK) {
            fprintf(stderr, "cannot load %s: %s\n", plugins[i], zkb_ctx_last_error(f->ctx));
            return -1;
        }
    snprintf(f->pid_file, sizeof f->pid_file, "%s/orphan.pid", f->out);
    setenv("ZKB_TEST_ORPHAN_PID_FILE", f->pid_file, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    unsetenv("ZKB_TEST_ORPHAN_PID_FILE");
    zkbt_ctx_tmpdir_free(f->ctx, f->out);
    free(f);
    return 0;
}

static zkb_run *new_run(fx *f, const char *const *settings)
{
    zkb_run *run = zkbt_run_new(f->ctx, f->out, settings);
    return run;
}

static void expect_status(const zkb_run *run, size_t i, const char *want)
{
    const char *st = zkb_run_cell_status(run, i);
    if (!want ? st != NULL : !st || strcmp(st, want) != 0)
        fail_msg("cell %zu: status %s, want %s; record %s", i, st ? st : "(null)", want ? want : "(null)",
                 zkb_run_cell_record(run, i) ? zkb_run_cell_record(run, i) : "(none)");
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A process that ended and was reaped, or a zombie nobody reaps yet. */
static int process_gone(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] == 'Z';
}

/* Fails the test when pid is still running a moment after the run; kills
 * it first, so that a failing test leaves nothing behind either. */
static void expect_gone(long pid, const char *what)
{
    assert_true(pid > 0);
    for (int i = 0; i < 50 && !process_gone(pid); i++)
        usleep(10000);
    if (!process_gone(pid)) {
        kill((pid_t)pid, SIGKILL);
        fail_msg("%s: process %ld outlived its cell", what, pid);
    }
}

static long orphan_pid_of(const zkb_run *run, size_t i)
{
    cJSON *j = cJSON_Parse(zkb_run_cell_record(run, i));
    assert_non_null(j);
    long pid = strtol(zkbt_info(j, "orphan_pid"), NULL, 10);
    cJSON_Delete(j);
    return pid;
}

/* ---- a record that cannot be written ---- */

static void limit_file_size(rlim_t bytes, struct rlimit *old)
{
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails (EFBIG) instead of killing the test */
    assert_int_equal(getrlimit(RLIMIT_FSIZE, old), 0);
    struct rlimit lim = {bytes, old->rlim_max};
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void test_append_failure_leaves_no_torn_record(void **state)
{
    fx *f = *state;
    const char *path = zkbt_path(f->out, "results.jsonl");
    char err[ZKBI_ERR_LEN];
    const char *first = "{\"cell_id\":\"0123456789abcdef0123456789abcdef\"}";
    assert_int_equal(zkbi_results_append(path, first, err, sizeof err), ZKB_OK);
    size_t before_len = 0;
    char *before = zkbt_read_file(path, &before_len);
    char line[4096];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    struct rlimit old;
    limit_file_size((rlim_t)before_len + 100, &old); /* room for 100 bytes of the next line */
    zkb_status st = zkbi_results_append(path, line, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    assert_int_equal(st, ZKB_ERR_IO);
    assert_non_null(strstr(err, "the file is as it was"));
    size_t after_len = 0;
    char *after = zkbt_read_file(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
}

/* A full disk in the middle of a run: the record is not saved, the file is
 * as it was, the run stops with ZKB_ERR_IO and says which cell. */
static void test_full_disk_stops_the_run(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    zkb_run_free(run);
    const char *path = zkbt_path(f->out, "results.jsonl");
    size_t before_len = 0;
    char *before = zkbt_read_file(path, &before_len);

    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    zkbt_run_add(run, MAXPOOL, "reference", NULL);
    struct rlimit old;
    limit_file_size((rlim_t)before_len + 100, &old);
    zkb_status st = zkb_run_execute(run);
    setrlimit(RLIMIT_FSIZE, &old);
    assert_int_equal(st, ZKB_ERR_IO);
    const char *why = zkb_run_last_error(run);
    if (!strstr(why, "cell 1 (reference") || !strstr(why, "not saved") || !strstr(why, "1 cell not run"))
        fail_msg("last error: %s", why);
    expect_status(run, 0, "skipped");
    assert_true(zkb_run_cell_saved(run, 0));
    expect_status(run, 1, "ok");
    assert_false(zkb_run_cell_saved(run, 1));
    assert_non_null(zkb_run_cell_record(run, 1)); /* the host may still save it elsewhere */
    expect_status(run, 2, NULL);
    assert_false(zkb_run_cell_saved(run, 2));
    size_t after_len = 0;
    char *after = zkbt_read_file(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
    zkb_run_free(run);

    /* with room again, the next run does what is missing */
    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    zkbt_run_add(run, MAXPOOL, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect_status(run, 0, "skipped");
    expect_status(run, 1, "ok");
    expect_status(run, 2, "ok");
    for (size_t i = 0; i < 3; i++)
        assert_true(zkb_run_cell_saved(run, i));
    zkb_run_free(run);
}

/* ---- nothing of a cell outlives it ---- */

/* A cell of rt_leave_behind in `mode` (its prove starts a setsid()
 * grandchild) ends with status `want`; the grandchild must be gone. */
static void orphan_case(fx *f, const char *const *settings, const char *mode, const char *want)
{
    zkb_run *run = new_run(f, settings);
    zkbt_run_add(run, DENSE, "rt_leave_behind", mode);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect_status(run, 0, want);
    expect_gone(orphan_pid_of(run, 0), want);
    zkb_run_free(run);
}

static void test_setsid_orphan_killed_after_ok_cell(void **state)
{
    orphan_case(*state, NULL, "mode=orphan", "ok");
}

static void test_setsid_orphan_killed_after_crash(void **state)
{
    orphan_case(*state, NULL, "mode=orphan_crash", "crashed");
}

static void test_setsid_orphan_killed_at_timeout(void **state)
{
    orphan_case(*state, (const char *const[]){"timeout", "1", NULL}, "mode=orphan_hang", "timeout");
}

/* ---- cancelling a run ---- */

static void cancel_once_orphaned(void *user, size_t cell, size_t n, const char *phase, double elapsed)
{
    fx *f = user;
    (void)cell;
    (void)n;
    (void)elapsed;
    if (strcmp(phase, "prove") == 0 && access(f->pid_file, F_OK) == 0)
        zkb_run_cancel(f->run);
}

static void test_cancel_stops_the_cell_and_records_nothing(void **state)
{
    fx *f = *state;
    zkb_run *run = f->run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_leave_behind", "mode=orphan_hang");
    zkbt_run_add(run, CNN, "reference", NULL);
    zkb_run_set_progress(run, cancel_once_orphaned, f);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    zkb_status st = zkb_run_execute(run);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(st, ZKB_ERR_CANCELLED);
    assert_true(t1.tv_sec - t0.tv_sec < 20); /* the plugin sleeps 60 s */
    expect_status(run, 0, "interrupted");
    assert_null(zkb_run_cell_record(run, 0));
    assert_false(zkb_run_cell_saved(run, 0));
    expect_status(run, 1, NULL);
    assert_true(file_size(zkbt_path(f->out, "results.jsonl")) <= 0);
    assert_int_equal(entries(zkbt_path(f->out, "scratch")), 0);
    char *pid = zkbt_read_file(f->pid_file, NULL);
    expect_gone(strtol(pid, NULL, 10), "cancelled cell");
    free(pid);
    /* a cancelled run stays cancelled */
    assert_int_equal(zkb_run_execute(run), ZKB_ERR_CANCELLED);
    zkb_run_free(run);
    /* a new run resumes */
    run = new_run(f, NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect_status(run, 0, "ok");
    zkb_run_free(run);
}

/* ---- scratch directories ---- */

static void test_stale_scratch_removed_kept_stays(void **state)
{
    fx *f = *state;
    char stale[400], kept[400], marker[420];
    zkbt_fmt(stale, sizeof stale, "%s/scratch/reference-tiny_dense-AbC123", f->out);
    zkbt_fmt(kept, sizeof kept, "%s/scratch/reference-tiny_cnn-XyZ789", f->out);
    zkbt_fmt(marker, sizeof marker, "%s.kept", kept);
    char sub[420];
    zkbt_fmt(sub, sizeof sub, "%s/work", stale);
    assert_int_equal(zkbi_mkdirs(sub), 0);
    zkbt_write_file(zkbt_path(sub, "proof.json"), "{}", 2);
    assert_int_equal(zkbi_mkdirs(kept), 0);
    zkbt_write_file(marker, "", 0);
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    zkb_run_free(run);
    struct stat st;
    if (lstat(stale, &st) == 0)
        fail_msg("%s, left by a killed run, is still there", stale);
    assert_int_equal(lstat(kept, &st), 0);
    assert_int_equal(lstat(marker, &st), 0);
}

static void test_scratch_deeper_than_path_max_removed(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_leave_behind", "mode=deep");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect_status(run, 0, "ok");
    assert_int_equal(entries(zkbt_path(f->out, "scratch")), 0);
    assert_null(strstr(f->warnings.text, "scratch"));
    zkb_run_free(run);
}

static void test_remove_tree_deeper_than_path_max(void **state)
{
    fx *f = *state;
    char top[400];
    zkbt_fmt(top, sizeof top, "%s/deep", f->out);
    assert_int_equal(mkdir(top, 0755), 0);
    char name[256];
    memset(name, 'e', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    int fd = open(top, O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < 40; i++) { /* 40 x 256 bytes */
        assert_int_equal(mkdirat(fd, name, i % 7 ? 0755 : 0500), 0);
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        assert_true(next >= 0);
        if (i % 5 == 0)
            assert_int_equal(symlinkat("/", next, "root-link"), 0); /* not followed */
        close(fd);
        fd = next;
    }
    close(fd);
    assert_int_equal(zkbi_remove_tree(top), 0);
    struct stat st;
    assert_int_equal(lstat(top, &st), -1);
    assert_int_equal(lstat("/proc", &st), 0);
}

/* ---- cell.log ---- */

static void test_cell_log_keeps_head_and_tail(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"keep_scratch", "1", NULL});
    zkbt_run_add(run, DENSE, "rt_leave_behind", "mode=chatty,mib=8");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect_status(run, 0, "ok");
    zkb_run_free(run);
    const char *scratch = zkbt_path(f->out, "scratch");
    DIR *d = opendir(scratch);
    assert_non_null(d);
    struct dirent *e;
    char log[700] = "";
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && !strstr(e->d_name, ".kept"))
            zkbt_fmt(log, sizeof log, "%s/%s/cell.log", scratch, e->d_name);
    closedir(d);
    off_t size = file_size(log);
    if (size < 0 || size > (off_t)(ZKBI_CELL_LOG_HEAD + ZKBI_CELL_LOG_TAIL + 256))
        fail_msg("%s: %lld bytes for 8 MiB of output", log, (long long)size);
    size_t len = 0;
    char *text = zkbt_read_file(log, &len);
    assert_memory_equal(text, "line 00000000 ", 14);
    assert_non_null(strstr(text, "bytes of the cell's output left out here"));
    const char *end = "END OF OUTPUT\n";
    assert_true(len > strlen(end));
    assert_string_equal(text + len - strlen(end), end);
    assert_non_null(strstr(text, "line 00008191 ")); /* the last stdout line, in the tail */
    free(text);
}

/* ---- one writer per results file ---- */

static void second_writer(void *user, size_t cell, size_t n, const char *phase, double elapsed)
{
    fx *f = user;
    (void)cell;
    (void)n;
    (void)phase;
    (void)elapsed;
    if (f->calls++)
        return;
    zkb_run *other = NULL;
    assert_int_equal(zkb_run_new(f->ctx, f->out, &other), ZKB_OK);
    zkbt_run_add(other, CNN, "reference", NULL);
    f->second = zkb_run_execute(other);
    snprintf(f->second_err, sizeof f->second_err, "%s", zkb_run_last_error(other));
    if (zkb_run_cell_status(other, 0))
        f->second = ZKB_ERR_INTERNAL; /* it must not have run anything */
    zkb_run_free(other);
}

static void test_second_writer_refused(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkb_run_set_progress(run, second_writer, f);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    zkb_run_free(run);
    assert_int_equal(f->second, ZKB_ERR_LOCKED);
    char pid[64];
    snprintf(pid, sizeof pid, "pid %ld on host ", (long)getpid());
    if (!strstr(f->second_err, pid) || !strstr(f->second_err, "another run"))
        fail_msg("the refusal does not name the writer (%s): %s", pid, f->second_err);
    /* released when the first run ends */
    run = new_run(f, NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    zkb_run_free(run);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_failure_leaves_no_torn_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_stops_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setsid_orphan_killed_after_ok_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setsid_orphan_killed_after_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setsid_orphan_killed_at_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_stops_the_cell_and_records_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_scratch_removed_kept_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scratch_deeper_than_path_max_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_tree_deeper_than_path_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cell_log_keeps_head_and_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
