/* bench_overhead: what the harness itself costs.
 *
 *  1. the measurement: a phase that does nothing, measured many times; the
 *     median measured wall time is what every phase figure carries
 *     (target < 50 us), and begin + end is what the measurement costs around it;
 *  2. isolation: a cell of a no-op backend run through zkb_run_execute
 *     (fork, pipe, supervision, record, fsync'ed append) against the same
 *     plugin calls with the same measurements in this process (target < 10 ms).
 *
 * Usage: bench_overhead [cells] [plugin.so] [model.json] */
#include "plugin/plugin_int.h"
#include "data/data_int.h"
#include "eval/eval_int.h"
#include "core/core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_ITERS 20000

static void __attribute__((noinline)) nothing(void) { __asm__ volatile("" ::: "memory"); }

static double median_of(double *v, size_t n)
{
    zkbi_stats s;
    zkbi_stats_compute(v, n, &s);
    return s.median;
}

static void bench_measure(void)
{
    double *measured = malloc(PROBE_ITERS * sizeof *measured);
    double *cost = malloc(PROBE_ITERS * sizeof *cost);
    void (*volatile fn)(void) = nothing;
    for (int i = 0; i < PROBE_ITERS; i++) {
        zkbi_span p;
        zkbi_measure m;
        uint64_t t0 = zkbi_now_ns();
        zkbi_span_begin(&p);
        fn();
        zkbi_span_end(&p, &m);
        uint64_t t1 = zkbi_now_ns();
        measured[i] = m.wall_s;
        cost[i] = (double)(t1 - t0) / 1e9;
    }
    printf("measure: empty phase measures %.2f us (median of %d); begin+end costs %.2f us\n",
           median_of(measured, PROBE_ITERS) * 1e6, PROBE_ITERS, median_of(cost, PROBE_ITERS) * 1e6);
    free(measured);
    free(cost);
}

/* ---- one cell in this process: the same calls, the same measurements ------------- */

static zkb_status eval(void *user, const int64_t *x_q, uint64_t n_in, int64_t *out, uint64_t n_out,
                       char *err, size_t errlen)
{
    return zkbi_qmodel_eval(user, x_q, n_in, out, n_out, err, errlen);
}

static double in_process_cell(zkb_ctx *ctx, zkb_backend_ref *b, zkb_model *m)
{
    uint64_t t0 = zkbi_now_ns();
    const zkb_backend *vt = b->vt;
    zkb_quant q;
    zkb_quant_default(&q);
    zkbi_qmodel *qm = NULL;
    char err[256];
    zkbi_qmodel_new(m, &q, &qm, err, sizeof err);
    size_t n_in = zkb_model_input_size(m), n_out = zkb_model_classes(m);
    float *x = malloc(n_in * sizeof *x);
    int64_t *xq = malloc(n_in * sizeof *xq), *out = malloc(n_out * sizeof *out);
    zkbi_synth_sample(1, 0, x, n_in);
    zkb_quantize_input(&q, x, n_in, xq);
    zkb_host_ctx *h = zkbi_host_ctx_new(ctx, b);
    zkbi_host_ctx_set_evaluator(h, eval, qm);
    zkbi_span p;
    zkbi_measure ms;
    void *state = NULL;
    zkb_sample s = {.struct_size = sizeof s, .n = n_in, .x = x, .x_q = xq};
    vt->probe(h);
    zkbi_span_begin(&p);
    vt->create(h, &state);
    vt->load_model(state, zkbi_model_desc(m));
    zkbi_span_end(&p, &ms);
    zkbi_span_begin(&p);
    vt->quantize(state, zkbi_qmodel_desc(qm));
    zkbi_span_end(&p, &ms);
    zkbi_span_begin(&p);
    vt->setup(state);
    zkbi_span_end(&p, &ms);
    zkbi_span_begin(&p);
    vt->witness(state, &s);
    zkbi_span_end(&p, &ms);
    zkbi_span_begin(&p);
    vt->prove(state);
    zkbi_span_end(&p, &ms);
    zkbi_span_begin(&p);
    vt->verify(state, out, n_out);
    zkbi_span_end(&p, &ms);
    vt->destroy(state);
    zkbi_host_ctx_free(h);
    zkbi_qmodel_free(qm);
    free(x);
    free(xq);
    free(out);
    return (double)(zkbi_now_ns() - t0) / 1e9;
}

/* ---- cells through the runner ------------------------------------------------ */

typedef struct timing {
    double *ends;
    size_t n;
} timing;

static void on_progress(void *user, size_t cell, size_t n_cells, const char *phase, double elapsed)
{
    timing *t = user;
    (void)n_cells;
    if (strcmp(phase, "ok") == 0 || strcmp(phase, "failed") == 0 || strcmp(phase, "crashed") == 0)
        t->ends[cell] = elapsed;
}

int main(int argc, char **argv)
{
    size_t cells = argc > 1 ? (size_t)atol(argv[1]) : 200;
    const char *plugin = argc > 2 ? argv[2] : ZKB_NOOP_PLUGIN;
    const char *model_path = argc > 3 ? argv[3] : ZKB_SOURCE_DIR "/models/tiny/tiny_dense.json";
    if (cells < 1)
        cells = 1;

    bench_measure();

    zkb_ctx *ctx = NULL;
    zkb_model *m = NULL;
    if (zkb_ctx_new(&ctx) != ZKB_OK || zkb_ctx_load_plugin(ctx, plugin) != ZKB_OK ||
        zkb_model_load_file(ctx, model_path, &m) != ZKB_OK) {
        fprintf(stderr, "bench_overhead: %s\n", ctx ? zkb_ctx_last_error(ctx) : "no context");
        return 1;
    }
    zkb_backend_ref *b = zkb_backend_at(ctx, 0);

    double *inproc = malloc(cells * sizeof *inproc);
    for (size_t i = 0; i < cells; i++)
        inproc[i] = in_process_cell(ctx, b, m);

    char out[] = "/tmp/zkb-bench-overhead-XXXXXX";
    if (!mkdtemp(out))
        return 1;
    zkb_run *run = NULL;
    zkb_run_new(ctx, out, &run);
    zkb_run_set(run, "force", "1");
    timing t = {.ends = calloc(cells, sizeof(double)), .n = cells};
    zkb_run_set_progress(run, on_progress, &t);
    for (size_t i = 0; i < cells; i++)
        zkb_run_add_cell(run, model_path, zkb_backend_name(b), NULL, NULL);
    uint64_t t0 = zkbi_now_ns();
    zkb_run_execute(run);
    double total = (double)(zkbi_now_ns() - t0) / 1e9;
    size_t ok = 0;
    for (size_t i = 0; i < cells; i++)
        ok += strcmp(zkb_run_cell_status(run, i), "ok") == 0;

    double iso = median_of(t.ends, cells), in = median_of(inproc, cells);
    printf("cells: %zu of %zu ok, backend %s, model %s\n", ok, cells, zkb_backend_name(b), zkb_model_name(m));
    printf("isolated cell: %.3f ms (median; %.3f ms mean incl. record and fsync'ed append)\n", iso * 1e3,
           total / (double)cells * 1e3);
    printf("in-process cell: %.3f ms (median)\n", in * 1e3);
    printf("isolation cost: %.3f ms per cell\n", (iso - in) * 1e3);

    zkb_run_free(run);
    zkbi_remove_tree(out);
    free(t.ends);
    free(inproc);
    zkb_model_free(m);
    zkb_ctx_free(ctx);
    return ok == cells ? 0 : 1;
}
