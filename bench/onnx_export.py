#!/usr/bin/env python3
"""Export a zkmlbench JSON model (docs/model-format.md) to ONNX with
onnx.helper, for bench/ort_bench.py: NCHW input "x" [N, C, H, W] with a
symbolic batch, Conv / Relu / AveragePool / MaxPool / Flatten / Gemm, float32
weights exactly as stored, output "y" [N, classes].

    python bench/onnx_export.py MODEL.json OUT.onnx
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def export(model_path, out_path):
    with open(model_path) as f:
        m = json.load(f)
    c, h, w = m["input"]["shape"]
    nodes, inits = [], []
    cur = "x"
    shape = [c, h, w]
    for i, L in enumerate(m["layers"]):
        op = L["op"]
        out = f"t{i}"
        if op == "conv2d":
            kh, kw = L["kernel"]
            sh, sw = L.get("stride", [1, 1])
            oc = L["filters"]
            W = np.asarray(L["weights"], dtype=np.float32).reshape(oc, shape[0], kh, kw)
            B = np.asarray(L["bias"], dtype=np.float32)
            inits += [numpy_helper.from_array(W, f"w{i}"), numpy_helper.from_array(B, f"b{i}")]
            nodes.append(helper.make_node("Conv", [cur, f"w{i}", f"b{i}"], [out],
                                          kernel_shape=[kh, kw], strides=[sh, sw],
                                          pads=[0, 0, 0, 0]))
            shape = [oc, (shape[1] - kh) // sh + 1, (shape[2] - kw) // sw + 1]
        elif op in ("avgpool2d", "maxpool2d"):
            kh, kw = L["pool"]
            sh, sw = L.get("stride", [kh, kw])
            nodes.append(helper.make_node("AveragePool" if op == "avgpool2d" else "MaxPool",
                                          [cur], [out], kernel_shape=[kh, kw],
                                          strides=[sh, sw], pads=[0, 0, 0, 0]))
            shape = [shape[0], (shape[1] - kh) // sh + 1, (shape[2] - kw) // sw + 1]
        elif op == "relu":
            nodes.append(helper.make_node("Relu", [cur], [out]))
        elif op == "flatten":
            nodes.append(helper.make_node("Flatten", [cur], [out], axis=1))
            shape = [1, 1, shape[0] * shape[1] * shape[2]]
        elif op == "dense":
            units = L["units"]
            W = np.asarray(L["weights"], dtype=np.float32).reshape(units, shape[2])
            B = np.asarray(L["bias"], dtype=np.float32)
            inits += [numpy_helper.from_array(W, f"w{i}"), numpy_helper.from_array(B, f"b{i}")]
            nodes.append(helper.make_node("Gemm", [cur, f"w{i}", f"b{i}"], [out], transB=1))
            shape = [1, 1, units]
        else:
            raise SystemExit(f"{model_path}: layer {i}: op {op} not exported")
        cur = out
    nodes.append(helper.make_node("Identity", [cur], ["y"]))
    g = helper.make_graph(
        nodes, m.get("name", "model"),
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", c, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", m["classes"]])],
        inits)
    om = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                           producer_name="zkmlbench bench/onnx_export.py")
    om.ir_version = 8
    onnx.checker.check_model(om)
    onnx.save(om, out_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    export(sys.argv[1], sys.argv[2])
