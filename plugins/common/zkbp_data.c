/* A plugin's data directory and toolchain, relative to its own file. */
#include "zkbp_data.h"

#include "zkbp_error.h"
#include "zkbp_files.h"
#include "zkbp_proc.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ZKBP_PLUGINS_TO_DATA
#error "ZKBP_PLUGINS_TO_DATA (the install's plugin directory to its share/zkmlbench) is not set"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int zkbp_data_dir(const char *backend, char *out, size_t cap)
{
    out[0] = '\0';
    Dl_info info;
    if (!dladdr((void *)(uintptr_t)&zkbp_data_dir, &info) || !info.dli_fname)
        return -1;
    const char *slash = strrchr(info.dli_fname, '/');
    if (!slash)
        return -1;
    char buf[PATH_MAX + 256], real[PATH_MAX];
    if (zkbp_fmt(buf, sizeof buf, "%.*s/%s/%s", (int)(slash - info.dli_fname), info.dli_fname,
                 ZKBP_PLUGINS_TO_DATA, backend) < 0 ||
        !realpath(buf, real) || !is_dir(real))
        return -1;
    return zkbp_fmt(out, cap, "%s", real) < 0 ? -1 : 0;
}

zkb_status zkbp_data_file(const char *backend, const char *name, char *out, size_t cap, char *why,
                          size_t why_len)
{
    char data[ZKBP_PATH];
    if (zkbp_data_dir(backend, data, sizeof data) != 0) {
        zkbp_fmt(why, why_len,
                 "the %s plugin's data directory (share/zkmlbench/%s, at %s from its plugin "
                 "directory) is missing: reinstall zkmlbench",
                 backend, backend, ZKBP_PLUGINS_TO_DATA);
        return ZKB_ERR_UNAVAILABLE;
    }
    if (zkbp_fmt(out, cap, "%s/%s", data, name) < 0 || access(out, R_OK) != 0) {
        zkbp_fmt(why, why_len, "%s/%s is missing: reinstall zkmlbench", data, name);
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}

void zkbp_toolchain_dir(const char *backend, char *out, size_t cap)
{
    const char *dir = getenv("ZKB_TOOLCHAIN_DIR");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (dir && *dir)
        zkbp_fmt(out, cap, "%s/%s", dir, backend);
    else if (xdg && *xdg)
        zkbp_fmt(out, cap, "%s/zkmlbench/toolchains/%s", xdg, backend);
    else if (home && *home)
        zkbp_fmt(out, cap, "%s/.local/share/zkmlbench/toolchains/%s", home, backend);
    else
        zkbp_fmt(out, cap, "/tmp/zkmlbench-toolchains/%s", backend);
}

/* Both files readable and byte for byte equal. */
static int same_content(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* What installs the toolchain, after "run ". */
static void setup_hint(const zkbp_toolchain_spec *spec, char *out, size_t cap)
{
    if (spec->setup_hint)
        zkbp_fmt(out, cap, "%s", spec->setup_hint);
    else
        zkbp_fmt(out, cap, "`zkbench setup %s`", spec->backend);
}

zkb_status zkbp_find_toolchain(const zkbp_toolchain_spec *spec, const char *explicit_root,
                               char *root, size_t cap, char *why, size_t why_len)
{
    char marker[ZKBP_PATH];
    if (explicit_root && *explicit_root) {
        zkbp_fmt(root, cap, "%s", explicit_root);
        zkbp_fmt(marker, sizeof marker, "%s/%s", explicit_root, spec->marker);
        if (access(marker, R_OK) == 0)
            return ZKB_OK;
        zkbp_fmt(why, why_len, "no %s in the %s toolchain given as %s", spec->marker,
                 spec->backend, explicit_root);
        return ZKB_ERR_UNAVAILABLE;
    }
    char setup[256];
    setup_hint(spec, setup, sizeof setup);
    char data[ZKBP_PATH], cand[2][ZKBP_PATH];
    int n = 0;
    if (zkbp_data_dir(spec->backend, data, sizeof data) == 0)
        zkbp_fmt(cand[n++], sizeof cand[0], "%s/toolchain", data);
    zkbp_toolchain_dir(spec->backend, cand[n++], sizeof cand[0]);
    for (int i = 0; i < n; i++) {
        zkbp_fmt(marker, sizeof marker, "%s/%s", cand[i], spec->marker);
        if (access(marker, R_OK) != 0)
            continue;
        zkbp_fmt(root, cap, "%s", cand[i]);
        if (!data[0] || !spec->lock)
            return ZKB_OK;
        char lock[ZKBP_PATH], stamp[ZKBP_PATH];
        zkbp_fmt(lock, sizeof lock, "%s/%s", data, spec->lock);
        zkbp_fmt(stamp, sizeof stamp, "%s/%s", cand[i], spec->stamp);
        if (access(lock, R_OK) != 0 || same_content(lock, stamp))
            return ZKB_OK;
        zkbp_fmt(why, why_len,
                 "the %s toolchain in %s was not installed from %s (another version of zkbench?): "
                 "run %s",
                 spec->backend, cand[i], lock, setup);
        return ZKB_ERR_UNAVAILABLE;
    }
    root[0] = '\0';
    zkbp_fmt(why, why_len,
             "%s toolchain not installed (no %s in %s%s%s): run %s (in a source "
             "tree: %s)",
             spec->backend, spec->marker, n > 1 ? cand[0] : "", n > 1 ? " or " : "", cand[n - 1],
             setup, spec->source_hint);
    return ZKB_ERR_UNAVAILABLE;
}

zkb_status zkbp_find_driver(zkb_host_ctx *h, const zkbp_toolchain_spec *spec, const char *explicit_path,
                            const char *version_prefix, char *path, size_t cap, char *version, size_t vcap,
                            char *why, size_t why_len)
{
    if (explicit_path && *explicit_path) {
        if (zkbp_fmt(path, cap, "%s", explicit_path) < 0) {
            zkbp_fmt(why, why_len, "path too long: %s", explicit_path);
            return ZKB_ERR_UNAVAILABLE;
        }
    } else {
        char root[ZKBP_PATH];
        zkb_status st = zkbp_find_toolchain(spec, NULL, root, sizeof root, why, why_len);
        if (st != ZKB_OK)
            return st;
        if (zkbp_fmt(path, cap, "%s/%s", root, spec->marker) < 0) {
            zkbp_fmt(why, why_len, "path too long: %s/%s", root, spec->marker);
            return ZKB_ERR_UNAVAILABLE;
        }
    }
    char setup[256];
    setup_hint(spec, setup, sizeof setup);
    if (access(path, X_OK) != 0) {
        zkbp_fmt(why, why_len, "no executable at %s: run %s (in a source tree: %s)", path, setup,
                 spec->source_hint);
        return ZKB_ERR_UNAVAILABLE;
    }
    const char *argv[] = {path, "version", NULL};
    zkbp_program_version(h, argv, version, vcap);
    if (strncmp(version, version_prefix, strlen(version_prefix)) != 0) {
        zkbp_fmt(why, why_len, "%s does not run (`%s version` printed \"%s\"): run %s", path, path, version, setup);
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}
