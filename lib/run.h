/* Internal: runs, cells, and the pieces of the crash-proof runner
 * (run*.c: API and orchestration, runner_child.c: the cell process,
 * runner_supervise.c: the parent's watch, runner_record.c: the JSON record). */
#ifndef ZKBI_RUN_H
#define ZKBI_RUN_H

#include "ctx.h"
#include "host.h"
#include "machine.h"
#include "model.h"
#include "probe.h"

#include <sys/types.h>

/* Phases in the order they run; the first three run once per cell, the
 * others once per sample and repeat. */
typedef enum zkbi_phase {
    ZKBI_PH_LOAD = 0, /* create + set_option * n + load_model */
    ZKBI_PH_QUANTIZE,
    ZKBI_PH_SETUP,
    ZKBI_PH_WITNESS,
    ZKBI_PH_PROVE,
    ZKBI_PH_VERIFY,
    ZKBI_N_PHASES,
    /* not measured; where a failure can still happen */
    ZKBI_PH_START = 100,
    ZKBI_PH_PROBE,
    ZKBI_PH_DESTROY
} zkbi_phase;

const char *zkbi_phase_name(uint32_t phase);
int zkbi_phase_per_sample(uint32_t phase);

/* ---- options ------------------------------------------------------------ */

typedef struct zkbi_opt {
    char *key;
    char *text; /* canonical text: "true"/"false", decimal numbers */
    zkb_option_value v;
} zkbi_opt;

/* Parses "k=v,k=v" against the backend's declarations. *canon gets the
 * canonical form (sorted by key, normalized values). */
zkb_status zkbi_options_parse(const zkb_backend *vt, const char *spec, zkbi_opt **out, size_t *n,
                              char **canon, char *err, size_t errlen);
void zkbi_options_free(zkbi_opt *o, size_t n);

/* ---- the run -------------------------------------------------------------- */

typedef struct zkbi_settings {
    uint32_t samples;
    uint32_t repeats;
    double timeout_s;
    uint64_t memory_cap; /* bytes, 0: none */
    int force;
    int keep_scratch;
    char dataset[64];
    uint64_t seed;
    zkb_quant quant;
} zkbi_settings;

typedef struct zkbi_cell {
    char *model_path;
    char *backend;
    zkb_backend_ref *b;
    zkbi_opt *opts;
    size_t n_opts;
    char *options; /* canonical */
    const char *status; /* static, NULL before execute */
    char *record;
} zkbi_cell;

struct zkb_run {
    zkb_ctx *ctx;
    char err[ZKBI_ERR_LEN];
    char *out_dir;
    char *results_path;
    zkbi_settings set;
    zkbi_cell *cells;
    size_t n_cells;
    zkb_progress_fn progress;
    void *progress_user;
    zkbi_machine machine;
    int have_machine;
    char run_id[33];          /* random per run, in every record */
    uint32_t shard_k, shard_n; /* zkb_run_select_shard; 0/0: not sharded */
};

/* ---- inputs of a cell ------------------------------------------------------ */

typedef struct zkbi_inputs {
    size_t n_samples, n_in, n_out;
    float *x;        /* n_samples * n_in */
    int64_t *x_q;    /* n_samples * n_in */
    int32_t *labels; /* n_samples, or NULL (no labels, e.g. synthetic) */
    int64_t *ref_q;  /* reference evaluator's outputs, n_samples * n_out */
    int32_t *float_class; /* argmax of the float model */
    int32_t *fixed_class; /* argmax of the reference evaluator */
    char dataset[64];     /* the dataset used: "synthetic" or a dataset name ("auto" resolved) */
    double input_abs_max; /* bound on |x| for range analysis: 1 for synthetic
                             inputs, the largest |x| of the dataset split otherwise */
} zkbi_inputs;

/* The run's dataset for model m, quantized, with the float and fixed
 * reference passes. */
