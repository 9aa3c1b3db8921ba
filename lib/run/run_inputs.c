/* A cell's inputs: the dataset's samples, their fixed-point image, and what
 * the float model and the reference evaluator make of them. */
#include "run_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_VALUES_MAX (UINT64_C(1) << 28)

void zkbi_inputs_free(zkbi_inputs *in)
{
    free(in->x);
    free(in->x_q);
    free(in->labels);
    free(in->ref_q);
    free(in->float_class);
    free(in->fixed_class);
    memset(in, 0, sizeof *in);
}

static zkb_status references(const zkb_model *m, const zkbi_qmodel *qm, zkbi_inputs *in, char *err,
                             size_t errlen)
{
    float *fout = malloc(in->n_out * sizeof *fout);
    if (!fout) {
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    zkb_status st = ZKB_OK;
    char why[ZKBI_ERR_LEN] = "";
    for (size_t s = 0; s < in->n_samples && st == ZKB_OK; s++) {
        const float *x = in->x + s * in->n_in;
        int64_t *xq = in->x_q + s * in->n_in;
        int64_t *ref = in->ref_q + s * in->n_out;
        st = zkb_quantize_input(zkbi_qmodel_desc(qm)->quant, x, in->n_in, xq);
        if (st != ZKB_OK) {
            zkbi_errf(err, errlen, "sample %zu: input does not quantize: %s", s, zkb_status_str(st));
            break;
        }
        st = zkbi_qmodel_eval(qm, xq, in->n_in, ref, in->n_out, why, sizeof why);
        if (st != ZKB_OK) {
            zkbi_errf(err, errlen, "reference evaluator, sample %zu: %s", s, why);
            break;
        }
        st = zkbi_model_eval_float(m, x, in->n_in, fout, in->n_out, why, sizeof why);
        if (st != ZKB_OK) {
            zkbi_errf(err, errlen, "float model, sample %zu: %s", s, why);
            break;
        }
        in->fixed_class[s] = (int32_t)zkbi_argmax_i(ref, in->n_out);
        in->float_class[s] = (int32_t)zkbi_argmax_f(fout, in->n_out);
    }
    free(fout);
    return st;
}

/* The first n_samples of the dataset's test split, with their labels. */
static zkb_status dataset_samples(const zkb_run *run, const zkb_model *m, zkbi_inputs *in, char *err,
                                  size_t errlen)
{
    zkb_dataset *ds = NULL;
    zkb_status st = zkb_dataset_open(run->ctx, in->dataset, "test", &ds);
    if (st != ZKB_OK) {
        zkbi_errf(err, errlen, "dataset %s: %s", in->dataset, zkb_ctx_last_error(run->ctx));
        return st;
    }
    uint32_t mc, mh, mw, dc, dh, dw;
    zkb_model_input_shape(m, &mc, &mh, &mw);
    zkb_dataset_shape(ds, &dc, &dh, &dw);
    if (zkb_dataset_features(ds) != in->n_in || zkb_dataset_classes(ds) != in->n_out) {
        zkbi_errf(err, errlen,
                  "dataset %s has samples [%u, %u, %u] and %u classes; model %s wants [%u, %u, %u] and %zu",
                  in->dataset, dc, dh, dw, zkb_dataset_classes(ds), zkb_model_name(m), mc, mh, mw,
                  in->n_out);
        st = ZKB_ERR_INVALID_ARG;
    } else if (zkb_dataset_count(ds) < in->n_samples) {
        zkbi_errf(err, errlen, "dataset %s has %zu test samples, %zu asked for", in->dataset,
                  zkb_dataset_count(ds), in->n_samples);
        st = ZKB_ERR_INVALID_ARG;
    } else if (!(in->labels = malloc(in->n_samples * sizeof *in->labels))) {
        zkbi_errf(err, errlen, "out of memory");
        st = ZKB_ERR_NOMEM;
    } else {
        const float *all = zkb_dataset_data(ds);
        size_t n_all = zkb_dataset_count(ds) * in->n_in;
        in->input_abs_max = 0;
        for (size_t i = 0; i < n_all; i++)
            if (fabs((double)all[i]) > in->input_abs_max)
                in->input_abs_max = fabs((double)all[i]);
        memcpy(in->x, all, in->n_samples * in->n_in * sizeof *in->x);
        memcpy(in->labels, zkb_dataset_labels(ds), in->n_samples * sizeof *in->labels);
    }
    zkb_dataset_free(ds);
    return st;
}

zkb_status zkbi_inputs_make(const zkb_run *run, const zkb_model *m, const zkbi_qmodel *qm,
                            zkbi_inputs *in, char *err, size_t errlen)
{
    memset(in, 0, sizeof *in);
    in->n_samples = run->set.samples;
    in->n_in = (size_t)zkb_model_input_size(m);
    in->n_out = zkb_model_classes(m);
    if (in->n_in == 0 || in->n_out == 0 || (uint64_t)in->n_samples * in->n_in > INPUT_VALUES_MAX) {
        zkbi_errf(err, errlen, "%zu samples of %zu values are too many", in->n_samples, in->n_in);
        return ZKB_ERR_OVERFLOW;
    }
    size_t nv = in->n_samples * in->n_in;
    in->x = malloc(nv * sizeof *in->x);
    in->x_q = malloc(nv * sizeof *in->x_q);
    in->ref_q = malloc(in->n_samples * in->n_out * sizeof *in->ref_q);
    in->float_class = malloc(in->n_samples * sizeof *in->float_class);
    in->fixed_class = malloc(in->n_samples * sizeof *in->fixed_class);
    if (!in->x || !in->x_q || !in->ref_q || !in->float_class || !in->fixed_class) {
        zkbi_inputs_free(in);
        zkbi_errf(err, errlen, "out of memory");
        return ZKB_ERR_NOMEM;
    }
    /* "auto": the dataset the model was made for (metadata, else input
     * shape), synthetic inputs when none fits */
    const char *name = run->set.dataset;
    if (strcmp(name, "auto") == 0) {
        name = zkb_eval_default_dataset(m);
        name = name ? name : "synthetic";
    }
    snprintf(in->dataset, sizeof in->dataset, "%s", name);
    zkb_status st = ZKB_OK;
    if (strcmp(in->dataset, "synthetic") == 0) {
        for (size_t s = 0; s < in->n_samples; s++)
            zkbi_synth_sample(run->set.seed, s, in->x + s * in->n_in, in->n_in);
        in->input_abs_max = 1.0;
    } else {
        st = dataset_samples(run, m, in, err, errlen);
    }
    if (st == ZKB_OK)
        st = references(m, qm, in, err, errlen);
    if (st != ZKB_OK)
        zkbi_inputs_free(in);
    return st;
}
