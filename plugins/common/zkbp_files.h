/* Files and directories: small file helpers, the host's scratch and cache
 * directories as absolute paths, and naming a cache entry by content. */
#ifndef ZKBP_FILES_H
#define ZKBP_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlbench/zkb_plugin.h"

#define ZKBP_PATH 4096

int zkbp_file_exists(const char *p);
long long zkbp_file_size(const char *p); /* -1 when it cannot be stat'ed */
int zkbp_mkdirs(const char *p);          /* mkdir -p; 0 or -1 */
/* The whole file (at most max bytes), host->alloc'd and NUL-terminated; NULL
 * on any failure. */
char *zkbp_read_file(const char *p, size_t max, size_t *len);
int zkbp_write_text(const char *p, const char *text);
int zkbp_copy_file(const char *from, const char *to);
/* The "version" of a package.json into out; dflt when it is missing. */
void zkbp_package_version(const char *pkg_json, const char *dflt, char *out, size_t cap);
uint64_t zkbp_fnv(uint64_t h, const void *p, size_t n); /* FNV-1a 64 step */

/* The host's scratch or cache directory as an absolute path in buf, or NULL:
 * the host may hand out relative ones, which a child running in another
 * directory cannot use. */
const char *zkbp_scratch_dir(zkb_host_ctx *h, char *buf, size_t cap);
const char *zkbp_cache_dir(zkb_host_ctx *h, char *buf, size_t cap);

/* "<cache>/<kind>/<32 hex digits>": the cache entry named by the text of the
 * file src plus extra (whatever else shapes the artifacts: tool versions,
 * options, the setup's randomness). 0, or -1 when src cannot be read or the
 * name does not fit. */
int zkbp_cache_entry(const char *cache, const char *kind, const char *src, const char *extra, char *out,
                     size_t cap);

#endif
