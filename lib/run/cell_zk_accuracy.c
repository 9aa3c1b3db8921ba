/* The zk accuracy pass of a cell (zkb_backend.eval_batch, plugin ABI 1.2):
 * after the proofs, the backend's own outputs for the first N test samples
 * of the run's dataset, without proofs; the host turns them into both loss
 * definitions (docs/accuracy.md) and counts how often they equal the
 * reference evaluator's outputs, under the backend's quantization when it
 * declared one (host->set_quant). */

#include "run_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPT_KEY "accuracy_samples"

/* The cell's value of the backend's INT option "accuracy_samples", else its
 * declared default; 0 when the backend declares none. */
static int64_t wanted(const zkbi_cell_job *job, const zkb_backend *vt)
{
    for (size_t i = 0; i < job->n_opts; i++)
        if (strcmp(job->opts[i].key, OPT_KEY) == 0 && job->opts[i].v.type == ZKB_OPT_INT)
            return job->opts[i].v.i;
    for (uint32_t i = 0; i < vt->n_options; i++) {
        const zkb_option_decl *d = zkbi_option_decl(vt, i);
        if (strcmp(d->key, OPT_KEY) == 0 && d->type == ZKB_OPT_INT)
            return d->default_val ? strtoll(d->default_val, NULL, 10) : 0;
    }
    return 0;
}

static int32_t argmax_f(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return (int32_t)best;
}

