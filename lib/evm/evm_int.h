/* Internal to the library: the EVM step (lib/evm/, docs/evm.md). A backend
 * hands over a proof's Solidity verifier and calldata (zkb_evm_proof, plugin
 * ABI 1.5); this layer finds the pinned toolchain (evm_tools.c), runs
 * script/evm_measure.mjs on them through the host's spawn service, so the
 * current phase measures it (evm_step.c), and reads what it found
 * (evm_result.c). */
#ifndef ZKBI_EVM_INT_H
#define ZKBI_EVM_INT_H

#include "core/core_int.h"
#include "plugin/plugin_int.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* The hardfork the EVM step runs at and compiles for, and solc's default
 * optimizer runs. */
#define ZKBI_EVM_HARDFORK "osaka"
#define ZKBI_EVM_OPTIMIZER_RUNS 200
/* EIP-170: the most runtime code an Ethereum mainnet contract may have. */
#define ZKBI_EVM_EIP170_LIMIT 24576
/* EIP-3860: the most initcode a creation may send; EIP-7825 (osaka): the
 * most gas one transaction may use. */
#define ZKBI_EVM_EIP3860_LIMIT 49152
#define ZKBI_EVM_TX_GAS_CAP 16777216

typedef struct zkbi_evm_tools {
    char node[PATH_MAX];
    char script[PATH_MAX];    /* evm_measure.mjs in the EVM data directory */
    char toolchain[PATH_MAX]; /* holds node_modules/solc and node_modules/@ethereumjs/vm */
    char solc_version[64];
    char vm_version[64];
} zkbi_evm_tools;

/* The EVM data directory (share/zkmlbench/evm in an install, its copy in a
 * build tree), found from the library's own file, else from ctx's plugin
 * directory. 0, or -1 when there is none. */
int zkbi_evm_data_dir(const zkb_ctx *ctx, char *out, size_t cap);

/* Finds node on PATH, the script and the toolchain: $ZKB_EVM_TOOLS, else
 * <data dir>/toolchain (a source tree's tools/evm), else <toolchain_dir>/evm
 * (`zkbench setup evm`), installed from the data directory's lock file.
 * ZKB_OK, or ZKB_ERR_UNAVAILABLE with the reason in why. */
zkb_status zkbi_evm_find(const zkb_ctx *ctx, zkbi_evm_tools *t, char *why, size_t why_len);

/* One proof to send: a copy of its calldata and where to tamper with it. */
typedef struct zkbi_evm_call {
    char calldata[PATH_MAX];
    uint64_t proof_offset, proof_len, output_offset;
} zkbi_evm_call;

typedef struct zkbi_evm_job {
    char verifier[PATH_MAX]; /* a copy of the verifier source */
    char contract[128];      /* "" for the largest one */
    char generator[256];
    uint32_t n_public;
    uint32_t optimizer_runs; /* 0: optimizer off */
    zkbi_evm_call *calls;    /* one per sample, in order */
    size_t n_calls;
    int tamper;              /* also send the first proof tampered, twice */
} zkbi_evm_job;

/* What evm_measure.mjs found (evm_result.c). */
typedef struct zkbi_evm_call_result {
    double gas, calldata_bytes, calldata_gas;
    int accepted;
    char outcome[160];
    char what[96]; /* tampered copies: what was changed */
} zkbi_evm_call_result;

typedef struct zkbi_evm_result {
    char solc[96], vm[96], hardfork[32], contract[128];
    double runtime_bytes, initcode_bytes, deploy_gas, deploy_gas_total;
    int exceeds_eip170;        /* runtime code over 24,576 bytes */
    int exceeds_eip3860;       /* initcode over 49,152 bytes */
    int deploy_exceeds_tx_cap; /* a deployment over 2^24 gas (EIP-7825) */
    int verify_exceeds_tx_cap; /* a proof's call over 2^24 gas */
    size_t n_libraries;
    zkbi_evm_call_result *calls;
    size_t n_calls;
    zkbi_evm_call_result *tampered;
    size_t n_tampered;
} zkbi_evm_result;

/* Writes the request for job into path (JSON). 0, or -1 with why. */
int zkbi_evm_write_request(const zkbi_evm_tools *t, const zkbi_evm_job *job, const char *path,
                           char *why, size_t why_len);
/* Reads evm_measure.mjs's result. ZKB_OK, or ZKB_ERR_IO / ZKB_ERR_CHILD
 * with why. Free with zkbi_evm_result_free. */
zkb_status zkbi_evm_read_result(const char *path, size_t n_calls, zkbi_evm_result *r, char *why,
                                size_t why_len);
void zkbi_evm_result_free(zkbi_evm_result *r);

/* Runs the step for job through h's spawn service (measured in h's current
 * phase) and records its figures and facts through h's metric and info
 * services (docs/evm.md, "What a record holds"). ZKB_ERR_VERIFY when a
 * real proof is not accepted or a tampered one is; other errors when the
 * step itself fails; the reason through h's error. */
zkb_status zkbi_evm_run(zkb_host_ctx *h, const zkbi_evm_tools *t, const zkbi_evm_job *job);

#endif
