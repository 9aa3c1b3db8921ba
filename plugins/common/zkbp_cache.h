/* A cache of built artifacts (compiled circuits, keys) named by content:
 * an entry is built once, in a temporary directory that is renamed into
 * place when complete, so concurrent cells never see half an entry. */
#ifndef ZKBP_CACHE_H
#define ZKBP_CACHE_H

#include <stddef.h>

/* "<cache>/<kind>/<32 hex digits>": the entry named by the text of the
 * file src plus extra (whatever else shapes the artifacts: tool versions,
 * options, the setup's randomness). 0, or -1 when src cannot be read or the
 * name does not fit. */
int zkbp_cache_entry(const char *cache, const char *kind, const char *src, const char *extra, char *out,
                     size_t cap);

/* Whether the entry dir is complete. */
int zkbp_cache_done(const char *dir);

/* Creates "<dir>.tmp<pid>" in tmp, where this process builds the entry; 0
 * or -1. */
int zkbp_cache_start(const char *dir, char *tmp, size_t cap);

/* Marks the build in tmp complete and renames it to dir. Returns 0 when dir
 * now holds a complete entry (this one, or an identical one a concurrent
 * cell finished first), 1 when the artifacts stay in tmp, -1 when the mark
 * cannot be written. */
int zkbp_cache_finish(const char *tmp, const char *dir);

#endif
