/* A cache of built artifacts (compiled circuits, keys) named by content:
 * an entry is built once, in a temporary directory that is renamed into
 * place when complete, so concurrent cells never see half an entry. */
#ifndef ZKBP_CACHE_H
#define ZKBP_CACHE_H

#include <stddef.h>

#include "zkmlbench/zkb_plugin.h"

typedef struct zkbp_cache_job {
    const char *kind;     /* the entries' folder under the cache: "circuits" */
    const char *src;      /* the file whose text names the entry (the generated source) */
    const char *extra;    /* whatever else shapes the artifacts: tool versions, options */
    const char *info_key; /* the info that records the entry's path: "circuit_cache" */
    /* Points the session at the artifacts in dir. */
    void (*use)(void *user, const char *dir);
    /* Builds the artifacts in the empty directory dir (already in use), and
     * says in facts what it measured ("key value" lines, e.g. a gate count)
     * that a later cell must learn from the cache. */
    zkb_status (*build)(void *user, const char *dir, char *facts, size_t cap);
    void *user;
} zkbp_cache_job;

/* The entry <cache>/<kind>/<32 hex digits of src and extra>: used when it is
 * complete (info setup_cache "hit"), else built in <entry>.tmp<pid>, marked
 * complete and renamed into place ("miss"); when a concurrent cell renamed
 * an identical one first, that one is used. A failed build leaves its .tmp
 * directory for inspection. facts gets the build's facts (kept as the
 * entry's meta.txt; "" when a cached entry has none). */
zkb_status zkbp_cache_build(zkb_host_ctx *h, const char *cache, const zkbp_cache_job *job, char *facts,
                            size_t cap);

#endif
