"""Pythonic wrappers of the libzkmlbench host API (zkmlbench.h, zkb_data.h,
zkb_eval.h; zkb_report.h is in _report). Every string the library returns is
copied into a Python str at once; handles are freed by close(), by the
context manager, or when the object is garbage-collected."""

import collections
import enum
import json
import operator
import os
import re
import sys
import weakref
from ctypes import (POINTER, byref, c_char_p, c_float, c_int32, c_int64, c_size_t, c_uint32,
                    c_uint64, c_void_p, create_string_buffer, sizeof)

from . import _lib
from ._lib import CHECK_FN, PROGRESS_FN, Accuracy, Quant, lib

__all__ = [
    "Status", "ZkbError", "version", "version_number", "plugin_abi_major", "status_str",
    "status_names", "quantize_input", "read_results", "Context", "Backend", "Model",
    "Dataset", "Run", "CheckResult", "Check", "MergeResult",
]


class Status(enum.IntEnum):
    """zkb_status codes (values are part of the ABI)."""
    OK = 0
    NOMEM = 1
    INVALID_ARG = 2
    IO = 3
    PARSE = 4
    UNSUPPORTED = 5
    UNAVAILABLE = 6
    PLUGIN = 7
    ABI = 8
    TIMEOUT = 9
    MEMORY_CAP = 10
    CRASHED = 11
    VERIFY = 12
    MISMATCH = 13
    CANCELLED = 14
    CHILD = 15
    NOT_FOUND = 16
    EXISTS = 17
    OVERFLOW = 18
    STATE = 19
    INTERNAL = 20
    LOCKED = 21


def _text(b):
    """Library-owned char * -> str (copied), None stays None."""
    return None if b is None else b.decode("utf-8", "replace")


def _path_text(b):
    return None if b is None else os.fsdecode(b)


def _enc(s):
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


def _enc_path(p):
    return None if p is None else os.fsencode(p)


def status_str(code):
    """The library's text for a status code ("ok", "malformed input", ...)."""
    return _text(lib().zkb_status_str(int(code)))


def status_names():
    """{code: library text} for every known status."""
    return {int(s): status_str(s) for s in Status}


class ZkbError(Exception):
    """A libzkmlbench call failed.

    .status       Status (an IntEnum; a plain int for codes this package does not know)
    .code         the status as an int
    .status_name  the status's name in lower case ("parse", "not_found", ...)
    .status_text  the library's text for it (zkb_status_str)
    .message      the library's detail (the handle's last error)
    """

    def __init__(self, status, message=None):
        code = int(status)
        try:
            self.status = Status(code)
            self.status_name = self.status.name.lower()
        except ValueError:
            self.status = code
            self.status_name = "status_%d" % code
        self.code = code
        try:
            self.status_text = status_str(code)
        except Exception:  # pragma: no cover - library gone
            self.status_text = self.status_name
        self.message = message or self.status_text
        super().__init__("%s [%s, status %d]" % (self.message, self.status_text, code))


class CheckResult(enum.IntEnum):
    """zkb_check_result: the outcome of one conformance check."""
    PASS = 0
    FAIL = 1
    SKIP = 2


Check = collections.namedtuple("Check", "check result detail")
Check.__doc__ = "One conformance check: its name, a CheckResult (an int if unknown), its reason."

MergeResult = collections.namedtuple("MergeResult", "written duplicates bad")
MergeResult.__doc__ = "Counts of zkb_results_merge: records written, copies dropped, bad lines."


def _check(st, errfn=None, handle=None, what=None):
    if st == Status.OK:
        return
    msg = None
    if errfn is not None and handle:
        msg = _text(errfn(handle))
    if not msg:
        msg = what
    elif what:
        msg = "%s: %s" % (what, msg)
    raise ZkbError(st, msg)


def version():
    """Version string of the loaded library ("0.1.0")."""
    return _text(lib().zkb_version_string())


def version_number():
    return int(lib().zkb_version_number())


def plugin_abi_major():
    return int(lib().zkb_plugin_abi_major())


# ---- numbers in and out ------------------------------------------------------


