/* Finding the driver: option driver, else $ZKB_GNARK_DRIVER, else
 * bin/zkb-gnark of the toolchain that `zkbench setup gnark` (or
 * scripts/setup-native.sh in a source tree) built from the data directory's
 * sources, found by zkbp_find_toolchain: one built from other sources than
 * the installed ones is refused. Its version line comes from the binary
 * (the module versions it was built with). */
#include "gnark_int.h"

#include <stdlib.h>

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
    return zkbp_find_driver(h, &toolchain, opt && *opt ? opt : env, "gnark ", driver, dcap, version, vcap, why,
                            wcap);
}
