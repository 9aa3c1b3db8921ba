/* The verifier's side of weights=hashed: the Poseidon commitment of the
 * published (quantized) weights, recomputed apart from the circuit by
 * driver/weights_commit.mjs (circomlibjs), for cs_verify to compare with the
 * commitment each proof makes public. */
#include "circom_int.h"

#include <stdio.h>
#include <string.h>

zkb_status cs_weights_commit(cs_state *s)
{
    char wpath[ZKBP_PATH], out[ZKBP_PATH], pj[ZKBP_PATH], ver[64];
    zkbp_fmt(pj, sizeof pj, "%s/circomlibjs/package.json", s->t.circomlib);
    if (!zkbp_file_exists(pj))
        return zkbp_fail(s->h, ZKB_ERR_UNAVAILABLE,
                         "weights=hashed needs circomlibjs in %s to check commitments: run `zkbench setup circom`",
                         s->t.circomlib);
    zkbp_package_version(pj, "?", ver, sizeof ver);
    if (zkbp_fmt(wpath, sizeof wpath, "%s/weights.txt", s->wdir) < 0 ||
        zkbp_fmt(out, sizeof out, "%s/weights_commit.out", s->wdir) < 0 || zkbp_write_weights(s->qm, wpath) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the weights for their commitment in %s", s->wdir);
    const char *args[] = {s->t.circomlib, wpath, NULL};
    zkb_status st = cs_node(s, "circomlibjs Poseidon of the weights", s->t.commit_js, args, out);
    if (st != ZKB_OK)
        return st;
    char *text = zkbp_read_file(out, 4096, NULL);
    size_t n = text ? strspn(text, "0123456789") : 0;
    if (!text || n == 0 || n >= sizeof s->wcommit_expect) {
        zkbp_host->free(text);
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "%s: no commitment in the output", s->t.commit_js);
    }
    memcpy(s->wcommit_expect, text, n);
    s->wcommit_expect[n] = '\0';
    zkbp_host->free(text);
    zkbp_host->info(s->h, "weights_commitment_expected", s->wcommit_expect);
    char how[160];
    zkbp_fmt(how, sizeof how, "every proof's commitment must equal circomlibjs %s Poseidon of the published weights", ver);
    zkbp_host->info(s->h, "weights_commitment_check", how);
    return ZKB_OK;
}