void zkbi_zk_accuracy_pass(const zkbi_cell_job *job, const zkb_backend *vt, void *state,
                           const zkbi_qmodel *qm, zkb_host_ctx *h)
{
    if (!ZKBI_VT_HAS(vt, eval_batch))
        return;
    const zkb_host_api *api = zkbi_host_api();
    const zkbi_inputs *in = job->in;
    int64_t want = wanted(job, vt);
    if (want == 0)
        return;
    if (strcmp(in->dataset, "synthetic") == 0) {
        api->info(h, "zk_accuracy", "skipped: synthetic inputs, no dataset");
        return;
    }
    zkb_dataset *ds = NULL;
    char msg[ZKBI_ERR_LEN + 128];
    if (zkb_dataset_open(job->ctx, in->dataset, "test", &ds) != ZKB_OK) {
        snprintf(msg, sizeof msg, "failed: dataset %s: %s", in->dataset, zkb_ctx_last_error(job->ctx));
        api->info(h, "zk_accuracy", msg);
        return;
    }
    size_t n = zkb_dataset_count(ds), n_in = in->n_in, n_out = in->n_out;
    if (zkb_dataset_features(ds) != n_in || zkb_dataset_classes(ds) != n_out) {
        api->info(h, "zk_accuracy", "failed: the dataset's shape differs from the model's");
        zkb_dataset_free(ds);
        return;
    }
    if (want > 0 && (uint64_t)want < n)
        n = (size_t)want;
    const float *x = zkb_dataset_data(ds);
    const int32_t *labels = zkb_dataset_labels(ds);
    int64_t *out = malloc((n ? n : 1) * n_out * sizeof *out);
    int64_t *ref = malloc(n_out * sizeof *ref), *xq = malloc(n_in * sizeof *xq);
    float *fout = malloc(n_out * sizeof *fout);
    if (!out || !ref || !xq || !fout) {
        api->info(h, "zk_accuracy", "failed: out of memory");
        goto done;
    }
    uint64_t done = 0, t0 = zkbi_now_ns();
    /* The pass must not turn a finished cell into a timeout: the backend's
     * processes get a deadline MARGIN before the cell's (spawn kills them
     * then and the pass fails, recorded as info). */
    const uint64_t MARGIN = 5000000000ull;
    if (job->deadline_ns) {
        if (job->deadline_ns <= t0 + 2 * MARGIN) {
            api->info(h, "zk_accuracy", "skipped: less than 10 s left of the cell's time limit");
            goto done;
        }
        zkbi_host_ctx_set_deadline(h, job->deadline_ns - MARGIN);
    }
    zkbi_host_ctx_clear_error(h);
    zkb_status st = vt->eval_batch(state, x, n, n_in, out, n_out, &done);
    zkbi_host_ctx_set_deadline(h, job->deadline_ns);
    double secs = (double)(zkbi_now_ns() - t0) / 1e9;
    if (done > n)
        done = 0;
    if (st != ZKB_OK && done == 0) {
        snprintf(msg, sizeof msg, "failed: %s: %s", zkb_status_str(st), zkbi_host_ctx_error(h));
        api->info(h, "zk_accuracy", msg);
        goto done;
    }
    uint64_t float_ok = 0, zk_ok = 0, differ = 0, ref_equal = 0, ref_class = 0, ref_failed = 0;
    uint64_t failed = 0;
    char why[ZKBI_ERR_LEN];
    for (size_t s = 0; s < done; s++) {
        const float *xs = x + s * n_in;
        const int64_t *o = out + s * n_out;
        size_t k = 0;
        while (k < n_out && o[k] == INT64_MIN)
            k++;
        int no_output = n_out > 0 && k == n_out; /* the backend could not evaluate it */
        int32_t zc = no_output ? -1 : (int32_t)zkbi_argmax_i(o, n_out), fc = -1;
        if (zkbi_model_eval_float(job->model, xs, n_in, fout, n_out, why, sizeof why) == ZKB_OK)
            fc = argmax_f(fout, n_out);
        int32_t label = labels ? labels[s] : -2; /* unlabelled: nothing is correct */
        float_ok += fc == label;
        zk_ok += zc >= 0 && zc == label;
        differ += zc < 0 || zc != fc;
        if (no_output) {
            failed++;
            continue;
        }
        if (zkb_quantize_input(zkbi_qmodel_desc(qm)->quant, xs, n_in, xq) != ZKB_OK ||
            zkbi_qmodel_eval(qm, xq, n_in, ref, n_out, why, sizeof why) != ZKB_OK) {
            ref_failed++;
            continue;
        }
        ref_equal += memcmp(o, ref, n_out * sizeof *o) == 0;
        ref_class += (int32_t)zkbi_argmax_i(ref, n_out) == zc;
    }
    double d = done ? (double)done : 1.0;
    api->metric(h, "zk_accuracy_samples", (double)done, "count");
    api->metric(h, "zk_accuracy_pass_s", secs, "s");
    api->metric(h, "zk_accuracy_float_correct", (double)float_ok, "count");
    api->metric(h, "zk_accuracy_correct", (double)zk_ok, "count");
    api->metric(h, "zk_accuracy_float_pct", 100.0 * (double)float_ok / d, "%");
    api->metric(h, "zk_accuracy_pct", 100.0 * (double)zk_ok / d, "%");
    api->metric(h, "zk_accuracy_loss_points", 100.0 * ((double)float_ok - (double)zk_ok) / d, "points");
    api->metric(h, "zk_accuracy_differ", (double)differ, "count");
    api->metric(h, "zk_accuracy_differ_pct", 100.0 * (double)differ / d, "%");
    api->metric(h, "zk_accuracy_outputs_equal_reference", (double)ref_equal, "count");
    api->metric(h, "zk_accuracy_class_equal_reference", (double)ref_class, "count");
    api->metric(h, "zk_accuracy_failed", (double)failed, "count");
    if (ref_failed)
        api->metric(h, "zk_accuracy_reference_failed", (double)ref_failed, "count");
    snprintf(msg, sizeof msg,
             "%" PRIu64 " of %zu %s test samples%s: zk accuracy %.2f %% (float %.2f %%), loss %.2f points, "
             "class differs from float on %.2f %%; outputs equal the reference evaluator on %" PRIu64
             "; %" PRIu64 " without outputs (counted wrong and differing)",
             done, n, in->dataset, st != ZKB_OK ? " (the backend stopped early)" : "",
             100.0 * (double)zk_ok / d, 100.0 * (double)float_ok / d,
             100.0 * ((double)float_ok - (double)zk_ok) / d, 100.0 * (double)differ / d, ref_equal, failed);
    api->info(h, "zk_accuracy", msg);
done:
    free(out);
    free(ref);
    free(xq);
    free(fout);
    zkb_dataset_free(ds);
}