def _as_buffer(x, codes, itemsize, np_dtype):
    """A C-contiguous native-endian memoryview of x when it already holds the
    right type (array.array, ctypes array, numpy array after conversion),
    else None."""
    if hasattr(x, "__array_interface__"):
        try:
            import numpy as np
            x = np.ascontiguousarray(x, dtype=np_dtype).ravel()
        except ImportError:  # pragma: no cover
            pass
    try:
        mv = memoryview(x)
    except TypeError:
        return None
    fmt = mv.format
    if fmt[:1] in "@=<":
        if fmt[:1] == "<" and sys.byteorder != "little":
            return None
        fmt = fmt[1:]
    if fmt in codes and mv.itemsize == itemsize and mv.c_contiguous:
        return mv
    return None


def _float_array(x):
    mv = _as_buffer(x, ("f",), 4, "float32")
    if mv is not None:
        n = mv.nbytes // 4
        return (c_float * n).from_buffer_copy(mv.cast("B")), n
    vals = [float(v) for v in x]
    return (c_float * len(vals))(*vals), len(vals)


def _int64_array(x):
    mv = _as_buffer(x, ("q", "l"), 8, "int64")
    if mv is not None:
        n = mv.nbytes // 8
        return (c_int64 * n).from_buffer_copy(mv.cast("B")), n
    vals = [operator.index(v) for v in x]
    for v in vals:
        if not -(1 << 63) <= v < (1 << 63):
            raise OverflowError("%d does not fit int64" % v)
    return (c_int64 * len(vals))(*vals), len(vals)


_SCHEMES = {"pow2": 1, "pow10": 2}
_ROUNDINGS = {"half_up": 0, "floor": 1}


def _quant(scheme="pow2", scale=8, rounding="half_up"):
    q = Quant()
    q.struct_size = sizeof(Quant)
    if isinstance(scheme, str):
        if scheme not in _SCHEMES:
            raise ValueError("scheme must be 'pow2' or 'pow10', not %r" % scheme)
        scheme = _SCHEMES[scheme]
    if isinstance(rounding, str):
        if rounding not in _ROUNDINGS:
            raise ValueError("rounding must be 'half_up' or 'floor', not %r" % rounding)
        rounding = _ROUNDINGS[rounding]
    scale = operator.index(scale)
    if scale < 0:
        raise ValueError("scale must be >= 0")
    q.scheme, q.scale, q.rounding = int(scheme), scale, int(rounding)
    return q


def quantize_input(x, scheme="pow2", scale=8, rounding="half_up"):
    """x_q[i] = round_half_away(x[i] * S) as a list of ints (zkb_quantize_input).
    Each x[i] is taken as a float32, as the library takes it."""
    q = _quant(scheme, scale, rounding)
    arr, n = _float_array(x)
    out = (c_int64 * max(n, 1))()
    st = lib().zkb_quantize_input(byref(q), arr, n, out)
    _check(st, what="quantize_input")
    return list(out[:n])


# ---- handles -----------------------------------------------------------------


