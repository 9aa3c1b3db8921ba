import array
import json
import os
import subprocess
import sys

import pytest

import zkmlbench
from zkmlbench import Status, ZkbError

from conftest import REPO, model_path


def test_version():
    v = zkmlbench.version()
    assert v.count(".") == 2
    major, minor, patch = (int(p) for p in v.split("."))
    assert zkmlbench.version_number() == major * 10000 + minor * 100 + patch
    assert zkmlbench.plugin_abi_major() >= 1


def test_status_names():
    names = zkmlbench.status_names()
    assert names[0] == "ok"
    assert set(names) == {int(s) for s in Status}
    assert all(isinstance(t, str) and t for t in names.values())
    e = ZkbError(Status.PARSE, "boom")
    assert e.status == Status.PARSE and e.code == 4 and e.status_name == "parse"
    assert e.message == "boom" and "boom" in str(e) and "4" in str(e)
    assert ZkbError(999).status == 999  # unknown codes stay ints


def test_backends(ctx):
    by_name = {b.name: b for b in ctx.backends()}
    ref = by_name["reference"]
    assert ref.proof_system == "none"
    assert ref.baseline is True
    assert ref.version and ref.description
    assert os.path.isfile(ref.path)
    assert isinstance(ref.options, list)
    ok, detail = ref.probe()
    assert ok is True and isinstance(detail, str)
    assert ctx.backend("reference").name == "reference"
    for b in by_name.values():
        for opt in b.options:
            assert set(opt) == {"key", "type", "default", "choices", "help"} and opt["key"]
    assert isinstance(ctx.rejected, list)
    assert ref.data_dir is None  # the baseline drives no tool
    if "circom" in by_name:  # the build tree stages its data beside the plugins
        d = by_name["circom"].data_dir
        assert os.path.isfile(os.path.join(d, "setup.sh"))
        assert os.path.isfile(os.path.join(d, "package-lock.json"))


def test_default_plugin_dir_is_beside_the_library():
    with zkmlbench.Context() as c:
        lib_dir = os.path.dirname(os.path.realpath(zkmlbench.library_path()))
        assert c.get("plugin_dir") == os.path.join(lib_dir, "zkmlbench", "plugins")
        assert c.get("toolchain_dir")
    with zkmlbench.Context(toolchain_dir="/tmp/zkb-tc") as c:
        assert c.get("toolchain_dir") == "/tmp/zkb-tc"


def test_unknown_backend(ctx, tmp_path):
    with pytest.raises(ZkbError) as ei:
        ctx.backend("no-such-backend")
    assert ei.value.status == Status.NOT_FOUND
    with ctx.run(str(tmp_path)) as run:
        with pytest.raises(ZkbError) as ei:
            run.add_cell(model_path("tiny", "tiny_dense.json"), "no-such-backend")
        assert "no-such-backend" in ei.value.message


def test_bad_option(ctx, tmp_path):
    with ctx.run(str(tmp_path)) as run:
        with pytest.raises(ZkbError):
            run.add_cell(model_path("tiny", "tiny_dense.json"), "reference", {"no_such_option": 1})
        with pytest.raises(ValueError):
            run.add_cell(model_path("tiny", "tiny_dense.json"), "reference", {"a,b": "1"})


def test_option_values_are_escaped():
    # a comma or backslash in a value reaches the library escaped (docs/plugin-abi.md)
    from zkmlbench._core import _option_text
    assert _option_text({"scales": "2,7", "path": "a\\b", "on": True}) == "scales=2\\,7,path=a\\\\b,on=true"


def test_bad_run_setting(ctx, tmp_path):
    with pytest.raises(ZkbError) as ei:
        ctx.run(str(tmp_path), samples="many")
    assert ei.value.message


def test_model_info(tiny_dense):
    m = tiny_dense
    assert m.name == "tiny_dense"
    fp = m.fingerprint
    assert len(fp) == 32 and all(c in "0123456789abcdef" for c in fp)
    assert m.input_shape == (1, 4, 4) and m.input_size == 16
    assert m.classes == 3
    assert m.layers == ["flatten", "dense", "relu", "dense"]
    assert m.param_count == 16 * 8 + 8 + 8 * 3 + 3
    assert m.path.endswith("tiny_dense.json")


def test_eval_float(tiny_dense):
    out = tiny_dense.eval_float([0.1 * i for i in range(16)])
    assert len(out) == 3 and all(isinstance(v, float) for v in out)
    # any buffer of floats works, and gives the same result
    assert tiny_dense.eval_float(array.array("f", [0.1 * i for i in range(16)])) == out


