/* Throughput of the fast fixed-point evaluator (lib/eval/fast/) on the
 * MNIST test set (docs/performance.md, "Fixed-point evaluator throughput").
 * Not a test. For each model: quantize (pow2 scale 8, half-up by default),
 * pick the lane type from the range analysis, check once that all outputs
 * equal the reference evaluator's, then time `reps` passes over the whole
 * test split (float images in, logits out: input quantization included) on
 * `threads` threads and print the median.
 *
 *   bench_eval [--reps N] [--threads T] [--scale S] [--pow10] [--isa generic|avx2|avx512]
 *              [--no-check] [--dump DIR] [--freq] MODEL.json...
 *
 * --dump DIR writes DIR/<dataset>.f32 (float32 images, NCHW) and
 * DIR/<dataset>.labels (int32) for bench/ort_bench.py, so that onnxruntime
 * runs on the same inputs. --freq measures the core clock with a chain of
 * dependent adds (one per cycle) and prints it. One result line per model:
 *   RESULT fixed model=NAME macs=M images=N path=int32 isa=avx512 bits=B
 *          median_s=T images_per_s=X macs_per_s=Y acc=A */
#include "eval/eval_int.h"
#include "zkmlbench/zkb_data.h"
#include "zkmlbench/zkb_eval.h"
#include "zkmlbench/zkmlbench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Cycles per second from a chain of dependent 64-bit imul (latency 3 cycles
 * on Intel cores since Nehalem and on AMD Zen; chains of adds are not used:
 * recent cores execute some of those at rename): n imuls take 3n cycles. */
static double measure_ghz(void)
{
#if defined(__x86_64__)
    double best = 0;
    for (int r = 0; r < 5; r++) {
        uint64_t n = 100000000, x = 0, one = 1;
        double t0 = now();
        for (uint64_t i = 0; i < n; i += 8)
            __asm__ volatile("imul %1, %0\n\timul %1, %0\n\timul %1, %0\n\timul %1, %0\n\t"
                             "imul %1, %0\n\timul %1, %0\n\timul %1, %0\n\timul %1, %0"
                             : "+r"(x)
                             : "r"(one));
        double g = 3.0 * (double)n / (now() - t0) / 1e9;
        best = g > best ? g : best;
    }
    return best;
#else
    return 0;
#endif
}

