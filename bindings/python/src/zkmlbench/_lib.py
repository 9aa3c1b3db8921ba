"""Locating and loading libzkmlbench, and the ctypes prototypes of its API.

Search order (the first that exists wins):

1. ``$ZKB_LIBRARY``: the path of the shared object (an error if it is set
   but cannot be loaded);
2. a ``libzkmlbench.so*`` next to this package (a copy installed with it);
3. ``ctypes.util.find_library("zkmlbench")`` (the system's search: ldconfig,
   ``LD_LIBRARY_PATH``), or by the soname of this package's version
   (``libzkmlbench.so.0.1`` for 0.1.x; see _version.soname);
4. ``build/lib/libzkmlbench.so`` of a source tree above this file or above
   the current directory (a repository checkout).
"""

import ctypes
import ctypes.util
import glob
import os

from ctypes import (POINTER, c_char_p, c_double, c_float, c_int, c_int32, c_int64, c_size_t,
                    c_uint32, c_uint64, c_void_p)

from ._version import package_version, soname

_LIB = None
_LIB_PATH = None


class Quant(ctypes.Structure):
    """zkb_quant"""
    _fields_ = [("struct_size", c_uint32), ("scheme", c_uint32), ("scale", c_uint32),
                ("rounding", c_uint32)]


class Accuracy(ctypes.Structure):
    """zkb_accuracy"""
    _fields_ = [("struct_size", c_uint32), ("status", c_int32), ("samples", c_uint64),
                ("float_correct", c_uint64), ("fixed_correct", c_uint64), ("differ", c_uint64),
                ("overflowed", c_uint64), ("float_acc", c_double), ("fixed_acc", c_double),
                ("loss_points", c_double), ("differ_pct", c_double)]


PROGRESS_FN = ctypes.CFUNCTYPE(None, c_void_p, c_size_t, c_size_t, c_char_p, c_double)
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_uint32, c_char_p)
CHECK_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_uint32, c_char_p)

_st = c_int  # zkb_status
_h = c_void_p  # every opaque handle