zkb_status zkbi_inputs_make(const zkb_run *run, const zkb_model *m, const zkbi_qmodel *qm,
                            zkbi_inputs *in, char *err, size_t errlen);
void zkbi_inputs_free(zkbi_inputs *in);
int32_t zkbi_argmax_i64(const int64_t *v, size_t n);

/* ---- the cell process ---------------------------------------------------------- */

typedef struct zkbi_cell_job {
    zkb_ctx *ctx;
    zkb_backend_ref *b;
    const zkb_model *model;
    const zkbi_qmodel *qm;
    const zkbi_opt *opts;
    size_t n_opts;
    uint32_t repeats;
    const zkbi_inputs *in;
    const struct zkb_ranges *ranges;
    const char *scratch;
    const char *log_path; /* stdout and stderr of the cell */
    uint64_t deadline_ns;
    pid_t parent;
    int fd; /* event pipe, write end */
} zkbi_cell_job;

/* Runs the cell in the current (freshly forked) process; never returns. */
_Noreturn void zkbi_cell_child(const zkbi_cell_job *job);

/* ---- the parent's view of a cell -------------------------------------------- */

typedef struct zkbi_series {
    double *v;
    size_t n, cap;
} zkbi_series;

typedef struct zkbi_phase_data {
    zkbi_series wall, cpu, peak, peak_self, peak_children;
} zkbi_phase_data;

typedef struct zkbi_outcome {
    const char *status; /* "ok", "failed", ... */
    zkb_status code;
    char reason[ZKBI_HOST_ERR_LEN + 256];
    uint32_t phase; /* last phase the child reported */
    int64_t sample; /* -1: none */
    int done;
    zkbi_phase_data phases[ZKBI_N_PHASES];
    zkb_host_ctx *facts; /* metrics and infos, in a host context used as a store */
    int32_t *zk_class;   /* per sample, -1 unknown */
    size_t n_samples;
    uint64_t peak_rss_sampled;
    uint64_t rss_at_kill;
    char log_tail[ZKBI_STDERR_TAIL + 1];
    char step[160]; /* the plugin's last progress text in the current phase */
    double start_real, end_real; /* CLOCK_REALTIME seconds */
    int hwm_reset_ok;
} zkbi_outcome;

zkb_status zkbi_outcome_init(zkbi_outcome *o, zkb_ctx *ctx, size_t n_samples);
void zkbi_outcome_free(zkbi_outcome *o);
void zkbi_outcome_set(zkbi_outcome *o, const char *status, zkb_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The sort key zkb_run_select_shard orders cell c by (lib/run_shard.c):
 * malloc'ed "fingerprint\nbackend\noptions". */
char *zkbi_shard_key(const zkbi_cell *c, const char *fingerprint);

typedef struct zkbi_watch {
    zkb_run *run;
    size_t cell;
    const char *backend;
    uint64_t t0_ns;
    uint64_t deadline_ns;
    double timeout_s;
    uint64_t memory_cap;
} zkbi_watch;

/* Reads the child's events until it ends, enforcing the time limit and the
 * memory cap, reaps it and fills o. */
void zkbi_cell_supervise(const zkbi_watch *w, pid_t pid, int fd, zkbi_outcome *o);

/* ---- records ------------------------------------------------------------------ */

/* 32 hex digits identifying what a cell measures (see docs/results-format.md). */
void zkbi_cell_id(const zkb_run *run, const zkbi_cell *c, const char *fingerprint, char out[33]);

typedef struct zkbi_record_in {
    const zkb_run *run;
    const zkbi_cell *cell;
    const char *cell_id;
    const zkb_model *model; /* NULL if it did not load */
    const zkbi_inputs *in;  /* NULL if not made */
    const zkbi_outcome *o;
} zkbi_record_in;

/* One line of JSON, malloc'ed. */
char *zkbi_record_build(const zkbi_record_in *r);

/* "256 MiB", "20 GiB", "1000 B". */
void zkbi_format_bytes(uint64_t v, char *out, size_t cap);

#endif
