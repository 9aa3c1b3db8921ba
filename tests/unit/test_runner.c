/* The crash-proof runner: misbehaving backends become recorded results,
 * later cells still run, results resume, options are checked. */
#include "zkbt.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zkmlbench/zkmlbench.h"
#include "zkmlbench/zkb_eval.h"
#include "zkmlbench/zkb_onnx.h"

#define TP(name) ZKB_TEST_PLUGIN_DIR "/" name ".so"
#define REF ZKB_BUILD_PLUGIN_DIR "/zkb_reference.so"
#define DENSE ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json"
#define CNN ZKB_SOURCE_DIR "/models/tiny/tiny_cnn.json"
#define MAXPOOL ZKB_SOURCE_DIR "/models/tiny/tiny_maxpool.json"
#define MIB (1024.0 * 1024.0)

typedef struct fx {
    zkb_ctx *ctx;
    char out[256];
    zkbt_warnings warnings;
    char phases[4096]; /* progress calls, "cell:phase " */
} fx;

static void on_progress(void *user, size_t cell, size_t n_cells, const char *phase, double elapsed)
{
    fx *f = user;
    (void)n_cells;
    assert_true(elapsed >= 0);
    size_t n = strlen(f->phases);
    snprintf(f->phases + n, sizeof f->phases - n, "%zu:%s ", cell, phase);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || zkbt_ctx_tmpdir(&f->ctx, f->out, sizeof f->out, "runner") != 0)
        return -1;
    zkb_ctx_set_logger(f->ctx, zkbt_log_warnings, &f->warnings);
    char cache[300];
    snprintf(cache, sizeof cache, "%s/cache", f->out);
    zkb_ctx_set(f->ctx, "cache_dir", cache);
    const char *plugins[] = {REF, TP("bad_segv_prove"), TP("bad_hang_witness"), TP("bad_alloc_cap"),
                             TP("bad_verify_mismatch"), TP("bad_verify_fail"), TP("rt_spawn_opts"),
                             TP("rt_noop"), TP("rt_unavailable"), TP("rt_abi_1_3")};
    for (size_t i = 0; i < sizeof plugins / sizeof *plugins; i++)
        if (zkb_ctx_load_plugin(f->ctx, plugins[i]) != ZKB_OK) {
            fprintf(stderr, "cannot load %s: %s\n", plugins[i], zkb_ctx_last_error(f->ctx));
            return -1;
        }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    zkbt_ctx_tmpdir_free(f->ctx, f->out);
    free(f);
    return 0;
}

static zkb_run *new_run(fx *f, const char *const *settings)
{
    zkb_run *run = zkbt_run_new(f->ctx, f->out, settings);
    zkb_run_set_progress(run, on_progress, f);
    return run;
}

static cJSON *record(zkb_run *run, size_t i)
{
    const char *line = zkb_run_cell_record(run, i);
    assert_non_null(line);
    assert_null(strchr(line, '\n'));
    cJSON *j = cJSON_Parse(line);
    assert_non_null(j);
    return j;
}

static const char *str_at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

static double num_path(const cJSON *j, const char *const *path)
{
    const cJSON *x = j;
    for (size_t i = 0; path[i]; i++)
        x = cJSON_GetObjectItemCaseSensitive(x, path[i]);
    if (!cJSON_IsNumber(x))
        fail_msg("no number at %s/%s/%s", path[0], path[1] ? path[1] : "", path[1] && path[2] ? path[2] : "");
    return x->valuedouble;
}

#define NUM(j, ...) num_path(j, (const char *const[]){__VA_ARGS__, NULL})

