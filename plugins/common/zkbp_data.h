/* A plugin's own files, found relative to its shared object, never through a
 * path compiled in (docs/plugin-abi.md, "A plugin's data"): its data
 * directory (drivers, lock files, setup.sh) and the toolchain that
 * `zkbench setup` installs from those lock files. */
#ifndef ZKBP_DATA_H
#define ZKBP_DATA_H

#include <stddef.h>

#include "zkmlbench/zkb_plugin.h"

/* <dir of this plugin's .so>/<ZKBP_PLUGINS_TO_DATA>/<backend>: the installed
 * <prefix>/share/zkmlbench/<backend>, or the build tree's staged copy. 0, or
 * -1 (out "") when it is not a directory. */
int zkbp_data_dir(const char *backend, char *out, size_t cap);

/* <data dir>/<name> into out, or ZKB_ERR_UNAVAILABLE with why saying which
 * file of the installation is missing. */
zkb_status zkbp_data_file(const char *backend, const char *name, char *out, size_t cap, char *why,
                          size_t why_len);

/* Where `zkbench setup` installs the backend's toolchain:
 * $ZKB_TOOLCHAIN_DIR/<backend> (the host sets it in the children that run
 * plugin code), else $XDG_DATA_HOME/zkmlbench/toolchains/<backend>, else
 * ~/.local/share/zkmlbench/toolchains/<backend>. */
void zkbp_toolchain_dir(const char *backend, char *out, size_t cap);

/* What a backend's toolchain looks like, for zkbp_find_toolchain. */
typedef struct zkbp_toolchain_spec {
    const char *backend;  /* "circom" */
    const char *marker;   /* a file every good install has, relative to its root:
                           * "node_modules/snarkjs/build/cli.cjs", "bin/python" */
    const char *lock;     /* the lock file in the data directory: "package-lock.json" */
    const char *stamp;    /* setup.sh's copy of it in the root (written last):
                           * "node_modules/.zkb-package-lock.json" */
    const char *source_hint; /* how a source tree installs it: "scripts/setup-node.sh" */
    const char *setup_hint;  /* how an install gets it, after "run ": NULL for
                              * "`zkbench setup <backend>`" */
} zkbp_toolchain_spec;

/* The root of the backend's toolchain into root: explicit (an option or an
 * environment variable; used as it is) when not empty, else the first of
 * <data dir>/toolchain (a source tree's build links its in-tree toolchain
 * there; a package may ship one) and zkbp_toolchain_dir that holds the
 * marker. A root set up from another lock file than the data directory's is
 * refused. ZKB_OK, or ZKB_ERR_UNAVAILABLE with why saying what was looked
 * for where and the command that installs it ("run `zkbench setup circom`"). */
zkb_status zkbp_find_toolchain(const zkbp_toolchain_spec *spec, const char *explicit_root,
                               char *root, size_t cap, char *why, size_t why_len);

/* A native driver that setup.sh built (plugins/common/native_setup.sh):
 * explicit_path when not NULL or "" (an option or an environment variable;
 * used as it is), else <toolchain root>/<spec->marker> from
 * zkbp_find_toolchain. It must be executable and `<it> version` must print a
 * line that starts with version_prefix; that line goes to version. ZKB_OK,
 * or ZKB_ERR_UNAVAILABLE with why naming the path and the command that
 * builds it. */
zkb_status zkbp_find_driver(zkb_host_ctx *h, const zkbp_toolchain_spec *spec, const char *explicit_path,
                            const char *version_prefix, char *path, size_t cap, char *version, size_t vcap,
                            char *why, size_t why_len);

#endif
