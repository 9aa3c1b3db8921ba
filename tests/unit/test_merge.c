/* zkb_results_merge: every valid record once, bad lines reported with
 * FILE:LINE and skipped (or fatal with strict), atomic replacement. */
#include "zkbt.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkmlbench/zkb_report.h"
#include "zkmlbench/zkmlbench.h"

typedef struct fx {
    zkb_ctx *ctx;
    char dir[256];
    zkbt_warnings warnings;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->dir, sizeof f->dir, "merge") != 0)
        return -1;
    zkb_ctx_set_logger(f->ctx, zkbt_log_warnings, &f->warnings);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbt_ctx_tmpdir_free(f->ctx, f->dir);
    free(f);
    return 0;
}

static void write_file(const char *p, const char *text)
{
    zkbt_write_file(p, text, strlen(text));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A record line (every member a reader requires, docs/results-format.md):
 * cell c (0..9), run r (one hex digit, repeated), start second s. */
static void rec(char *out, size_t cap, int c, char run, int s)
{
    char run_id[33];
    memset(run_id, run, 32);
    run_id[32] = '\0';
    snprintf(out, cap,
             "{\"schema\":\"zkmlbench-result\",\"schema_version\":1,\"library_version\":\"0.1.0\","
             "\"cell_id\":\"%032d\",\"run_id\":\"%s\",\"status\":\"ok\","
             "\"backend\":{\"name\":\"reference\",\"version\":\"0.1.0\",\"proof_system\":\"none\",\"baseline\":true},"
             "\"options\":{},\"quant\":{\"scheme\":\"pow2\",\"scale\":8,\"rounding\":\"half_up\"},"
             "\"model\":{\"path\":\"m.json\",\"name\":\"m\",\"fingerprint\":\"%032d\",\"params\":10},"
             "\"samples\":1,\"repeats\":1,\"dataset\":\"synthetic\",\"seed\":1,"
             "\"limits\":{\"timeout_s\":600,\"memory_cap_bytes\":0},"
             "\"phases\":{\"prove\":{\"n\":1,\"wall_s\":{\"median\":0.5,\"mean\":0.5,\"stddev\":0,\"min\":0.5,\"max\":0.5}}},"
             "\"metrics\":{},\"infos\":{},\"machine\":{\"cpu_model\":\"cpu\",\"cores\":2},"
             "\"started_at\":\"2026-11-21T10:00:%02d.000Z\",\"finished_at\":\"2026-11-21T10:00:%02d.500Z\"}\n",
             c, run_id, c, s, s);
}

static void test_merge_dedup_and_bad_lines(void **state)
{
    fx *f = *state;
    char a[16384] = "", b[16384] = "", line[2048];
    /* shard 1: cells 1, 2; shard 2: cells 3, 4 and a copy of cell 2's record */
    rec(line, sizeof line, 1, 'a', 1), strcat(a, line);
    rec(line, sizeof line, 2, 'a', 2), strcat(a, line);
    strcat(a, "\n");                                   /* blank: ignored quietly */
    strcat(a, "this is not json\n");                   /* a.jsonl:4 */
    strcat(a, "{\"schema\":\"other\",\"cell_id\":\"x\"}\n"); /* a.jsonl:5 */
    rec(line, sizeof line, 3, 'a', 3), strcat(b, line);
    rec(line, sizeof line, 2, 'a', 2), strcat(b, line); /* the same record again */
    rec(line, sizeof line, 2, 'b', 2), strcat(b, line); /* the same cell, another run: kept */
    rec(line, sizeof line, 4, 'a', 4), strcat(b, line);
    strcat(b, "{\"schema\":\"zkmlbench-result\",\"cell_id\":\"00000");  /* b.jsonl:5, truncated */
    write_file(zkbt_path(f->dir, "a.jsonl"), a);
    write_file(zkbt_path(f->dir, "b.jsonl"), b);
    const char *in[] = {zkbt_path(f->dir, "a.jsonl"), zkbt_path(f->dir, "b.jsonl")};
    uint64_t w = 0, d = 0, bad = 0;
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), in, 2, 0, &w, &d, &bad), ZKB_OK);
    assert_int_equal(w, 5);
    assert_int_equal(d, 1);
    assert_int_equal(bad, 3);
    const char *out = zkbt_file_text(zkbt_path(f->dir, "out.jsonl"));
    assert_int_equal(count(out, "\n"), 5);
    assert_int_equal(count(out, "\"cell_id\":\"00000000000000000000000000000002\""), 2);
    /* input order kept: a's records first */
    assert_true(strstr(out, "00000000000000000000000000000001") < strstr(out, "00000000000000000000000000000003"));
    assert_non_null(strstr(f->warnings.text, "a.jsonl:4: not JSON"));
    assert_non_null(strstr(f->warnings.text, "a.jsonl:5: not a zkmlbench-result record"));
    assert_non_null(strstr(f->warnings.text, "b.jsonl:5: truncated last line"));

    /* merging the result with an input again adds nothing */
    const char *again[] = {zkbt_path(f->dir, "out.jsonl"), zkbt_path(f->dir, "b.jsonl")};
    f->warnings.text[0] = '\0';
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), again, 2, 0, &w, &d, &bad), ZKB_OK);
    assert_int_equal(w, 5);
    assert_int_equal(d, 4);
    assert_int_equal(bad, 1);
}