# name: (restype, argtypes)
_PROTOS = {
    "zkb_version_number": (c_uint32, []),
    "zkb_version_string": (c_char_p, []),
    "zkb_plugin_abi_major": (c_uint32, []),
    "zkb_status_str": (c_char_p, [c_int]),
    # context
    "zkb_ctx_new": (_st, [POINTER(c_void_p)]),
    "zkb_ctx_free": (None, [_h]),
    "zkb_ctx_last_error": (c_char_p, [_h]),
    "zkb_ctx_set": (_st, [_h, c_char_p, c_char_p]),
    "zkb_ctx_get": (c_char_p, [_h, c_char_p]),
    "zkb_ctx_load_plugins": (_st, [_h]),
    "zkb_ctx_load_plugin": (_st, [_h, c_char_p]),
    "zkb_ctx_rejected_count": (c_size_t, [_h]),
    "zkb_ctx_rejected_path": (c_char_p, [_h, c_size_t]),
    "zkb_ctx_rejected_reason": (c_char_p, [_h, c_size_t]),
    # backends
    "zkb_backend_count": (c_size_t, [_h]),
    "zkb_backend_at": (c_void_p, [_h, c_size_t]),
    "zkb_backend_find": (c_void_p, [_h, c_char_p]),
    "zkb_backend_name": (c_char_p, [_h]),
    "zkb_backend_version": (c_char_p, [_h]),
    "zkb_backend_proof_system": (c_char_p, [_h]),
    "zkb_backend_description": (c_char_p, [_h]),
    "zkb_backend_path": (c_char_p, [_h]),
    "zkb_backend_data_dir": (c_char_p, [_h]),
    "zkb_backend_is_baseline": (c_int, [_h]),
    "zkb_backend_probe": (_st, [_h]),
    "zkb_backend_probe_detail": (c_char_p, [_h]),
    "zkb_backend_option_count": (c_size_t, [_h]),
    "zkb_backend_option_field": (c_char_p, [_h, c_size_t, c_char_p]),
    # the EVM step
    "zkb_evm_probe": (_st, [_h, c_char_p, c_size_t]),
    # models
    "zkb_model_load_file": (_st, [_h, c_char_p, POINTER(c_void_p)]),
    "zkb_model_load_json": (_st, [_h, c_char_p, c_size_t, POINTER(c_void_p)]),
    "zkb_model_free": (None, [_h]),
    "zkb_model_last_error": (c_char_p, [_h]),
    "zkb_model_name": (c_char_p, [_h]),
    "zkb_model_fingerprint": (c_char_p, [_h]),
    "zkb_model_param_count": (c_uint64, [_h]),
    "zkb_model_layer_count": (c_uint32, [_h]),
    "zkb_model_input_size": (c_uint64, [_h]),
    "zkb_model_input_shape": (None, [_h, POINTER(c_uint32), POINTER(c_uint32), POINTER(c_uint32)]),
    "zkb_model_classes": (c_uint32, [_h]),
    "zkb_model_layer_op": (c_char_p, [_h, c_uint32]),
    "zkb_model_output_fn": (c_uint32, [_h]),
    "zkb_model_metadata": (c_char_p, [_h]),
    "zkb_output_fn_name": (c_char_p, [c_uint32]),
    "zkb_model_eval_float": (_st, [_h, POINTER(c_float), c_size_t, POINTER(c_float), c_size_t]),
    "zkb_quantize_input": (_st, [POINTER(Quant), POINTER(c_float), c_size_t, POINTER(c_int64)]),
    "zkb_model_eval_fixed": (_st, [_h, POINTER(Quant), POINTER(c_int64), c_size_t,
                                   POINTER(c_int64), c_size_t]),
    "zkb_quant_default": (None, [POINTER(Quant)]),
    # runs
    "zkb_run_new": (_st, [_h, c_char_p, POINTER(c_void_p)]),
    "zkb_run_free": (None, [_h]),
    "zkb_run_last_error": (c_char_p, [_h]),
    "zkb_run_set": (_st, [_h, c_char_p, c_char_p]),
    "zkb_run_add_cell": (_st, [_h, c_char_p, c_char_p, c_char_p, POINTER(c_size_t)]),
    "zkb_run_set_progress": (None, [_h, PROGRESS_FN, c_void_p]),
    "zkb_run_execute": (_st, [_h]),
    "zkb_run_cancel": (None, [_h]),
    "zkb_run_cell_saved": (c_int, [_h, c_size_t]),
    "zkb_run_cell_count": (c_size_t, [_h]),
    "zkb_run_cell_status": (c_char_p, [_h, c_size_t]),
    "zkb_run_cell_record": (c_char_p, [_h, c_size_t]),
    "zkb_run_results_path": (c_char_p, [_h]),
    "zkb_run_cell_backend": (c_char_p, [_h, c_size_t]),
    "zkb_run_cell_model": (c_char_p, [_h, c_size_t]),
    "zkb_run_select_shard": (_st, [_h, c_uint32, c_uint32]),
    # results files, conformance
    "zkb_results_merge": (_st, [_h, c_char_p, POINTER(c_char_p), c_size_t, c_int, POINTER(c_uint64),
                                POINTER(c_uint64), POINTER(c_uint64)]),
    "zkb_conformance_run": (_st, [_h, c_char_p, c_char_p, c_char_p, c_double, c_char_p, CHECK_FN,
                                  c_void_p, POINTER(c_uint32)]),
    # datasets (zkb_data.h)
    "zkb_dataset_open": (_st, [_h, c_char_p, c_char_p, POINTER(c_void_p)]),
    "zkb_dataset_free": (None, [_h]),
    "zkb_dataset_last_error": (c_char_p, [_h]),
    "zkb_dataset_name": (c_char_p, [_h]),
    "zkb_dataset_split": (c_char_p, [_h]),
    "zkb_dataset_count": (c_size_t, [_h]),
    "zkb_dataset_features": (c_size_t, [_h]),
    "zkb_dataset_shape": (None, [_h, POINTER(c_uint32), POINTER(c_uint32), POINTER(c_uint32)]),
    "zkb_dataset_classes": (c_uint32, [_h]),
    "zkb_dataset_feature_name": (c_char_p, [_h, c_size_t]),
    "zkb_dataset_sample": (_st, [_h, c_size_t, POINTER(POINTER(c_float)), POINTER(c_int32)]),
    # accuracy (zkb_eval.h)
    "zkb_eval_accuracy": (_st, [_h, POINTER(Quant), _h, c_size_t, c_uint32, POINTER(Accuracy)]),
    "zkb_eval_default_dataset": (c_char_p, [_h]),
    # reports (zkb_report.h)
    "zkb_report_new": (_st, [POINTER(c_void_p)]),
    "zkb_report_free": (None, [_h]),
    "zkb_report_last_error": (c_char_p, [_h]),
    "zkb_report_add_path": (_st, [_h, c_char_p]),
    "zkb_report_add_text": (_st, [_h, c_char_p, c_char_p, c_size_t]),
    "zkb_report_record_count": (c_size_t, [_h]),
    "zkb_report_skipped_count": (c_size_t, [_h]),
    "zkb_report_skipped": (c_char_p, [_h, c_size_t]),
    "zkb_report_model_count": (c_size_t, [_h]),
    "zkb_report_model_name": (c_char_p, [_h, c_size_t]),
    "zkb_report_model_params": (c_double, [_h, c_size_t]),
    "zkb_report_entry_count": (c_size_t, [_h]),
    "zkb_report_entry_model": (c_size_t, [_h, c_size_t]),
    "zkb_report_entry_field": (c_char_p, [_h, c_size_t, c_char_p]),
    "zkb_report_entry_baseline": (c_int, [_h, c_size_t]),
    "zkb_report_entry_cells": (c_size_t, [_h, c_size_t, POINTER(c_size_t)]),
    "zkb_report_entry_value": (_st, [_h, c_size_t, c_char_p, POINTER(c_double), POINTER(c_double),
                                     POINTER(c_double)]),
    "zkb_report_entry_score": (_st, [_h, c_size_t, c_uint32, POINTER(c_double)]),
    "zkb_report_axis_name": (c_char_p, [c_uint32]),
    "zkb_report_series_count": (c_size_t, [_h]),
    "zkb_report_series_label": (c_char_p, [_h, c_size_t]),
    "zkb_report_series_slope": (_st, [_h, c_size_t, c_uint32, POINTER(c_double), POINTER(c_double),
                                      POINTER(c_size_t)]),
    "zkb_report_write_markdown": (_st, [_h, c_char_p]),
    "zkb_report_write_csv": (_st, [_h, c_char_p]),
    "zkb_report_write_json": (_st, [_h, c_char_p]),
    "zkb_report_write_charts": (_st, [_h, c_char_p]),
    "zkb_report_write": (_st, [_h, c_char_p]),
    "zkb_report_file_count": (c_size_t, [_h]),
    "zkb_report_file": (c_char_p, [_h, c_size_t]),
}


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    for p in sorted(glob.glob(os.path.join(here, "libzkmlbench.so*"))):
        yield p
    found = ctypes.util.find_library("zkmlbench")
    if found:
        yield found
    name = soname(package_version())
    if name:
        yield name
    seen = set()
    for start in (here, os.getcwd()):
        d = start
        while d not in seen:
            seen.add(d)
            p = os.path.join(d, "build", "lib", "libzkmlbench.so")
            if os.path.exists(p):
                yield p
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent


