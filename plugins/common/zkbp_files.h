/* Files and directories: small file helpers, and the host's scratch and
 * cache directories as absolute paths. */
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

/* Both at once, as the setup phase of a backend that builds artifacts wants
 * them: ZKB_ERR_IO "no cache or scratch directory" unless both resolve.
 * cache and scratch hold ZKBP_PATH bytes. */
zkb_status zkbp_work_dirs(zkb_host_ctx *h, char *cache, char *scratch);

#endif
