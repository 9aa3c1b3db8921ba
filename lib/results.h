/* Internal: results.jsonl, one JSON record per finished cell and line. */
#ifndef ZKBI_RESULTS_H
#define ZKBI_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlbench/zkb_common.h"

/* Longest line the reader accepts; longer ones are skipped with a warning. */
#define ZKBI_RESULTS_LINE_MAX (64u << 20)

/* Appends line (no newline inside) plus '\n' with one write() on an O_APPEND
 * descriptor, then fsync. If the file does not end with a newline (a writer
 * was killed), a newline is written first so the record starts a line. */
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
