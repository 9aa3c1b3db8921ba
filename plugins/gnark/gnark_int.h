/* Internal interface of the gnark backend (plugins/gnark, docs/gnark.md):
 * session state and what each source file offers the others. The circuit
 * is defined at run time by the Go driver (driver/, its own module) from the
 * quantized model this plugin writes; every phase is one run of it. */
#ifndef ZKB_GNARK_INT_H
#define ZKB_GNARK_INT_H

#include "zkmlbench/zkb_plugin.h"
#include "zkbp.h"

#include <stddef.h>
#include <stdint.h>

enum gn_psys { GN_GROTH16 = 0, GN_PLONK = 1 };
extern const char *const gn_psys_name[]; /* by enum gn_psys, as the driver names them */
enum gn_weights { GN_W_FIXED = 0, GN_W_PRIVATE = 1, GN_W_HASHED = 2 };
extern const char *const gn_weights_name[];
enum gn_input { GN_IN_PUBLIC = 0, GN_IN_PRIVATE = 1, GN_IN_HASHED = 2 };
extern const char *const gn_input_name[];

typedef struct gn_state {
    zkb_host_ctx *h;
    /* options */
    int psys, weights, input;
    int64_t threads; /* GOMAXPROCS of the driver; 0: Go's default (every core) */
    char *driver_opt;
    /* the driver */
    char driver[ZKBP_PATH];
    char version[192]; /* "gnark v0.14.0; gnark-crypto v0.19.0; go1.26.8" */
    char gomaxprocs[32]; /* "GOMAXPROCS=N" or "" */
    /* model */
    const zkb_model_desc *m;
    const zkb_qmodel_desc *qm;
    uint64_t n_in, n_out;
    zkbp_widths bits;
    /* where things are */
    char cdir[ZKBP_PATH];  /* cache entry: model.json, circuit.ccs, keys, setup.json */
    char model[ZKBP_PATH]; /* <cdir>/model.json */
    char wdir[ZKBP_PATH];  /* the session's scratch: input, witness, proof */
    uint64_t n_public;
    int setup_built; /* this cell built the cache entry (its timings are this cell's) */
    int setup_done, have_witness, have_proof;
    char wcommit_expect[100]; /* weights=hashed: the published weights' MiMC commitment */
    int64_t *x_q;             /* input=hashed: the last sample's quantized input */
    /* evm.c: the verifier (once per session) and the last proof's calldata */
    char evm_sol[ZKBP_PATH], evm_calldata[ZKBP_PATH];
    char evm_contract[64], evm_generator[160];
    unsigned evm_proofs;
} gn_state;

/* ---- drive.c: running the driver through host->spawn ---- */
/* `zkb-gnark <sub> args...` in the scratch directory; its stdout goes to
 * <wdir>/<sub>.out (named in stdout_path when not NULL), its stderr to
 * stderr_path (NULL: kept by the host and quoted in its error). */
zkb_status gn_drive(gn_state *s, const char *what, const char *sub, const char *const *args,
                    char *stdout_path, size_t cap, const char *stderr_path);

/* ---- tools.c ---- */
/* The driver (option, $ZKB_GNARK_DRIVER, else bin/zkb-gnark of the toolchain
 * `zkbench setup gnark` built, found by zkbp_find_toolchain) and its version. */
zkb_status gn_find_driver(zkb_host_ctx *h, const char *opt, char *driver, size_t dcap, char *version,
                          size_t vcap, char *why, size_t wcap);

/* ---- model_json.c ---- */
/* The quantized model as the driver reads it ("zkmlbench-gnark/1"); 0 or -1. */
int gn_write_model(const gn_state *s, const char *path);

/* ---- setup.c ---- */
zkb_status gn_setup(void *state);
/* The MiMC commitment of the integers in values (one a line), recomputed by
 * the driver's native hash apart from the circuit, into out (decimal). */
zkb_status gn_commit(gn_state *s, const char *name, const char *values, char *out, size_t cap);

/* ---- evm.c ---- */
zkb_status gn_evm_proof(void *state, zkb_evm_proof *out);

#endif
