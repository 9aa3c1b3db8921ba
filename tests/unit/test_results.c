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
    append(f, "{\"cell_id\":\"" ID_A "\",\"status\":\"ok\"}");
    append(f, "{\"cell_id\":\"" ID_B "\",\"status\":\"crashed\"}");
    append(f, "{\"cell_id\":\"" ID_A "\",\"status\":\"failed\"}"); /* a forced re-run */
    assert_string_equal(zkbt_file_text(f->path), "{\"cell_id\":\"" ID_A "\",\"status\":\"ok\"}\n"
                                        "{\"cell_id\":\"" ID_B "\",\"status\":\"crashed\"}\n"
                                        "{\"cell_id\":\"" ID_A "\",\"status\":\"failed\"}\n");
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 3);
    assert_true(zkbi_results_has(r, ID_A));
    assert_true(zkbi_results_has(r, ID_B));
    assert_false(zkbi_results_has(r, ID_C));
    char *a = zkbi_results_find(r, ID_A);
    assert_string_equal(a, "{\"cell_id\":\"" ID_A "\",\"status\":\"failed\"}"); /* the last one */
    free(a);
    char *b = zkbi_results_find(r, ID_B);
    assert_string_equal(b, "{\"cell_id\":\"" ID_B "\",\"status\":\"crashed\"}");
    free(b);
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 0);
}

static void test_truncated_last_line(void **state)
{
    fx *f = *state;
    append(f, "{\"cell_id\":\"" ID_A "\",\"status\":\"ok\"}");
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
    append(f, "{\"cell_id\":\"" ID_C "\",\"status\":\"ok\"}");
    assert_string_equal(zkbt_file_text(f->path), "{\"cell_id\":\"" ID_A "\",\"status\":\"ok\"}\n"
                                        "{\"cell_id\":\"" ID_B "\",\"sta\n"
                                        "{\"cell_id\":\"" ID_C "\",\"status\":\"ok\"}\n");
    f->warnings = 0;
    r = load(f);
    assert_int_equal(zkbi_results_count(r), 2);
    assert_true(zkbi_results_has(r, ID_C));
    char *c = zkbi_results_find(r, ID_C);
    assert_string_equal(c, "{\"cell_id\":\"" ID_C "\",\"status\":\"ok\"}");
    free(c);
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "not a result record"));
}

static void test_garbage_lines_ignored(void **state)
{
    fx *f = *state;
    raw_append(f, "\n   \nnot json\n[1,2]\n{\"cell_id\":\"short\"}\n{\"cell_id\":\"" ID_B "\"}\n"
                  "{\"cell_id\":\"0123456789ABCDEF0123456789ABCDEF\"}\n\xff\xfe\n");
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 1);
    assert_true(zkbi_results_has(r, ID_B));
    zkbi_results_free(r);
    assert_int_equal(f->warnings, 5); /* blank lines are not worth a warning */
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
    char *line = malloc(n + 100);
    int k = snprintf(line, n + 100, "{\"cell_id\":\"" ID_C "\",\"pad\":\"");
    memset(line + k, 'x', n);
    strcpy(line + k + n, "\"}");
    append(f, "{\"cell_id\":\"" ID_A "\"}");
    append(f, line);
    append(f, "{\"cell_id\":\"" ID_B "\"}");
    zkbi_results *r = load(f);
    assert_int_equal(zkbi_results_count(r), 3);
    char *c = zkbi_results_find(r, ID_C);
    assert_string_equal(c, line);
    free(c);
    char *b = zkbi_results_find(r, ID_B);
    assert_string_equal(b, "{\"cell_id\":\"" ID_B "\"}");
    free(b);
    zkbi_results_free(r);
    free(line);
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
