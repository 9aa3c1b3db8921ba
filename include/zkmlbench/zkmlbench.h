/* zkmlbench.h - host API of libzkmlbench.
 *
 * Handles are opaque. Every function that can fail returns a zkb_status; the
 * detail text of the last failure is kept in the handle the call was made on
 * (zkb_ctx_last_error, zkb_model_last_error, zkb_run_last_error), owned by
 * the library and valid until the next call on that handle. Strings returned
 * by the library are owned by the library unless stated otherwise.
 *
 * Compiles as C11 and C++17. Nothing is passed by value but scalars and
 * pointers, so ctypes and libffi can call everything. */
#ifndef ZKMLBENCH_H
#define ZKMLBENCH_H

#include "zkb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version and status ---------------------------------------------- */

/* ZKB_VERSION_NUMBER of the library actually loaded. */
ZKB_API uint32_t zkb_version_number(void);
ZKB_API const char *zkb_version_string(void);
/* Plugin ABI major the library implements. */
ZKB_API uint32_t zkb_plugin_abi_major(void);
/* Static name of a status ("ok", "timeout", ...); never NULL. */
ZKB_API const char *zkb_status_str(zkb_status s);

/* ---- context ---------------------------------------------------------- */

typedef struct zkb_ctx zkb_ctx;

ZKB_API zkb_status zkb_ctx_new(zkb_ctx **out);
ZKB_API void zkb_ctx_free(zkb_ctx *ctx);
ZKB_API const char *zkb_ctx_last_error(const zkb_ctx *ctx);

/* Settings by key (copied):
 *   "cache_dir"   default $ZKB_CACHE_DIR, else $XDG_CACHE_HOME/zkmlbench, else ~/.cache/zkmlbench
 *   "data_dir"    default $ZKB_DATA_DIR, else ../shared/data when present, else ./data
 *   "log_level"   error|warn|info|debug (default warn; $ZKB_LOG_LEVEL)
 *   "plugin_dir"  searched after $ZKB_PLUGIN_PATH; default: the plugin directory
 *                 beside the library (<libdir>/zkmlbench/plugins), wherever the
 *                 install was moved
 *   "toolchain_dir"  where `zkbench setup` installs the frameworks' toolchains,
 *                 one folder per backend; default $ZKB_TOOLCHAIN_DIR, else
 *                 $XDG_DATA_HOME/zkmlbench/toolchains, else
 *                 ~/.local/share/zkmlbench/toolchains. Plugin code runs with
 *                 $ZKB_TOOLCHAIN_DIR set to it. */
ZKB_API zkb_status zkb_ctx_set(zkb_ctx *ctx, const char *key, const char *value);
ZKB_API const char *zkb_ctx_get(const zkb_ctx *ctx, const char *key);

/* Log sink; NULL restores the default (stderr). level is zkb_log_level. */
typedef void (*zkb_log_fn)(void *user, uint32_t level, const char *msg);
ZKB_API void zkb_ctx_set_logger(zkb_ctx *ctx, zkb_log_fn fn, void *user);

/* ---- backends (plugins) ----------------------------------------------- */

/* Load every plugin found in $ZKB_PLUGIN_PATH (':'-separated directories),
 * then the install directory. Rejected plugins do not fail the call; they are
 * listed by zkb_ctx_rejected_*. Returns ZKB_OK even when none is found.
 * Each plugin is first loaded in a forked child (the trial load, 5 s limit):
 * one whose zkb_plugin_init crashes, exits or hangs there is rejected and
 * never loaded into this process. Probes, runs and conformance checks fork
 * too, without exec: in a program with threads, see docs/plugin-abi.md,
 * "Forking without exec". */
ZKB_API zkb_status zkb_ctx_load_plugins(zkb_ctx *ctx);
/* Load one shared object (after its trial load in a child, as above).
 * ZKB_ERR_PLUGIN/ZKB_ERR_ABI/ZKB_ERR_EXISTS with the reason in
 * zkb_ctx_last_error; the rejection is also listed. */
ZKB_API zkb_status zkb_ctx_load_plugin(zkb_ctx *ctx, const char *path);

