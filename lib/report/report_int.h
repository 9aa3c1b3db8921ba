/* Internal: the report's data (records, models, entries, series) shared by
 * the lib/report sources. See include/zkmlbench/zkb_report.h and docs/report.md. */
#ifndef ZKBR_REPORT_INT_H
#define ZKBR_REPORT_INT_H

#include "core/core_int.h"
#include "zkmlbench/zkb_report.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- growable text buffer (buf.c) ---------------------------------------- */

typedef struct zkbr_buf {
    char *p;
    size_t len, cap;
    int oom; /* an append failed: the text is incomplete */
} zkbr_buf;

void zkbr_buf_printf(zkbr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zkbr_buf_vprintf(zkbr_buf *b, const char *fmt, va_list ap);
void zkbr_buf_put(zkbr_buf *b, const char *s, size_t n);
void zkbr_buf_puts(zkbr_buf *b, const char *s);
void zkbr_buf_free(zkbr_buf *b);
/* Writes b to path (whole file; truncates). 0, or -1 with errno. */
int zkbr_buf_save(const zkbr_buf *b, const char *path);

/* strdup of s (NULL -> ""); NULL only when out of memory. */
char *zkbr_strdup(const char *s);

/* ---- statistics ------------------------------------------------------------ */

typedef struct zkbr_stat {
    int have;
    double med, min, max;
} zkbr_stat;

enum { ZKBR_LOAD, ZKBR_QUANTIZE, ZKBR_SETUP, ZKBR_WITNESS, ZKBR_PROVE, ZKBR_VERIFY, ZKBR_N_PHASES };
extern const char *const zkbr_phase_names[ZKBR_N_PHASES];

enum { ZKBR_ACC_NONE = 0, ZKBR_ACC_LABELLED = 1, ZKBR_ACC_DIFFERS = 2 };

/* The EVM step's figures (docs/evm.md), by the metric behind each; each is
 * also a zkb_report_entry_value figure of that name. */
enum { ZKBR_EVM_VERIFY_GAS, ZKBR_EVM_DEPLOY_GAS, ZKBR_EVM_RUNTIME_BYTES, ZKBR_EVM_CALLDATA_BYTES,
       ZKBR_EVM_PUBLIC_INPUTS, ZKBR_EVM_EXCEEDS_EIP170, ZKBR_EVM_EXCEEDS_EIP3860, ZKBR_EVM_DEPLOY_EXCEEDS_TX_CAP,
       ZKBR_EVM_VERIFY_EXCEEDS_TX_CAP, ZKBR_N_EVM };
extern const char *const zkbr_evm_keys[ZKBR_N_EVM];
#define ZKBR_EIP170_LIMIT 24576

/* ---- one parsed record (read.c) --------------------------------------------- */

typedef struct zkbr_metric {
    char *key, *unit;
    double value, min, max;
} zkbr_metric;

typedef struct zkbr_rec {
    char *file;      /* input name */
    size_t line;     /* 1-based */
    size_t seq;      /* order of reading: the last record of a cell id wins */
    char *cell_id, *status, *reason;
    int error_code;  /* 0 when absent */
    char *backend, *backend_version, *proof_system;
    int baseline;
    char *variant;   /* canonical options (+ quantization when not the default) */
    char *psys;      /* effective proof system: option proof_system, else the backend's */
    char *label;     /* backend[/proof system][ option=value...] */
    char *model, *fingerprint, *model_path;
    double params;   /* < 0 when unknown */
    double samples, repeats;
    char *dataset;
    double n_phase[ZKBR_N_PHASES];
    zkbr_stat wall[ZKBR_N_PHASES], cpu[ZKBR_N_PHASES], rss[ZKBR_N_PHASES];
    zkbr_metric *metrics;
    size_t n_metrics;
    int acc_kind;
    double acc_loss; /* points: labelled accuracy loss, else % of samples whose class differs */
    double acc_differs_pct, float_acc, zk_acc; /* < 0 when absent */
    char *framework_version, *library_version, *machine;
    char *started_at, *finished_at;
    char *quant;     /* "pow2/8/half_up" */
} zkbr_rec;

/* Parse one line into rec (zeroed first): a line zkbi_result_check refuses
 * is not a record. unterminated: the file's last line, without a newline.
 * 0, or -1 with a reason in why (why_len bytes; "out of memory" when so);
 * then rec holds nothing to free. */
int zkbr_rec_parse(const char *line, size_t len, int unterminated, zkbr_rec *rec, char *why,
                   size_t why_len);
void zkbr_rec_free(zkbr_rec *rec);
/* Display status: "mismatch" for failed with error code 13, else status. */
const char *zkbr_rec_status(const zkbr_rec *rec);
const zkbr_metric *zkbr_rec_metric(const zkbr_rec *rec, const char *key);
/* Circuit size of a record: constraints, plonk_gates, or 2^logrows as rows.
 * Sets *name to the metric's name. 0 when found. */
int zkbr_rec_circuit(const zkbr_rec *rec, zkbr_stat *out, const char **name);
/* Largest peak RSS over the phases (median, min, max taken per series). */
zkbr_stat zkbr_rec_peak(const zkbr_rec *rec);

/* ---- aggregated data (group.c, score.c, slope.c) ------------------------------ */

typedef struct zkbr_model {
    char *name;        /* display name (unique) */
    char *radar_file;  /* its radar chart's file name (unique, zkbr_radar_names) */
    char *fingerprint;
    double params;
    char *dataset;
} zkbr_model;

typedef struct zkbr_entry {
    size_t model;
    char *backend, *variant, *label, *proof_system;
    int baseline;
    size_t *recs;      /* indices into report->recs, in reading order */
    size_t n_recs, n_ok;
    const char *status;        /* "ok" when any record is ok, else the last record's */
    const char *reason;        /* "" when ok; else the last record's reason */
    const char *other_failure; /* ok entry: the last failed record's reason, or NULL */
    zkbr_stat wall[ZKBR_N_PHASES], cpu[ZKBR_N_PHASES], rss[ZKBR_N_PHASES];
    zkbr_stat peak, proof_size, circuit, acc;
    zkbr_stat evm[ZKBR_N_EVM]; /* have = 0 where the EVM step did not run */
    const char *circuit_metric; /* "" when none */
    int acc_kind;
    double samples;            /* proved samples over the ok records */
    int has_score[ZKB_REPORT_AXIS_COUNT];
    double score[ZKB_REPORT_AXIS_COUNT];
    size_t series;
} zkbr_entry;

typedef struct zkbr_slope {
    int ok;          /* at least two distinct x */
    size_t n;        /* points */
    double slope, intercept, r2;
} zkbr_slope;

typedef struct zkbr_series {
    char *label, *backend;
    int baseline;
    size_t color;
    zkbr_slope slope[ZKB_REPORT_SCALING_COUNT];
    const char *circuit_metric;
} zkbr_series;

struct zkb_report {
    char err[1024];
    zkbr_rec *recs;
    size_t n_recs, cap_recs;
    size_t *kept;      /* records kept (last of each cell id), in reading order */
    size_t n_kept;
    char **skipped;
    size_t n_skipped, cap_skipped;
    char **inputs;
    size_t n_inputs;
    zkbr_model *models;
    size_t n_models;
    zkbr_entry *entries;
    size_t n_entries;
    zkbr_series *series;
    size_t n_series;
    char **files;
    size_t n_files;
    char *machines;    /* distinct machine descriptions, "; "-joined */
    char *versions;    /* library and backend versions, "; "-joined */
};

void zkbr_seterr(zkb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Rebuild models, entries, scores and series from the records. */
zkb_status zkbr_aggregate(zkb_report *r);
void zkbr_aggregate_free(zkb_report *r);
void zkbr_scores(zkb_report *r);
/* Least squares of log10 y on log10 x over points with x > 0 and y > 0. */
zkbr_slope zkbr_loglog_fit(const double *x, const double *y, size_t n);
void zkbr_slopes(zkb_report *r);
/* The figure of an entry for a scaling kind: x and y, 0 when both exist. */
int zkbr_scaling_xy(const zkb_report *r, const zkbr_entry *e, uint32_t kind, double *x, double *y);
/* Median of v[0..n) (sorted copy); 0 when n == 0. */
double zkbr_median(const double *v, size_t n);
int zkbr_record_file(zkb_report *r, const char *path);
/* Save b to path and list it among the written files; error text in r. */
zkb_status zkbr_save(zkb_report *r, zkbr_buf *b, const char *path);

/* ---- formatting (fmt.c) ------------------------------------------------------- */

/* Human-readable value with unit: seconds (ns..s, min), bytes (B..GiB), counts. */
enum { ZKBR_UNIT_S, ZKBR_UNIT_BYTES, ZKBR_UNIT_COUNT, ZKBR_UNIT_POINTS, ZKBR_UNIT_GAS };
void zkbr_fmt(double v, int unit, char *out, size_t cap);
/* Machine description line of a record's machine object. */

/* ---- SVG (svg.c) ----------------------------------------------------------------- */

/* Appends s with &, <, >, ", ' escaped; control characters dropped (tab and
 * newline become spaces), invalid UTF-8 bytes become '?'. */
void zkbr_xml_escape(zkbr_buf *b, const char *s);
/* Rough width in px of s at font size px (sans-serif). */
double zkbr_text_width(const char *s, double px);
/* Splits s into lines no wider than width px; returns the count, lines in
 * out (each malloc'd; caller frees with zkbr_lines_free). */
size_t zkbr_wrap(const char *s, double px, double width, char ***out);
void zkbr_lines_free(char **lines, size_t n);
/* Copy of s shortened with "..." to fit width px. Caller frees. */
char *zkbr_fit(const char *s, double px, double width);

void zkbr_svg_begin(zkbr_buf *b, double w, double h, const char *title);
void zkbr_svg_end(zkbr_buf *b);
/* anchor: "start", "middle", "end"; extra: additional attributes or NULL. */
void zkbr_svg_text(zkbr_buf *b, double x, double y, double px, const char *anchor,
                   const char *fill, const char *extra, const char *text);
void zkbr_svg_line(zkbr_buf *b, double x1, double y1, double x2, double y2, const char *stroke,
                   double width, const char *extra);
/* Caption: machine and versions, wrapped, starting at y; returns the height used. */
double zkbr_svg_caption(zkbr_buf *b, const zkb_report *r, double x, double y, double width, int draw);
const char *zkbr_color(size_t i);

/* Axis ticks. Log: decades (and 2, 5 when few), bytes: powers of two;
 * linear: 1-2-5 steps (bytes: in KiB, MiB, ... steps). */
typedef struct zkbr_axis {
    int log;
    double lo, hi;       /* data range shown (log: powers of ten) */
    double ticks[32];
    size_t n_ticks;
} zkbr_axis;
void zkbr_axis_make(zkbr_axis *a, double lo, double hi, int log, int unit);
/* Position in [0, 1] of v on the axis (clamped). */
double zkbr_axis_pos(const zkbr_axis *a, double v);

/* ---- charts (chart_*.c); each returns 0 or -1 when out of memory ---------------- */

/* Chart file names (without directory) are deterministic and unique per
 * model (docs/report.md): zkbr_radar_names sets them when the models are
 * built (0, or -1 when out of memory); zkbr_chart_radar_name copies one. */
int zkbr_radar_names(zkb_report *r);
void zkbr_chart_radar_name(const zkb_report *r, size_t model, char *out, size_t cap);
int zkbr_chart_radar(const zkb_report *r, size_t model, zkbr_buf *b);
/* 0 when the model has an entry that can be scored (a radar is drawn). */
int zkbr_radar_drawable(const zkb_report *r, size_t model);

typedef struct zkbr_bar_metric {
    const char *name;     /* file suffix: bar_<name>.svg */
    const char *figure;   /* zkb_report_entry_value figure */
    const char *title;
    const char *axis;     /* axis label without unit */
    int unit;
    int skip_baseline;    /* baseline entries are left out (no proof) */
    int skip_absent;      /* entries without the figure (failed ones too) are left out */
    double limit;         /* > 0: a dashed line there, labelled limit_label */
    const char *limit_label;
} zkbr_bar_metric;
extern const zkbr_bar_metric zkbr_bar_metrics[];
extern const size_t zkbr_n_bar_metrics;
/* 0 when some entry has the figure or the metric's failures to show. */
int zkbr_bar_drawable(const zkb_report *r, const zkbr_bar_metric *m);
int zkbr_chart_bar(const zkb_report *r, const zkbr_bar_metric *m, zkbr_buf *b);

extern const char *const zkbr_scaling_names[ZKB_REPORT_SCALING_COUNT];
int zkbr_scaling_drawable(const zkb_report *r, uint32_t kind);
int zkbr_chart_scaling(const zkb_report *r, uint32_t kind, zkbr_buf *b);

/* Safe file-name part from a model name. */
void zkbr_slug(const char *s, char *out, size_t cap);

#endif
