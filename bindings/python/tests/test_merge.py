import pytest

import zkmlbench
from zkmlbench import Status, ZkbError

from conftest import model_path


@pytest.fixture(scope="module")
def two_results(ctx, tmp_path_factory):
    """Two results.jsonl of one tiny cell each (reference backend)."""
    paths = []
    for m in ("tiny_dense", "tiny_cnn"):
        out = tmp_path_factory.mktemp("merge-" + m)
        with ctx.run(str(out), samples=1, repeats=1, timeout=60, dataset="synthetic") as run:
            run.add_cell(model_path("tiny", m + ".json"), "reference")
            assert run.execute()[0]["status"] == "ok"
            paths.append(run.results_path)
    return paths


def test_merge(ctx, two_results, tmp_path):
    out = str(tmp_path / "merged.jsonl")
    res = ctx.merge(out, two_results)
    assert res == (2, 0, 0)
    assert (res.written, res.duplicates, res.bad) == (2, 0, 0)
    merged = zkmlbench.read_results(out)
    assert [r["model"]["name"] for r in merged] == ["tiny_dense", "tiny_cnn"]
    # merging the output with an input again: the copy is dropped
    assert ctx.merge(out, [out, two_results[0]]) == (2, 1, 0)


def test_merge_bad_line(ctx, two_results, tmp_path):
    bad = tmp_path / "bad.jsonl"
    with open(two_results[0]) as f:
        bad.write_text(f.read() + "this is not json\n")
    out = tmp_path / "merged.jsonl"
    res = ctx.merge(str(out), [two_results[1], str(bad)])
    assert res == zkmlbench.MergeResult(written=2, duplicates=0, bad=1)
    assert len(zkmlbench.read_results(str(out))) == 2

    out.write_text("previous\n")
    with pytest.raises(ZkbError) as e:
        ctx.merge(str(out), [two_results[1], str(bad)], strict=True)
    assert e.value.status == Status.PARSE
    assert "bad.jsonl:2" in e.value.message
    assert out.read_text() == "previous\n"  # left as it was


def test_merge_errors(ctx, two_results, tmp_path):
    with pytest.raises(ZkbError) as e:
        ctx.merge(str(tmp_path / "o.jsonl"), [two_results[0], str(tmp_path / "none.jsonl")])
    assert e.value.status == Status.NOT_FOUND and "none.jsonl" in e.value.message
    with pytest.raises(TypeError):
        ctx.merge(str(tmp_path / "o.jsonl"), two_results[0])
    assert ctx.merge(str(tmp_path / "empty.jsonl"), []) == (0, 0, 0)
