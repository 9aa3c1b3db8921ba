/* zkb_report.h - aggregation of results.jsonl records into reports: medians
 * with min/max per model x backend x variant, normalized scores across
 * backends, log-log scaling slopes, and the writers of report.md,
 * results.csv, summary.json and the SVG charts (docs/report.md).
 *
 * Same conventions as zkmlbench.h: an opaque handle, zkb_status returns, the
 * detail of the last failure in zkb_report_last_error, strings owned by the
 * handle (valid until the next add or free), only scalars and pointers
 * passed, so ctypes and libffi can call everything. A report does not need a
 * zkb_ctx. Compiles as C11 and C++17. */
#ifndef ZKB_REPORT_H
#define ZKB_REPORT_H

#include "zkb_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zkb_report zkb_report;

/* Axes of the normalized scores (values are part of the ABI). */
typedef enum zkb_report_axis {
    ZKB_REPORT_AXIS_ACCURACY = 0,    /* accuracy loss */
    ZKB_REPORT_AXIS_PROVE_TIME = 1,  /* prove phase wall time */
    ZKB_REPORT_AXIS_PEAK_MEMORY = 2, /* peak RSS over the phases */
    ZKB_REPORT_AXIS_PROOF_SIZE = 3,  /* proof_size metric */
    ZKB_REPORT_AXIS_VERIFY_TIME = 4  /* verify phase wall time */
} zkb_report_axis;
#define ZKB_REPORT_AXIS_COUNT 5

/* Log-log slopes of a series (values are part of the ABI). */
typedef enum zkb_report_scaling {
    ZKB_REPORT_TIME_VS_PARAMS = 0,    /* prove wall time against parameter count */
    ZKB_REPORT_MEMORY_VS_PARAMS = 1,  /* peak RSS against parameter count */
    ZKB_REPORT_TIME_VS_CIRCUIT = 2,   /* prove wall time against circuit size */
    ZKB_REPORT_MEMORY_VS_CIRCUIT = 3  /* peak RSS against circuit size */
} zkb_report_scaling;
#define ZKB_REPORT_SCALING_COUNT 4

ZKB_API zkb_status zkb_report_new(zkb_report **out);
ZKB_API void zkb_report_free(zkb_report *r);
ZKB_API const char *zkb_report_last_error(const zkb_report *r);

/* Read records from a results.jsonl file, or from DIR/results.jsonl when
 * path is a directory. Lines that are not records (truncated, malformed,
 * unknown schema version) are skipped and listed by zkb_report_skipped_*;
 * they do not fail the call. For a cell_id seen more than once (in any of
 * the inputs) the last record wins. ZKB_ERR_NOT_FOUND / ZKB_ERR_IO when the
 * file cannot be read. */
ZKB_API zkb_status zkb_report_add_path(zkb_report *r, const char *path);
/* The same from memory; name is used in skipped-line messages. */
ZKB_API zkb_status zkb_report_add_text(zkb_report *r, const char *name, const char *text,
                                       size_t len);

/* Records kept (after removing duplicate cell ids). */
ZKB_API size_t zkb_report_record_count(const zkb_report *r);
/* Skipped lines: "file:line: reason"; NULL when out of range. */
ZKB_API size_t zkb_report_skipped_count(const zkb_report *r);
ZKB_API const char *zkb_report_skipped(const zkb_report *r, size_t i);

/* Models (by fingerprint), in name order. params < 0 when unknown. */
ZKB_API size_t zkb_report_model_count(const zkb_report *r);
ZKB_API const char *zkb_report_model_name(const zkb_report *r, size_t m);
ZKB_API double zkb_report_model_params(const zkb_report *r, size_t m);

/* Entries: one per model x backend x variant (options, except a
 * proof_system equal to the backend's own, and non-default quantization),
 * ordered by model, then baselines first, then label. */
ZKB_API size_t zkb_report_entry_count(const zkb_report *r);
/* Index of the entry's model; (size_t)-1 when out of range. */
ZKB_API size_t zkb_report_entry_model(const zkb_report *r, size_t e);
/* Text fields: "backend", "variant" ("" for defaults), "label" (what charts
 * show, e.g. "circom/plonk"), "proof_system", "status" (ok, failed, mismatch,
 * timeout, killed, crashed, unavailable), "reason" ("" when ok),
 * "circuit_metric" (constraints, plonk_gates, rows; "" when none),
 * "accuracy_kind" (labelled, class_differs; "" when none). NULL for an
 * unknown field or index. */
ZKB_API const char *zkb_report_entry_field(const zkb_report *r, size_t e, const char *field);
/* Non-zero when the backend is a baseline (no proof). */
ZKB_API int zkb_report_entry_baseline(const zkb_report *r, size_t e);
/* Records behind the entry; ok_cells (may be NULL) receives those with
 * status ok. The numbers of an entry come from its ok records only. */
ZKB_API size_t zkb_report_entry_cells(const zkb_report *r, size_t e, size_t *ok_cells);
/* Median, min and max (any pointer may be NULL) of a figure:
 *   "<phase>.wall_s", "<phase>.cpu_s", "<phase>.peak_rss_bytes" for the
 *   phases load, quantize, setup, witness, prove, verify; "peak_rss_bytes"
 *   (largest over the phases), "proof_size_bytes", "circuit_size",
 *   "accuracy_loss" (points), "params".
 * ZKB_ERR_NOT_FOUND when the entry has no such figure; a failed entry has
 * none but "params", a property of its model (failures are never numbers). */
ZKB_API zkb_status zkb_report_entry_value(const zkb_report *r, size_t e, const char *figure,
                                          double *median, double *min, double *max);
/* Normalized score in [0, 1], 1 = best among the model's entries on that
 * axis (docs/report.md). ZKB_ERR_NOT_FOUND for a failed or baseline entry
 * or a missing value. */
ZKB_API zkb_status zkb_report_entry_score(const zkb_report *r, size_t e, uint32_t axis,
                                          double *score);
/* Static name of an axis ("accuracy", "prove_time", ...); NULL if unknown. */
ZKB_API const char *zkb_report_axis_name(uint32_t axis);

/* Series: one per label (backend x variant) across models. */
ZKB_API size_t zkb_report_series_count(const zkb_report *r);
ZKB_API const char *zkb_report_series_label(const zkb_report *r, size_t s);
/* Least-squares slope of log10(y) against log10(x) over the series' ok
 * entries (one point per model). r2 and points may be NULL.
 * ZKB_ERR_NOT_FOUND with fewer than two distinct x values (points still
 * receives the count). */
ZKB_API zkb_status zkb_report_series_slope(const zkb_report *r, size_t s, uint32_t kind,
                                           double *slope, double *r2, size_t *points);

/* Writers. Charts go to <dir>/charts/ (SVG files); report.md links them there. */
ZKB_API zkb_status zkb_report_write_markdown(zkb_report *r, const char *path);
ZKB_API zkb_status zkb_report_write_csv(zkb_report *r, const char *path);
ZKB_API zkb_status zkb_report_write_json(zkb_report *r, const char *path);
ZKB_API zkb_status zkb_report_write_charts(zkb_report *r, const char *dir);
/* All of the above into out_dir (created if missing): report.md,
 * results.csv, summary.json, charts/. */
ZKB_API zkb_status zkb_report_write(zkb_report *r, const char *out_dir);
/* Files written by the writers since the report was created, in order. */
ZKB_API size_t zkb_report_file_count(const zkb_report *r);
ZKB_API const char *zkb_report_file(const zkb_report *r, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* ZKB_REPORT_H */
