/* The verifier's side of weights=hashed: the Poseidon2 commitment of the
 * published (quantized) weights, recomputed apart from the program by the
 * driver's commit phase (Barretenberg's poseidon2Hash through bb.js), for
 * nr_verify to compare with the commitment each proof makes public. */
#include "noir_int.h"

#include <stdio.h>
#include <string.h>

zkb_status nr_weights_commit(nr_state *s)
{
    char wpath[ZKBP_PATH];
    if (zkbp_fmt(wpath, sizeof wpath, "%s/weights.txt", s->wdir) < 0 || zkbp_write_weights(s->qm, wpath) != 0)
        return zkbp_fail(s->h, ZKB_ERR_IO, "cannot write the weights for their commitment in %s", s->wdir);
    nr_cfg cfg;
    nr_cfg_start(&cfg, s);
    nr_cfg_path(&cfg, "weights", wpath);
    nr_result r;
    zkb_status st = nr_driver(s, "commit", &cfg, &r);
    if (st != ZKB_OK)
        return st;
    const char *c = nr_result_str(&r, "commitment", s->wcommit_expect, sizeof s->wcommit_expect);
    nr_result_free(&r);
    if (!c || !s->wcommit_expect[0])
        return zkbp_fail(s->h, ZKB_ERR_PARSE, "the driver's commit phase gave no commitment");
    zkbp_host->info(s->h, "weights_commitment_expected", s->wcommit_expect);
    char how[160];
    zkbp_fmt(how, sizeof how, "every proof's commitment must equal bb.js %s poseidon2Hash of the published weights",
             s->t.bb_js_version);
    zkbp_host->info(s->h, "weights_commitment_check", how);
    return ZKB_OK;
}