static size_t count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t n = 0;
    int c;
    while ((c = fgetc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

static void expect(zkb_run *run, size_t i, const char *status, const char *reason)
{
    const char *st = zkb_run_cell_status(run, i);
    cJSON *j = record(run, i);
    if (!st || strcmp(st, status) != 0)
        fail_msg("cell %zu: status %s, want %s; record: %s", i, st ? st : "(null)", status,
                 zkb_run_cell_record(run, i));
    if (strcmp(status, "skipped") != 0)
        assert_string_equal(str_at(j, "status", NULL), status);
    if (reason) {
        const char *r = str_at(j, "reason", NULL);
        if (!r || strcmp(r, reason) != 0)
            fail_msg("cell %zu: reason '%s', want '%s'", i, r ? r : "(none)", reason);
    }
    cJSON_Delete(j);
}

static void test_misbehaving_backends_are_recorded(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"timeout", "1", "memory_cap", "128M", NULL});
    zkbt_run_add(run, DENSE, "bad_segv_prove", NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, DENSE, "bad_hang_witness", NULL);
    zkbt_run_add(run, MAXPOOL, "reference", "");
    zkbt_run_add(run, DENSE, "bad_alloc_cap", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    zkbt_run_add(run, DENSE, "reference", NULL); /* the same cell as 1: done already */
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "crashed", "crashed: signal 11 (Segmentation fault) in prove, sample 0");
    expect(run, 1, "ok", NULL);
    expect(run, 2, "timeout", "timeout: 1 s in witness, sample 0");
    expect(run, 3, "ok", NULL);
    expect(run, 4, "killed", "killed: memory cap 128 MiB in prove, sample 0 (allocating 16 MiB chunks)");
    expect(run, 5, "ok", NULL);
    expect(run, 6, "skipped", NULL);
    assert_string_equal(zkb_run_cell_record(run, 6), zkb_run_cell_record(run, 1));
    assert_int_equal(count_lines(zkb_run_results_path(run)), 6);

    cJSON *j = record(run, 4);
    assert_true(NUM(j, "rss_at_kill_bytes") > 128 * MIB);
    assert_true(NUM(j, "phases", "setup", "n") == 1); /* phases before the kill are kept */
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "accuracy"));
    cJSON_Delete(j);
    /* every line of the file is a record */
    FILE *fp = fopen(zkb_run_results_path(run), "r");
    char line[65536];
    while (fgets(line, sizeof line, fp)) {
        cJSON *r = cJSON_Parse(line);
        assert_non_null(r);
        assert_non_null(str_at(r, "cell_id", NULL));
        cJSON_Delete(r);
    }
    fclose(fp);
    zkb_run_free(run);
}

static void test_mismatch_and_verify_failure(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"samples", "3", NULL});
    zkbt_run_add(run, DENSE, "bad_verify_mismatch", NULL);
    zkbt_run_add(run, DENSE, "bad_verify_fail", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "failed", NULL);
    expect(run, 1, "failed", NULL);
    cJSON *j = record(run, 0);
    const char *r = str_at(j, "reason", NULL);
    assert_non_null(strstr(r, "failed: outputs differ from the reference in verify, sample 0: verified outputs ["));
    assert_non_null(strstr(r, "differ from the reference ["));
    assert_non_null(strstr(r, "at index 1 of 3"));
    assert_int_equal((int)NUM(j, "error_code"), ZKB_ERR_MISMATCH);
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "accuracy"));
    cJSON_Delete(j);
    j = record(run, 1);
    assert_string_equal(str_at(j, "reason", NULL),
                        "failed: proof did not verify in verify, sample 0: pairing check failed");
    assert_int_equal((int)NUM(j, "error_code"), ZKB_ERR_VERIFY);
    assert_true(NUM(j, "phases", "prove", "n") == 1);
    cJSON_Delete(j);
    zkb_run_free(run);
}

