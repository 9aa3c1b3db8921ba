import json
import math
import os

import pytest

import zkmlbench
from zkmlbench import Report, Status, ZkbError

from conftest import model_path

MODELS = [model_path("tiny", "tiny_dense.json"), model_path("tiny", "tiny_cnn.json")]
PARAMS = {"tiny_dense": 163.0, "tiny_cnn": 47.0}


@pytest.fixture(scope="module")
def run_dir(ctx, tmp_path_factory):
    """A finished run of the tiny models on the reference backend."""
    out = tmp_path_factory.mktemp("report-run")
    with ctx.run(str(out), samples=2, repeats=1, timeout=60, dataset="synthetic") as run:
        for m in MODELS:
            run.add_cell(m, "reference")
        cells = run.execute()
    assert [c["status"] for c in cells] == ["ok", "ok"]
    return out


@pytest.fixture
def report(run_dir):
    with Report(str(run_dir)) as r:
        yield r


def _records(run_dir):
    return zkmlbench.read_results(os.path.join(str(run_dir), "results.jsonl"))


def test_counts_and_models(report):
    assert report.record_count == 2
    assert report.skipped_count == 0 and report.skipped == []
    assert report.model_count == 2
    assert report.models == [("tiny_cnn", 47.0), ("tiny_dense", 163.0)]
    assert report.entry_count == 2 and report.series_count == 1
    assert report.files == []


def test_entry_fields_and_values(report, run_dir):
    by_model = {r["model"]["name"]: r for r in _records(run_dir)}
    entries = report.entries()
    assert [e.model for e in entries] == ["tiny_cnn", "tiny_dense"]
    for i, e in enumerate(entries):
        assert e.index == i and report.entry(i) == e
        assert e.model_index == i
        assert (e.backend, e.variant, e.label) == ("reference", "", "reference")
        assert (e.status, e.reason, e.proof_system) == ("ok", "", "none")
        assert e.baseline is True
        assert (e.cells, e.ok_cells) == (1, 1)
        assert e.values["params"] == (PARAMS[e.model],) * 3
        rec = by_model[e.model]
        wall = rec["phases"]["prove"]["wall_s"]
        assert e.values["prove.wall_s"] == (wall["median"], wall["min"], wall["max"])
        assert report.value(i, "prove.wall_s") == e.values["prove.wall_s"]
        assert "circuit_size" not in e.values and report.value(i, "circuit_size") is None
        assert e.scores == {}  # baselines are never scored
    with pytest.raises(IndexError):
        report.entry(2)


def test_series_slopes(report):
    (s,) = report.series()
    assert s.label == "reference"
    assert set(s.slopes) == set(zkmlbench._report.SCALINGS)
    t = s.slopes["time_vs_params"]
    assert t.points == 2 and math.isfinite(t.slope) and t.r2 == pytest.approx(1.0)
    assert s.slopes["time_vs_circuit"] == (None, None, 0)  # no circuit sizes


def _fake(rec, backend, prove_median, cid):
    """A copy of a reference record as if from a proving backend."""
    rec = json.loads(json.dumps(rec))
    rec["cell_id"] = cid
    rec["backend"].update(name=backend, proof_system="fake", baseline=False)
    rec["phases"]["prove"]["wall_s"].update(median=prove_median, min=prove_median,
                                            max=prove_median)
    return json.dumps(rec)


def test_scores(report, run_dir):
    dense = [r for r in _records(run_dir) if r["model"]["name"] == "tiny_dense"][0]
    text = "\n".join([_fake(dense, "fast", 1.0, "a" * 32), _fake(dense, "slow", 2.0, "b" * 32)])
    report.add_text("fakes.jsonl", text)
    assert report.record_count == 4 and report.skipped == []
    scores = {(e.model, e.backend): e.scores for e in report.entries()}
    assert scores[("tiny_dense", "fast")]["prove_time"] == 1.0
    assert scores[("tiny_dense", "slow")]["prove_time"] == 0.5
    assert "proof_size" not in scores[("tiny_dense", "slow")]  # 0 bytes: not scored
    slow = [e.index for e in report.entries() if e.backend == "slow"][0]
    assert report.score(slow, "prove_time") == 0.5
    assert report.score(slow, 1) == 0.5
    assert report.score(slow, "proof_size") is None
    with pytest.raises(ValueError):
        report.score(slow, "speed")
    assert zkmlbench.report_axes() == ["accuracy", "prove_time", "peak_memory", "proof_size",
                                       "verify_time"]


def test_skipped_lines(report, run_dir):
    good = json.dumps(_records(run_dir)[0])
    report.add_text("extra.jsonl", good + "\nnot json at all\n\n" + good + "\n")
    assert report.record_count == 2  # the same cell_id again: the last record wins
    assert report.skipped_count == 1
    assert report.skipped[0].startswith("extra.jsonl:2: ")
    assert "not JSON" in report.skipped[0]


def test_write(report, tmp_path):
    out = tmp_path / "out"
    files = report.write(str(out))
    names = {os.path.relpath(f, str(out)) for f in files}
    assert {"report.md", "results.csv", "summary.json"} <= names
    assert any(n.startswith("charts" + os.sep) and n.endswith(".svg") for n in names)
    for f in files:
        assert os.path.getsize(f) > 0
    assert report.files == files
    summary = json.loads((out / "summary.json").read_text())
    assert isinstance(summary, dict) and summary["skipped_lines"] == []
    with open(str(out / "results.csv")) as f:
        assert len([line for line in f if line.strip()]) == 3  # header + 2 entries
    assert "tiny_dense" in (out / "report.md").read_text()
    csv = str(tmp_path / "again.csv")
    assert report.write_csv(csv) == [csv]
    assert report.files == files + [csv]


def test_errors(tmp_path):
    with Report() as r:
        with pytest.raises(ZkbError) as e:
            r.add(str(tmp_path / "missing.jsonl"))
        assert e.value.status == Status.NOT_FOUND
        assert "missing.jsonl" in e.value.message
        (tmp_path / "file").write_text("")
        with pytest.raises(ZkbError):
            r.write(str(tmp_path / "file" / "out"))
    assert r.closed
    with pytest.raises(ValueError):
        r.record_count
