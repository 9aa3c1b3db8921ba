/* Finding the EVM step's files: its data directory, node and the pinned
 * toolchain (evm_int.h). */
#include "evm_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MARKER_SOLC "node_modules/solc/package.json"
#define MARKER_VM "node_modules/@ethereumjs/vm/package.json"
#define STAMP "node_modules/.zkb-package-lock.json"

int zkbi_evm_data_dir(const zkb_ctx *ctx, char *out, size_t cap)
{
    char *dirs[2] = {zkbi_default_plugin_dir(), NULL};
    const char *set = ctx ? zkb_ctx_get(ctx, "plugin_dir") : NULL;
    if (set)
        dirs[1] = strdup(set);
    int rc = -1;
    for (int i = 0; i < 2 && rc != 0; i++) {
        char *d = dirs[i] ? zkbi_plugin_data_dir(dirs[i], strlen(dirs[i]), "evm") : NULL;
        if (d && strlen(d) < cap) {
            memcpy(out, d, strlen(d) + 1);
            rc = 0;
        }
        free(d);
    }
    free(dirs[0]);
    free(dirs[1]);
    if (rc != 0)
        out[0] = '\0';
    return rc;
}

static void package_version(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    char *text = NULL;
    size_t len = 0;
    char err[256];
    if (zkbi_read_file(path, 1 << 20, &text, &len, err, sizeof err) != ZKB_OK)
        return;
    cJSON *j = cJSON_ParseWithLength(text, len);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "version");
    if (cJSON_IsString(v))
        snprintf(out, cap, "%s", v->valuestring);
    cJSON_Delete(j);
    free(text);
}

static int same_file_content(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    char err[256];
    int same = zkbi_read_file(a, 64 << 20, &x, &nx, err, sizeof err) == ZKB_OK &&
               zkbi_read_file(b, 64 << 20, &y, &ny, err, sizeof err) == ZKB_OK && nx == ny &&
               memcmp(x, y, nx) == 0;
    free(x);
    free(y);
    return same;
}

static int has_markers(const char *root)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", root, MARKER_SOLC);
    if (access(p, R_OK) != 0)
        return 0;
    snprintf(p, sizeof p, "%s/%s", root, MARKER_VM);
    return access(p, R_OK) == 0;
}

zkb_status zkbi_evm_find(const zkb_ctx *ctx, zkbi_evm_tools *t, char *why, size_t why_len)
{
    memset(t, 0, sizeof *t);
    char data[PATH_MAX];
    if (zkbi_evm_data_dir(ctx, data, sizeof data) != 0) {
        zkbi_errf(why, why_len, "the EVM step's data directory (share/zkmlbench/evm) is missing: reinstall zkmlbench");
        return ZKB_ERR_UNAVAILABLE;
    }
    if ((size_t)snprintf(t->script, sizeof t->script, "%s/evm_measure.mjs", data) >= sizeof t->script ||
        access(t->script, R_OK) != 0) {
        zkbi_errf(why, why_len, "%s/evm_measure.mjs is missing: reinstall zkmlbench", data);
        return ZKB_ERR_UNAVAILABLE;
    }
    if (zkbi_find_program("node", t->node, sizeof t->node) != 0) {
        zkbi_errf(why, why_len, "node not found on PATH: install Node.js (Debian: apt-get install nodejs npm)");
        return ZKB_ERR_UNAVAILABLE;
    }

    const char *env = getenv("ZKB_EVM_TOOLS");
    char cand[2][PATH_MAX - 64];
    int n = 0;
    if (env && *env) {
        if (!has_markers(env)) {
            zkbi_errf(why, why_len, "ZKB_EVM_TOOLS=%s holds no %s and %s", env, MARKER_SOLC, MARKER_VM);
            return ZKB_ERR_UNAVAILABLE;
        }
        snprintf(t->toolchain, sizeof t->toolchain, "%s", env);
    } else {
        if ((size_t)snprintf(cand[n], sizeof cand[0], "%s/toolchain", data) < sizeof cand[0])
            n++;
        const char *root = ctx ? zkb_ctx_get(ctx, "toolchain_dir") : NULL;
        if (root && (size_t)snprintf(cand[n], sizeof cand[0], "%s/evm", root) < sizeof cand[0])
            n++;
        for (int i = 0; i < n && !t->toolchain[0]; i++) {
            if (!has_markers(cand[i]))
                continue;
            char lock[PATH_MAX + 32], stamp[PATH_MAX + 64];
            if ((size_t)snprintf(lock, sizeof lock, "%s/package-lock.json", data) >= sizeof lock ||
                (size_t)snprintf(stamp, sizeof stamp, "%s/%s", cand[i], STAMP) >= sizeof stamp)
                continue;
            if (access(lock, R_OK) == 0 && !same_file_content(lock, stamp)) {
                zkbi_errf(why, why_len,
                          "the EVM toolchain in %s was not installed from %s (another version of "
                          "zkbench?): run `zkbench setup evm`",
                          cand[i], lock);
                return ZKB_ERR_UNAVAILABLE;
            }
            if ((size_t)snprintf(t->toolchain, sizeof t->toolchain, "%s", cand[i]) >= sizeof t->toolchain)
                t->toolchain[0] = '\0';
        }
        if (!t->toolchain[0]) {
            zkbi_errf(why, why_len,
                      "EVM toolchain (solc, @ethereumjs/vm) not installed in %s%s%s: run `zkbench "
                      "setup evm` (in a source tree: scripts/setup-node.sh)",
                      cand[0], n > 1 ? " or " : "", n > 1 ? cand[1] : "");
            return ZKB_ERR_UNAVAILABLE;
        }
    }
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", t->toolchain, MARKER_SOLC);
    package_version(p, t->solc_version, sizeof t->solc_version);
    snprintf(p, sizeof p, "%s/%s", t->toolchain, MARKER_VM);
    package_version(p, t->vm_version, sizeof t->vm_version);
    return ZKB_OK;
}

zkb_status zkb_evm_probe(zkb_ctx *ctx, char *detail, size_t cap)
{
    zkbi_evm_tools t;
    char why[1024];
    zkb_status st = zkbi_evm_find(ctx, &t, why, sizeof why);
    if (detail && cap) {
        if (st == ZKB_OK)
            snprintf(detail, cap, "solc %s, @ethereumjs/vm %s, hardfork %s (%s)", t.solc_version,
                     t.vm_version, ZKBI_EVM_HARDFORK, t.toolchain);
        else
            snprintf(detail, cap, "%s", why);
    }
    return st;
}

zkb_status zkb_evm_data_dir(zkb_ctx *ctx, char *out, size_t cap)
{
    if (!out || !cap)
        return ZKB_ERR_INVALID_ARG;
    return zkbi_evm_data_dir(ctx, out, cap) == 0 ? ZKB_OK : ZKB_ERR_NOT_FOUND;
}