class _Handle:
    """An owned library handle freed exactly once."""
    _free_name = None

    def __init__(self, h):
        self._h = h

    def _handle(self):
        if not self._h:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    @property
    def closed(self):
        return not self._h

    def close(self):
        h, self._h = self._h, None
        if h and self._free_name:
            getattr(lib(), self._free_name)(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class Context(_Handle):
    """A zkb_ctx: settings, plugins (backends), and the factory of models,
    datasets and runs.

    plugin_dir defaults to the plugin directory beside the loaded library
    (<libdir>/zkmlbench/plugins, in a build tree as in an install), searched
    after $ZKB_PLUGIN_PATH."""
    _free_name = "zkb_ctx_free"

    def __init__(self, data_dir=None, cache_dir=None, log_level=None, plugin_dir=None,
                 load_plugins=False, toolchain_dir=None):
        h = c_void_p()
        st = lib().zkb_ctx_new(byref(h))
        _check(st, what="zkb_ctx_new")
        super().__init__(h.value)
        self._runs = weakref.WeakSet()
        for key, value in (("data_dir", data_dir), ("cache_dir", cache_dir),
                           ("log_level", log_level), ("plugin_dir", plugin_dir),
                           ("toolchain_dir", toolchain_dir)):
            if value is not None:
                self.set(key, value)
        if load_plugins:
            self.load_plugins()

    def close(self):
        for r in list(self._runs):
            r.close()
        super().close()

    def _fail(self, st, what=None):
        _check(st, lib().zkb_ctx_last_error, self._h, what)

    def set(self, key, value):
        """zkb_ctx_set: "cache_dir", "data_dir", "log_level", "plugin_dir",
        "toolchain_dir"."""
        v = _enc_path(value) if key.endswith("_dir") else _enc(value)
        self._fail(lib().zkb_ctx_set(self._handle(), _enc(key), v))

    def get(self, key):
        v = lib().zkb_ctx_get(self._handle(), _enc(key))
        return _path_text(v) if key.endswith("_dir") else _text(v)

    @property
    def data_dir(self):
        return self.get("data_dir")

    @property
    def cache_dir(self):
        return self.get("cache_dir")

    # -- plugins

    def load_plugins(self):
        """Load every plugin of $ZKB_PLUGIN_PATH and the plugin directory;
        returns self.backends()."""
        self._fail(lib().zkb_ctx_load_plugins(self._handle()))
        return self.backends()

    def load_plugin(self, path):
        self._fail(lib().zkb_ctx_load_plugin(self._handle(), _enc_path(path)))

    @property
    def rejected(self):
        """Plugins the loader rejected: [(path, reason)]."""
        h, L = self._handle(), lib()
        return [(_path_text(L.zkb_ctx_rejected_path(h, i)), _text(L.zkb_ctx_rejected_reason(h, i)))
                for i in range(L.zkb_ctx_rejected_count(h))]

    def backends(self):
        h, L = self._handle(), lib()
        return [Backend(self, L.zkb_backend_at(h, i)) for i in range(L.zkb_backend_count(h))]

    def evm_probe(self):
        """Whether the EVM step (docs/evm.md) can run: (True, versions) or
        (False, reason). Turn it off for a run with run(..., evm=False)."""
        buf = create_string_buffer(2048)
        st = lib().zkb_evm_probe(self._handle(), buf, len(buf))
        return st == Status.OK, _text(buf.value) or ""

    def backend(self, name):
        """The backend called name; ZkbError NOT_FOUND if none is loaded."""
        b = lib().zkb_backend_find(self._handle(), _enc(name))
        if not b:
            raise ZkbError(Status.NOT_FOUND, "no backend named '%s' is loaded" % name)
        return Backend(self, b)

    # -- results files, conformance

    def merge(self, out_path, in_paths, strict=False):
        """zkb_results_merge: every valid record of the in_paths (results.jsonl
        files), in order and without copies, into out_path (which may be one
        of them). Bad lines go to the log as warnings and are counted; with
        strict the first one raises ZkbError (PARSE) and out_path is left as
        it was. Returns MergeResult(written, duplicates, bad)."""
        if isinstance(in_paths, (str, bytes, os.PathLike)):
            raise TypeError("in_paths must be a sequence of paths, not one path")
        paths = [_enc_path(p) for p in in_paths]
        arr = (c_char_p * max(len(paths), 1))(*paths)
        written, dups, bad = c_uint64(), c_uint64(), c_uint64()
        self._fail(lib().zkb_results_merge(self._handle(), _enc_path(out_path), arr, len(paths),
                                           1 if strict else 0, byref(written), byref(dups),
                                           byref(bad)))
        return MergeResult(written.value, dups.value, bad.value)

    def conformance(self, plugin, model=None, options=None, timeout=0, memory_cap=None):
        """zkb_conformance_run: check a backend plugin against the adapter
        contract (docs/adapter-guide.md). plugin: a plugin file, a Backend,
        or the name of a loaded backend; model: a model file or a Model
        loaded from one (None: the built-in tiny dense model); options: dict
        or "k=v,k=v"; timeout: seconds per isolated check (0: 600);
        memory_cap: cap on each check's process tree, bytes (int) or text
        as for Run settings ("512M"; 0 for none; None: 20G). Returns
        (checks, failed): [Check(check, result, detail)] in the order run,
        and the number of FAIL results. ZkbError when the checks could not
        run (e.g. the model does not load)."""
        plugin_path = self._plugin_path(plugin)
        checks = []

        def on_check(_user, check, result, detail):
            try:
                result = CheckResult(result)
            except ValueError:
                pass
            checks.append(Check(_text(check), result, _text(detail) or ""))

        cb = CHECK_FN(on_check)  # alive until the call returns: the library calls it only then
        failed = c_uint32()
        model_arg = None if model is None else _enc_path(_model_path(model))
        st = lib().zkb_conformance_run(self._handle(), _enc_path(plugin_path), model_arg,
                                       _enc(_option_text(options)), float(timeout),
                                       _enc(memory_cap), cb, None,
                                       byref(failed))
        self._fail(st, "conformance of %s" % os.fsdecode(plugin_path))
        return checks, failed.value

    def _plugin_path(self, plugin):
        """A plugin file for conformance: a Backend's file, a path (has a
        slash or exists), else the file of the loaded backend of that name."""
        if isinstance(plugin, Backend):
            return plugin.path
        p = os.fspath(plugin)
        name = os.fsdecode(p)
        if "/" in name or os.path.exists(p):
            return p
        return self.backend(name).path

    # -- factories

    def load_model(self, path):
        """A model file: zkmlbench JSON, or ONNX by the .onnx suffix."""
        h = c_void_p()
        self._fail(lib().zkb_model_load_file(self._handle(), _enc_path(path), byref(h)))
        return Model(h.value, os.fspath(path))

    def load_model_json(self, text):
        """A model from zkmlbench JSON text (str or bytes)."""
        data = _enc(text)
        h = c_void_p()
        self._fail(lib().zkb_model_load_json(self._handle(), data, len(data), byref(h)))
        return Model(h.value, None)

    def dataset(self, name, split="test"):
        h = c_void_p()
        self._fail(lib().zkb_dataset_open(self._handle(), _enc(name), _enc(split), byref(h)))
        return Dataset(h.value)

    def run(self, out_dir, samples=1, repeats=1, timeout=600, memory_cap="20G", dataset="auto",
            force=False, seed=None, scheme=None, scale=None, rounding=None, keep_scratch=None,
            **settings):
        """A run writing <out_dir>/results.jsonl. Settings left None keep the
        library's defaults; extra keyword settings are passed to zkb_run_set
        as they are (use run.set("quant.scale", 10) for dotted keys)."""
        h = c_void_p()
        self._fail(lib().zkb_run_new(self._handle(), _enc_path(out_dir), byref(h)))
        r = Run(self, h.value)
        try:
            for key, value in (("samples", samples), ("repeats", repeats), ("timeout", timeout),
                               ("memory_cap", memory_cap), ("dataset", dataset), ("force", force),
                               ("seed", seed), ("quant.scheme", scheme), ("quant.scale", scale),
                               ("quant.rounding", rounding), ("keep_scratch", keep_scratch)):
                if value is not None:
                    r.set(key, value)
            for key, value in settings.items():
                if value is not None:
                    r.set(key, value)
        except BaseException:
            r.close()
            raise
        self._runs.add(r)
        return r


class Backend:
    """A loaded backend (owned by its Context: valid while the context is open)."""

    def __init__(self, ctx, ref):
        self._ctx = ctx
        self._ref = ref

    def _b(self):
        self._ctx._handle()
        return self._ref

    def _s(self, fn):
        return _text(getattr(lib(), fn)(self._b()))

    name = property(lambda self: self._s("zkb_backend_name"))
    version = property(lambda self: self._s("zkb_backend_version"))
    proof_system = property(lambda self: self._s("zkb_backend_proof_system"))
    description = property(lambda self: self._s("zkb_backend_description"))

    @property
    def path(self):
        return _path_text(lib().zkb_backend_path(self._b()))

    @property
    def data_dir(self):
        """The backend's data directory (drivers, lock files, setup.sh), or None."""
        return _path_text(lib().zkb_backend_data_dir(self._b()))

    @property
    def baseline(self):
        return bool(lib().zkb_backend_is_baseline(self._b()))

    def probe(self):
        """(available, detail): whether the backend can run here (cached by the library)."""
        b = self._b()
        st = lib().zkb_backend_probe(b)
        detail = _text(lib().zkb_backend_probe_detail(b)) or ""
        if st not in (Status.OK, Status.UNAVAILABLE):
            raise ZkbError(st, detail or "probe of %s" % self.name)
        return st == Status.OK, detail

    @property
    def options(self):
        """Declared options: [{"key", "type", "default", "choices", "help"}]."""
        b, L = self._b(), lib()
        fields = ("key", "type", "default", "choices", "help")
        return [{f: _text(L.zkb_backend_option_field(b, i, f.encode())) for f in fields}
                for i in range(L.zkb_backend_option_count(b))]

    def __repr__(self):
        if self._ctx.closed:
            return "<zkmlbench.Backend (context closed)>"
        return "<zkmlbench.Backend %s %s (%s)>" % (self.name, self.version, self.proof_system)


class Model(_Handle):
    """A loaded model (independent of the context once loaded)."""
    _free_name = "zkb_model_free"

    def __init__(self, h, path=None):
        super().__init__(h)
        self.path = path

    def _fail(self, st, what=None):
        _check(st, lib().zkb_model_last_error, self._h, what)

    name = property(lambda self: _text(lib().zkb_model_name(self._handle())))
    fingerprint = property(lambda self: _text(lib().zkb_model_fingerprint(self._handle())))
    param_count = property(lambda self: int(lib().zkb_model_param_count(self._handle())))
    layer_count = property(lambda self: int(lib().zkb_model_layer_count(self._handle())))
    input_size = property(lambda self: int(lib().zkb_model_input_size(self._handle())))
    classes = property(lambda self: int(lib().zkb_model_classes(self._handle())))

    @property
    def input_shape(self):
        """(channels, height, width)"""
        c, h, w = c_uint32(), c_uint32(), c_uint32()
        lib().zkb_model_input_shape(self._handle(), byref(c), byref(h), byref(w))
        return (c.value, h.value, w.value)

    @property
    def layers(self):
        """Operator name of every layer ("flatten", "dense", ...)."""
        h, L = self._handle(), lib()
        return [_text(L.zkb_model_layer_op(h, i)) for i in range(L.zkb_model_layer_count(h))]

    @property
    def output_fn(self):
        """What eval_float applies to the logits: "softmax", "log_softmax",
        "sigmoid", or None (the outputs are the logits). Proofs, eval_fixed
        and accuracy always use the logits."""
        return _text(lib().zkb_output_fn_name(lib().zkb_model_output_fn(self._handle())))

    @property
    def metadata(self):
        """The model's metadata as a dict ({} when it has none). For an ONNX
        import: "source", "producer", "opset", and "import_steps", what the
        import folded, fused and left out (docs/onnx.md)."""
        text = _text(lib().zkb_model_metadata(self._handle()))
        return json.loads(text) if text else {}

    @property
    def default_dataset(self):
        """The dataset the model is meant for, or None (zkb_eval_default_dataset)."""
        return _text(lib().zkb_eval_default_dataset(self._handle()))

    def eval_float(self, x):
        """Float forward pass: input_size numbers -> classes floats: the logits,
        or output_fn of them when the model has one."""
        arr, n = _float_array(x)
        k = self.classes
        out = (c_float * max(k, 1))()
        self._fail(lib().zkb_model_eval_float(self._handle(), arr, n, out, k))
        return [float(v) for v in out[:k]]

    def eval_fixed(self, xq, scheme="pow2", scale=8, rounding="half_up"):
        """Fixed-point reference evaluator: quantized ints -> logits at scale S (ints)."""
        q = _quant(scheme, scale, rounding)
        arr, n = _int64_array(xq)
        k = self.classes
        out = (c_int64 * max(k, 1))()
        self._fail(lib().zkb_model_eval_fixed(self._handle(), byref(q), arr, n, out, k))
        return list(out[:k])

    def quantize_input(self, x, scheme="pow2", scale=8, rounding="half_up"):
        arr, n = _float_array(x)
        if n != self.input_size:
            raise ZkbError(Status.INVALID_ARG,
                           "input has %d values, the model takes %d" % (n, self.input_size))
        return quantize_input(arr, scheme, scale, rounding)

    def accuracy(self, dataset, scheme="pow2", scale=8, rounding="half_up", max_samples=0,
                 threads=0):
        """Float and fixed-point accuracy on a Dataset (or a dataset name, whose
        test split is opened from a default Context). Returns the zkb_accuracy
        fields as a dict (status as an int code, plus status_name)."""
        own = None
        if isinstance(dataset, str):
            with Context() as ctx:
                own = dataset = ctx.dataset(dataset)
        try:
            q = _quant(scheme, scale, rounding)
            acc = Accuracy()
            acc.struct_size = sizeof(Accuracy)
            self._fail(lib().zkb_eval_accuracy(self._handle(), byref(q), dataset._handle(),
                                               int(max_samples), int(threads), byref(acc)))
        finally:
            if own is not None:
                own.close()
        d = {f: getattr(acc, f) for f, _ in Accuracy._fields_ if f != "struct_size"}
        try:
            d["status_name"] = Status(d["status"]).name.lower()
        except ValueError:
            d["status_name"] = "status_%d" % d["status"]
        return d

    def __repr__(self):
        if self.closed:
            return "<zkmlbench.Model (closed)>"
        return "<zkmlbench.Model %s %s>" % (self.name, self.fingerprint)


class Dataset(_Handle):
    _free_name = "zkb_dataset_free"

    name = property(lambda self: _text(lib().zkb_dataset_name(self._handle())))
    split = property(lambda self: _text(lib().zkb_dataset_split(self._handle())))
    count = property(lambda self: int(lib().zkb_dataset_count(self._handle())))
    features = property(lambda self: int(lib().zkb_dataset_features(self._handle())))
    classes = property(lambda self: int(lib().zkb_dataset_classes(self._handle())))

    @property
    def shape(self):
        c, h, w = c_uint32(), c_uint32(), c_uint32()
        lib().zkb_dataset_shape(self._handle(), byref(c), byref(h), byref(w))
        return (c.value, h.value, w.value)

    @property
    def feature_names(self):
        """Names of the features (heart), or [] (MNIST)."""
        h, L = self._handle(), lib()
        names = [_text(L.zkb_dataset_feature_name(h, i)) for i in range(L.zkb_dataset_features(h))]
        return [] if any(n is None for n in names) else names

    def sample(self, i):
        """(features as a list of floats, label)"""
        h = self._handle()
        n = self.count
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("sample %d out of range (%d samples)" % (i, n))
        x = POINTER(c_float)()
        label = c_int32()
        st = lib().zkb_dataset_sample(h, i, byref(x), byref(label))
        _check(st, lib().zkb_dataset_last_error, h)
        return [float(v) for v in x[:self.features]], label.value

    def __len__(self):
        return self.count

    def __iter__(self):
        for i in range(self.count):
            yield self.sample(i)

    def __repr__(self):
        if self.closed:
            return "<zkmlbench.Dataset (closed)>"
        return "<zkmlbench.Dataset %s/%s %d x %d>" % (self.name, self.split, self.count,
                                                      self.features)


def _option_text(options):
    if options is None:
        return None
    if isinstance(options, (str, bytes)):
        return options
    parts = []
    for k, v in options.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        k, v = str(k), str(v)
        if not k or "," in k or "=" in k or "\\" in k:
            raise ValueError("option %r=%r: keys cannot be empty or hold ',', '=' or '\\'" % (k, v))
        # the library escapes a comma in a value as backslash-comma, a backslash as two
        parts.append("%s=%s" % (k, v.replace("\\", "\\\\").replace(",", "\\,")))
    return ",".join(parts)


def _setting_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _model_path(model):
    """A model file path, from a path or a Model loaded from a file."""
    if isinstance(model, Model):
        if not model.path:
            raise ValueError("the model was not loaded from a file")
        return model.path
    return model


class Run(_Handle):
    """A zkb_run (needs its Context open; the context closes its runs)."""
    _free_name = "zkb_run_free"

    def __init__(self, ctx, h):
        super().__init__(h)
        self._ctx = ctx  # keeps the context alive as long as the run
        self._progress_ref = None

    def _fail(self, st, what=None):
        _check(st, lib().zkb_run_last_error, self._h, what)

    def set(self, key, value):
        """zkb_run_set (booleans become 1/0, other values str())."""
        self._fail(lib().zkb_run_set(self._handle(), _enc(key), _enc(_setting_text(value))))

    def add_cell(self, model, backend, options=None):
        """Add a cell: a model file (path, or a Model loaded from a file), a
        backend name (or Backend) and its options (dict or "k=v,k=v").
        Returns the cell index."""
        if isinstance(backend, Backend):
            backend = backend.name
        idx = c_size_t()
        self._fail(lib().zkb_run_add_cell(self._handle(), _enc_path(_model_path(model)),
                                          _enc(backend), _enc(_option_text(options)), byref(idx)))
        return idx.value

    def select_shard(self, k, n):
        """zkb_run_select_shard: keep only shard k of n (1 <= k <= n) of the
        cells added so far, so that n hosts given the same cells run disjoint
        parts covering all of them. Cells are renumbered from 0; records
        carry "shard": {"index": k, "count": n}. Returns cell_count."""
        k, n = operator.index(k), operator.index(n)
        for v in (k, n):
            if not 0 <= v < (1 << 32):
                raise ValueError("shard %d/%d: K and N must fit uint32" % (k, n))
        self._fail(lib().zkb_run_select_shard(self._handle(), k, n))
        return self.cell_count

    def execute(self, progress=None):
        """Run every cell (each in a child process). progress, if given, is
        called as progress(cell, n_cells, phase, elapsed_s) from this thread;
        an exception it raises is re-raised after the run. Returns cells().

        Ctrl-C (KeyboardInterrupt) stops the run as zkbench run does on
        SIGINT: the running cell's processes are killed, nothing is recorded
        for it, and KeyboardInterrupt is raised once the run has stopped
        (within about half a second: Python handles the signal when the
        library next calls back). Records that could not be written raise
        ZkbError (Status.IO) after the run stopped; another process writing
        the same results file raises ZkbError (Status.LOCKED)."""
        h = self._handle()
        L = lib()
        errors = []
        interrupted = []

        def cb(_user, cell, n, phase, elapsed):
            # Always installed: Python runs its signal handlers (Ctrl-C) only
            # when Python code runs, and this is the only Python code that
            # runs during the call.
            try:
                if progress is not None and not errors:
                    progress(int(cell), int(n), _text(phase) or "", float(elapsed))
            except KeyboardInterrupt as e:
                interrupted.append(e)
                L.zkb_run_cancel(h)
            except BaseException as e:  # noqa: B902 - re-raised below
                errors.append(e)
        self._progress_ref = PROGRESS_FN(cb)  # alive while the library may call it
        L.zkb_run_set_progress(h, self._progress_ref, None)
        try:
            st = L.zkb_run_execute(h)
        except KeyboardInterrupt as e:  # pragma: no cover - between the calls
            interrupted.append(e)
            st = Status.CANCELLED
        finally:
            L.zkb_run_set_progress(h, PROGRESS_FN(), None)
            self._progress_ref = None
        if interrupted and st in (Status.CANCELLED, Status.OK):
            raise interrupted[0]
        self._fail(st)
        if errors:
            raise errors[0]
        return self.cells()

    def cancel(self):
        """zkb_run_cancel: ask a running execute() (in another thread) to
        stop: it kills the running cell's processes, records nothing for it
        and raises ZkbError(Status.CANCELLED). The run stays cancelled; make a
        new one to resume."""
        lib().zkb_run_cancel(self._handle())

    @property
    def cell_count(self):
        return int(lib().zkb_run_cell_count(self._handle()))

    def cells(self):
        """[{"index", "model", "backend", "status", "record" (parsed dict or
        None), "cell_id", "saved"}]; model and backend as given to add_cell;
        status None for a cell that did not run, "interrupted" for one a
        cancel stopped; saved False when the record is not in the results
        file (zkb_run_cell_saved)."""
        h, L = self._handle(), lib()
        out = []
        for i in range(L.zkb_run_cell_count(h)):
            text = _text(L.zkb_run_cell_record(h, i))
            rec = None
            if text:
                try:
                    rec = json.loads(text)
                except ValueError:
                    rec = None
            out.append({"index": i, "model": _path_text(L.zkb_run_cell_model(h, i)),
                        "backend": _text(L.zkb_run_cell_backend(h, i)),
                        "status": _text(L.zkb_run_cell_status(h, i)), "record": rec,
                        "saved": bool(L.zkb_run_cell_saved(h, i)),
                        "cell_id": rec.get("cell_id") if isinstance(rec, dict) else None})
        return out

    @property
    def results_path(self):
        return _path_text(lib().zkb_run_results_path(self._handle()))

    def read_results(self):
        return read_results(self.results_path)


_CELL_ID = re.compile(r"^[0-9a-f]{32}$")


def read_results(path):
    """Records of a results.jsonl as dicts (docs/results-format.md): lines
    that are not a JSON object with a 32-hex-digit cell_id are skipped; for a
    cell_id seen more than once the last record is kept (at the place of its
    last line)."""
    by_id = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if not isinstance(rec, dict):
                continue
            cid = rec.get("cell_id")
            if not isinstance(cid, str) or not _CELL_ID.match(cid):
                continue
            by_id.pop(cid, None)
            by_id[cid] = rec
    return list(by_id.values())