static int dump(const char *dir, const zkb_dataset *ds, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s.f32", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return -1;
    size_t n = zkb_dataset_count(ds), k = zkb_dataset_features(ds);
    int ok = fwrite(zkb_dataset_data(ds), sizeof(float), n * k, f) == n * k;
    ok &= fclose(f) == 0;
    snprintf(p, sizeof p, "%s/%s.labels", dir, name);
    if (!(f = fopen(p, "wb")))
        return -1;
    ok &= fwrite(zkb_dataset_labels(ds), sizeof(int32_t), n, f) == n;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    int reps = 10, isa = ZKBI_FAST_ISA_AUTO, check = 1, freq = 0;
    uint32_t threads = 0;
    zkb_quant q;
    zkb_quant_default(&q);
    const char *dump_dir = NULL;
    int a = 1;
    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (!strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--threads") && a + 1 < argc)
            threads = (uint32_t)atoi(argv[++a]);
        else if (!strcmp(argv[a], "--scale") && a + 1 < argc)
            q.scale = (uint32_t)atoi(argv[++a]);
        else if (!strcmp(argv[a], "--pow10"))
            q.scheme = ZKB_QUANT_POW10;
        else if (!strcmp(argv[a], "--isa") && a + 1 < argc) {
            const char *s = argv[++a];
            isa = !strcmp(s, "avx512") ? ZKBI_FAST_ISA_AVX512
                  : !strcmp(s, "avx2") ? ZKBI_FAST_ISA_AVX2
                                       : ZKBI_FAST_ISA_GENERIC;
        } else if (!strcmp(argv[a], "--no-check"))
            check = 0;
        else if (!strcmp(argv[a], "--freq"))
            freq = 1;
        else if (!strcmp(argv[a], "--dump") && a + 1 < argc)
            dump_dir = argv[++a];
        else {
            fprintf(stderr, "bench_eval: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (reps < 1)
        reps = 1;
    if (freq)
        printf("FREQ ghz=%.3f (dependent imul chain, best of 5)\n", measure_ghz());
    zkb_ctx *ctx = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK) {
        fprintf(stderr, "bench_eval: no context\n");
        return 1;
    }
    int rc = 0;
    for (; a < argc; a++) {
        zkb_model *m = NULL;
        zkb_dataset *ds = NULL;
        zkbi_qmodel *qm = NULL;
        zkbi_fast *f = NULL;
        int64_t *out = NULL;
        double *t = NULL;
        char err[ZKBI_ERR_LEN];
        if (zkb_model_load_file(ctx, argv[a], &m) != ZKB_OK) {
            fprintf(stderr, "bench_eval: %s: cannot load\n", argv[a]);
            rc = 1;
            goto next;
        }
        const char *dsname = zkb_eval_default_dataset(m);
        if (!dsname || zkb_dataset_open(ctx, dsname, "test", &ds) != ZKB_OK) {
            fprintf(stderr, "bench_eval: %s: no dataset (%s)\n", argv[a], dsname ? dsname : "?");
            rc = 1;
            goto next;
        }
        if (dump_dir && dump(dump_dir, ds, dsname) != 0) {
            fprintf(stderr, "bench_eval: cannot write to %s\n", dump_dir);
            rc = 1;
            goto next;
        }
        if (zkbi_qmodel_new(m, &q, &qm, err, sizeof err) != ZKB_OK) {
            fprintf(stderr, "bench_eval: %s: %s\n", argv[a], err);
            rc = 1;
            goto next;
        }
        size_t n = zkb_dataset_count(ds), n_in = zkb_dataset_features(ds);
        const float *x = zkb_dataset_data(ds);
        double xmax = 0;
        for (size_t i = 0; i < n * n_in; i++)
            xmax = fabs((double)x[i]) > xmax ? fabs((double)x[i]) : xmax;
        int64_t bound;
        if (zkbi_quant_value(&q, xmax, 1, &bound) != ZKB_OK ||
            zkbi_fast_new(qm, (uint64_t)bound, ZKBI_FAST_I32, isa, &f) != ZKB_OK ||
            zkbi_fast_path(f) == ZKBI_FAST_NONE) {
            fprintf(stderr, "bench_eval: %s: no fast path at this scale\n", argv[a]);
            rc = 1;
            goto next;
        }
        uint32_t classes = zkb_model_classes(m);
        out = malloc(n * classes * sizeof *out);
        t = malloc((size_t)reps * sizeof *t);
        if (!out || !t)
            goto next;
        if (zkbi_fast_eval(f, x, NULL, n, out, threads) != ZKB_OK) { /* warm-up */
            rc = 1;
            goto next;
        }
        if (check) {
            int64_t *xq = malloc(n_in * sizeof *xq), *ref = malloc(classes * sizeof *ref);
            size_t bad = 0;
            for (size_t i = 0; xq && ref && i < n; i++) {
                zkb_quantize_input(&q, x + i * n_in, n_in, xq);
                if (zkbi_qmodel_eval(qm, xq, n_in, ref, classes, err, sizeof err) != ZKB_OK ||
                    memcmp(ref, out + i * classes, classes * sizeof *ref) != 0)
                    bad++;
            }
            free(xq);
            free(ref);
            if (bad) {
                fprintf(stderr, "bench_eval: %s: %zu images differ from the reference\n",
                        argv[a], bad);
                rc = 1;
                goto next;
            }
        }
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            zkbi_fast_eval(f, x, NULL, n, out, threads);
            t[r] = now() - t0;
        }
        qsort(t, (size_t)reps, sizeof *t, cmp_d);
        double med = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
        size_t correct = 0;
        const int32_t *y = zkb_dataset_labels(ds);
        for (size_t i = 0; i < n; i++)
            correct += zkbi_argmax_i(out + i * classes, classes) == (uint32_t)y[i];
        uint64_t macs = zkbi_model_macs(m);
        const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        printf("RESULT fixed model=%s macs=%llu images=%zu path=%s isa=%s bits=%u "
               "median_s=%.6f images_per_s=%.1f macs_per_s=%.4g acc=%.2f checked=%d vnni_layers=%u "
               "wide_layers=%u\n",
               name, (unsigned long long)macs, n,
               zkbi_fast_path(f) == ZKBI_FAST_I32 ? "int32" : "int64",
               zkbi_fast_isa_name(zkbi_fast_isa(f)), zkbi_fast_bound_bits(f), med, (double)n / med,
               (double)n * (double)macs / med, 100.0 * (double)correct / (double)n, check,
               zkbi_fast_pair_layers(f), zkbi_fast_wide_layers(f));
        fflush(stdout);
    next:
        free(out);
        free(t);
        zkbi_fast_free(f);
        zkbi_qmodel_free(qm);
        zkb_dataset_free(ds);
        zkb_model_free(m);
    }
    zkb_ctx_free(ctx);
    return rc;
}