static void test_record_contents(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"samples", "3", "repeats", "2", "seed", "7", NULL});
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    cJSON *j = record(run, 0);
    assert_string_equal(str_at(j, "schema", NULL), "zkmlbench-result");
    assert_true(NUM(j, "schema_version") == 1);
    assert_string_equal(str_at(j, "library_version", NULL), zkb_version_string());
    assert_int_equal(strlen(str_at(j, "cell_id", NULL)), 32);
    assert_string_equal(str_at(j, "backend", "name"), "reference");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "backend"), "baseline")));
    assert_string_equal(str_at(j, "quant", "scheme"), "pow2");
    assert_string_equal(str_at(j, "quant", "rounding"), "half_up");
    assert_true(NUM(j, "quant", "scale") == 8);
    assert_string_equal(str_at(j, "model", "name"), "tiny_cnn");
    assert_int_equal(strlen(str_at(j, "model", "fingerprint")), 32);
    assert_string_equal(str_at(j, "model", "path"), CNN);
    assert_true(NUM(j, "model", "params") > 0);
    assert_true(NUM(j, "samples") == 3 && NUM(j, "repeats") == 2 && NUM(j, "seed") == 7);
    assert_string_equal(str_at(j, "dataset", NULL), "synthetic");
    /* host->value_bits reaches the plugin: the reference backend reports the
     * widest worst-case integer, which must be the range analysis' own */
    {
        zkb_model *m = NULL;
        assert_int_equal(zkb_model_load_file(f->ctx, CNN, &m), ZKB_OK);
        zkb_quant q;
        zkb_quant_default(&q);
        zkb_ranges *r = NULL;
        assert_int_equal(zkb_range_analysis(m, &q, NULL, 0, 1.0, 1, &r), ZKB_OK);
        uint32_t widest = 0;
        for (uint32_t i = 0; i < zkb_ranges_layer_count(r); i++) {
            zkb_layer_range lr = {.struct_size = sizeof lr};
            assert_int_equal(zkb_ranges_layer(r, i, &lr), ZKB_OK);
            widest = lr.ana_acc_bits > widest ? lr.ana_acc_bits : widest;
            widest = lr.ana_out_bits > widest ? lr.ana_out_bits : widest;
        }
        assert_true(widest > 8 && widest < 64);
        assert_true(NUM(j, "metrics", "max_value_bits", "value") == widest);
        zkb_ranges_free(r);
        zkb_model_free(m);
    }
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "reason"));
    const char *ph[] = {"load", "quantize", "setup", "witness", "prove", "verify"};
    for (int i = 0; i < 6; i++) {
        double n = NUM(j, "phases", ph[i], "n");
        assert_true(n == (i < 3 ? 1 : 6));
        const char *series[] = {"wall_s", "cpu_s", "peak_rss_bytes"};
        for (int s = 0; s < 3; s++) {
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "phases"), ph[i]), series[s]);
            double mn = NUM(x, "min"), md = NUM(x, "median"), mx = NUM(x, "max");
            assert_true(mn <= md && md <= mx && mn >= 0);
            assert_true(NUM(x, "stddev") >= 0 && NUM(x, "mean") >= mn && NUM(x, "mean") <= mx);
        }
        assert_true(NUM(j, "phases", ph[i], "peak_rss_bytes", "min") > 1 * MIB);
    }
    assert_true(NUM(j, "metrics", "params", "value") > 0);
    assert_true(NUM(j, "metrics", "proof_size", "n") == 6);
    assert_string_equal(str_at(j, "infos", "framework_version"), "zkmlbench reference evaluator");
    assert_true(NUM(j, "accuracy", "samples") == 3);
    assert_true(NUM(j, "accuracy", "zk_class_differs") >= 0);
    assert_true(NUM(j, "machine", "cores") >= 1);
    assert_true(NUM(j, "machine", "memory_bytes") > 0);
    assert_non_null(str_at(j, "machine", "kernel"));
    const char *t0 = str_at(j, "started_at", NULL), *t1 = str_at(j, "finished_at", NULL);
    assert_int_equal(strlen(t0), 24);
    assert_int_equal(t0[23], 'Z');
    assert_true(strcmp(t0, t1) <= 0);
    cJSON_Delete(j);
    /* cells of every phase were reported, in order */
    assert_non_null(strstr(f->phases, "0:load 0:quantize 0:setup 0:witness 0:prove 0:verify 0:witness "));
    assert_non_null(strstr(f->phases, "0:verify 0:ok "));
    zkb_run_free(run);
}

static void test_resume_and_force(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"samples", "2", NULL});
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    expect(run, 1, "ok", NULL);
    char first[8192];
    snprintf(first, sizeof first, "%s", zkb_run_cell_record(run, 1));
    zkb_run_free(run);
    char path[300];
    snprintf(path, sizeof path, "%s/results.jsonl", f->out);
    assert_int_equal(count_lines(path), 2);

    /* the same command again: nothing runs */
    f->phases[0] = '\0';
    run = new_run(f, (const char *const[]){"samples", "2", NULL});
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", "");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    for (size_t i = 0; i < 3; i++)
        expect(run, i, "skipped", NULL);
    assert_string_equal(zkb_run_cell_record(run, 1), first);
    assert_string_equal(f->phases, "0:skipped 1:skipped 2:skipped ");
    assert_int_equal(count_lines(path), 2);
    zkb_run_free(run);

    /* another setting is another cell */
    run = new_run(f, (const char *const[]){"samples", "3", NULL});
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    zkb_run_free(run);
    assert_int_equal(count_lines(path), 3);

    /* force: done again, appended again */
    run = new_run(f, (const char *const[]){"samples", "2", "force", "1", NULL});
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    expect(run, 1, "ok", NULL);
    assert_string_not_equal(zkb_run_cell_record(run, 1), first); /* new times */
    cJSON *a = cJSON_Parse(first), *b = record(run, 1);
    assert_string_equal(str_at(a, "cell_id", NULL), str_at(b, "cell_id", NULL));
    cJSON_Delete(a);
    cJSON_Delete(b);
    zkb_run_free(run);
    assert_int_equal(count_lines(path), 5);
}

