/* The verifier's side of weights=hashed and input=hashed: the Poseidon
 * commitment of the published (quantized) weights, or of the sample's
 * quantized input, recomputed apart from the circuit by
 * driver/poseidon_chain.mjs (circomlibjs), for cs_verify to compare with the
 * commitment each proof makes public. */
#include "circom_int.h"

#include <stdio.h>
#include <string.h>

/* circomlibjs's version into ver, or a failure when it is missing. */
static zkb_status circomlibjs(cs_state *s, const char *what, char *ver, size_t cap)
{
    char pj[ZKBP_PATH];
    zkbp_fmt(pj, sizeof pj, "%s/circomlibjs/package.json", s->t.circomlib);
    if (!zkbp_file_exists(pj))
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE,
                         "%s=hashed needs circomlibjs in %s to check commitments: run `zkbench setup circom`", what,
                         s->t.circomlib);
    zkbp_package_version(pj, "?", ver, cap);
    return ZKB_OK;
}

/* The chain over the integers in file values (one a line), named name. */
static zkb_status chain(cs_state *s, const char *name, const char *values, char *out, size_t cap)
{
    char res[ZKBP_PATH], what[96];
    zkbp_fmt(res, sizeof res, "%s/%s_commit.out", s->wdir, name);
    zkbp_fmt(what, sizeof what, "circomlibjs Poseidon of the %s", name);
    const char *args[] = {s->t.circomlib, values, NULL};
    zkb_status st = cs_node(s, what, s->t.commit_js, args, res);
    if (st != ZKB_OK)
        return st;
    if (zkbp_read_decimal(res, out, cap) != 0)
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: no commitment in the output", s->t.commit_js);
    return ZKB_OK;
}

zkb_status cs_weights_commit(cs_state *s)
{
    char wpath[ZKBP_PATH], ver[64];
    zkb_status st = circomlibjs(s, "weights", ver, sizeof ver);
    if (st != ZKB_OK)
        return st;
    if (zkbp_fmt(wpath, sizeof wpath, "%s/weights.txt", s->wdir) < 0 || zkbp_write_weights(s->qm, wpath) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the weights for their commitment in %s", s->wdir);
    if ((st = chain(s, "weights", wpath, s->wcommit_expect, sizeof s->wcommit_expect)) != ZKB_OK)
        return st;
    zkbp_host->info(s->h, "weights_commitment_expected", s->wcommit_expect);
    char how[160];
    zkbp_fmt(how, sizeof how, "every proof's commitment must equal circomlibjs %s Poseidon of the published weights", ver);
    zkbp_host->info(s->h, "weights_commitment_check", how);
    return ZKB_OK;
}

zkb_status cs_input_commit(cs_state *s, char *out, size_t cap)
{
    char ipath[ZKBP_PATH], ver[64];
    zkb_status st = circomlibjs(s, "input", ver, sizeof ver);
    if (st != ZKB_OK)
        return st;
    zkbp_fmt(ipath, sizeof ipath, "%s/input.txt", s->wdir);
    if (zkbp_write_int_lines(ipath, s->x_q, s->n_in) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the input for its commitment in %s", s->wdir);
    if ((st = chain(s, "input", ipath, out, cap)) != ZKB_OK)
        return st;
    char how[160];
    zkbp_fmt(how, sizeof how, "every proof's commitment must equal circomlibjs %s Poseidon of the sample's quantized input",
             ver);
    zkbp_host->info(s->h, "input_commitment_check", how);
    return ZKB_OK;
}