ZKB_API size_t zkb_ctx_rejected_count(const zkb_ctx *ctx);
ZKB_API const char *zkb_ctx_rejected_path(const zkb_ctx *ctx, size_t i);
ZKB_API const char *zkb_ctx_rejected_reason(const zkb_ctx *ctx, size_t i);

typedef struct zkb_backend_ref zkb_backend_ref; /* owned by the context */

ZKB_API size_t zkb_backend_count(const zkb_ctx *ctx);
ZKB_API zkb_backend_ref *zkb_backend_at(zkb_ctx *ctx, size_t i);
ZKB_API zkb_backend_ref *zkb_backend_find(zkb_ctx *ctx, const char *name);
ZKB_API const char *zkb_backend_name(const zkb_backend_ref *b);
ZKB_API const char *zkb_backend_version(const zkb_backend_ref *b);
ZKB_API const char *zkb_backend_proof_system(const zkb_backend_ref *b);
ZKB_API const char *zkb_backend_description(const zkb_backend_ref *b);
ZKB_API const char *zkb_backend_path(const zkb_backend_ref *b);
/* The backend's data directory: its driver scripts, the lock files of its
 * framework toolchain and the script that installs it (`setup.sh`), at
 * <plugin directory>/../../../share/zkmlbench/<name> as installed (the same
 * relative place in a build tree); NULL when it has none. */
ZKB_API const char *zkb_backend_data_dir(const zkb_backend_ref *b);
/* Non-zero for a baseline backend (no proof, e.g. "reference"). */
ZKB_API int zkb_backend_is_baseline(const zkb_backend_ref *b);
/* Ask the backend whether it can run here. ZKB_OK, or ZKB_ERR_UNAVAILABLE with
 * the reason in zkb_backend_probe_detail. Cached after the first call. */
ZKB_API zkb_status zkb_backend_probe(zkb_backend_ref *b);
ZKB_API const char *zkb_backend_probe_detail(const zkb_backend_ref *b);
/* Declared options: count, and fields by index ("key", "type", "default",
 * "choices", "help"); NULL when out of range. */
ZKB_API size_t zkb_backend_option_count(const zkb_backend_ref *b);
ZKB_API const char *zkb_backend_option_field(const zkb_backend_ref *b, size_t i, const char *field);

/* ---- the EVM step (docs/evm.md) ----------------------------------------- */

/* Whether the EVM step can run: node, and the pinned Solidity compiler and
 * in-process EVM (`zkbench setup evm`). ZKB_OK, or ZKB_ERR_UNAVAILABLE; detail
 * (may be NULL) receives the versions and the toolchain's place, or the
 * reason. */
ZKB_API zkb_status zkb_evm_probe(zkb_ctx *ctx, char *detail, size_t cap);
/* The EVM step's data directory (its script, the lock files of its
 * toolchain and the `setup.sh` that installs it: share/zkmlbench/evm as
 * installed) into out. ZKB_OK, or ZKB_ERR_NOT_FOUND. */
ZKB_API zkb_status zkb_evm_data_dir(zkb_ctx *ctx, char *out, size_t cap);

/* ---- models ------------------------------------------------------------ */

typedef struct zkb_model zkb_model;

/* Load a model file: zkmlbench JSON (docs/model-format.md), or ONNX when the
 * name ends in ".onnx" (docs/onnx.md). On failure the context's last error
 * names the file and the JSON path or ONNX node of the fault. */
ZKB_API zkb_status zkb_model_load_file(zkb_ctx *ctx, const char *path, zkb_model **out);
ZKB_API zkb_status zkb_model_load_json(zkb_ctx *ctx, const char *json, size_t len,
                                       zkb_model **out);
ZKB_API void zkb_model_free(zkb_model *m);
ZKB_API const char *zkb_model_last_error(const zkb_model *m);