static void test_strict(void **state)
{
    fx *f = *state;
    char line[2048], good[4096] = "";
    rec(line, sizeof line, 7, 'c', 7), strcat(good, line);
    write_file(zkbt_path(f->dir, "good.jsonl"), good);
    write_file(zkbt_path(f->dir, "bad.jsonl"), "{\"schema\":\"zkmlbench-result\"}\nnot json\n");
    write_file(zkbt_path(f->dir, "out.jsonl"), "previous\n");
    const char *in[] = {zkbt_path(f->dir, "good.jsonl"), zkbt_path(f->dir, "bad.jsonl")};
    uint64_t bad = 0;
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), in, 2, 1, NULL, NULL, &bad),
                     ZKB_ERR_PARSE);
    /* every refused line is reported, the error counts them and names the first */
    assert_int_equal(bad, 2);
    assert_non_null(strstr(zkb_ctx_last_error(f->ctx), "2 lines are not result records"));
    assert_non_null(strstr(zkb_ctx_last_error(f->ctx), "bad.jsonl:1: no schema_version"));
    assert_non_null(strstr(f->warnings.text, "bad.jsonl:1: no schema_version"));
    assert_non_null(strstr(f->warnings.text, "bad.jsonl:2: not JSON"));
    assert_string_equal(zkbt_file_text(zkbt_path(f->dir, "out.jsonl")), "previous\n"); /* untouched */
    /* a missing input: an error, output untouched */
    const char *missing[] = {zkbt_path(f->dir, "good.jsonl"), zkbt_path(f->dir, "none.jsonl")};
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), missing, 2, 0, NULL, NULL, NULL),
                     ZKB_ERR_NOT_FOUND);
    assert_non_null(strstr(zkb_ctx_last_error(f->ctx), "none.jsonl"));
    assert_string_equal(zkbt_file_text(zkbt_path(f->dir, "out.jsonl")), "previous\n");
    /* no temporary file left behind */
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".merge-"));
    closedir(d);
}

static void test_arguments(void **state)
{
    fx *f = *state;
    const char *in[] = {NULL};
    assert_int_equal(zkb_results_merge(NULL, "x", in, 0, 0, NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_results_merge(f->ctx, NULL, in, 0, 0, NULL, NULL, NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "o.jsonl"), in, 1, 0, NULL, NULL, NULL),
                     ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_results_merge(f->ctx, "/nonexistent-dir/o.jsonl", NULL, 0, 0, NULL, NULL, NULL), ZKB_ERR_IO);
    /* no inputs: an empty file */
    uint64_t w = 9;
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "empty.jsonl"), NULL, 0, 0, &w, NULL, NULL), ZKB_OK);
    assert_int_equal(w, 0);
    assert_string_equal(zkbt_file_text(zkbt_path(f->dir, "empty.jsonl")), "");
}

