/* Internal interface of the circom backend (plugins/circom): shared session
 * state and the functions each source file offers the others. */
#ifndef ZKB_CIRCOM_INT_H
#define ZKB_CIRCOM_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp_files.h"

#include <stddef.h>
#include <stdint.h>

#define CS_PATH 4096

extern const zkb_host_api *cs_host;

enum cs_psys { CS_GROTH16 = 0, CS_PLONK = 1, CS_FFLONK = 2 };
enum cs_weights { CS_W_FIXED = 0, CS_W_PRIVATE = 1, CS_W_HASHED = 2 };

/* Where the tools are and which versions they have. */
typedef struct cs_tools {
    char tools_dir[CS_PATH];
    char node[CS_PATH];          /* absolute path of node */
    char snarkjs_js[CS_PATH];    /* snarkjs CLI script, run with node */
    char circom[CS_PATH];        /* native circom binary, or "" */
    char circom2_js[CS_PATH];    /* circom2 CLI script (wasm), when no native circom */
    char circomlib[CS_PATH];     /* node_modules directory holding circomlib/ */
    char node_version[64];
    char circom_version[96];
    char snarkjs_version[64];
    char circomlib_version[64];
} cs_tools;

typedef struct cs_state {
    zkb_host_ctx *h;
    /* options */
    int psys;
    int weights;
    int input_public;
    char *ptau_opt;
    char *tools_opt;
    /* tools */
    cs_tools t;
    int have_tools;
    /* model */
    const zkb_model_desc *m;
    const zkb_qmodel_desc *qm;
    uint64_t n_in, n_out;
    uint32_t in_bits;
    uint32_t *acc_bits, *out_bits; /* per layer */
    /* artifacts */
    char cdir[CS_PATH];  /* cache directory of this circuit + options */
    char wasm[CS_PATH];  /* model_js/model.wasm */
    char wgen[CS_PATH];  /* model_js/generate_witness.js */
    char r1cs[CS_PATH];
    char zkey[CS_PATH];
    char vkey[CS_PATH];
    char wdir[CS_PATH];  /* per-session scratch: input.json, witness, proof */
    uint64_t n_constraints, n_public, n_wires;
    int setup_done, have_witness, have_proof;
    int64_t *expect; /* the host's reference outputs of the last sample */
    char wcommit_expect[100]; /* weights=hashed: the published weights' commitment (decimal) */
    int quiet;       /* do not log the next child's failure */
    const char *cwd; /* working directory of the next children, NULL: scratch */
} cs_state;

/* ---- proc.c: running children through host->spawn ---- */
/* Run argv (NULL-terminated); stdout to out_path when not NULL. Sets an error
 * naming what failed. */
zkb_status cs_run(cs_state *s, const char *what, const char *const *argv, const char *out_path,
                  double timeout_s);
/* Run "node [heap] script args..." */
zkb_status cs_node(cs_state *s, const char *what, const char *script, const char *const *args,
                   const char *out_path);
/* snprintf that returns -1 on truncation (paths are checked by their users
 * through the files they name). */
int cs_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
zkb_status cs_fail(zkb_host_ctx *h, zkb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- commit.c ---- */
/* weights=hashed: fills s->wcommit_expect with the Poseidon chain of the
 * session's quantized weights, computed apart from the circuit. */
zkb_status cs_weights_commit(cs_state *s);

/* ---- tools.c ---- */
/* Find node, circom (native or circom2) and snarkjs; fill *t. On failure set
 * why[] and return ZKB_ERR_UNAVAILABLE. h may be used to spawn version probes. */
zkb_status cs_find_tools(zkb_host_ctx *h, const char *tools_opt, cs_tools *t, char *why,
                         size_t why_len);

/* ---- files.c ---- */
/* The host's scratch or cache directory as an absolute path (the host may
 * hand out relative ones, which a child running elsewhere cannot use). */
const char *cs_scratch(zkb_host_ctx *h, char *buf, size_t cap);
const char *cs_cache(zkb_host_ctx *h, char *buf, size_t cap);
/* r1cs header: constraints, public (outputs + public inputs), wires. */
int cs_r1cs_info(const char *path, uint64_t *constraints, uint64_t *n_public, uint64_t *wires);
/* ptau header power (section 1); -1 on error. */
int cs_ptau_power(const char *path, int *has_lagrange);
/* 64-bit FNV-1a, incremental. */
/* Parse the n numbers of a snarkjs public.json into int64 (field elements
 * above p/2 are negative). Returns the count parsed, -1 on error. */
int cs_parse_public(const char *json, int64_t *out, size_t n, char *why, size_t why_len);

/* ---- gen_circuit.c ---- */
/* Write the circuit for s->m / s->qm to path. */
zkb_status cs_gen_circuit(cs_state *s, const char *path);
/* Write input.json for one sample (and the weights when they are inputs). */
zkb_status cs_gen_input(cs_state *s, const int64_t *x_q, uint64_t n, const char *path);

#endif
