/* Internal to the library: the core layer (lib/core/), which every other
 * folder of lib/ may use and which uses none of them: the context, error
 * text, files and directories, signals, process trees, clocks and memory of
 * the current process, a parallel for, summary statistics. See docs/architecture.md. */
#ifndef ZKBI_CORE_INT_H
#define ZKBI_CORE_INT_H

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zkmlbench/zkb_common.h"
#include "zkmlbench/zkb_plugin.h"
#include "zkmlbench/zkmlbench.h"

/* ---- error text (error.c) --------------------------------------------------- */

#define ZKBI_ERR_LEN 1024

/* snprintf into buf (always NUL-terminated, truncated if needed). */
void zkbi_errf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A printable, bounded copy of a string taken from the input, for error
 * messages: bytes outside 0x20..0x7e become '?', and a string too long for
 * buf ends in "...". Returns buf. */
const char *zkbi_printable(const char *s, char *buf, size_t n);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when p does not start
 * one (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t zkbi_utf8_len(const unsigned char *p);

/* True when d is finite and rounds to a finite float32: values up to the
 * midpoint between FLT_MAX and 2^128 round down to FLT_MAX, so the shortest
 * decimal form of FLT_MAX (3.4028235e38) is accepted. */
static inline int zkbi_fits_float32(double d)
{
    return isfinite(d) && fabs(d) < ldexp(2.0 - ldexp(1.0, -24), 127);
}

/* ---- the context (ctx.c) ------------------------------------------------------ */

struct zkb_ctx {
    char err[ZKBI_ERR_LEN];
    char *cache_dir;
    char *data_dir;
    char *plugin_dir;
    char *toolchain_dir;
    uint32_t log_level;
    zkb_log_fn log_fn;
    void *log_user;
    /* The plugin layer's registry (lib/plugin/loader.c), released by
     * release_plugins, which that layer sets when it first adds to it. */
    zkb_backend_ref **backends;
    size_t n_backends;
    struct zkbi_rejected *rejected;
    size_t n_rejected;
    void (*release_plugins)(zkb_ctx *ctx);
};

/* Set the context's last error (printf-style) and return status. */
zkb_status zkbi_ctx_fail(zkb_ctx *ctx, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void zkbi_ctx_log(const zkb_ctx *ctx, uint32_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* In a forked child that runs plugin code: the settings plugins read from
 * the environment ($ZKB_TOOLCHAIN_DIR), so a host's zkb_ctx_set reaches them. */
void zkbi_ctx_export_env(const zkb_ctx *ctx);

/* ---- input files (read_file.c) ------------------------------------------------- */

/* Every input file (model, dataset, results) is a regular file: a FIFO would
 * block its reader, a device or a directory is never meant. */

/* What a file of this st_mode is, for messages: "a directory", "a FIFO
 * (named pipe)", "a character device", "a block device", "a socket", ... */
const char *zkbi_file_kind(unsigned mode);
/* stat()s path: ZKB_OK for a regular file (size through *size, may be NULL);
 * ZKB_ERR_NOT_FOUND when it does not exist, else ZKB_ERR_IO, with "path:
 * reason" in err ("path: is a FIFO (named pipe), not a regular file"). */
zkb_status zkbi_stat_regular(const char *path, uint64_t *size, char *err, size_t n);
/* Opens path for reading (close-on-exec) when it is a regular file, never
 * blocking on a FIFO: its fd (size through *size, may be NULL), or -1 with
 * *st ZKB_ERR_NOT_FOUND (it does not exist: "path: cannot open: No such file
 * or directory") or ZKB_ERR_IO (not a regular file, as above, or cannot be
 * opened) and the message in err. */
int zkbi_open_input(const char *path, uint64_t *size, zkb_status *st, char *err, size_t errlen);
/* Reads a whole input file (zkbi_open_input) of at most max bytes,
 * NUL-terminated (the NUL is not counted in *len); *buf is malloc'ed. Errors
 * name the file: ZKB_ERR_NOT_FOUND, ZKB_ERR_IO (not a regular file, "the
 * file changed while being read"), ZKB_ERR_OVERFLOW ("file too large"),
 * ZKB_ERR_NOMEM. */
zkb_status zkbi_read_file(const char *path, uint64_t max, char **buf, size_t *len, char *err,
                          size_t errlen);

/* ---- files and directories (fs.c, remove_tree.c) --------------------------------------------- */

/* Replaces every byte outside [A-Za-z0-9._-] by '_' (and a leading '.'),
 * truncating to cap-1 bytes; "_" for an empty name. */
void zkbi_sanitize_name(const char *in, char *out, size_t cap);
/* mkdir -p with mode 0700 for new directories. 0 or -1 (errno set). */
int zkbi_mkdirs(const char *path);
/* rm -rf without following symlinks, at any depth (also past PATH_MAX;
 * remove_tree.c). 0 when path is gone, or -1 with errno of a failure (what
 * could not be removed is left, the rest is removed). */
int zkbi_remove_tree(const char *path);
/* The last bytes of a file (at most cap-1), starting at a character
 * boundary, other control characters than newline and tab replaced by '?'.
 * "" if the file is missing or empty. */
void zkbi_file_tail(const char *path, char *out, size_t cap);
/* fsync the directory holding path, so that a file created or renamed in it
 * survives a crash; errors are ignored (best effort). */
void zkbi_fsync_parent_dir(const char *path);
/* write() all n bytes (EINTR retried); 0, or -1. */
int zkbi_write_all(int fd, const void *buf, size_t n);
/* Creates or truncates path (mode 0644 less the umask) and writes buf[0..n)
 * to it. 0, or -1 (errno set). */
int zkbi_write_file(const char *path, const void *buf, size_t n);
/* Reads a small file (e.g. under /proc) whole, NUL-terminated; its length
 * or -1. */
ssize_t zkbi_read_small(const char *path, char *buf, size_t cap);

/* The directory of the file holding the library's code (dladdr): the
 * shared library, or the program the static library is linked into
 * (*is_shared_lib tells which; may be NULL). 0, or -1 when unknown. */
int zkbi_self_dir(char *out, size_t cap, int *is_shared_lib);
/* The installed plugins beside the library (what a context's plugin_dir
 * starts as; ctx.c); "." when the library cannot find itself. Caller frees;
 * NULL when out of memory. */
char *zkbi_default_plugin_dir(void);

/* ---- sizes in bytes (bytes.c) ------------------------------------------------------ */

/* "512M", "20G", "1.5GiB", "4096", "0": K/M/G/T are powers of 1024, an "i"
 * and a "B" may follow. 0, or -1 for anything else (negative, junk). */
int zkbi_parse_bytes(const char *v, uint64_t *out);
/* "256 MiB", "20 GiB", "1000 B". */
void zkbi_format_bytes(uint64_t v, char *out, size_t cap);

/* ---- signals (signals.c) -------------------------------------------------------- */

/* In a forked child: every signal back to its default action, none blocked,
 * so a fault kills the child even where the host (cmocka, Python, a
 * sanitizer) installed handlers. Async-signal-safe. */
void zkbi_reset_signals(void);

/* ---- a child's process tree (process_tree.c) -------------------------------------- */

/* root, its descendants (root should be a child subreaper, so orphans stay in
 * its tree), and for kill also every process in root's session or process
 * group. Sum of their RSS; *nproc (may be NULL) gets their count. Shared
 * pages count once per process: an upper bound. */
uint64_t zkbi_process_tree_rss(pid_t root, unsigned *nproc);
/* SIGKILL all of them. Returns how many were signalled. */
unsigned zkbi_process_tree_kill(pid_t root);
/* The same for root's descendants only, root left alive (they are all in its
 * tree when root is a child subreaper; without the kernel's children files,
 * the members of its session and group). For a root that cleans up after
 * them (the cell's keeper, lib/run/cell_keeper.c). */
uint64_t zkbi_process_tree_rss_below(pid_t root, unsigned *nproc);
unsigned zkbi_process_tree_kill_below(pid_t root);

/* ---- clocks, CPU time and peak memory of this process (measure.c) ------------ */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t zkbi_now_ns(void);
/* User + system seconds of this process (all threads). */
double zkbi_cpu_self_s(void);
/* User + system seconds of the waited-for descendants of this process. */
double zkbi_cpu_children_s(void);
/* The same in microseconds, as the kernel counts them. */
uint64_t zkbi_cpu_self_us(void);
uint64_t zkbi_cpu_children_us(void);

/* Resets this process's VmHWM to its current RSS (/proc/self/clear_refs,
 * "5"). 0 on success, -1 when the kernel does not allow it. */
int zkbi_hwm_reset(void);
/* VmHWM / VmRSS of this process in bytes, 0 if unknown. */
uint64_t zkbi_hwm_bytes(void);
uint64_t zkbi_rss_bytes(void);

/* A measured span of work (one phase of a cell). Usage: begin, the work
 * (children started through the host spawn service report to add_child),
 * end. */
typedef struct zkbi_span {
    uint64_t t0_ns;
    uint64_t cpu0_self_us;
    uint64_t cpu0_children_us;
    int hwm_reset_ok;
    _Atomic uint64_t child_peak; /* max ru_maxrss of children waited during the span */
    _Atomic uint32_t n_children;
} zkbi_span;

typedef struct zkbi_measure {
    double wall_s;
    double cpu_s;               /* self + waited-for children */
    uint64_t peak_rss_self;     /* VmHWM at the end (reset at begin) */
    uint64_t peak_rss_children; /* largest child's peak */
    uint64_t peak_rss;          /* self + largest child: an upper bound */
    uint32_t n_children;
    int hwm_reset_ok;           /* 0: peak_rss_self is the process's lifetime peak */
} zkbi_measure;

void zkbi_span_begin(zkbi_span *p);
void zkbi_span_add_child(zkbi_span *p, uint64_t peak_rss_bytes);
void zkbi_span_end(zkbi_span *p, zkbi_measure *m);

/* ---- a parallel for (parallel.c) ---------------------------------------------- */

/* Thread count for `requested` (0: online cores), at most `work` and 64,
 * at least 1. */
uint32_t zkbi_thread_count(uint32_t requested, size_t work);

/* Run fn(arg, block) for block = 0..n_blocks-1 on `threads` threads (blocks
 * are handed out in order through an atomic counter; fn must only write
 * state owned by its block or by its thread, tid = 0..threads-1). Falls back
 * to the calling thread when threads are unavailable. Returns 0, or -1 when
 * no thread could be started and the calling thread did all the work (not an
 * error). */
typedef void (*zkbi_block_fn)(void *arg, size_t block, uint32_t tid);
int zkbi_parallel_for(size_t n_blocks, uint32_t threads, zkbi_block_fn fn, void *arg);

/* ---- summary statistics of repeated measurements (stats.c) ------------------- */

typedef struct zkbi_stats {
    size_t n;
    double median; /* mean of the two middle values when n is even */
    double mean;
    double stddev; /* sample standard deviation (n - 1); 0 when n < 2 */
    double min;
    double max;
} zkbi_stats;

/* Statistics of v[0..n); all zero when n == 0. v is not modified. Returns 0,
 * or -1 when out of memory (then only n, mean, stddev, min, max are set). */
int zkbi_stats_compute(const double *v, size_t n, zkbi_stats *out);

/* ---- a results.jsonl record line (result_check.c) ----------------------------- */

struct cJSON;

/* The one definition of a valid results.jsonl line, shared by every reader
 * (zkb_results_merge, the report; docs/results-format.md, "What a reader
 * accepts"): valid UTF-8 without NUL bytes, exactly one JSON object with
 * nothing after it but white space, no member name twice in an object,
 * schema "zkmlbench-result" of a known schema_version, a known status, a
 * 32-hex-digit cell_id, every required member present and every member the
 * format defines of its type, and every measured figure (times, bytes,
 * counts, sizes) finite and not negative. line[0..len) holds no line break
 * but may end in white space; unterminated says the line was the file's
 * last and had no newline (a failed parse is then "truncated last line").
 * 0 when valid: *rec (when rec is not NULL) is the parsed object, which the
 * caller frees with cJSON_Delete. -1 when not: why holds the reason (one
 * line, no file or line number). */
int zkbi_result_check(const char *line, size_t len, int unterminated, struct cJSON **rec, char *why,
                      size_t why_len);

#endif