static void test_truncated_results_tolerated(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    char path[300];
    snprintf(path, sizeof path, "%s", zkb_run_results_path(run));
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    const char *partial = "{\"schema\":\"zkmlbench-result\",\"schema_version\":1,\"cell_id\":\"ab";
    assert_int_equal(write(fd, partial, strlen(partial)), (ssize_t)strlen(partial));
    close(fd);
    zkb_run_free(run);

    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL); /* done: skipped despite the damaged file */
    zkbt_run_add(run, CNN, "reference", NULL);   /* new: appended on a line of its own */
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "skipped", NULL);
    expect(run, 1, "ok", NULL);
    assert_non_null(strstr(f->warnings.text, "truncated last line"));
    assert_int_equal(count_lines(path), 3);
    zkb_run_free(run);

    f->warnings.text[0] = '\0';
    run = new_run(f, NULL);
    zkbt_run_add(run, CNN, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "skipped", NULL);
    assert_non_null(strstr(f->warnings.text, "results.jsonl:2: not a valid result record"));
    zkb_run_free(run);
}

static void test_options_checked(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    size_t idx = 99;
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", " mode=slow , verbose=yes,ratio=0.25,alloc_mib=8", &idx), ZKB_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "foo=1", NULL), ZKB_ERR_NOT_FOUND);
    const char *e = zkb_run_last_error(run);
    assert_non_null(strstr(e, "unknown option 'foo'"));
    assert_non_null(strstr(e, "program (string), alloc_mib (integer), mode (string), verbose (boolean), ratio (number), sleep_s (number)"));
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "mode=medium", NULL), ZKB_ERR_PARSE);
    assert_non_null(strstr(zkb_run_last_error(run), "'medium' is not one of fast|slow"));
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "alloc_mib=12x", NULL), ZKB_ERR_PARSE);
    assert_non_null(strstr(zkb_run_last_error(run), "not an integer"));
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "verbose=maybe", NULL), ZKB_ERR_PARSE);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "ratio=nan", NULL), ZKB_ERR_PARSE);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "mode", NULL), ZKB_ERR_PARSE);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "mode=fast,mode=slow", NULL), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "rt_spawn_opts", "mode=", NULL), ZKB_ERR_PARSE);
    assert_int_equal(zkb_run_add_cell(run, DENSE, "reference", "k=1", NULL), ZKB_ERR_NOT_FOUND);
    assert_non_null(strstr(zkb_run_last_error(run), "takes no options"));
    assert_int_equal(zkb_run_add_cell(run, DENSE, "nosuch", NULL, NULL), ZKB_ERR_NOT_FOUND);
    assert_non_null(strstr(zkb_run_last_error(run), "no backend 'nosuch' (loaded: reference, "));
    assert_int_equal(zkb_run_cell_count(run), 1);
    assert_int_equal(zkb_run_set(run, "nosuch", "1"), ZKB_ERR_NOT_FOUND);
    assert_int_equal(zkb_run_set(run, "samples", "0"), ZKB_ERR_INVALID_ARG);
    assert_int_equal(zkb_run_set(run, "memory_cap", "12Q"), ZKB_ERR_INVALID_ARG);

    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    cJSON *j = record(run, 0);
    assert_string_equal(str_at(j, "options", "mode"), "slow");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "options"), "verbose")));
    assert_true(NUM(j, "options", "ratio") == 0.25);
    assert_true(NUM(j, "options", "alloc_mib") == 8);
    /* what the plugin received through set_option */
    assert_string_equal(str_at(j, "infos", "opt.mode"), "slow");
    assert_string_equal(str_at(j, "infos", "opt.verbose"), "on");
    assert_string_equal(str_at(j, "infos", "opt.ratio"), "0.25");
    cJSON_Delete(j);
    zkb_run_free(run);

    /* a comma and a backslash in a value, escaped */
    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_spawn_opts", "label=2\\,7 \\\\x,mode=slow");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    j = record(run, 0);
    assert_string_equal(str_at(j, "infos", "opt.label"), "2,7 \\x");
    assert_string_equal(str_at(j, "options", "label"), "2,7 \\x");
    assert_string_equal(str_at(j, "infos", "opt.mode"), "slow");
    cJSON_Delete(j);
    zkb_run_free(run);

    /* the canonical form: order and spelling do not make another cell */
    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_spawn_opts", "alloc_mib=08,ratio=.25,verbose=1,mode=slow");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "skipped", NULL);
    zkb_run_free(run);
}

