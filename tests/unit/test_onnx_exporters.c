/* ONNX files written by real exporters (PyTorch's two exporters, Keras via
 * tf2onnx, scikit-learn via skl2onnx): tests/onnx/fixtures, made by
 * tests/onnx/make_fixtures.py. Each fixture's JSON holds onnxruntime's
 * outputs for four inputs. Every fixture meant to import imports, its float
 * outputs equal onnxruntime's, and its fixed-point outputs pick the same
 * class as the float ones on those inputs; every fixture meant to be refused
 * is refused with the node named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_int.h"
#include "zkbt.h"
#include "zkmlbench/zkb_onnx.h"
#include "zkmlbench/zkmlbench.h"

#define FIXTURES ZKB_SOURCE_DIR "/tests/onnx/fixtures"
/* onnxruntime and the float evaluator sum in different orders (and the
 * importer folds batch norms and input normalizations into weights). */
#define REL_TOL 1e-5
#define ABS_TOL 1e-5

static cJSON *read_json(const char *path)
{
    size_t n;
    char *buf = zkbt_read_file(path, &n);
    assert_non_null(buf);
    cJSON *j = cJSON_ParseWithLength(buf, n);
    free(buf);
    assert_non_null(j);
    return j;
}

/* The fixture's input in the imported model's CHW order (Keras fixtures
 * store NHWC samples). */
static void to_model_order(const cJSON *fx, const cJSON *sample, float *x, size_t n,
                           const zkb_model *m)
{
    uint32_t c, h, w;
    zkb_model_input_shape(m, &c, &h, &w);
    assert_int_equal(cJSON_GetArraySize(sample), (int)n);
    const cJSON *layout = cJSON_GetObjectItem(fx, "layout"),
                *shape = cJSON_GetObjectItem(fx, "input_shape");
    /* NHWC samples, and the importer took the model's first Transpose to
     * give an IR input [C, H, W] (without one, the IR input is [H, W, C]
     * as the file says, and the order is the file's) */
    int nhwc = cJSON_IsString(layout) && strcmp(layout->valuestring, "NHWC") == 0 &&
               cJSON_GetArraySize(shape) == 3 &&
               cJSON_GetArrayItem(shape, 2)->valueint == (int)c &&
               cJSON_GetArrayItem(shape, 0)->valueint == (int)h;
    for (size_t i = 0; i < n; i++) {
        size_t src = i;
        if (nhwc) { /* IR index (ch, y, x) <- NHWC index (y, x, ch) */
            size_t ch = i / ((size_t)h * w), y = i / w % h, xx = i % w;
            src = (y * w + xx) * c + ch;
        }
        x[i] = (float)cJSON_GetArrayItem(sample, (int)src)->valuedouble;
    }
}

/* Index of the largest of n values (float when f, else int64 q). */
static size_t argmax(const float *f, const int64_t *q, size_t n)
{
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (f ? f[i] > f[b] : q[i] > q[b])
            b = i;
    return b;
}

/* Returns the number of failures (each printed). */
static int check_imports(zkb_ctx *ctx, const char *onnx, const cJSON *fx, int *fixed_agree,
                         int *fixed_total)
{
    zkb_model *m = NULL;
    int bad = 0;
    zkb_status st = zkb_model_load_onnx(ctx, onnx, &m);
    if (st != ZKB_OK) {
        print_error("%s\n", zkb_ctx_last_error(ctx));
        return 1;
    }
    size_t n_in = (size_t)zkb_model_input_size(m), n_out = zkb_model_classes(m);
    const cJSON *ins = cJSON_GetObjectItem(fx, "inputs"), *outs = cJSON_GetObjectItem(fx, "outputs");
    assert_int_equal(cJSON_GetArraySize(ins), cJSON_GetArraySize(outs));
    float *x = malloc(n_in * sizeof *x), *y = malloc(n_out * sizeof *y);
    int64_t *xq = malloc(n_in * sizeof *xq), *yq = malloc(n_out * sizeof *yq);
    assert_true(x && y && xq && yq);
    zkb_quant q;
    zkb_quant_default(&q);
    for (int s = 0; s < cJSON_GetArraySize(ins); s++) {
        const cJSON *want = cJSON_GetArrayItem(outs, s);
        to_model_order(fx, cJSON_GetArrayItem(ins, s), x, n_in, m);
        assert_int_equal(cJSON_GetArraySize(want), (int)n_out);
        assert_int_equal(zkb_model_eval_float(m, x, n_in, y, n_out), ZKB_OK);
        for (size_t k = 0; k < n_out; k++) {
            double w = cJSON_GetArrayItem(want, (int)k)->valuedouble;
            if (fabs(y[k] - w) > ABS_TOL + REL_TOL * fabs(w) && bad++ < 3)
                print_error("%s: sample %d output %zu: %.9g, onnxruntime %.9g\n", onnx, s, k,
                            y[k], w);
        }
        /* The fixed-point pipeline runs (no overflow) on the same input. */
        assert_int_equal(zkb_quantize_input(&q, x, n_in, xq), ZKB_OK);
        assert_int_equal(zkb_model_eval_fixed(m, &q, xq, n_in, yq, n_out), ZKB_OK);
        *fixed_agree += argmax(NULL, yq, n_out) == argmax(y, NULL, n_out);
        (*fixed_total)++;
    }
    free(x);
    free(y);
    free(xq);
    free(yq);
    zkb_model_free(m);
    return bad != 0;
}

