/* results.jsonl: append, resume lookup, and damaged files. */
#include "zkbt.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin/plugin_int.h"
#include "run/run_int.h"

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"
#define ID_C "00000000000000000000000000000001"

typedef struct fx {
    char dir[256];
    char path[300];
    int warnings;
    char last_warning[512];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_tmpdir(f->dir, sizeof f->dir, "results") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/results.jsonl", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbi_remove_tree(f->dir);
    free(f);
    return 0;
}

static void on_warn(void *user, const char *msg)
{
    fx *f = user;
    f->warnings++;
    snprintf(f->last_warning, sizeof f->last_warning, "%s", msg);
}

static void append(fx *f, const char *line)
{
    char err[256];
    assert_int_equal(zkbi_results_append(f->path, line, err, sizeof err), ZKB_OK);
}

static void raw_append(fx *f, const char *bytes)
{
    int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, strlen(bytes)), (ssize_t)strlen(bytes));
    close(fd);
}

/* Valid records (zkbt_record), one buffer per (id, status) use. */
#define REC(buf, id, status) zkbt_record(buf, sizeof buf, id, status, NULL)

static zkbi_results *load(fx *f)
{
    zkbi_results *r = NULL;
    char err[256];
    assert_int_equal(zkbi_results_load(f->path, &r, on_warn, f, err, sizeof err), ZKB_OK);
    return r;
}

static void test_missing_file_is_empty(void **state)
{
    fx *f = *state;
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 0);
    assert_false(zkbi_results_has(r, ID_A));
    assert_null(zkbi_results_find(r, ID_A));
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 0);
}

static void test_append_and_find(void **state)
{
    fx *f = *state;
    char a1[1024], b1[1024], a2[1024], all[4096];
    append(f, REC(a1, ID_A, "ok"));
    append(f, REC(b1, ID_B, "crashed"));
    append(f, REC(a2, ID_A, "failed")); /* a forced re-run */
    zkbt_fmt(all, sizeof all, "%s\n%s\n%s\n", a1, b1, a2);
    assert_string_equal(zkbt_file_text(f->path), all);
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 3);
    assert_true(zkbi_results_has(r, ID_A));
    assert_true(zkbi_results_has(r, ID_B));
    assert_false(zkbi_results_has(r, ID_C));
    char *a = zkbi_results_find(r, ID_A);
    assert_string_equal(a, a2); /* the last one */
    free(a);
    char *b = zkbi_results_find(r, ID_B);
    assert_string_equal(b, b1);
    free(b);
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 0);
}

static void test_truncated_last_line(void **state)
{
    fx *f = *state;
    char a[1024], c[1024], all[4096];
    append(f, REC(a, ID_A, "ok"));
    raw_append(f, "{\"cell_id\":\"" ID_B "\",\"sta"); /* a writer killed mid-line */
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 1);
    assert_true(zkbi_results_has(r, ID_A));
    assert_false(zkbi_results_has(r, ID_B));
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "truncated"));
    assert_non_null(strstr(f->last_warning, ":2:"));

    /* The next record starts on a line of its own. */
    append(f, REC(c, ID_C, "ok"));
    zkbt_fmt(all, sizeof all, "%s\n{\"cell_id\":\"" ID_B "\",\"sta\n%s\n", a, c);
    assert_string_equal(zkbt_file_text(f->path), all);
    f->warnings = 0;
    r = load(f);
    assert_int_equal(zkbi_results_count(r), 2);
    assert_true(zkbi_results_has(r, ID_C));
    char *got = zkbi_results_find(r, ID_C);
    assert_string_equal(got, c);
    free(got);
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "not a valid result record"));
}

/* Only lines that are one valid record count as done (the rule merge and
 * report apply): a cell whose line a report would refuse runs again. */
static void test_garbage_lines_ignored(void **state)
{
    fx *f = *state;
    char b[1024], neg[1024], two[2048], lines[8192];
    REC(b, ID_B, "ok");
    zkbt_record(neg, sizeof neg, ID_A, "ok", "\"peak_rss_sampled_bytes\":-5");
    zkbt_fmt(two, sizeof two, "%s%s", b, b);
    zkbt_fmt(lines, sizeof lines,
             "\n   \nnot json\n[1,2]\n{\"cell_id\":\"short\"}\n{\"cell_id\":\"" ID_C "\"}\n%s\n"
             "{\"cell_id\":\"0123456789ABCDEF0123456789ABCDEF\"}\n\xff\xfe\n%s\n%s\n",
             b, neg, two);
    raw_append(f, lines);
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 1);
    assert_true(zkbi_results_has(r, ID_B));
    assert_false(zkbi_results_has(r, ID_A)); /* a negative figure: refused, runs again */
    assert_false(zkbi_results_has(r, ID_C)); /* only an id: not a record */
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 8); /* blank lines are not worth a warning */
}

static void test_rejects_multiline_record(void **state)
{
    fx *f = *state;
    char err[256];
    assert_int_equal(zkbi_results_append(f->path, "{\n}", err, sizeof err), ZKB_ERR_INVALID_ARG);
    assert_int_equal(access(f->path, F_OK), -1);
}

static void test_unwritable(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(zkbi_results_append("/nonexistent-dir/results.jsonl", "{}", err, sizeof err), ZKB_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent-dir/results.jsonl"));
}

static void test_long_lines(void **state)
{
    fx *f = *state;
    /* a record bigger than the reader's 64 KiB chunks */
    size_t n = 300000;
    char *pad = malloc(n + 32), *line = malloc(n + 2048);
    int k = snprintf(pad, n + 32, "\"log_tail\":\"");
    memset(pad + k, 'x', n);
    strcpy(pad + k + n, "\"");
    zkbt_record(line, n + 2048, ID_C, "failed", pad);
    char a[1024], b[1024];
    append(f, REC(a, ID_A, "ok"));
    append(f, line);
    append(f, REC(b, ID_B, "ok"));
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 3);
    char *c = zkbi_results_find(r, ID_C);
    assert_string_equal(c, line);
    free(c);
    char *got = zkbi_results_find(r, ID_B);
    assert_string_equal(got, b);
    free(got);
    zkbi_results_free(r);
    free(line);
    free(pad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_file_is_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_and_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_last_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_lines_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_multiline_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_lines, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