static void test_spawned_child_measured(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_spawn_opts", "program=/proc/self/exe,alloc_mib=96");
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "ok", NULL);
    cJSON *j = record(run, 0);
    double child = NUM(j, "phases", "prove", "peak_rss_children_bytes", "max");
    double self = NUM(j, "phases", "prove", "peak_rss_self_bytes", "max");
    double peak = NUM(j, "phases", "prove", "peak_rss_bytes", "max");
    assert_true(child >= 96 * MIB);
    assert_true(child < 96 * MIB + 256 * MIB);
    assert_true(peak >= self + child - 1);
    assert_true(NUM(j, "phases", "witness", "peak_rss_children_bytes", "max") == 0);
    assert_true(NUM(j, "metrics", "child_peak_rss", "value") == child);
    cJSON_Delete(j);
    zkb_run_free(run);
}

static void test_timeout_inside_spawned_program(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, (const char *const[]){"timeout", "1", NULL});
    zkbt_run_add(run, DENSE, "rt_spawn_opts", "program=/proc/self/exe,sleep_s=30");
    zkbt_run_add(run, DENSE, "reference", NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 4);
    expect(run, 0, "timeout", "timeout: 1 s in prove, sample 0");
    expect(run, 1, "ok", NULL);
    zkb_run_free(run);
}

static void test_unavailable_and_bad_model(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_unavailable", NULL);
    zkbt_run_add(run, ZKB_SOURCE_DIR "/models/tiny/no_such_model.json", "reference", NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "unavailable", NULL);
    cJSON *j = record(run, 0);
    assert_non_null(strstr(str_at(j, "reason", NULL), "unavailable: zkfw not found in PATH"));
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "phases"));
    cJSON_Delete(j);
    expect(run, 1, "failed", NULL);
    j = record(run, 1);
    assert_non_null(strstr(str_at(j, "reason", NULL), "failed: model: "));
    assert_non_null(strstr(str_at(j, "reason", NULL), "no_such_model.json"));
    cJSON_Delete(j);
    expect(run, 2, "ok", NULL);
    zkb_run_free(run);

    /* resuming retries what was not a result: an unavailable backend and an
     * unloadable model; the finished cell is skipped */
    run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "rt_unavailable", NULL);
    zkbt_run_add(run, ZKB_SOURCE_DIR "/models/tiny/no_such_model.json", "reference", NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "unavailable", NULL);
    expect(run, 1, "failed", NULL);
    expect(run, 2, "skipped", NULL);
    zkb_run_free(run);
}

/* A backend that declares ABI 1.3 cannot know pad2d (1.4): a model with one
 * is unsupported there, whatever its op_support says, and never reaches it;
 * the same model runs on a 1.4 backend, and the 1.3 one runs the others. */
static void test_op_newer_than_backend_abi(void **state)
{
    fx *f = *state;
    char pad[400];
    zkbt_fmt(pad, sizeof pad, "%s/tiny_pad.json", f->out);
    zkbt_write_file(pad, ZKBT_PAD_MODEL, strlen(ZKBT_PAD_MODEL));
    zkb_backend_ref *old = zkb_backend_find(f->ctx, "rt_abi_1_3"), *ref = zkb_backend_find(f->ctx, "reference");
    assert_int_equal(zkb_backend_op_support(old, ZKB_OP_PAD2D), ZKB_SUPPORT_NONE);
    assert_int_equal(zkb_backend_op_support(old, ZKB_OP_CONV2D), ZKB_SUPPORT_NATIVE);
    assert_int_equal(zkb_backend_op_support(ref, ZKB_OP_PAD2D), ZKB_SUPPORT_NATIVE);
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, pad, "rt_abi_1_3", NULL);
    zkbt_run_add(run, CNN, "rt_abi_1_3", NULL);
    zkbt_run_add(run, pad, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    expect(run, 0, "failed",
           "failed: unsupported: layer 0 (pad2d) needs plugin ABI 1.4; backend 'rt_abi_1_3' declares ABI 1.3 "
           "(rebuild it against this zkmlbench)");
    cJSON *j = record(run, 0);
    assert_int_equal((int)NUM(j, "error_code"), ZKB_ERR_UNSUPPORTED);
    /* no session was started */
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "phases"), "load"));
    cJSON_Delete(j);
    expect(run, 1, "ok", NULL);
    expect(run, 2, "ok", NULL);
    zkb_run_free(run);
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A relative out dir must still give plugins an absolute scratch directory:
 * they run tools with it as the working directory and pass paths inside it. */
