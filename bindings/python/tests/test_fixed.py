"""The fixed-point reference evaluator against a pure-Python implementation of
docs/model-format.md "Fixed-point semantics", computed from the model's JSON."""
import json
import math
import random
import struct
from fractions import Fraction

import pytest

from zkmlbench import Status, ZkbError, quantize_input

from conftest import model_path


def f32(v):
    """The float32 the library stores for a JSON number."""
    return struct.unpack("<f", struct.pack("<f", float(v)))[0]


def round_half_away(fr):
    """round() of C: half away from zero, of an exact rational."""
    a = abs(fr)
    n = math.floor(a + Fraction(1, 2))
    return n if fr >= 0 else -n


def scale_factor(scheme, scale):
    return 2 ** scale if scheme == "pow2" else 10 ** scale


def q_value(v, mult):
    return round_half_away(Fraction(f32(v)) * mult)


def div(v, d, rounding):
    if rounding == "half_up":
        return (v + d // 2) // d  # Python's // is floor division
    return v // d


def forward_fixed(doc, xq, scheme, scale, rounding):
    S = scale_factor(scheme, scale)
    x = list(xq)
    for layer in doc["layers"]:
        op = layer["op"]
        if op == "flatten":
            continue
        if op == "relu":
            x = [max(0, v) for v in x]
            continue
        assert op == "dense", op  # tiny_dense has only these
        n_in, units = len(x), layer["units"]
        w = [q_value(v, S) for v in layer["weights"]]
        b = [q_value(v, S * S) for v in layer["bias"]]
        assert len(w) == units * n_in
        y = []
        for o in range(units):
            acc = b[o] + sum(w[o * n_in + i] * x[i] for i in range(n_in))
            y.append(div(acc, S, rounding))
        x = y
    return x


@pytest.fixture(scope="module")
def doc():
    with open(model_path("tiny", "tiny_dense.json")) as f:
        return json.load(f)


def inputs():
    rng = random.Random(7)
    xs = [[0.0] * 16, [1.0] * 16, [i / 15.0 for i in range(16)],
          [(-1) ** i * 0.5 for i in range(16)],  # ties at small scales
          [-2.5 + 0.3125 * i for i in range(16)]]
    xs += [[rng.uniform(-3, 3) for _ in range(16)] for _ in range(6)]
    return xs


QUANTS = [("pow2", 8, "half_up"), ("pow2", 8, "floor"), ("pow2", 1, "half_up"),
          ("pow2", 4, "floor"), ("pow2", 12, "half_up"), ("pow10", 2, "half_up"),
          ("pow10", 3, "floor"), ("pow10", 0, "half_up")]


@pytest.mark.parametrize("scheme,scale,rounding", QUANTS)
def test_quantize_then_eval_matches_python(tiny_dense, doc, scheme, scale, rounding):
    S = scale_factor(scheme, scale)
    for x in inputs():
        xq = tiny_dense.quantize_input(x, scheme, scale, rounding)
        assert xq == [q_value(v, S) for v in x]
        assert quantize_input(x, scheme, scale, rounding) == xq
        got = tiny_dense.eval_fixed(xq, scheme=scheme, scale=scale, rounding=rounding)
        assert got == forward_fixed(doc, xq, scheme, scale, rounding), (x, scheme, scale, rounding)


def test_fixed_close_to_float(tiny_dense):
    x = [i / 15.0 for i in range(16)]
    fl = tiny_dense.eval_float(x)
    fx = tiny_dense.eval_fixed(tiny_dense.quantize_input(x, scale=16), scale=16)
    for a, b in zip(fl, fx):
        assert abs(a - b / 2 ** 16) < 1e-3


def test_defaults_are_pow2_8_half_up(tiny_dense):
    x = [0.25 * i - 2 for i in range(16)]
    xq = tiny_dense.quantize_input(x)
    assert tiny_dense.eval_fixed(xq) == tiny_dense.eval_fixed(xq, "pow2", 8, "half_up")


def test_quant_errors(tiny_dense):
    with pytest.raises(ValueError):
        tiny_dense.eval_fixed([0] * 16, scheme="pow3")
    with pytest.raises(ValueError):
        tiny_dense.eval_fixed([0] * 16, rounding="nearest")
    with pytest.raises(ZkbError) as ei:
        tiny_dense.eval_fixed([0] * 16, scale=99)
    assert ei.value.status == Status.INVALID_ARG
    with pytest.raises(ZkbError) as ei:
        quantize_input([float("nan")])
    assert ei.value.status == Status.INVALID_ARG
    with pytest.raises(ZkbError) as ei:
        tiny_dense.eval_fixed([2 ** 62] * 16)
    assert ei.value.status == Status.OVERFLOW
    with pytest.raises(TypeError):
        tiny_dense.eval_fixed([0.5] * 16)  # ints only, no silent truncation
