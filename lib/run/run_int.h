/* Internal to the library: the run layer (lib/run/): runs and their cells
 * (run*.c: the API and the orchestration), the crash-proof cell process
 * (cell_child.c: the cell's own process, cell_events.c: what it streams to
 * its parent, cell_supervise.c: the parent's watch and limits,
 * cell_outcome.c and cell_record.c: the cell's result and its JSON record,
 * cell_zk_accuracy.c: the zk accuracy pass, cell_keeper.c: the cell's
 * first process, which reaps its tree and caps its log), the results file
 * (results*.c) and its lock (run_lock.c), scratch directories
 * (run_scratch.c) and the machine description (machine.c). */
#ifndef ZKBI_RUN_INT_H
#define ZKBI_RUN_INT_H

#include "core/core_int.h"
#include "eval/eval_int.h"
#include "evm/evm_int.h"
#include "model/model_int.h"
#include "plugin/plugin_int.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
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
    ZKBI_PH_EVM, /* once, after the last sample: the EVM step (lib/evm) */
    ZKBI_N_PHASES,
    /* not measured; where a failure can still happen */
    ZKBI_PH_START = 100,
    ZKBI_PH_PROBE,
    ZKBI_PH_DESTROY
} zkbi_phase;

const char *zkbi_phase_name(uint32_t phase);
int zkbi_phase_per_sample(uint32_t phase);

/* ---- the machine a result was measured on (machine.c) ----------------------------- */

typedef struct zkbi_machine {
    char cpu_model[256]; /* "model name" of /proc/cpuinfo, or "unknown" */
    long cores;          /* online logical CPUs */
    uint64_t memory_bytes; /* MemTotal */
    char os[256];        /* PRETTY_NAME of /etc/os-release, else uname sysname */
    char kernel[256];    /* uname release */
    char arch[64];       /* uname machine */
} zkbi_machine;

void zkbi_machine_read(zkbi_machine *m);

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

/* A run's memory cap per cell unless set (20 GiB); conformance's too. */
#define ZKBI_DEFAULT_MEMORY_CAP (UINT64_C(20) << 30)

typedef struct zkbi_settings {
    uint32_t samples;
    uint32_t repeats;
    double timeout_s;
    uint64_t memory_cap; /* bytes, 0: none */
    int force;
    int keep_scratch;
    int evm;                 /* run the EVM step where it can run */
    uint32_t evm_optimizer_runs;
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
    int saved; /* record is in the results file (written by this execute, or found there) */
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
    _Atomic int cancel;        /* zkb_run_cancel (from a signal handler or another thread) */
    int lock_fd;               /* the results file's lock while execute runs, else -1 */
};

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "zkb_run_cancel must be async-signal-safe");

static inline int zkbi_run_cancelled(const zkb_run *run) { return atomic_load(&run->cancel) != 0; }

/* ---- the results file's lock (run_lock.c) ------------------------------------------ */

/* Takes the lock of run's results file (an advisory flock on
 * OUT/results.jsonl.lock, which then names this process), without waiting.
 * ZKB_ERR_LOCKED when another process holds it (run->err names it),
 * ZKB_ERR_IO when the lock file cannot be made (the directory is not
 * writable). */
zkb_status zkbi_run_lock(zkb_run *run);
void zkbi_run_unlock(zkb_run *run);

/* ---- scratch directories (run_scratch.c) ------------------------------------------- */

/* A new scratch directory OUT/scratch/<backend>-<model>-XXXXXX, absolute, in
 * dir; with keep_scratch also its marker <dir>.kept. 0, or -1 (errno). */
int zkbi_scratch_make(const zkb_run *run, const char *backend, const char *model, char *dir, size_t cap);
/* At the end of a cell: removes dir unless the run keeps scratch. 0, or -1
 * (errno) when some of it could not be removed. */
int zkbi_scratch_release(const zkb_run *run, const char *dir);
/* Removes every directory under OUT/scratch not marked kept: the caller
 * holds the lock, so no live run owns one (they were left by a run that was
 * killed). Logs what it removed, and what it could not. */
void zkbi_scratch_clean_stale(const zkb_run *run);

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
    int evm;                 /* settings evm and evm.optimizer_runs */
    uint32_t evm_optimizer_runs;
    pid_t parent;
    int fd;         /* event pipe, write end */
    int host_fd;    /* a descriptor of the host the cell must not hold (the lock), or -1 */
} zkbi_cell_job;

/* cell.log keeps the first and the last bytes of what the cell's processes
 * write to their stdout and stderr, with a line saying how much was left out
 * between them. */
#define ZKBI_CELL_LOG_HEAD (1u << 20)
#define ZKBI_CELL_LOG_TAIL (1u << 20)

/* The cell's first process, in the freshly forked child of the host: a new
 * session and a child subreaper. It forks the cell process (zkbi_cell_child),
 * copies its output into job->log_path within the caps above, and when that
 * process has ended, or when the host dies, kills and reaps every process
 * left in its tree; then it ends as the cell process did (the same exit
 * status, or the same signal). Never returns. */
_Noreturn void zkbi_cell_keeper(const zkbi_cell_job *job);

/* Runs the cell in the current process (forked by the keeper), its stdout
 * and stderr to out_fd; never returns. */
_Noreturn void zkbi_cell_child(const zkbi_cell_job *job, int out_fd);

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

/* ---- events a cell child streams to its parent (cell_events.c) ------------------- */

/* Frame: uint32 length of the rest, a fixed header (zkbi_event_wire, native
 * layout: both ends are the same program image), then the three strings
 * s1, s2, s3 of the lengths the header gives, without terminators. */