static void test_relative_out_gives_absolute_scratch(void **state)
{
    fx *f = *state;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->out), 0);
    zkb_run *run = NULL;
    assert_int_equal(zkb_run_new(f->ctx, "rel/out", &run), ZKB_OK);
    zkbt_run_add(run, DENSE, "rt_spawn_opts", NULL);
    zkb_status st = zkb_run_execute(run);
    cJSON *j = st == ZKB_OK ? record(run, 0) : NULL;
    const char *dir = j ? str_at(j, "infos", "scratch_dir") : NULL;
    char want[4200];
    snprintf(want, sizeof want, "%s/rel/out/scratch/", f->out);
    int ok = dir && strncmp(dir, want, strlen(want)) == 0;
    char got[4200];
    snprintf(got, sizeof got, "%s", dir ? dir : "(none)");
    cJSON_Delete(j);
    zkb_run_free(run);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, ZKB_OK);
    if (!ok)
        fail_msg("scratch_dir %s, want a path under %s", got, want);
}

static void test_scratch_removed_unless_kept(void **state)
{
    fx *f = *state;
    char scratch[300];
    snprintf(scratch, sizeof scratch, "%s/scratch", f->out);
    zkb_run *run = new_run(f, NULL);
    zkbt_run_add(run, DENSE, "reference", NULL);
    zkbt_run_add(run, DENSE, "bad_segv_prove", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    assert_int_equal(entries(scratch), 0);
    zkb_run_free(run);
    run = new_run(f, (const char *const[]){"keep_scratch", "1", "force", "1", NULL});
    zkbt_run_add(run, DENSE, "bad_segv_prove", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    assert_int_equal(entries(scratch), 2); /* the directory and its marker <dir>.kept */
    DIR *d = opendir(scratch);
    struct dirent *e;
    char kept[256] = "";
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && !strstr(e->d_name, ".kept"))
            snprintf(kept, sizeof kept, "%s", e->d_name);
    closedir(d);
    assert_memory_equal(kept, "bad_segv_prove-tiny_dense-", 26);
    char marker[600];
    snprintf(marker, sizeof marker, "%s/%s.kept", scratch, kept);
    assert_int_equal(access(marker, F_OK), 0);
    zkb_run_free(run);
    /* a kept directory stays through later runs */
    run = new_run(f, (const char *const[]){"force", "1", NULL});
    zkbt_run_add(run, DENSE, "reference", NULL);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    assert_int_equal(entries(scratch), 2);
    zkb_run_free(run);
}

static void test_isolation_is_cheap(void **state)
{
    fx *f = *state;
    zkb_run *run = new_run(f, NULL);
    for (int i = 0; i < 10; i++) {
        char seed[8];
        snprintf(seed, sizeof seed, "%d", i);
        zkb_run_set(run, "seed", seed);
        zkbt_run_add(run, DENSE, "rt_noop", NULL);
    }
    /* seed is read at execute: all ten are one cell; force keeps them running */
    zkb_run_set(run, "force", "1");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(zkb_run_execute(run), ZKB_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    for (size_t i = 0; i < 10; i++)
        expect(run, i, "ok", NULL);
    /* no fixed sleeps or polling periods per cell (generous for sanitizers) */
    if (s > 1.5)
        fail_msg("10 no-op cells took %.3f s", s);
    zkb_run_free(run);
}

int main(int argc, char **argv)
{
    if (argc > 1) /* run by rt_spawn_opts */
        return zkbt_child_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_misbehaving_backends_are_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_and_verify_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_and_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_results_tolerated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spawned_child_measured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_inside_spawned_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_newer_than_backend_abi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unavailable_and_bad_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scratch_removed_unless_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_out_gives_absolute_scratch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation_is_cheap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