def test_eval_float_numpy(tiny_dense):
    np = pytest.importorskip("numpy")
    x = [0.1 * i for i in range(16)]
    ref = tiny_dense.eval_float(x)
    assert tiny_dense.eval_float(np.array(x, dtype=np.float64).reshape(1, 4, 4)) == ref
    xq = tiny_dense.quantize_input(x)
    assert tiny_dense.eval_fixed(np.array(xq)) == tiny_dense.eval_fixed(xq)


def test_output_fn_and_pad2d(ctx):
    layers = ('[{"op":"pad2d","pads":[0,1,0,1]},{"op":"flatten"},'
              '{"op":"dense","units":2,"weights":[1,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0],"bias":[0,0]}]')
    text = ('{"format":"zkmlbench-model","version":1,"name":"p","input":{"shape":[1,2,2]},'
            '"classes":2,%s"layers":%s}')
    logits = ctx.load_model_json(text % ("", layers))
    soft = ctx.load_model_json(text % ('"output_fn":"softmax",', layers))
    assert logits.output_fn is None and soft.output_fn == "softmax"
    assert logits.layers[0] == "pad2d"
    # padded [[0,a,b,0],[0,c,d,0]]: output 0 is the pad, output 1 is a
    assert logits.eval_float([3.0, 4.0, 5.0, 6.0]) == [0.0, 3.0]
    p = soft.eval_float([3.0, 4.0, 5.0, 6.0])
    assert abs(sum(p) - 1.0) < 1e-6 and p[1] > p[0]
    assert soft.eval_fixed(soft.quantize_input([3.0, 4.0, 5.0, 6.0])) == [0, 3 * 256]
    assert soft.fingerprint != logits.fingerprint


def test_onnx_export_metadata(ctx):
    # a PyTorch export ending in a Softmax (tests/onnx/fixtures)
    path = os.path.join(REPO, "tests", "onnx", "fixtures", "torch_ts13_mlp14_view_softmax_dyn.onnx")
    m = ctx.load_model(path)
    assert m.output_fn == "softmax" and m.layers == ["flatten", "dense", "relu", "dense"]
    meta = m.metadata
    assert meta["source"] == "onnx" and meta["opset"] == 13
    kinds = {s["kind"] for s in meta["import_steps"]}
    assert kinds == {"folded", "left_out"}
    p = m.eval_float([0.5] * 196)
    assert abs(sum(p) - 1.0) < 1e-5
    assert "import_steps" not in ctx.load_model(model_path("tiny", "tiny_cnn.json")).metadata


def test_eval_wrong_size(tiny_dense):
    with pytest.raises(ZkbError) as ei:
        tiny_dense.eval_float([0.0] * 5)
    assert ei.value.status == Status.INVALID_ARG and ei.value.message


def test_malformed_model(ctx, tmp_path):
    with open(model_path("tiny", "tiny_dense.json")) as f:
        doc = json.load(f)
    doc["layers"][1]["units"] = "eight"
    p = tmp_path / "bad_model.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(ZkbError) as ei:
        ctx.load_model(str(p))
    e = ei.value
    assert e.status == Status.PARSE
    assert "$.layers[1]" in e.message
    assert "bad_model.json" in e.message
    p.write_text("{ not json")
    with pytest.raises(ZkbError) as ei:
        ctx.load_model(str(p))
    assert ei.value.status == Status.PARSE
    with pytest.raises(ZkbError) as ei:
        ctx.load_model(str(tmp_path / "missing.json"))
    assert ei.value.status != Status.OK and "missing.json" in ei.value.message


def test_load_model_json(ctx):
    with open(model_path("tiny", "tiny_dense.json")) as f:
        text = f.read()
    with ctx.load_model_json(text) as m, ctx.load_model(model_path("tiny", "tiny_dense.json")) as m2:
        assert m.fingerprint == m2.fingerprint
    assert m.closed


def test_close_is_safe(tmp_path):
    c = zkmlbench.Context(cache_dir=str(tmp_path))
    c.load_plugins()
    b = c.backend("reference")
    m = c.load_model(model_path("tiny", "tiny_dense.json"))
    run = c.run(str(tmp_path / "run"))
    c.close()
    c.close()
    assert c.closed and run.closed
    with pytest.raises(ValueError):
        b.name
    with pytest.raises(ValueError):
        c.backends()
    # a model does not depend on its context
    assert len(m.eval_float([0.0] * 16)) == 3
    m.close()
    m.close()
    with pytest.raises(ValueError):
        m.name
    del m, b, run, c


def test_library_env_override():
    code = "import zkmlbench; zkmlbench.version()"
    env = dict(os.environ, ZKB_LIBRARY="/nonexistent/libzkmlbench.so")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "ZKB_LIBRARY" in r.stderr


def test_library_path():
    assert os.path.exists(zkmlbench.library_path())
