/* Internal interface of the Noir backend (plugins/noir): session state and
 * the functions each source file offers the others. */
#ifndef ZKB_NOIR_INT_H
#define ZKB_NOIR_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp_files.h"

#include <stddef.h>
#include <stdint.h>

#define NR_PATH 4096
/* Seed of the local testing-only CRS (tau derives from it: TESTING ONLY). */
#define NR_DEFAULT_SEED "zkmlbench-noir"

extern const zkb_host_api *nr_host;

enum nr_weights { NR_W_FIXED = 0, NR_W_HASHED = 1 };
enum nr_crs { NR_CRS_LOCAL = 0, NR_CRS_BB_CACHE = 1 };

/* Where the tools are and which versions they have. */
typedef struct nr_tools {
    char tools_dir[NR_PATH];
    char node[NR_PATH];   /* absolute path of node */
    char driver[NR_PATH]; /* plugins/noir/driver/noir_driver.mjs */
    char nargo[NR_PATH];  /* native nargo on PATH, or "" (recorded, not used) */
    char bb[NR_PATH];     /* native bb on PATH, or "" (recorded, not used) */
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
    int crs;
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
    uint32_t in_bits;
    uint32_t *acc_bits, *out_bits; /* per layer */
    /* artifacts */
    char pdir[NR_PATH];    /* cache directory of this program + options + CRS */
    char program[NR_PATH]; /* program.json (noir_wasm output) */
    char vk[NR_PATH];
    char crs_path[NR_PATH];
    char crs_desc[256];
    char wdir[NR_PATH]; /* per-session scratch: inputs, witness, proof */
    char wcommit_expect[100]; /* weights=hashed: the published weights' commitment (signed decimal) */
    uint64_t gates, circuit_size, n_public;
    int setup_done, have_witness, have_proof;
    const char *cwd; /* working directory of the next children, NULL: scratch */
} nr_state;

/* ---- util.c: formatting, errors, files, children ---- */
int nr_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
zkb_status nr_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *nr_scratch(zkb_host_ctx *h, char *buf, size_t cap);
const char *nr_cache(zkb_host_ctx *h, char *buf, size_t cap);
int nr_find_on_path(const char *name, char *out, size_t cap);
/* Run argv through host->spawn; stdout to out_path when not NULL. */
zkb_status nr_run(nr_state *s, const char *what, const char *const *argv, const char *out_path,
                  double timeout_s);
/* Run the driver: node noir_driver.mjs PHASE CONFIG RESULT. cfg_json is the
 * config text; the result's "key value" lines land in *res (free with
 * nr_result_free). */
zkb_status nr_driver(nr_state *s, const char *phase, const char *cfg_json, nr_result *res);
/* commit.c: weights=hashed: fills s->wcommit_expect with the Poseidon2 hash of
 * the session's quantized weights, computed apart from the program. */
zkb_status nr_weights_commit(nr_state *s);
void nr_result_free(nr_result *r);
/* Value of key in a driver result: 0 and *v set, -1 when absent. */
int nr_result_num(const nr_result *r, const char *key, double *v);
const char *nr_result_str(const nr_result *r, const char *key, char *out, size_t cap);
/* A JSON string literal of a path (quotes and backslashes escaped). */
void nr_json_str(char *out, size_t cap, const char *v);

/* ---- tools.c ---- */
zkb_status nr_find_tools(zkb_host_ctx *h, const char *tools_opt, nr_tools *t, char *why,
                         size_t why_len);

/* ---- crs.c ---- */
/* Choose (and when needed write) the CRS for a circuit of `points` G1
 * points: sets s->crs_path and s->crs_desc. */
zkb_status nr_crs_prepare(nr_state *s, uint64_t points);
/* Which program writes the local testing CRS, or what is missing. */
void nr_crs_writer(char *out, size_t cap);
/* Identity of the CRS choice for cache keys (before the size is known). */
void nr_crs_id(nr_state *s, char *out, size_t cap);

/* ---- gen_program.c ---- */
/* Write the Noir project (Nargo.toml, src/main.nr) for s->m / s->qm into dir. */
zkb_status nr_gen_program(nr_state *s, const char *dir);
/* Write the program's inputs (JSON) for one sample. */
zkb_status nr_gen_inputs(nr_state *s, const int64_t *x_q, uint64_t n, const char *path);

#endif