typedef enum zkbi_event_type {
    ZKBI_EV_PHASE_BEGIN = 1, /* phase, sample, repeat */
    ZKBI_EV_PHASE_END,       /* phase, sample, repeat, m */
    ZKBI_EV_METRIC,          /* s1 key, value, s2 unit */
    ZKBI_EV_INFO,            /* s1 key, s2 value */
    ZKBI_EV_LOG,             /* level, s1 message */
    ZKBI_EV_CLASS,           /* sample, cls: argmax of the verified outputs */
    ZKBI_EV_FAIL,            /* phase, sample, status, s1 message */
    ZKBI_EV_DONE,
    ZKBI_EV_PROGRESS /* value fraction (negative: unknown), s1 what the plugin is doing */
} zkbi_event_type;

#define ZKBI_EV_STR_MAX 8192u  /* longer strings are cut */
#define ZKBI_EV_FRAME_MAX (64u * 1024u)

typedef struct zkbi_event {
    uint32_t type;
    uint32_t phase;
    int64_t sample; /* -1: none */
    uint32_t repeat;
    uint32_t status; /* zkb_status */
    uint32_t level;
    int32_t cls;
    double value;
    zkbi_measure m;
    const char *s1, *s2, *s3; /* may be NULL when writing; never NULL when read */
} zkbi_event;

/* Child side: one write() per frame, serialized by a lock (plugins may call
 * host services from several threads). -1 when the parent is gone. */
int zkbi_event_send(int fd, const zkbi_event *e);

/* Parent side: a buffer of received bytes. */
typedef struct zkbi_event_reader {
    char *buf;
    size_t len, cap, pos;
    char *strs; /* NUL-terminated copies of the current event's strings */
    size_t strs_cap;
} zkbi_event_reader;

/* Reads what is available from a non-blocking fd: the number of bytes
 * read, 0 at end of file, -1 when nothing is there now, -2 on an error. */
int zkbi_event_fill(zkbi_event_reader *r, int fd);
/* Next complete event: 1 and *e filled (strings valid until the next call),
 * 0 none yet, -1 a malformed frame. */
int zkbi_event_next(zkbi_event_reader *r, zkbi_event *e);
void zkbi_event_reader_free(zkbi_event_reader *r);

/* ---- the EVM step of a cell (cell_evm.c) ------------------------------------------- */

typedef struct zkbi_cell_evm {
    int enabled;
    zkbi_evm_tools tools;
    zkbi_evm_job job;
} zkbi_cell_evm;

/* Decides whether the cell runs the EVM step (the run setting, the
 * backend's evm_proof, the toolchain) and records info "evm" when it does not. */
void zkbi_cell_evm_begin(zkbi_cell_evm *e, const zkbi_cell_job *job, const zkb_backend *vt, zkb_host_ctx *h);
/* After sample's first verify: the backend's verifier and calldata, copied
 * into the scratch directory. A backend that answers ZKB_ERR_UNSUPPORTED for
 * the first sample turns the step off (info "evm"); any other error is the
 * cell's, with why. */
zkb_status zkbi_cell_evm_collect(zkbi_cell_evm *e, const zkb_backend *vt, void *state, zkb_host_ctx *h,
                                 size_t sample, char *why, size_t why_len);
/* Non-zero when there are proofs to send. */
int zkbi_cell_evm_ready(const zkbi_cell_evm *e);
void zkbi_cell_evm_free(zkbi_cell_evm *e);

/* ---- the zk accuracy pass of a cell (cell_zk_accuracy.c) -------------------------- */

/* After the last verify: when the backend has eval_batch and its option
 * "accuracy_samples" is not 0, evaluate that many test samples of the run's
 * dataset through it and record metrics zk_accuracy_* and info zk_accuracy
 * in h; qm is the reference the outputs are compared with. Failures are
 * recorded as info, never fail the cell. */
void zkbi_zk_accuracy_pass(const zkbi_cell_job *job, const zkb_backend *vt, void *state,
                           const zkbi_qmodel *qm, zkb_host_ctx *h);

/* ---- results.jsonl, one JSON record per finished cell and line (results*.c) ------- */

/* Longest line the reader accepts; longer ones are skipped with a warning. */
#define ZKBI_RESULTS_LINE_MAX (64u << 20)

/* Appends line (no newline inside) plus '\n' with one write() on an O_APPEND
 * descriptor, then fsync. If the file does not end with a newline (a writer
 * was killed), a newline is written first so the record starts a line. When
 * the write or the fsync fails (a full disk, a file size limit), the file is
 * cut back to its length before the call, so no torn record stays, and
 * ZKB_ERR_IO says so. The caller holds the results file's lock (run_lock.c). */
zkb_status zkbi_results_append(const char *path, const char *line, char *err, size_t errlen);

/* The cell ids found in a results file, for resuming. */
typedef struct zkbi_results zkbi_results;

typedef void (*zkbi_results_warn_fn)(void *user, const char *msg);

/* Reads path; a missing file gives an empty index. Lines that are not JSON
 * objects with a "cell_id" (a truncated last line, garbage) are reported to
 * warn (may be NULL) and ignored. */
zkb_status zkbi_results_load(const char *path, zkbi_results **out, zkbi_results_warn_fn warn,
                             void *user, char *err, size_t errlen);
void zkbi_results_free(zkbi_results *r);
size_t zkbi_results_count(const zkbi_results *r);
/* The last record with this cell id as a malloc'ed line without newline, or
 * NULL when there is none. */
char *zkbi_results_find(const zkbi_results *r, const char *cell_id);
int zkbi_results_has(const zkbi_results *r, const char *cell_id);

#endif
