import json
import os

import pytest

import zkmlbench
from zkmlbench import ZkbError

from conftest import SHARED_DATA, model_path

needs_heart = pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED_DATA, "heart")),
                                 reason="no ../shared/data/heart")
needs_mnist = pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED_DATA, "mnist")),
                                 reason="no ../shared/data/mnist")


@pytest.fixture(scope="module")
def dctx():
    with zkmlbench.Context(data_dir=SHARED_DATA) as c:
        yield c


def test_unknown_dataset(tmp_path):
    with zkmlbench.Context(data_dir=str(tmp_path)) as c:
        with pytest.raises(ZkbError) as ei:
            c.dataset("no_such_dataset")
        assert ei.value.message
        with pytest.raises(ZkbError):
            c.dataset("heart")  # not in an empty data directory


@needs_heart
def test_heart_std_accuracy_matches_metadata(dctx):
    path = model_path("heart_linear_18_2.json")
    with open(path) as f:
        meta = json.load(f)["metadata"]
    with dctx.dataset("heart_std", split="test") as ds, dctx.load_model(path) as m:
        assert ds.name == "heart_std" and ds.split == "test"
        assert ds.count == meta["test_set"]["count"] == len(ds)
        assert ds.features == 18 and ds.shape == (1, 1, 18) and ds.classes == 2
        assert len(ds.feature_names) == 18
        x, label = ds.sample(0)
        assert len(x) == 18 and label in (0, 1)
        assert ds.sample(-1) == ds.sample(ds.count - 1)
        with pytest.raises(IndexError):
            ds.sample(ds.count)
        acc = m.accuracy(ds, "pow2", 8, "half_up")
        assert acc["samples"] == ds.count
        assert acc["float_correct"] == meta["float_test_correct"]
        assert round(acc["float_acc"], 2) == meta["float_test_accuracy"]
        assert acc["status"] == 0 and acc["status_name"] == "ok"
        assert acc["overflowed"] == 0
        assert abs(acc["loss_points"] - (acc["float_acc"] - acc["fixed_acc"])) < 1e-9
        assert m.accuracy(ds, threads=1) == m.accuracy(ds, threads=2)
        few = m.accuracy(ds, max_samples=10)
        assert few["samples"] == 10
        # the float class of sample i from eval_float agrees with the dataset's pass
        correct = 0
        for i in range(ds.count):
            x, label = ds.sample(i)
            out = m.eval_float(x)
            correct += out.index(max(out)) == label
        assert correct == acc["float_correct"]


@needs_mnist
def test_mnist14(dctx):
    with dctx.dataset("mnist14") as ds:
        assert ds.features == 196 and ds.shape == (1, 14, 14) and ds.classes == 10
        assert ds.count > 0 and ds.feature_names == []
        x, label = ds.sample(0)
        assert len(x) == 196 and 0 <= label <= 9 and all(0.0 <= v <= 1.0 for v in x)