/* s with the first `from` replaced by `to`, into out. */
static void replaced(char *out, size_t cap, const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    snprintf(out, cap, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* Only lines that are one valid record each reach the output; the rest are
 * named with file, line and reason, and strict fails on them. Every line
 * merged is one a report takes. */
static void test_only_valid_records_pass(void **state)
{
    fx *f = *state;
    char a[2048], b[2048], line[2048], in[16384] = "";
    rec(a, sizeof a, 1, 'a', 1);
    rec(b, sizeof b, 2, 'a', 2);
    a[strlen(a) - 1] = b[strlen(b) - 1] = '\0'; /* without their newlines */
    const char *wall = "\"wall_s\":{\"median\":0.5,\"mean\":0.5,\"stddev\":0,\"min\":0.5,\"max\":0.5}";
    strcat(in, a), strcat(in, "\n");                               /* 1: kept */
    strcat(in, a), strcat(in, b), strcat(in, "\n");                /* 2: two records on a line */
    replaced(line, sizeof line, b, "\"schema_version\":1", "\"schema_version\":2");
    strcat(in, line), strcat(in, "\n");                            /* 3: unknown schema version */
    replaced(line, sizeof line, b, "\"status\":\"ok\"", "\"status\":\"fine\"");
    strcat(in, line), strcat(in, "\n");                            /* 4: unknown status */
    replaced(line, sizeof line, b, wall,
             "\"wall_s\":{\"median\":-5,\"mean\":-5,\"stddev\":0,\"min\":-5,\"max\":-5}");
    strcat(in, line), strcat(in, "\n");                            /* 5: a negative time */
    replaced(line, sizeof line, b, wall,
             "\"wall_s\":{\"median\":1e999,\"mean\":1,\"stddev\":0,\"min\":1,\"max\":1e999}");
    strcat(in, line), strcat(in, "\n");                            /* 6: an infinite one */
    replaced(line, sizeof line, b, "\"status\":\"ok\"", "\"status\":\"ok\",\"status\":\"failed\"");
    strcat(in, line), strcat(in, "\n");                            /* 7: a member twice */
    replaced(line, sizeof line, b, "\"dataset\":\"synthetic\",", "");
    strcat(in, line), strcat(in, "\n");                            /* 8: a required member missing */
    strcat(in, b), strcat(in, " ]\n");                             /* 9: text after the record */
    strcat(in, b), strcat(in, " \r\n");                            /* 10: kept (trailing blanks) */
    write_file(zkbt_path(f->dir, "mixed.jsonl"), in);
    const char *inputs[] = {zkbt_path(f->dir, "mixed.jsonl")};
    uint64_t w = 0, d = 0, bad = 0;
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), inputs, 1, 0, &w, &d, &bad), ZKB_OK);
    assert_int_equal(w, 2);
    assert_int_equal(bad, 8);
    static const char *const want[] = {
        "mixed.jsonl:2: more than one JSON value", "mixed.jsonl:3: unknown schema_version 2",
        "mixed.jsonl:4: unknown status \"fine\"", "mixed.jsonl:5: phases.prove.wall_s.median is negative (-5)",
        "mixed.jsonl:6: phases.prove.wall_s.median is not a finite number",
        "mixed.jsonl:7: member \"status\" appears twice", "mixed.jsonl:8: no dataset",
        "mixed.jsonl:9: more than one JSON value"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(f->warnings.text, want[i]))
            fail_msg("no warning \"%s\" in:\n%s", want[i], f->warnings.text);
    /* what was written is what a report reads, nothing skipped */
    const char *out = zkbt_file_text(zkbt_path(f->dir, "out.jsonl"));
    assert_int_equal(count(out, "\n"), 2);
    zkb_report *r = NULL;
    assert_int_equal(zkb_report_new(&r), ZKB_OK);
    assert_int_equal(zkb_report_add_path(r, zkbt_path(f->dir, "out.jsonl")), ZKB_OK);
    assert_int_equal(zkb_report_record_count(r), 2);
    assert_int_equal(zkb_report_skipped_count(r), 0);
    zkb_report_free(r);
    /* strict: the same lines fail the merge, the output stays as it was */
    f->warnings.text[0] = '\0';
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "out.jsonl"), inputs, 1, 1, &w, &d, &bad),
                     ZKB_ERR_PARSE);
    assert_int_equal(bad, 8);
    assert_non_null(strstr(zkb_ctx_last_error(f->ctx), "8 lines are not result records"));
    assert_non_null(strstr(zkb_ctx_last_error(f->ctx), "mixed.jsonl:2: more than one JSON value"));
    assert_non_null(strstr(f->warnings.text, "mixed.jsonl:9: more than one JSON value"));
    assert_int_equal(count(zkbt_file_text(zkbt_path(f->dir, "out.jsonl")), "\n"), 2);
}

/* Real records from two shards merge into the whole run. */
static void test_real_shards(void **state)
{
    fx *f = *state;
    assert_int_equal(zkb_ctx_load_plugin(f->ctx, ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"), ZKB_OK);
    const char *models[] = {ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json", ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json",
                            ZKB_SOURCE_DIR "/models/tiny/tiny_maxpool.json"};
    const char *outs[] = {zkbt_path(f->dir, "s1"), zkbt_path(f->dir, "s2")};
    char dirs[2][512];
    for (uint32_t k = 1; k <= 2; k++) {
        snprintf(dirs[k - 1], sizeof dirs[k - 1], "%s", outs[k - 1]);
        zkb_run *run = NULL;
        assert_int_equal(zkb_run_new(f->ctx, dirs[k - 1], &run), ZKB_OK);
        for (int m = 0; m < 3; m++)
            assert_int_equal(zkb_run_add_cell(run, models[m], "reference", NULL, NULL), ZKB_OK);
        assert_int_equal(zkb_run_select_shard(run, k, 2), ZKB_OK);
        assert_int_equal(zkb_run_execute(run), ZKB_OK);
        zkb_run_free(run);
    }
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s/results.jsonl", dirs[0]);
    snprintf(p2, sizeof p2, "%s/results.jsonl", dirs[1]);
    const char *in[] = {p1, p2, p1};
    uint64_t w = 0, d = 0, bad = 0;
    assert_int_equal(zkb_results_merge(f->ctx, zkbt_path(f->dir, "all.jsonl"), in, 3, 1, &w, &d, &bad), ZKB_OK);
    assert_int_equal(w, 3);
    assert_int_equal(d, 2);
    assert_int_equal(bad, 0);
    const char *out = zkbt_file_text(zkbt_path(f->dir, "all.jsonl"));
    assert_non_null(strstr(out, "\"name\":\"tiny_dense\""));
    assert_non_null(strstr(out, "\"name\":\"tiny_cnn\""));
    assert_non_null(strstr(out, "\"name\":\"tiny_maxpool\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_merge_dedup_and_bad_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_valid_records_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_shards, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
