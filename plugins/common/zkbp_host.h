/* The host services table and the backend, as every helper of the plugin
 * support library (plugins/common) sees them. A plugin calls zkbp_init from
 * its zkb_plugin_init; from then on zkbp_host is the host's table (like
 * SQLITE_EXTENSION_INIT2 in SQLite extensions). The library is linked
 * statically into each plugin with hidden symbols, so every plugin has its
 * own copy of these two pointers. */
#ifndef ZKBP_HOST_H
#define ZKBP_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlbench/zkb_plugin.h"

extern const zkb_host_api *zkbp_host;
extern const zkb_backend *zkbp_backend;

/* The body of a plugin's zkb_plugin_init: checks the host's ABI (major, and a
 * table at least as large as ABI 1.0's), remembers host and backend, and hands
 * the backend out. */
zkb_status zkbp_init(const zkb_host_api *host, uint32_t host_abi_major, const zkb_backend *backend,
                     const zkb_backend **out);

/* Whether the host's table has member m (a later ABI minor's service). */
#define ZKBP_HOST_HAS(m) \
    (zkbp_host->struct_size >= offsetof(zkb_host_api, m) + sizeof zkbp_host->m && zkbp_host->m)

/* zkb_backend.evm_proof's answer: copies p's members into out, as many as
 * the host's struct holds (out->struct_size, set by the host; members are
 * only ever appended). */
void zkbp_evm_proof_give(zkb_evm_proof *out, const zkb_evm_proof *p);

/* zkb_backend.op_support of a backend that runs every operator natively. */
uint32_t zkbp_supports_every_op(uint32_t op);

#endif
