/* Finding the driver: option driver, else $ZKB_GNARK_DRIVER, else
 * bin/zkb-gnark of the toolchain that `zkbench setup gnark` (or
 * scripts/setup-native.sh in a source tree) built from the data directory's
 * sources, found by zkbp_find_toolchain: one built from other sources than
 * the installed ones is refused. Its version line comes from the binary
 * (the module versions it was built with). */
#include "gnark_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const zkbp_toolchain_spec toolchain = {
    .backend = "gnark",
    .marker = "bin/zkb-gnark",
    .lock = "sources.sha256",
    .stamp = ".zkb-sources.sha256",
    .source_hint = "scripts/setup-native.sh",
};

zkb_status gn_find_driver(zkb_host_ctx *h, const char *opt, char *driver, size_t dcap, char *version,
                          size_t vcap, char *why, size_t wcap)
{
    const char *env = getenv("ZKB_GNARK_DRIVER");
    const char *explicit_path = opt && *opt ? opt : env && *env ? env : NULL;
    if (explicit_path) {
        if (zkbp_fmt(driver, dcap, "%s", explicit_path) < 0) {
            zkbp_fmt(why, wcap, "path too long");
            return ZKB_ERR_UNAVAILABLE;
        }
    } else {
        char root[ZKBP_PATH];
        zkb_status st = zkbp_find_toolchain(&toolchain, NULL, root, sizeof root, why, wcap);
        if (st != ZKB_OK)
            return st;
        if (zkbp_fmt(driver, dcap, "%s/bin/zkb-gnark", root) < 0) {
            zkbp_fmt(why, wcap, "path too long");
            return ZKB_ERR_UNAVAILABLE;
        }
    }
    if (access(driver, X_OK) != 0) {
        zkbp_fmt(why, wcap, "gnark driver not executable: %s (run `zkbench setup gnark`)", driver);
        return ZKB_ERR_UNAVAILABLE;
    }
    const char *argv[] = {driver, "version", NULL};
    zkbp_program_version(h, argv, version, vcap);
    if (strncmp(version, "gnark ", 6) != 0) {
        zkbp_fmt(why, wcap, "%s version printed \"%s\", not a gnark version (run `zkbench setup gnark`)", driver,
                 version);
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}