ZKB_API const char *zkb_model_name(const zkb_model *m);
/* 32 lowercase hex digits: XXH3-128 of the canonical topology and weights. */
ZKB_API const char *zkb_model_fingerprint(const zkb_model *m);
ZKB_API uint64_t zkb_model_param_count(const zkb_model *m);
ZKB_API uint32_t zkb_model_layer_count(const zkb_model *m);
ZKB_API uint64_t zkb_model_input_size(const zkb_model *m);
/* Input shape as channels, height, width (any pointer may be NULL). */
ZKB_API void zkb_model_input_shape(const zkb_model *m, uint32_t *c, uint32_t *h, uint32_t *w);
ZKB_API uint32_t zkb_model_classes(const zkb_model *m);
/* Static name of layer i's operator ("dense", "conv2d", ...), NULL if out of range. */
ZKB_API const char *zkb_model_layer_op(const zkb_model *m, uint32_t i);
/* Operator name <-> zkb_op. */
ZKB_API const char *zkb_op_name(uint32_t op);
/* zkb_output_fn the float evaluator applies after the last layer (0: none,
 * the outputs are the logits), and its name ("softmax", "log_softmax",
 * "sigmoid"; NULL for ZKB_OUTPUT_LOGITS or an unknown value). */
ZKB_API uint32_t zkb_model_output_fn(const zkb_model *m);
/* The model's metadata as compact JSON text (owned by the model), or NULL
 * when it has none. An ONNX import's holds "source": "onnx", the producer
 * and opset, and "import_steps": what the import folded, fused and left out
 * (docs/onnx.md). */
ZKB_API const char *zkb_model_metadata(const zkb_model *m);
ZKB_API const char *zkb_output_fn_name(uint32_t fn);

/* Float forward pass. n_in must equal the input size, n_out the class count. */
ZKB_API zkb_status zkb_model_eval_float(zkb_model *m, const float *in, size_t n_in,
                                        float *out, size_t n_out);
/* Quantize inputs: x_q[i] = round_half_away(x[i] * S). */
ZKB_API zkb_status zkb_quantize_input(const zkb_quant *q, const float *x, size_t n, int64_t *x_q);
/* Fixed-point forward pass (the reference evaluator): outputs are logits at
 * scale S. ZKB_ERR_OVERFLOW if an intermediate leaves int64. */
ZKB_API zkb_status zkb_model_eval_fixed(zkb_model *m, const zkb_quant *q, const int64_t *in_q,
                                        size_t n_in, int64_t *out_q, size_t n_out);
/* Fill q with the defaults (pow2, scale 8, half-up rounding). */
ZKB_API void zkb_quant_default(zkb_quant *q);
/* ZKB_OK when q is a scheme the library can quantize with: pow2 scale 0..30,
 * pow10 0..9, ezkl input and param scale 0..30 with a rebase multiplier
 * 1..255, a known rounding mode; else ZKB_ERR_INVALID_ARG with the reason in
 * err (err may be NULL). Lets a host reject settings before it runs
 * anything. */
ZKB_API zkb_status zkb_quant_check(const zkb_quant *q, char *err, size_t errcap);

/* ---- runs --------------------------------------------------------------- */

typedef struct zkb_run zkb_run;

/* A run writes results.jsonl under out_dir (created if missing). */
ZKB_API zkb_status zkb_run_new(zkb_ctx *ctx, const char *out_dir, zkb_run **out);
ZKB_API void zkb_run_free(zkb_run *run);
ZKB_API const char *zkb_run_last_error(const zkb_run *run);

/* Run settings by key (textual values, checked):
 *   "samples" (1), "repeats" (1), "timeout" seconds per cell (600),
 *   "memory_cap" bytes with optional K/M/G suffix (20G), "force" (0|1),
 *   "dataset" ("synthetic" or a dataset name), "seed" (1),
 *   "quant.scheme" (pow2|pow10), "quant.scale" (8), "quant.rounding" (half_up|floor),
 *   "keep_scratch" (0|1),
 *   "evm" (0|1, 1: the EVM step runs where its toolchain is found and the
 *   backend has an EVM verifier; docs/evm.md), "evm.optimizer_runs" (solc's
 *   optimizer runs, 200; 0 turns the optimizer off). */
ZKB_API zkb_status zkb_run_set(zkb_run *run, const char *key, const char *value);

/* Add a cell: a model file, a backend name and its options as
 * "key=value,key=value" (may be NULL or ""; in a value, backslash-comma is a
 * comma and two backslashes are one). Options are checked against the
 * backend's declarations here. Returns the cell index through idx (may be NULL). */
ZKB_API zkb_status zkb_run_add_cell(zkb_run *run, const char *model_path, const char *backend,
                                    const char *options, size_t *idx);

