/* Finding the tools: node on PATH; @noir-lang/noir_wasm, @noir-lang/noir_js
 * and @aztec/bb.js in the tools directory (option tools_dir, else
 * $ZKB_NOIR_TOOLS, else the source tree's tools/noir, where
 * scripts/setup-node.sh installs them); the driver script (plugins/noir/driver,
 * or $ZKB_NOIR_DRIVER); the zkbench CLI that writes the local testing CRS.
 * Native nargo and bb on PATH are noticed and recorded, but the pinned npm
 * packages do the work (see docs/noir.md). */
#include "noir_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ZKB_NOIR_TOOLS_DIR
#define ZKB_NOIR_TOOLS_DIR "tools/noir"
#endif
#ifndef ZKB_NOIR_DRIVER
#define ZKB_NOIR_DRIVER "plugins/noir/driver/noir_driver.mjs"
#endif
#ifndef ZKB_NOIR_ZKBENCH
#define ZKB_NOIR_ZKBENCH ""
#endif

zkb_status nr_find_tools(zkb_host_ctx *h, const char *tools_opt, nr_tools *t, char *why,
                         size_t why_len)
{
    memset(t, 0, sizeof *t);
    const char *env = getenv("ZKB_NOIR_TOOLS");
    const char *dir = tools_opt && *tools_opt ? tools_opt : env && *env ? env : ZKB_NOIR_TOOLS_DIR;
    zkbp_fmt(t->tools_dir, sizeof t->tools_dir, "%s", dir);
    const char *drv = getenv("ZKB_NOIR_DRIVER");
    zkbp_fmt(t->driver, sizeof t->driver, "%s", drv && *drv ? drv : ZKB_NOIR_DRIVER);

    if (zkbp_find_on_path("node", t->node, sizeof t->node) != 0) {
        zkbp_fmt(why, why_len, "node not found on PATH: install Node.js (scripts/setup-deps.sh)");
        return ZKB_ERR_UNAVAILABLE;
    }
    if (access(t->driver, R_OK) != 0) {
        zkbp_fmt(why, why_len, "driver script %s not found (set ZKB_NOIR_DRIVER)", t->driver);
        return ZKB_ERR_UNAVAILABLE;
    }
    static const struct {
        const char *pkg, *entry;
    } need[] = {
        {"@noir-lang/noir_wasm", "dist/node/main.js"},
        {"@noir-lang/noir_js", "lib/index.mjs"},
        {"@aztec/bb.js", "dest/node/index.js"},
    };
    char *ver[] = {t->noir_wasm_version, t->noir_js_version, t->bb_js_version};
    char missing[512] = "";
    for (size_t i = 0; i < 3; i++) {
        char p[ZKBP_PATH];
        zkbp_fmt(p, sizeof p, "%s/node_modules/%s/%s", dir, need[i].pkg, need[i].entry);
        if (access(p, R_OK) != 0) {
            size_t l = strlen(missing);
            zkbp_fmt(missing + l, sizeof missing - l, "%s%s", l ? ", " : "", need[i].pkg);
            continue;
        }
        zkbp_fmt(p, sizeof p, "%s/node_modules/%s/package.json", dir, need[i].pkg);
        zkbp_package_version(p, "", ver[i], 64);
    }
    if (missing[0]) {
        zkbp_fmt(why, why_len, "%s not found in %s/node_modules: run scripts/setup-node.sh", missing, dir);
        return ZKB_ERR_UNAVAILABLE;
    }
    const char *nv[] = {t->node, "--version", NULL};
    zkbp_program_version(h, nv, t->node_version, sizeof t->node_version);
    if (strcmp(t->node_version, "unknown") == 0) {
        zkbp_fmt(why, why_len, "node at %s does not run (node --version failed)", t->node);
        return ZKB_ERR_UNAVAILABLE;
    }
    zkbp_find_on_path("nargo", t->nargo, sizeof t->nargo);
    zkbp_find_on_path("bb", t->bb, sizeof t->bb);
    return ZKB_OK;
}

void nr_versions(const nr_tools *t, char *out, size_t cap)
{
    zkbp_fmt(out, cap, "noir_wasm %s; noir_js %s; bb.js %s; node %s", t->noir_wasm_version,
             t->noir_js_version, t->bb_js_version, t->node_version);
}

/* The zkbench CLI that writes the testing CRS: $ZKB_ZKBENCH, the build
 * tree's (compile-time), else zkbench on PATH. */
int nr_find_zkbench(char *out, size_t cap)
{
    const char *env = getenv("ZKB_ZKBENCH");
    if (env && *env && access(env, X_OK) == 0)
        return zkbp_fmt(out, cap, "%s", env) < 0 ? -1 : 0;
    if (ZKB_NOIR_ZKBENCH[0] && access(ZKB_NOIR_ZKBENCH, X_OK) == 0)
        return zkbp_fmt(out, cap, "%s", ZKB_NOIR_ZKBENCH) < 0 ? -1 : 0;
    return zkbp_find_on_path("zkbench", out, cap);
}
