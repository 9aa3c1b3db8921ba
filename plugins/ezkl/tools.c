/* Finding the tools: the Python interpreter with ezkl and onnx (option
 * python, else $ZKB_EZKL_PYTHON, else the repository's .venv, where
 * scripts/setup-python.sh installs them) and the driver script
 * (driver/zkb_ezkl_driver.py, or $ZKB_EZKL_DRIVER). */
#include "ezkl_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ZKB_EZKL_VENV_PYTHON
#define ZKB_EZKL_VENV_PYTHON ".venv/bin/python"
#endif
#ifndef ZKB_EZKL_DRIVER
#define ZKB_EZKL_DRIVER "plugins/ezkl/driver/zkb_ezkl_driver.py"
#endif

zkb_status ez_find_python(const char *opt, char *python, size_t pcap, char *driver, size_t dcap,
                          char *why, size_t wcap)
{
    const char *env = getenv("ZKB_EZKL_PYTHON");
    const char *py = opt && *opt ? opt : env && *env ? env : ZKB_EZKL_VENV_PYTHON;
    const char *denv = getenv("ZKB_EZKL_DRIVER");
    const char *drv = denv && *denv ? denv : ZKB_EZKL_DRIVER;
    if (zkbp_fmt(python, pcap, "%s", py) < 0 || zkbp_fmt(driver, dcap, "%s", drv) < 0) {
        zkbp_fmt(why, wcap, "path too long");
        return ZKB_ERR_UNAVAILABLE;
    }
    if (strchr(py, '/') && access(py, X_OK) != 0) {
        zkbp_fmt(why, wcap, "ezkl not installed: no Python at %s: run scripts/setup-python.sh", py);
        return ZKB_ERR_UNAVAILABLE;
    }
    if (access(drv, R_OK) != 0) {
        zkbp_fmt(why, wcap, "ezkl driver missing: %s (set ZKB_EZKL_DRIVER)", drv);
        return ZKB_ERR_UNAVAILABLE;
    }
    return ZKB_OK;
}