/* Progress: cell i of n, phase name, elapsed seconds of the cell. Called
 * when a phase starts, about twice a second while it runs (the same phase
 * again, elapsed time grown), and once when the cell ends (phase is then its
 * status: "ok", "failed", ..., "skipped"). */
typedef void (*zkb_progress_fn)(void *user, size_t cell, size_t n_cells, const char *phase,
                                double elapsed_s);
ZKB_API void zkb_run_set_progress(zkb_run *run, zkb_progress_fn fn, void *user);

/* Run every cell, each in its own process tree. A cell that crashes, hangs
 * or exceeds its memory cap becomes a recorded result; the run continues.
 * No process a cell started outlives the cell, however it ends. The
 * guarantees and their tests: docs/reliability.md.
 *
 * Returns:
 *   ZKB_OK              every cell ran (whatever its outcome) and its record
 *                       is in results.jsonl, or was skipped because the file
 *                       already holds it;
 *   ZKB_ERR_LOCKED      another process is writing this results file (one
 *                       writer per file: an flock on OUT/results.jsonl.lock);
 *                       nothing ran, the last error names that process;
 *   ZKB_ERR_IO          the results could not be written: the out directory
 *                       or the file is not writable (nothing ran), or a
 *                       record could not be appended (a full disk, a file
 *                       size limit). The run stops at that cell: the file is
 *                       cut back to its length before the append (no torn
 *                       record), the cell keeps its status and its record in
 *                       memory (zkb_run_cell_record) but zkb_run_cell_saved
 *                       is 0, later cells do not run (status NULL);
 *   ZKB_ERR_CANCELLED   zkb_run_cancel stopped the run: the running cell's
 *                       process tree was killed and its scratch directory
 *                       removed, it has status "interrupted" and no record;
 *                       later cells do not run. Running again resumes;
 *   and ZKB_ERR_PARSE, ZKB_ERR_NOMEM, ... for bad settings or a failure to
 *   read the results file. The detail is in zkb_run_last_error.
 *
 * Hosts that set RLIMIT_FSIZE should ignore SIGXFSZ, so that a write past
 * the limit fails (and is reported) instead of killing the process. */
ZKB_API zkb_status zkb_run_execute(zkb_run *run);

/* Asks a running (or the next) zkb_run_execute of this run to stop: within
 * about 20 ms it kills the running cell's process tree, removes its scratch
 * directory, records nothing for it and returns ZKB_ERR_CANCELLED. The run
 * stays cancelled: a later zkb_run_execute returns ZKB_ERR_CANCELLED at once
 * (make a new run to resume). Async-signal-safe and thread-safe: call it
 * from a SIGINT/SIGTERM handler the host installs (the library installs
 * none) or from another thread. */
ZKB_API void zkb_run_cancel(zkb_run *run);

ZKB_API size_t zkb_run_cell_count(const zkb_run *run);
/* Outcome of cell i after execute: "ok", "failed", "timeout", "killed",
 * "crashed", "unavailable", "skipped" (already in results), "interrupted"
 * (stopped by zkb_run_cancel, not recorded), or NULL (not run). */
ZKB_API const char *zkb_run_cell_status(const zkb_run *run, size_t i);
/* 1 when cell i's record is in the results file (appended by the last
 * execute, or already there: "skipped"), 0 otherwise: not run, interrupted,
 * or its record could not be written (zkb_run_execute returned ZKB_ERR_IO). */
ZKB_API int zkb_run_cell_saved(const zkb_run *run, size_t i);
/* The cell's JSON record (one line, as written to results.jsonl, or as it
 * would have been when zkb_run_cell_saved is 0), or NULL. */
ZKB_API const char *zkb_run_cell_record(const zkb_run *run, size_t i);
ZKB_API const char *zkb_run_results_path(const zkb_run *run);
/* Backend name and model path of cell i as given to zkb_run_add_cell, or NULL. */
ZKB_API const char *zkb_run_cell_backend(const zkb_run *run, size_t i);
ZKB_API const char *zkb_run_cell_model(const zkb_run *run, size_t i);
/* 32 hex digits, random per run: recorded as "run_id" in every record this
 * run writes (zkb_results_merge tells copies of one record by it). */
