/* Finding the tools: node on PATH; circom native on PATH (preferred) or the
 * circom2 WebAssembly compiler from the toolchain; snarkjs and circomlib from
 * the toolchain (option tools_dir, else $ZKB_NODE_TOOLS, else the one
 * `zkbench setup circom` installed, found by zkbp_find_toolchain); the
 * drivers (Poseidon commitments, EVM calldata) in the data directory. Versions come
 * from the packages' package.json and from `node --version` /
 * `circom --version`. */
#include "circom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const zkbp_toolchain_spec toolchain = {
    .backend = "circom",
    .marker = "node_modules/snarkjs/build/cli.cjs",
    .lock = "package-lock.json",
    .stamp = "node_modules/.zkb-package-lock.json",
    .source_hint = "scripts/setup-node.sh",
};

zkb_status cs_find_tools(zkb_host_ctx *h, const char *tools_opt, cs_tools *t, char *why,
                         size_t why_len)
{
    memset(t, 0, sizeof *t);
    const char *env = getenv("ZKB_NODE_TOOLS");
    const char *explicit_dir = tools_opt && *tools_opt ? tools_opt : env;
    zkb_status st = zkbp_data_file("circom", "poseidon_chain.mjs", t->commit_js,
                                   sizeof t->commit_js, why, why_len);
    if (st == ZKB_OK)
        st = zkbp_data_file("circom", "evm_calldata.mjs", t->calldata_js, sizeof t->calldata_js, why, why_len);
    if (st != ZKB_OK)
        return st;
    if (zkbp_find_on_path("node", t->node, sizeof t->node) != 0) {
        zkbp_fmt(why, why_len, "node not found on PATH: install Node.js (Debian: apt-get install nodejs npm)");
        return ZKB_ERR_UNAVAILABLE;
    }
    st = zkbp_find_toolchain(&toolchain, explicit_dir, t->tools_dir, sizeof t->tools_dir, why,
                             why_len);
    if (st != ZKB_OK)
        return st;
    const char *dir = t->tools_dir;
    zkbp_fmt(t->snarkjs_js, sizeof t->snarkjs_js, "%s/node_modules/snarkjs/build/cli.cjs", dir);
    zkbp_fmt(t->circomlib, sizeof t->circomlib, "%s/node_modules", dir);
    char pj[ZKBP_PATH];
    zkbp_fmt(pj, sizeof pj, "%s/circomlib/circuits/poseidon.circom", t->circomlib);
    if (access(pj, R_OK) != 0) {
        zkbp_fmt(why, why_len, "circomlib not found in %s/node_modules: run `zkbench setup circom`", dir);
        return ZKB_ERR_UNAVAILABLE;
    }
    if (zkbp_find_on_path("circom", t->circom, sizeof t->circom) != 0) {
        zkbp_fmt(t->circom2_js, sizeof t->circom2_js, "%s/node_modules/circom2/cli.js", dir);
        if (access(t->circom2_js, R_OK) != 0) {
            zkbp_fmt(why, why_len,
                     "circom not found (no native circom on PATH, no circom2 in %s/node_modules): "
                     "run `zkbench setup circom`", dir);
            return ZKB_ERR_UNAVAILABLE;
        }
    }

    zkbp_fmt(pj, sizeof pj, "%s/node_modules/snarkjs/package.json", dir);
    zkbp_package_version(pj, "unknown", t->snarkjs_version, sizeof t->snarkjs_version);
    zkbp_fmt(pj, sizeof pj, "%s/node_modules/circomlib/package.json", dir);
    zkbp_package_version(pj, "unknown", t->circomlib_version, sizeof t->circomlib_version);
    const char *nv[] = {t->node, "--version", NULL};
    zkbp_program_version(h, nv, t->node_version, sizeof t->node_version);
    if (t->circom[0]) {
        const char *cv[] = {t->circom, "--version", NULL};
        zkbp_program_version(h, cv, t->circom_version, sizeof t->circom_version);
    } else {
        char v[64];
        zkbp_fmt(pj, sizeof pj, "%s/node_modules/circom2/package.json", dir);
        zkbp_package_version(pj, "unknown", v, sizeof v);
        zkbp_fmt(t->circom_version, sizeof t->circom_version, "circom2 %s (wasm)", v);
    }
    if (strcmp(t->node_version, "unknown") == 0) {
        zkbp_fmt(why, why_len, "node at %s does not run (node --version failed)", t->node);
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}
