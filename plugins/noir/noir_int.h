/* Internal interface of the Noir backend (plugins/noir): session state and
 * the functions each source file offers the others. */
#ifndef ZKB_NOIR_INT_H
#define ZKB_NOIR_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp.h"

#include <stddef.h>
#include <stdint.h>

/* Seed of the local testing-only CRS (tau derives from it: TESTING ONLY). */
#define NR_DEFAULT_SEED "zkmlbench-noir"

/* Each enum in the order of its option's choices. */
enum nr_weights { NR_W_FIXED = 0, NR_W_HASHED = 1 };
enum nr_input { NR_IN_PUBLIC = 0, NR_IN_HASHED = 1 };
enum nr_crs { NR_CRS_LOCAL = 0, NR_CRS_BB_CACHE = 1 };
enum nr_transcript { NR_T_KECCAK = 0, NR_T_POSEIDON2 = 1 };

/* Where the tools are and which versions they have. */
typedef struct nr_tools {
    char tools_dir[ZKBP_PATH];
    char node[ZKBP_PATH];   /* absolute path of node */
    char driver[ZKBP_PATH]; /* noir_driver.mjs in the data directory */
    char nargo[ZKBP_PATH];  /* native nargo on PATH, or "" (recorded, not used) */
    char bb[ZKBP_PATH];     /* native bb on PATH, or "" (recorded, not used) */
    char node_version[64];
    char noir_wasm_version[64];
    char noir_js_version[64];
    char bb_js_version[64];
} nr_tools;

/* A phase's facts as the driver wrote them ("key value" lines). */
typedef struct nr_result {
    char *text; /* host->alloc'd */
} nr_result;

typedef struct nr_state {
    zkb_host_ctx *h;
    /* options */
    int weights;
    int input;
    int crs;
    int transcript;
    int64_t threads;
    char *srs_seed; /* NULL: NR_DEFAULT_SEED */
    char *crs_dir_opt;
    char *tools_opt;
    /* tools */
    nr_tools t;
    /* model */
    const zkb_model_desc *m;
    const zkb_qmodel_desc *qm;
    uint64_t n_in, n_out;
    zkbp_widths bits; /* of the input and of every layer's values */
    /* artifacts */
    char pdir[ZKBP_PATH];    /* cache directory of this program + options + CRS */
    char program[ZKBP_PATH]; /* program.json (noir_wasm output) */
    char vk[ZKBP_PATH];
    char crs_path[ZKBP_PATH];
    char crs_desc[256];
    char wdir[ZKBP_PATH]; /* per-session scratch: inputs, witness, proof */
    char wcommit_expect[100]; /* weights=hashed: the published weights' commitment (signed decimal) */
    uint64_t gates, circuit_size, n_public;
    int setup_done, have_witness, have_proof;
    /* evm_proof (evm.c) */
    char verifier[ZKBP_PATH]; /* <pdir>/HonkVerifier.sol once made */
    char calldata[ZKBP_PATH];
    char evm_generator[192];
    uint64_t n_calldata; /* calldata files written: each sample gets its own */
} nr_state;

/* Public inputs of the proof, in order: the input x (input=public), the
 * logits, the weights' commitment (weights=hashed), the input's commitment
 * (input=hashed). */
uint64_t nr_outputs_at(const nr_state *s);
uint64_t nr_public_count(const nr_state *s);

/* A phase's config for the driver: a JSON object of paths and numbers that
 * starts with the tools directory. */
typedef struct nr_cfg {
    char text[8 * ZKBP_PATH];
    size_t len;
    int too_long;
} nr_cfg;

/* ---- driver.c: the driver's configs, runs and results ---- */
void nr_cfg_start(nr_cfg *c, const nr_state *s);
void nr_cfg_path(nr_cfg *c, const char *key, const char *path);
void nr_cfg_int(nr_cfg *c, const char *key, long long v);
/* Run the driver: node noir_driver.mjs PHASE CONFIG RESULT with the config
 * cfg; the result's "key value" lines land in *res (free with
 * nr_result_free). */
zkb_status nr_driver(nr_state *s, const char *phase, nr_cfg *cfg, nr_result *res);
/* commit.c: weights=hashed: fills s->wcommit_expect with the Poseidon2 hash of
 * the session's quantized weights, computed apart from the program. */
zkb_status nr_weights_commit(nr_state *s);
void nr_result_free(nr_result *r);
/* Value of key in a driver result: 0 and *v set, -1 when absent. */
int nr_result_num(const nr_result *r, const char *key, double *v);
const char *nr_result_str(const nr_result *r, const char *key, char *out, size_t cap);
/* The number of key in r, when there is one, as the host's metric. */
void nr_result_metric(nr_state *s, const nr_result *r, const char *key, const char *metric, const char *unit);

/* ---- tools.c ---- */
zkb_status nr_find_tools(zkb_host_ctx *h, const char *tools_opt, nr_tools *t, char *why,
                         size_t why_len);
/* "noir_wasm V; noir_js V; bb.js V; node V" */
void nr_versions(const nr_tools *t, char *out, size_t cap);

/* ---- setup.c ---- */
/* zkb_backend.setup: the compiled program and its verification key, from
 * the cache or made and put there. */
zkb_status nr_setup(void *state);

/* ---- crs.c ---- */
/* Choose (and when needed write) the CRS for a circuit of `points` G1
 * points: sets s->crs_path and s->crs_desc. */
zkb_status nr_crs_prepare(nr_state *s, uint64_t points);
/* Identity of the CRS choice for cache keys (before the size is known). */
void nr_crs_id(nr_state *s, char *out, size_t cap);

/* ---- evm.c ---- */
/* zkb_backend.evm_proof: the Solidity verifier (made once per program and
 * key, cached beside them) and the last verified proof's calldata. */
zkb_status nr_evm_proof(void *state, zkb_evm_proof *out);

/* ---- plugin.c ---- */
/* The transcript option's value, as the driver's cfg.transcript takes it. */
const char *nr_transcript_name(const nr_state *s);

/* ---- gen_program.c ---- */
/* Write the Noir project (Nargo.toml, src/main.nr) for s->m / s->qm into dir. */
zkb_status nr_gen_program(nr_state *s, const char *dir);

#endif