ZKB_API const char *zkb_run_id(const zkb_run *run);

/* Keeps only shard k of n (1 <= k <= n) of the cells added so far and drops
 * the others, so that n hosts given the same cells each run a disjoint part
 * and together all of it. Cells are ordered by a key that does not depend on
 * the order they were added in (model fingerprint, backend name, canonical
 * options); the i-th distinct key (from 0) goes to shard (i mod n) + 1, so
 * shards differ in size by at most one cell and a cell listed twice stays in
 * one shard. Loads each model to fingerprint it (a model that does not load
 * is keyed by its path). Remaining cells keep their relative order and are
 * renumbered from 0; records written afterwards carry "shard":
 * {"index": k, "count": n}. ZKB_ERR_INVALID_ARG when k or n is out of range. */
ZKB_API zkb_status zkb_run_select_shard(zkb_run *run, uint32_t k, uint32_t n);

/* ---- results files ------------------------------------------------------- */

/* Combines results.jsonl files into out_path: every valid record of every
 * input, in input order, except copies of a record already written (same
 * cell_id, run_id and started_at). A line that is not one valid record
 * (docs/results-format.md, "What a reader accepts": one JSON object of a
 * known schema version and status, its required members of their types,
 * no negative or non-finite figure) is reported as "FILE:LINE: reason"
 * through the context's logger at warn level and left out; with strict
 * non-zero every such line is still reported, then the call fails
 * (ZKB_ERR_PARSE, the count and the first line in the error text) and
 * out_path is left as it was. An input that cannot be opened or read is
 * ZKB_ERR_NOT_FOUND or ZKB_ERR_IO. The output is written to a temporary
 * file beside out_path, synced and renamed over it, so out_path may also be
 * an input. Counts go to written, duplicates and bad (each may be NULL). */
ZKB_API zkb_status zkb_results_merge(zkb_ctx *ctx, const char *out_path, const char *const *in_paths,
                                     size_t n_in, int strict, uint64_t *written,
                                     uint64_t *duplicates, uint64_t *bad);

/* ---- adapter conformance -------------------------------------------------- */

typedef enum zkb_check_result {
    ZKB_CHECK_PASS = 0,
    ZKB_CHECK_FAIL = 1,
    ZKB_CHECK_SKIP = 2
} zkb_check_result;

/* One finished check: its name (e.g. "probe", "order.prove_before_witness"),
 * its result (zkb_check_result) and the reason, never NULL. */
typedef void (*zkb_check_fn)(void *user, const char *check, uint32_t result, const char *detail);

/* Checks that the plugin file plugin_path meets the adapter contract
 * (docs/adapter-guide.md lists every check): it loads, probe answers, its
 * option declarations are sound, a real run of the model verifies every
 * proof with outputs equal to the reference evaluator's, out-of-order and
 * repeated calls fail cleanly with a message, sessions leave nothing behind.
 * Every check that calls the plugin runs in a child process with a time
 * limit, so a plugin that crashes or hangs fails that check and the next
 * ones go on. The plugin is loaded into a private context with ctx's
 * settings (cache_dir, data_dir, log level, logger), so ctx may already hold
 * a plugin of the same name. options: "key=value,..." as for
 * zkb_run_add_cell (may be NULL). model_path: NULL for a built-in tiny dense
 * model. timeout_s: limit of each isolated check, 0 for 600 s. memory_cap:
 * cap on the RSS of each check's process tree, as zkb_run_set's
 * "memory_cap" ("512M", "20G"; "0" for none), NULL for 20G. fn is called
 * once per check (may be NULL), always for the same checks whatever
 * happens (those that cannot run are SKIP with the reason); *n_failed (may
 * be NULL) gets the number of FAIL results. Returns ZKB_OK when the checks ran, whatever their results;
 * an error (detail in zkb_ctx_last_error) when they could not, e.g. the
 * model does not load. */
ZKB_API zkb_status zkb_conformance_run(zkb_ctx *ctx, const char *plugin_path, const char *model_path,
                                       const char *options, double timeout_s, const char *memory_cap,
                                       zkb_check_fn fn, void *user, uint32_t *n_failed);

#ifdef __cplusplus
}
#endif

#endif /* ZKMLBENCH_H */
