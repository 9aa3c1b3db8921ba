import json
import os

import pytest

import zkmlbench
from zkmlbench import ZkbError

from conftest import model_path

MODELS = [model_path("tiny", "tiny_dense.json"), model_path("tiny", "tiny_cnn.json")]


@pytest.fixture(scope="module")
def done_run(ctx, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    calls = []
    run = ctx.run(str(out), samples=2, repeats=1, timeout=60, dataset="synthetic")
    for m in MODELS:
        run.add_cell(m, "reference")
    cells = run.execute(progress=lambda *a: calls.append(a))
    yield run, cells, calls, out
    run.close()


def test_cells_ok(done_run):
    run, cells, _, _ = done_run
    assert run.cell_count == 2 and len(cells) == 2
    for i, c in enumerate(cells):
        assert c["index"] == i
        assert c["status"] == "ok", c
        rec = c["record"]
        assert rec["status"] == "ok" and rec["schema"] == "zkmlbench-result"
        assert rec["backend"]["name"] == "reference" and rec["backend"]["baseline"] is True
        assert rec["samples"] == 2 and rec["dataset"] == "synthetic"
        for phase in ("load", "prove", "verify"):
            assert phase in rec["phases"]
        assert rec["phases"]["prove"]["n"] == 2
        assert c["cell_id"] == rec["cell_id"]
    assert cells[0]["record"]["model"]["name"] == "tiny_dense"
    assert cells[1]["record"]["model"]["name"] == "tiny_cnn"


def test_progress_called(done_run):
    _, _, calls, _ = done_run
    assert calls
    for cell, n, phase, elapsed in calls:
        assert cell in (0, 1) and n == 2
        assert isinstance(phase, str) and phase
        assert elapsed >= 0.0
    assert {c[0] for c in calls} == {0, 1}


def test_read_results(done_run):
    run, cells, _, out = done_run
    assert run.results_path == os.path.join(str(out), "results.jsonl") or \
        os.path.samefile(run.results_path, os.path.join(str(out), "results.jsonl"))
    recs = zkmlbench.read_results(run.results_path)
    assert [r["cell_id"] for r in recs] == [c["cell_id"] for c in cells]
    assert run.read_results() == recs


def test_rerun_skips(ctx, done_run):
    _, cells, _, out = done_run
    with ctx.run(str(out), samples=2, repeats=1, timeout=60, dataset="synthetic") as run:
        for m in MODELS:
            run.add_cell(m, "reference")
        again = run.execute()
    assert [c["status"] for c in again] == ["skipped", "skipped"]
    assert [c["cell_id"] for c in again] == [c["cell_id"] for c in cells]


def test_progress_exception_propagates(ctx, tmp_path):
    def boom(*a):
        raise RuntimeError("from the callback")

    with ctx.run(str(tmp_path), dataset="synthetic") as run:
        run.add_cell(MODELS[0], "reference", {})
        with pytest.raises(RuntimeError, match="from the callback"):
            run.execute(progress=boom)
        assert run.cells()[0]["status"] == "ok"


def test_failed_cell_is_a_result(ctx, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with ctx.run(str(tmp_path / "out"), dataset="synthetic") as run:
        run.add_cell(str(bad), "reference")
        cells = run.execute()
    assert cells[0]["status"] == "failed"
    assert cells[0]["record"]["reason"]


def test_read_results_rules(tmp_path):
    a, b = "a" * 32, "b" * 32
    lines = [
        json.dumps({"cell_id": a, "status": "failed", "n": 1}),
        "garbage",
        json.dumps({"cell_id": b, "status": "ok"}),
        json.dumps([1, 2]),
        json.dumps({"cell_id": "short", "status": "ok"}),
        json.dumps({"status": "ok"}),
        "",
        json.dumps({"cell_id": a, "status": "ok", "n": 2}),
        '{"cell_id": "' + "c" * 32 + '", "stat',  # truncated last line
    ]
    p = tmp_path / "results.jsonl"
    p.write_text("\n".join(lines))
    recs = zkmlbench.read_results(str(p))
    assert [(r["cell_id"], r["status"]) for r in recs] == [(b, "ok"), (a, "ok")]
    assert recs[1]["n"] == 2


def test_cells_saved(done_run):
    _, cells, _, _ = done_run
    assert [c["saved"] for c in cells] == [True, True]


def test_cancel_before_execute(ctx, tmp_path):
    with ctx.run(str(tmp_path), dataset="synthetic") as run:
        run.add_cell(MODELS[0], "reference")
        run.cancel()
        with pytest.raises(ZkbError) as ei:
            run.execute()
        assert ei.value.status == zkmlbench.Status.CANCELLED
        assert [(c["status"], c["saved"]) for c in run.cells()] == [(None, False)]
    assert not (tmp_path / "results.jsonl").exists()


def test_ctrl_c_stops_the_run(ctx, tmp_path):
    import signal

    def ctrl_c(*a):
        signal.raise_signal(signal.SIGINT)

    # 20000 samples keep the first cell busy for a while after its first callback
    with ctx.run(str(tmp_path), dataset="synthetic", samples=20000) as run:
        for m in MODELS:
            run.add_cell(m, "reference")
        with pytest.raises(KeyboardInterrupt):
            run.execute(progress=ctrl_c)
        cells = run.cells()
        assert cells[0]["status"] == "interrupted" and cells[0]["record"] is None
        assert cells[1]["status"] is None
        assert not any(c["saved"] for c in cells)
    rs = tmp_path / "results.jsonl"
    assert not rs.exists() or rs.stat().st_size == 0
    assert list((tmp_path / "scratch").iterdir()) == []
    with ctx.run(str(tmp_path), dataset="synthetic") as run:  # the next run resumes
        for m in MODELS:
            run.add_cell(m, "reference")
        assert [c["status"] for c in run.execute()] == ["ok", "ok"]


def test_second_writer_locked(ctx, tmp_path):
    seen = []

    def second(*a):
        if seen:
            return
        with ctx.run(str(tmp_path), dataset="synthetic") as other:
            other.add_cell(MODELS[1], "reference")
            try:
                other.execute()
                seen.append(None)
            except ZkbError as e:
                seen.append(e)

    with ctx.run(str(tmp_path), dataset="synthetic") as run:
        run.add_cell(MODELS[0], "reference")
        run.execute(progress=second)
    e = seen[0]
    assert e is not None and e.status == zkmlbench.Status.LOCKED
    assert "pid %d on host " % os.getpid() in e.message


def test_evm_probe_and_setting(ctx, tmp_path):
    ok, detail = ctx.evm_probe()
    assert isinstance(ok, bool) and detail
    if ok:
        assert "solc" in detail and "osaka" in detail
    run = ctx.run(str(tmp_path), samples=1, dataset="synthetic", evm=False)
    run.set("evm.optimizer_runs", 0)
    with pytest.raises(ZkbError):
        run.set("evm", "maybe")
    run.close()
