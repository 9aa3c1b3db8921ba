/* Finding the tools: node on PATH; @noir-lang/noir_wasm, @noir-lang/noir_js
 * and @aztec/bb.js in the tools directory (option tools_dir, else
 * $ZKB_NOIR_TOOLS, else the source tree's tools/noir, where
 * scripts/setup-node.sh installs them); the driver script (plugins/noir/driver,
 * or $ZKB_NOIR_DRIVER). Native nargo and bb on PATH are noticed and recorded,
 * but the pinned npm packages do the work (see docs/noir.md). */
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

/* First line of a program's stdout, through host->spawn. */
static void program_version(zkb_host_ctx *h, const char *const *argv, char *out, size_t cap)
{
    nr_fmt(out, cap, "unknown");
    char sbuf[NR_PATH];
    const char *dir = nr_scratch(h, sbuf, sizeof sbuf);
    if (!dir)
        return;
    char path[NR_PATH];
    nr_fmt(path, sizeof path, "%s/noir-version.txt", dir);
    zkb_spawn_opts o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.argv = argv;
    o.stdout_path = path;
    o.timeout_s = 20;
    if (nr_host->spawn(h, &o, NULL) != ZKB_OK)
        return;
    char *txt = zkbp_read_file(nr_host, path, 1 << 16, NULL);
    unlink(path);
    if (!txt)
        return;
    size_t n = strcspn(txt, "\r\n");
    if (n > 0 && n < cap)
        nr_fmt(out, cap, "%.*s", (int)n, txt);
    nr_host->free(txt);
}

zkb_status nr_find_tools(zkb_host_ctx *h, const char *tools_opt, nr_tools *t, char *why,
                         size_t why_len)
{
    memset(t, 0, sizeof *t);
    const char *env = getenv("ZKB_NOIR_TOOLS");
    const char *dir = tools_opt && *tools_opt ? tools_opt : env && *env ? env : ZKB_NOIR_TOOLS_DIR;
    nr_fmt(t->tools_dir, sizeof t->tools_dir, "%s", dir);
    const char *drv = getenv("ZKB_NOIR_DRIVER");
    nr_fmt(t->driver, sizeof t->driver, "%s", drv && *drv ? drv : ZKB_NOIR_DRIVER);

    if (nr_find_on_path("node", t->node, sizeof t->node) != 0) {
        nr_fmt(why, why_len, "node not found on PATH: install Node.js (scripts/setup-deps.sh)");
        return ZKB_ERR_UNAVAILABLE;
    }
    if (access(t->driver, R_OK) != 0) {
        nr_fmt(why, why_len, "driver script %s not found (set ZKB_NOIR_DRIVER)", t->driver);
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
        char p[NR_PATH];
        nr_fmt(p, sizeof p, "%s/node_modules/%s/%s", dir, need[i].pkg, need[i].entry);
        if (access(p, R_OK) != 0) {
            size_t l = strlen(missing);
            nr_fmt(missing + l, sizeof missing - l, "%s%s", l ? ", " : "", need[i].pkg);
            continue;
        }
        nr_fmt(p, sizeof p, "%s/node_modules/%s/package.json", dir, need[i].pkg);
        zkbp_package_version(nr_host, p, "", ver[i], 64);
    }
    if (missing[0]) {
        nr_fmt(why, why_len, "%s not found in %s/node_modules: run scripts/setup-node.sh", missing, dir);
        return ZKB_ERR_UNAVAILABLE;
    }
    const char *nv[] = {t->node, "--version", NULL};
    program_version(h, nv, t->node_version, sizeof t->node_version);
    if (strcmp(t->node_version, "unknown") == 0) {
        nr_fmt(why, why_len, "node at %s does not run (node --version failed)", t->node);
        return ZKB_ERR_UNAVAILABLE;
    }
    nr_find_on_path("nargo", t->nargo, sizeof t->nargo);
    nr_find_on_path("bb", t->bb, sizeof t->bb);
    return ZKB_OK;
}
