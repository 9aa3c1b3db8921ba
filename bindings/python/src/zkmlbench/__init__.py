"""zkmlbench: Python bindings (ctypes) for libzkmlbench.

    import zkmlbench
    with zkmlbench.Context() as ctx:
        ctx.load_plugins()
        model = ctx.load_model("models/tiny/tiny_dense.json")
        print(model.eval_float([0.5] * model.input_size))

The shared library is found through $ZKB_LIBRARY, a copy next to this
package, the system's search (ctypes.util.find_library), or build/lib/ of a
source tree (see zkmlbench._lib).

Versions: __version__ is this package's, which is the library version it was
made for (both are written once, in include/zkmlbench/zkb_common.h);
version() is that of the libzkmlbench actually loaded, library_path() its
file.
"""

from ._core import (Backend, Check, CheckResult, Context, Dataset, MergeResult, Model, Run, Status,
                    ZkbError, plugin_abi_major, quantize_input, read_results, status_names,
                    status_str, version, version_number)
from . import _version
from ._lib import library_path
from ._report import (Report, ReportEntry, ReportModel, ReportSeries, Slope, Value,
                      report_axes)

__version__ = _version.package_version()

__all__ = [
    "Backend", "Check", "CheckResult", "Context", "Dataset", "MergeResult", "Model", "Report",
    "ReportEntry", "ReportModel", "ReportSeries", "Run", "Slope", "Status", "Value", "ZkbError",
    "library_path", "plugin_abi_major", "quantize_input", "read_results", "report_axes",
    "status_names", "status_str", "version", "version_number",
]
