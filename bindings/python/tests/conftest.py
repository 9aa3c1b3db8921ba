import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# Test the package of this source tree unless $ZKB_TEST_INSTALLED is set (then
# whatever `import zkmlbench` finds, e.g. a `pip install bindings/python`).
if not os.environ.get("ZKB_TEST_INSTALLED"):
    sys.path.insert(0, os.path.join(HERE, "..", "src"))

import zkmlbench  # noqa: E402

# bindings/python/tests -> the repository root (or $ZKB_SOURCE_DIR)
REPO = os.environ.get("ZKB_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED_DATA = os.path.abspath(os.path.join(REPO, "..", "shared", "data"))


def model_path(*parts):
    return os.path.join(REPO, "models", *parts)


@pytest.fixture(scope="session")
def ctx(tmp_path_factory):
    c = zkmlbench.Context(cache_dir=str(tmp_path_factory.mktemp("cache")))
    c.load_plugins()
    yield c
    c.close()


@pytest.fixture(scope="session")
def tiny_dense(ctx):
    m = ctx.load_model(model_path("tiny", "tiny_dense.json"))
    yield m
    m.close()
