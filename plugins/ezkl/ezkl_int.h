/* Internal interface of the ezkl backend (plugins/ezkl, docs/ezkl.md):
 * session state and what each source file offers the others. */
#ifndef ZKB_EZKL_INT_H
#define ZKB_EZKL_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cJSON cJSON;

typedef struct ez_state {
    zkb_host_ctx *h;
    /* options (NULL / negative: default) */
    char *python_opt;
    char input_vis[16], param_vis[16], output_vis[16];
    char calibration[16];
    char *cal_scales;
    int64_t input_scale, param_scale; /* -1: the session's log2 S (pow2), else ezkl's 7 */
    int64_t rebase_mult, logrows, cal_samples, max_logrows, decomp_base, decomp_legs;
    double cal_lo, cal_hi;
    /* where things are */
    char python[ZKBP_PATH];
    char driver[ZKBP_PATH];
    char wdir[ZKBP_PATH]; /* the session's scratch: onnx, settings, keys, proof */
    char onnx[ZKBP_PATH];
    /* model */
    uint64_t n_in, n_out;
    int64_t S;
    int session_log2; /* log2 S when pow2, else -1 */
    int logrows_used;
    int out_scale; /* ezkl's output scale (log2) after compile */
    int setup_done, have_witness, have_proof;
    int64_t *wit_out; /* ezkl witness outputs of the last sample (its scale) */
    int64_t *ref_out; /* host reference outputs of the last sample (scale S) */
    int64_t *x_q;
    uint64_t samples_seen, samples_match;
    /* the evaluator's ezkl scheme (docs/ezkl.md): the layer ops, to predict
     * ezkl's output scale, and whether the host checks outputs under it */
    uint32_t *ops;
    uint32_t n_layers;
    int onnx_user;  /* imported from the user's ONNX (exported back from the IR) */
    int use_scheme; /* host->set_quant accepted the ezkl scheme: verify returns raw outputs */
    int64_t acc_samples; /* option accuracy_samples (read by the host) */
    double acc_max_s;    /* option accuracy_max_s */
    /* evm.c: the verifier (rendered once per session) and the last calldata */
    int evm_sol_done;
    char evm_sol[ZKBP_PATH], evm_calldata[ZKBP_PATH];
    char evm_generator[96];
} ez_state;

/* tools.c: where the Python interpreter and the driver are (option, env, build-time
 * default). why gets the reason when they are not usable. */
zkb_status ez_find_python(const char *opt, char *python, size_t pcap, char *driver, size_t dcap,
                          char *why, size_t wcap);

/* Run the driver: `python driver PHASE --workdir wdir ARGS...` through
 * host->spawn. On success *out is the parsed JSON result (free with
 * ez_json_free); its metrics and infos are forwarded to the host with the
 * given prefix, its call_s recorded as metric ezkl_<what>_s and its
 * startup_s as startup_<what>_s, the child's peak RSS as peak_rss_<what>.
 * When the driver answered but failed, *out is that answer ("error"); the
 * caller frees *out in every case. */
zkb_status ez_drive(zkb_host_ctx *h, const char *python, const char *driver, const char *wdir,
                    const char *what, const char *const *args, cJSON **out);
void ez_json_free(cJSON *j);
/* ez_drive in the session's work directory, for a call whose answer
 * matters only through the metrics and infos it forwards. */
zkb_status ez_run(ez_state *s, const char *what, const char *const *args);
/* Helpers on the result object (numbers and strings: zkbp_json_num, zkbp_json_str). */
int ez_bool(const cJSON *j, const char *key);
/* Copy up to cap integers of array key into out; returns count or -1. */
long ez_ints(const cJSON *j, const char *key, int64_t *out, size_t cap);
/* witness_batch's answer file ({"outputs_q": [[..], ..]}): the outputs of
 * the first *n_done (<= n) samples into out, n_out per sample; a sample
 * whose gen_witness failed (null) gets INT64_MIN everywhere. */
zkb_status ez_read_batch(zkb_host_ctx *h, const char *path, uint64_t n, int64_t *out, uint64_t n_out,
                         uint64_t *n_done);
/* A metric / info out of the nested objects ("metrics": {k: [v, unit]}). */
double ez_metric(const cJSON *j, const char *key, double dflt);

/* setup.c: zkb_backend.setup, and the SRS file it leaves for prove and
 * verify. */
zkb_status ez_setup(void *state);
zkb_status ez_srs_path(ez_state *s, char *out, size_t cap);

/* evm.c: zkb_backend.evm_proof. */
zkb_status ez_evm_proof(void *state, zkb_evm_proof *out);

/* The model IR as a zkmlbench JSON model file (model_json.c); 0 or -1. */
int ez_write_model_json(const zkb_model_desc *m, const char *path);

#endif /* ZKB_EZKL_INT_H */
