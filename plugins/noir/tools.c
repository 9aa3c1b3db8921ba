/* Finding the tools: node on PATH; @noir-lang/noir_wasm, @noir-lang/noir_js
 * and @aztec/bb.js in the toolchain (option tools_dir, else $ZKB_NOIR_TOOLS,
 * else the one `zkbench setup noir` installed, found by zkbp_find_toolchain);
 * the driver script in the data directory (or $ZKB_NOIR_DRIVER). Native
 * nargo and bb on PATH are noticed and recorded, but the pinned npm packages
 * do the work (see docs/noir.md). */
#include "noir_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const zkbp_toolchain_spec toolchain = {
    .backend = "noir",
    .marker = "node_modules/@aztec/bb.js/dest/node/index.js",
    .lock = "package-lock.json",
    .stamp = "node_modules/.zkb-package-lock.json",
    .source_hint = "scripts/setup-node.sh",
};

zkb_status nr_find_tools(zkb_host_ctx *h, const char *tools_opt, nr_tools *t, char *why,
                         size_t why_len)
{
    memset(t, 0, sizeof *t);
    const char *drv = getenv("ZKB_NOIR_DRIVER");
    zkb_status st = ZKB_OK;
    if (drv && *drv)
        zkbp_fmt(t->driver, sizeof t->driver, "%s", drv);
    else if ((st = zkbp_data_file("noir", "noir_driver.mjs", t->driver, sizeof t->driver, why,
                                  why_len)) != ZKB_OK)
        return st;
    if (zkbp_find_on_path("node", t->node, sizeof t->node) != 0) {
        zkbp_fmt(why, why_len, "node not found on PATH: install Node.js (Debian: apt-get install nodejs npm)");
        return ZKB_ERR_UNAVAILABLE;
    }
    if (access(t->driver, R_OK) != 0) {
        zkbp_fmt(why, why_len, "driver script %s not found (set ZKB_NOIR_DRIVER)", t->driver);
        return ZKB_ERR_UNAVAILABLE;
    }
    const char *env = getenv("ZKB_NOIR_TOOLS");
    st = zkbp_find_toolchain(&toolchain, tools_opt && *tools_opt ? tools_opt : env, t->tools_dir,
                             sizeof t->tools_dir, why, why_len);
    if (st != ZKB_OK)
        return st;
    const char *dir = t->tools_dir;
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
        zkbp_fmt(why, why_len, "%s not found in %s/node_modules: run `zkbench setup noir`", missing, dir);
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