/* Refused, with the node named and the reason the fixture states. */
static int check_refused(zkb_ctx *ctx, const char *onnx, const cJSON *fx)
{
    zkb_model *m = NULL;
    if (zkb_model_load_onnx(ctx, onnx, &m) == ZKB_OK) {
        zkb_model_free(m);
        print_error("%s: imported, but it must be refused\n", onnx);
        return 1;
    }
    const char *err = zkb_ctx_last_error(ctx);
    const cJSON *why = cJSON_GetObjectItem(fx, "error_contains");
    if (!strstr(err, ": node ") || (cJSON_IsString(why) && !strstr(err, why->valuestring))) {
        print_error("%s: refused, but not with the expected message: %s\n", onnx, err);
        return 1;
    }
    return 0;
}

static void every_fixture(void **state)
{
    (void)state;
    zkb_ctx *ctx = NULL;
    assert_int_equal(zkb_ctx_new(&ctx), ZKB_OK);
    DIR *d = opendir(FIXTURES);
    assert_non_null(d);
    struct dirent *e;
    int imported = 0, refused = 0, agree = 0, total = 0, failed = 0;
    char exporters[4][32] = {{0}};
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 ||
            strcmp(e->d_name, "MANIFEST.json") == 0)
            continue;
        char js[1024], onnx[1024];
        snprintf(js, sizeof js, "%s/%s", FIXTURES, e->d_name);
        snprintf(onnx, sizeof onnx, "%s/%.*s.onnx", FIXTURES, (int)(len - 5), e->d_name);
        cJSON *fx = read_json(js);
        const cJSON *expect = cJSON_GetObjectItem(fx, "expect");
        assert_true(cJSON_IsString(expect));
        if (strcmp(expect->valuestring, "imports") == 0) {
            failed += check_imports(ctx, onnx, fx, &agree, &total);
            imported++;
            const char *ex = cJSON_GetObjectItem(fx, "exporter")->valuestring;
            int k = strstr(ex, "torch") ? 0 : strstr(ex, "tf2onnx") ? 1 : strstr(ex, "skl2onnx") ? 2 : 3;
            snprintf(exporters[k], sizeof exporters[k], "seen");
        } else {
            failed += check_refused(ctx, onnx, fx);
            refused++;
        }
        cJSON_Delete(fx);
    }
    closedir(d);
    if (failed)
        fail_msg("%d fixture(s) failed", failed);
    /* the corpus covers the three exporters and what must be refused */
    assert_true(exporters[0][0] && exporters[1][0] && exporters[2][0]);
    assert_true(imported >= 20);
    assert_true(refused >= 3);
    /* quantization at 2^8 may flip a close call, rarely */
    if (agree * 10 < total * 9)
        fail_msg("fixed point and float agree on only %d of %d samples", agree, total);
    zkb_ctx_free(ctx);
}

/* Mutated exporter files (bytes flipped, cut short) import or fail cleanly:
 * the normalization code under the sanitizers sees real graphs' shapes. */
static void mutated_fixtures_fail_cleanly(void **state)
{
    (void)state;
    DIR *d = opendir(FIXTURES);
    assert_non_null(d);
    struct dirent *e;
    uint64_t rng = 15;
    int files = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".onnx") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        uint8_t buf[1 << 17], mut[1 << 17];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        files++;
        for (int round = 0; round < 500; round++) {
            memcpy(mut, buf, n);
            size_t m = n;
            for (int k = 0; k < 1 + round % 4; k++) {
                uint64_t r = zkbt_rand(&rng);
                mut[r % n] ^= (uint8_t)(1u << (r >> 32) % 8);
            }
            if (round % 10 == 9)
                m = (size_t)(zkbt_rand(&rng) % n);
            char err[ZKBI_ERR_LEN];
            zkb_model *model = NULL;
            zkb_status st = zkbi_onnx_parse(mut, m, "mutated.onnx", &model, err, sizeof err);
            assert_true(st == ZKB_OK ? model != NULL : model == NULL);
            zkb_model_free(model);
        }
    }
    closedir(d);
    assert_true(files >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fixture),
        cmocka_unit_test(mutated_fixtures_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
