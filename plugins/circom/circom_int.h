/* Internal interface of the circom backend (plugins/circom): shared session
 * state and the functions each source file offers the others. */
#ifndef ZKB_CIRCOM_INT_H
#define ZKB_CIRCOM_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp.h"

#include <stddef.h>
#include <stdint.h>

enum cs_psys { CS_GROTH16 = 0, CS_PLONK = 1, CS_FFLONK = 2 };
extern const char *const cs_psys_name[]; /* by enum cs_psys, as snarkjs names them */
enum cs_weights { CS_W_FIXED = 0, CS_W_PRIVATE = 1, CS_W_HASHED = 2 };
/* The input: public signals, private (range-checked) signals, or private with
 * a Poseidon commitment to it as a public output. */
enum cs_input { CS_IN_PUBLIC = 0, CS_IN_PRIVATE = 1, CS_IN_HASHED = 2 };
extern const char *const cs_input_name[]; /* by enum cs_input */

/* Who proves: snarkjs, or zkb-circom-arkworks (Groth16 only) on the same
 * key and witness. */
enum cs_prover { CS_PROVER_SNARKJS = 0, CS_PROVER_ARKWORKS = 1 };

/* Where the tools are and which versions they have. */
typedef struct cs_tools {
    char tools_dir[ZKBP_PATH];     /* the toolchain's root: node_modules/ is in it */
    char commit_js[ZKBP_PATH];     /* driver/poseidon_chain.mjs in the data directory */
    char calldata_js[ZKBP_PATH];   /* driver/evm_calldata.mjs in the data directory */
    char node[ZKBP_PATH];          /* absolute path of node */
    char snarkjs_js[ZKBP_PATH];    /* snarkjs CLI script, run with node */
    char circom[ZKBP_PATH];        /* native circom binary, or "" */
    char circom2_js[ZKBP_PATH];    /* circom2 CLI script (wasm), when no native circom */
    char circomlib[ZKBP_PATH];     /* node_modules directory holding circomlib/ */
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
    int input; /* enum cs_input */
    char *ptau_opt;
    char *tools_opt;
    int prover;    /* enum cs_prover */
    char *ark_opt; /* option arkworks: the prover's binary */
    /* tools */
    cs_tools t;
    int have_tools;
    char ark_bin[ZKBP_PATH];    /* prover=arkworks: zkb-circom-arkworks */
    char prover_version[160];   /* "snarkjs 0.7.6", or the arkworks binary's `version` line */
    /* model */
    const zkb_model_desc *m;
    const zkb_qmodel_desc *qm;
    uint64_t n_in, n_out;
    zkbp_widths bits; /* of the input and of every layer's values */
    /* artifacts */
    char cdir[ZKBP_PATH];  /* cache directory of this circuit + options */
    char wasm[ZKBP_PATH];  /* model_js/model.wasm */
    char wgen[ZKBP_PATH];  /* model_js/generate_witness.js */
    char r1cs[ZKBP_PATH];
    char zkey[ZKBP_PATH];
    char ark_key[ZKBP_PATH]; /* prover=arkworks: model.zkey.<version hash>.ark, the zkey converted (setup) */
    char vkey[ZKBP_PATH];
    char wdir[ZKBP_PATH];  /* per-session scratch: input.json, witness, proof */
    uint64_t n_constraints, n_public, n_wires;
    int setup_done, have_witness, have_proof;
    int64_t *expect; /* the host's reference outputs of the last sample */
    char wcommit_expect[100]; /* weights=hashed: the published weights' commitment (decimal) */
    int64_t *x_q;    /* input=hashed: the last sample's quantized input (n_in values) */
    /* evm_proof: the verifier (generated once per session), this proof's
     * calldata (one file per proof), what the host reads */
    char evm_sol[ZKBP_PATH], evm_calldata[ZKBP_PATH];
    char evm_contract[64], evm_generator[160];
    unsigned evm_proofs;
    int quiet;       /* do not log the next child's failure */
    const char *cwd; /* working directory of the next children, NULL: scratch */
} cs_state;

/* ---- proc.c: running children through host->spawn ---- */
/* Run argv (NULL-terminated) in s->cwd; stdout to out_path when not NULL. */
zkb_status cs_run(cs_state *s, const char *what, const char *const *argv, const char *out_path);
/* Run "node [heap] script args..." */
zkb_status cs_node(cs_state *s, const char *what, const char *script, const char *const *args,
                   const char *out_path);
/* Run "node [heap] snarkjs args..." */
zkb_status cs_snarkjs(cs_state *s, const char *what, const char *const *args, const char *out_path);

/* ---- setup.c ---- */
/* zkb_backend.setup: the circuit, compiled, with keys, from the cache or
 * made and put there. */
zkb_status cs_setup(void *state);

/* ---- commit.c ---- */
/* weights=hashed: fills s->wcommit_expect with the Poseidon chain of the
 * session's quantized weights, computed apart from the circuit. */
zkb_status cs_weights_commit(cs_state *s);
/* input=hashed: the Poseidon chain of s->x_q (the last sample's input),
 * computed apart from the circuit, into out (decimal). */
zkb_status cs_input_commit(cs_state *s, char *out, size_t cap);

/* ---- evm.c ---- */
/* zkb_backend.evm_proof: snarkjs's Solidity verifier of the session's key
 * (cached beside it) and the last verified proof's calldata. */
zkb_status cs_evm_proof(void *state, zkb_evm_proof *out);

/* ---- tools.c ---- */
/* Find node, circom (native or circom2) and snarkjs; fill *t. On failure set
 * why[] and return ZKB_ERR_UNAVAILABLE. h may be used to spawn version probes. */
zkb_status cs_find_tools(zkb_host_ctx *h, const char *tools_opt, cs_tools *t, char *why,
                         size_t why_len);

/* ---- prover.c: prover=arkworks ---- */
/* Find zkb-circom-arkworks (option arkworks, else $ZKB_CIRCOM_ARKWORKS, else
 * the toolchain folder circom-arkworks) and read its version into
 * s->prover_version; ZKB_ERR_UNAVAILABLE naming the command that builds it. */
zkb_status cs_find_arkworks(cs_state *s);
/* Setup: s->ark_key, the cache entry's model.zkey.<hash of the prover's version>.ark (s->zkey converted by
 * `zkb-circom-arkworks convert` into the prover's own format, written under
 * a temporary name and renamed), made when missing, with metric
 * arkworks_key_convert_s; info arkworks_key_cache hit|made. */
zkb_status cs_arkworks_key(cs_state *s);
/* Prove s->ark_key's circuit from the witness file wtns into snarkjs's
 * proof.json and public.json; metrics prove_load_s, prove_core_s,
 * threads from its own timings. */
zkb_status cs_prove_arkworks(cs_state *s, const char *wtns, const char *proof, const char *pub);

/* ---- binfile.c: snarkjs binary file headers ---- */
/* r1cs header: constraints, public (outputs + public inputs), wires. */
int cs_r1cs_info(const char *path, uint64_t *constraints, uint64_t *n_public, uint64_t *wires);
/* ptau header power (section 1); -1 on error. */
int cs_ptau_power(const char *path, int *has_lagrange);

/* ---- gen_circuit.c ---- */
/* Write the circuit for s->m / s->qm to path. */
zkb_status cs_gen_circuit(cs_state *s, const char *path);

#endif
