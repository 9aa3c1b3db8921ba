/* Finding the tools: the Python interpreter with ezkl and onnx (option
 * python, else $ZKB_EZKL_PYTHON, else bin/python of the virtual environment
 * `zkbench setup ezkl` made, found by zkbp_find_toolchain) and the driver
 * script in the data directory (or $ZKB_EZKL_DRIVER). */
#include "ezkl_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const zkbp_toolchain_spec toolchain = {
    .backend = "ezkl",
    .marker = "bin/python",
    .lock = "requirements.txt",
    .stamp = ".zkb-requirements.txt",
    .source_hint = "scripts/setup-python.sh",
};

zkb_status ez_find_python(const char *opt, char *python, size_t pcap, char *driver, size_t dcap,
                          char *why, size_t wcap)
{
    const char *denv = getenv("ZKB_EZKL_DRIVER");
    if (denv && *denv) {
        if (zkbp_fmt(driver, dcap, "%s", denv) < 0) {
            zkbp_fmt(why, wcap, "path too long");
            return ZKB_ERR_UNAVAILABLE;
        }
    } else if (zkbp_data_file("ezkl", "zkb_ezkl_driver.py", driver, dcap, why, wcap) != ZKB_OK) {
        return ZKB_ERR_UNAVAILABLE;
    }
    if (access(driver, R_OK) != 0) {
        zkbp_fmt(why, wcap, "ezkl driver missing: %s (set ZKB_EZKL_DRIVER)", driver);
        return ZKB_ERR_UNAVAILABLE;
    }

    const char *env = getenv("ZKB_EZKL_PYTHON");
    const char *py = opt && *opt ? opt : env;
    if (py && *py) {
        if (zkbp_fmt(python, pcap, "%s", py) < 0) {
            zkbp_fmt(why, wcap, "path too long");
            return ZKB_ERR_UNAVAILABLE;
        }
        if (strchr(py, '/') && access(py, X_OK) != 0) {
            zkbp_fmt(why, wcap, "ezkl not installed: no Python at %s", py);
            return ZKB_ERR_UNAVAILABLE;
        }
        return ZKB_OK;
    }
    char venv[ZKBP_PATH];
    zkb_status st = zkbp_find_toolchain(&toolchain, NULL, venv, sizeof venv, why, wcap);
    if (st != ZKB_OK)
        return st;
    if (zkbp_fmt(python, pcap, "%s/bin/python", venv) < 0) {
        zkbp_fmt(why, wcap, "path too long");
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}