def _open():
    env = os.environ.get("ZKB_LIBRARY")
    if env:
        try:
            return ctypes.CDLL(env), env
        except OSError as e:
            raise OSError("ZKB_LIBRARY=%s cannot be loaded: %s" % (env, e)) from e
    tried = []
    for cand in _candidates():
        try:
            return ctypes.CDLL(cand), cand
        except OSError as e:
            tried.append("%s (%s)" % (cand, e))
    raise OSError("libzkmlbench not found: set ZKB_LIBRARY to the path of libzkmlbench.so "
                  "(tried: %s)" % "; ".join(tried))


def lib():
    """The loaded library, with prototypes set (loaded on first use)."""
    global _LIB, _LIB_PATH
    if _LIB is None:
        handle, path = _open()
        for name, (res, args) in _PROTOS.items():
            try:
                fn = getattr(handle, name)
            except AttributeError:
                continue  # an older library: calling it raises AttributeError
            fn.restype = res
            fn.argtypes = args
        _LIB = handle
        try:
            _LIB_PATH = handle._name if os.path.isabs(handle._name) else _resolve(path)
        except Exception:  # pragma: no cover
            _LIB_PATH = path
    return _LIB


def _resolve(name):
    """The file a soname-loaded library came from, via /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and os.path.basename(parts[5]).startswith("libzkmlbench.so"):
                    return parts[5]
    except OSError:
        pass
    return name


def library_path():
    """Path of the loaded libzkmlbench (loads it if needed)."""
    lib()
    return _LIB_PATH
