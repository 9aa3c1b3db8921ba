/* Finding the tools: node on PATH; circom native on PATH (preferred) or the
 * circom2 WebAssembly compiler from the tools directory; snarkjs and
 * circomlib from the tools directory (option tools_dir, else $ZKB_NODE_TOOLS,
 * else the source tree's tools/node, where scripts/setup-node.sh installs
 * them); the commitment script of weights=hashed (driver/). Versions come
 * from the packages' package.json and from `node --version` /
 * `circom --version`. */
#include "circom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ZKB_CIRCOM_TOOLS_DIR
#define ZKB_CIRCOM_TOOLS_DIR "tools/node"
#endif
#ifndef ZKB_CIRCOM_COMMIT_JS
#define ZKB_CIRCOM_COMMIT_JS "plugins/circom/driver/weights_commit.mjs"
#endif

const char *cs_commit_script(void)
{
    return ZKB_CIRCOM_COMMIT_JS;
}

zkb_status cs_find_tools(zkb_host_ctx *h, const char *tools_opt, cs_tools *t, char *why,
                         size_t why_len)
{
    memset(t, 0, sizeof *t);
    const char *env = getenv("ZKB_NODE_TOOLS");
    const char *dir = tools_opt && *tools_opt ? tools_opt : env && *env ? env : ZKB_CIRCOM_TOOLS_DIR;
    zkbp_fmt(t->tools_dir, sizeof t->tools_dir, "%s", dir);

    if (zkbp_find_on_path("node", t->node, sizeof t->node) != 0) {
        zkbp_fmt(why, why_len, "node not found on PATH: install Node.js (scripts/setup-deps.sh)");
        return ZKB_ERR_UNAVAILABLE;
    }
    zkbp_fmt(t->snarkjs_js, sizeof t->snarkjs_js, "%s/node_modules/snarkjs/build/cli.cjs", dir);
    if (access(t->snarkjs_js, R_OK) != 0) {
        zkbp_fmt(why, why_len, "snarkjs not found in %s/node_modules: run scripts/setup-node.sh", dir);
        return ZKB_ERR_UNAVAILABLE;
    }
    zkbp_fmt(t->circomlib, sizeof t->circomlib, "%s/node_modules", dir);
    char pj[ZKBP_PATH];
    zkbp_fmt(pj, sizeof pj, "%s/circomlib/circuits/poseidon.circom", t->circomlib);
    if (access(pj, R_OK) != 0) {
        zkbp_fmt(why, why_len, "circomlib not found in %s/node_modules: run scripts/setup-node.sh", dir);
        return ZKB_ERR_UNAVAILABLE;
    }
    if (zkbp_find_on_path("circom", t->circom, sizeof t->circom) != 0) {
        zkbp_fmt(t->circom2_js, sizeof t->circom2_js, "%s/node_modules/circom2/cli.js", dir);
        if (access(t->circom2_js, R_OK) != 0) {
            zkbp_fmt(why, why_len,
                     "circom not found (no native circom on PATH, no circom2 in %s/node_modules): "
                     "run scripts/setup-node.sh", dir);
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
