"""Reports over results.jsonl records (zkb_report.h, docs/report.md):
medians with min/max per model x backend x variant, normalized scores,
log-log scaling slopes, and the writers of report.md, results.csv,
summary.json and the SVG charts. A Report needs no Context."""

import collections
import operator
from ctypes import byref, c_double, c_size_t, c_void_p

from ._core import Status, _check, _enc, _enc_path, _Handle, _path_text, _text
from ._lib import lib

__all__ = ["Report", "ReportModel", "ReportEntry", "ReportSeries", "Value", "Slope",
           "report_axes", "ENTRY_FIELDS", "FIGURES", "SCALINGS"]

# Text fields of an entry (zkb_report_entry_field).
ENTRY_FIELDS = ("backend", "variant", "label", "proof_system", "status", "reason",
                "circuit_metric", "accuracy_kind")

_PHASES = ("load", "quantize", "setup", "witness", "prove", "verify")
# Figures of zkb_report_entry_value.
FIGURES = tuple("%s.%s" % (p, f) for p in _PHASES
                for f in ("wall_s", "cpu_s", "peak_rss_bytes")) + (
    "peak_rss_bytes", "proof_size_bytes", "circuit_size", "accuracy_loss", "params")

# zkb_report_scaling, in ABI order.
SCALINGS = ("time_vs_params", "memory_vs_params", "time_vs_circuit", "memory_vs_circuit")

ReportModel = collections.namedtuple("ReportModel", "name params")
ReportModel.__doc__ = "A model of a report; params is None when unknown."

Value = collections.namedtuple("Value", "median min max")

Slope = collections.namedtuple("Slope", "slope r2 points")
Slope.__doc__ = ("Log-log least-squares fit; slope and r2 are None with fewer than two "
                 "distinct x values (points still counts the entries).")

ReportSeries = collections.namedtuple("ReportSeries", "label slopes")
ReportSeries.__doc__ = "A label (backend x variant) across models; slopes: {scaling: Slope}."

ReportEntry = collections.namedtuple(
    "ReportEntry", ("index", "model", "model_index") + ENTRY_FIELDS
    + ("baseline", "cells", "ok_cells", "values", "scores"))
ReportEntry.__doc__ = """One model x backend x variant. values: {figure: Value} for the
figures the entry has (a failed entry only "params"); scores: {axis: score in [0, 1]}
for the axes it is scored on (none when failed or a baseline)."""


def report_axes():
    """Names of the score axes in ABI order ("accuracy", "prove_time", ...)."""
    names = []
    while True:
        name = _text(lib().zkb_report_axis_name(len(names)))
        if name is None:
            return names
        names.append(name)


def _found(st, what):
    """True for OK, False for NOT_FOUND (the figure, score or slope is absent);
    raises otherwise (these accessors leave no last error)."""
    if st == Status.NOT_FOUND:
        return False
    _check(st, what=what)
    return True


