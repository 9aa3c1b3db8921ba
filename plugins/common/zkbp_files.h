/* Small file helpers shared by the plugins that drive external tools
 * (circom, noir): compiled into each plugin, hidden like every plugin symbol
 * but the entry point. */
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
char *zkbp_read_file(const zkb_host_api *host, const char *p, size_t max, size_t *len);
int zkbp_write_text(const char *p, const char *text);
int zkbp_copy_file(const char *from, const char *to);
/* The "version" of a package.json into out; dflt when it is missing. */
void zkbp_package_version(const zkb_host_api *host, const char *pkg_json, const char *dflt,
                          char *out, size_t cap);
uint64_t zkbp_fnv(uint64_t h, const void *p, size_t n); /* FNV-1a 64 step */
/* The quantized weights, then biases, of every layer that has them (the
 * order the circuits commit to under weights=hashed), one decimal integer
 * per line; 0 or -1. */
int zkbp_write_weights(const zkb_qmodel_desc *qm, const char *path);

#endif
