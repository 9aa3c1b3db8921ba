import pytest

from zkmlbench import Status, ZkbError

from conftest import model_path

MODELS = [model_path("tiny", m + ".json") for m in ("tiny_dense", "tiny_cnn", "tiny_maxpool")]


def _shard(ctx, tmp_path, k, n, models):
    run = ctx.run(str(tmp_path / ("shard-%d-%d" % (k, n))), dataset="synthetic", samples=1)
    for m in models:
        run.add_cell(m, "reference")
    assert run.select_shard(k, n) == run.cell_count
    return run


def test_shards_partition_cells(ctx, tmp_path):
    # the second host lists the cells in another order: shards do not depend on it
    with _shard(ctx, tmp_path, 1, 2, MODELS) as one, \
            _shard(ctx, tmp_path, 2, 2, MODELS[::-1]) as two:
        a = [c["model"] for c in one.cells()]
        b = [c["model"] for c in two.cells()]
        assert sorted([len(a), len(b)]) == [1, 2]
        assert not set(a) & set(b)
        assert sorted(a + b) == sorted(MODELS)
        assert [c["index"] for c in one.cells()] == list(range(len(a)))
        cells = two.execute()
    assert all(c["status"] == "ok" for c in cells)
    assert cells[0]["record"]["shard"] == {"index": 2, "count": 2}


def test_one_shard_keeps_all(ctx, tmp_path):
    with _shard(ctx, tmp_path, 1, 1, MODELS) as run:
        assert [c["model"] for c in run.cells()] == MODELS


def test_bad_shards(ctx, tmp_path):
    with ctx.run(str(tmp_path / "bad")) as run:
        run.add_cell(MODELS[0], "reference")
        for k, n in ((0, 2), (3, 2), (1, 0)):
            with pytest.raises(ZkbError) as e:
                run.select_shard(k, n)
            assert e.value.status == Status.INVALID_ARG
            assert "shard" in e.value.message
        with pytest.raises(ValueError):
            run.select_shard(-1, 2)
        run.select_shard(1, 2)
        with pytest.raises(ZkbError) as e:
            run.select_shard(1, 2)
        assert e.value.status == Status.STATE