class Report(_Handle):
    """A zkb_report: Report(*paths) reads each path as add() does."""
    _free_name = "zkb_report_free"

    def __init__(self, *paths):
        h = c_void_p()
        _check(lib().zkb_report_new(byref(h)), what="zkb_report_new")
        super().__init__(h.value)
        try:
            for p in paths:
                self.add(p)
        except BaseException:
            self.close()
            raise

    def _fail(self, st, what=None):
        _check(st, lib().zkb_report_last_error, self._h, what)

    # -- inputs

    def add(self, path):
        """Read the records of a results.jsonl, or of DIR/results.jsonl. Lines
        that are not records are skipped (see skipped), not errors; for a
        cell_id seen again the last record wins. ZkbError NOT_FOUND / IO when
        the file cannot be read."""
        self._fail(lib().zkb_report_add_path(self._handle(), _enc_path(path)))

    def add_text(self, name, text):
        """The same from text (str or bytes); name (may be None) is used in
        the skipped-line messages."""
        data = _enc(text)
        self._fail(lib().zkb_report_add_text(self._handle(), _enc(name), data, len(data)))

    # -- counts and models

    @property
    def record_count(self):
        """Records kept (after removing duplicate cell ids)."""
        return int(lib().zkb_report_record_count(self._handle()))

    @property
    def skipped_count(self):
        return int(lib().zkb_report_skipped_count(self._handle()))

    @property
    def skipped(self):
        """Skipped lines: ["file:line: reason"]."""
        h, L = self._handle(), lib()
        return [_text(L.zkb_report_skipped(h, i)) for i in range(L.zkb_report_skipped_count(h))]

    @property
    def model_count(self):
        return int(lib().zkb_report_model_count(self._handle()))

    @property
    def models(self):
        """[ReportModel(name, params)] in name order."""
        h, L = self._handle(), lib()
        out = []
        for m in range(L.zkb_report_model_count(h)):
            params = float(L.zkb_report_model_params(h, m))
            out.append(ReportModel(_text(L.zkb_report_model_name(h, m)),
                                   None if params < 0 else params))
        return out

    # -- entries

    @property
    def entry_count(self):
        return int(lib().zkb_report_entry_count(self._handle()))

    def _entry_index(self, e):
        n = self.entry_count
        if not 0 <= e < n:
            raise IndexError("entry %d out of range (%d entries)" % (e, n))
        return e

    def value(self, e, figure):
        """Value(median, min, max) of a figure of entry e ("prove.wall_s",
        "proof_size_bytes", ..., see FIGURES), or None when it has none."""
        h = self._handle()
        e = self._entry_index(e)
        med, lo, hi = c_double(), c_double(), c_double()
        st = lib().zkb_report_entry_value(h, e, _enc(figure), byref(med), byref(lo), byref(hi))
        if not _found(st, "value %s of entry %d" % (figure, e)):
            return None
        return Value(med.value, lo.value, hi.value)

    def score(self, e, axis):
        """Normalized score in [0, 1] of entry e on an axis (its name or
        number), 1 = best among the model's entries; None when not scored."""
        h = self._handle()
        e = self._entry_index(e)
        if isinstance(axis, str):
            axes = report_axes()
            if axis not in axes:
                raise ValueError("unknown axis %r (axes: %s)" % (axis, ", ".join(axes)))
            axis = axes.index(axis)
        axis = operator.index(axis)
        s = c_double()
        st = lib().zkb_report_entry_score(h, e, axis, byref(s))
        return s.value if _found(st, "score %s of entry %d" % (axis, e)) else None

    def entry(self, e):
        """ReportEntry e."""
        h, L = self._handle(), lib()
        e = self._entry_index(e)
        m = int(L.zkb_report_entry_model(h, e))
        fields = {f: _text(L.zkb_report_entry_field(h, e, f.encode())) for f in ENTRY_FIELDS}
        ok = c_size_t()
        cells = int(L.zkb_report_entry_cells(h, e, byref(ok)))
        values = {}
        for fig in FIGURES:
            v = self.value(e, fig)
            if v is not None:
                values[fig] = v
        scores = {}
        for i, axis in enumerate(report_axes()):
            s = self.score(e, i)
            if s is not None:
                scores[axis] = s
        return ReportEntry(index=e, model=_text(L.zkb_report_model_name(h, m)), model_index=m,
                           baseline=bool(L.zkb_report_entry_baseline(h, e)), cells=cells,
                           ok_cells=ok.value, values=values, scores=scores, **fields)

    def entries(self):
        """[ReportEntry], ordered by model, then baselines first, then label."""
        return [self.entry(e) for e in range(self.entry_count)]

    # -- series

    @property
    def series_count(self):
        return int(lib().zkb_report_series_count(self._handle()))

    def series(self):
        """[ReportSeries(label, {scaling: Slope})], scaling as in SCALINGS."""
        h, L = self._handle(), lib()
        out = []
        for s in range(L.zkb_report_series_count(h)):
            slopes = {}
            for kind, name in enumerate(SCALINGS):
                slope, r2, points = c_double(), c_double(), c_size_t()
                st = L.zkb_report_series_slope(h, s, kind, byref(slope), byref(r2), byref(points))
                if _found(st, "slope %s of series %d" % (name, s)):
                    slopes[name] = Slope(slope.value, r2.value, points.value)
                else:
                    slopes[name] = Slope(None, None, points.value)
            out.append(ReportSeries(_text(L.zkb_report_series_label(h, s)), slopes))
        return out

    # -- writers: each returns the files it wrote

    def _write(self, fn, path):
        before = self.file_count
        self._fail(getattr(lib(), fn)(self._handle(), _enc_path(path)))
        return self.files[before:]

    def write(self, out_dir):
        """report.md, results.csv, summary.json and charts/ into out_dir
        (created if missing). Returns the paths written."""
        return self._write("zkb_report_write", out_dir)

    def write_markdown(self, path):
        return self._write("zkb_report_write_markdown", path)

    def write_csv(self, path):
        return self._write("zkb_report_write_csv", path)

    def write_json(self, path):
        return self._write("zkb_report_write_json", path)

    def write_charts(self, out_dir):
        """The SVG charts into <out_dir>/charts/."""
        return self._write("zkb_report_write_charts", out_dir)

    @property
    def file_count(self):
        return int(lib().zkb_report_file_count(self._handle()))

    @property
    def files(self):
        """Every file the writers wrote since the report was created, in order."""
        h, L = self._handle(), lib()
        return [_path_text(L.zkb_report_file(h, i)) for i in range(L.zkb_report_file_count(h))]

    def __repr__(self):
        if self.closed:
            return "<zkmlbench.Report (closed)>"
        return "<zkmlbench.Report %d records, %d entries, %d skipped lines>" % (
            self.record_count, self.entry_count, self.skipped_count)

