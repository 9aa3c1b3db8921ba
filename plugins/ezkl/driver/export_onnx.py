#!/usr/bin/env python3
"""Export a zkmlbench JSON model (docs/model-format.md) to ONNX for ezkl.

    python export_onnx.py MODEL.json OUT.onnx

The graph is what the model says, operator by operator, NCHW, batch 1:
Conv / Relu / AveragePool / MaxPool / Flatten / Gemm / Pad (mode constant,
value 0, H and W only) with the weights as real initializers and one graph
input `input` [1, C, H, W]. Nothing is constant-folded: a convolution stays a
Conv reading the graph input (the reference study's CNN exports had been
folded into one Gemm on a constant). The model's `output_fn` is not exported:
ezkl proves the logits, as every backend does.

Only `onnx` (onnx.helper) and numpy are needed.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def export(model, out_path):
    if model.get("format") != "zkmlbench-model" or model.get("version") != 1:
        raise ValueError("not a zkmlbench-model version 1 file")
    c, h, w = (int(v) for v in model["input"]["shape"])
    shape = [c, h, w]  # current activation shape; flat as [n]
    flat = False
    nodes, inits = [], []
    cur = "input"
    for i, layer in enumerate(model["layers"]):
        op = layer["op"]
        out = "l%d_%s" % (i, op)
        if op == "dense":
            if not flat:
                raise ValueError("layer %d: dense needs a flat input" % i)
            units = int(layer["units"])
            n_in = shape[0]
            wt = np.asarray(layer["weights"], dtype=np.float32).reshape(units, n_in)
            b = np.asarray(layer["bias"], dtype=np.float32).reshape(units)
            inits.append(numpy_helper.from_array(wt, "l%d_W" % i))
            inits.append(numpy_helper.from_array(b, "l%d_B" % i))
            nodes.append(helper.make_node("Gemm", [cur, "l%d_W" % i, "l%d_B" % i], [out],
                                          transB=1, name="dense%d" % i))
            shape = [units]
        elif op == "conv2d":
            if flat:
                raise ValueError("layer %d: conv2d needs a [C,H,W] input" % i)
            f = int(layer["filters"])
            kh, kw = (int(v) for v in layer["kernel"])
            sh, sw = (int(v) for v in layer.get("stride", [1, 1]))
            wt = np.asarray(layer["weights"], dtype=np.float32).reshape(f, shape[0], kh, kw)
            b = np.asarray(layer["bias"], dtype=np.float32).reshape(f)
            inits.append(numpy_helper.from_array(wt, "l%d_W" % i))
            inits.append(numpy_helper.from_array(b, "l%d_B" % i))
            nodes.append(helper.make_node("Conv", [cur, "l%d_W" % i, "l%d_B" % i], [out],
                                          kernel_shape=[kh, kw], strides=[sh, sw],
                                          pads=[0, 0, 0, 0], name="conv%d" % i))
            shape = [f, (shape[1] - kh) // sh + 1, (shape[2] - kw) // sw + 1]
        elif op in ("avgpool2d", "maxpool2d"):
            if flat:
                raise ValueError("layer %d: %s needs a [C,H,W] input" % (i, op))
            kh, kw = (int(v) for v in layer["pool"])
            sh, sw = (int(v) for v in layer.get("stride", [kh, kw]))
            kind = "AveragePool" if op == "avgpool2d" else "MaxPool"
            nodes.append(helper.make_node(kind, [cur], [out], kernel_shape=[kh, kw],
                                          strides=[sh, sw], pads=[0, 0, 0, 0], name="pool%d" % i))
            shape = [shape[0], (shape[1] - kh) // sh + 1, (shape[2] - kw) // sw + 1]
        elif op == "pad2d":
            if flat:
                raise ValueError("layer %d: pad2d needs a [C,H,W] input" % i)
            top, left, bottom, right = (int(v) for v in layer["pads"])
            # NCHW: begins then ends of every axis; zeros on N and C
            pads = np.asarray([0, 0, top, left, 0, 0, bottom, right], dtype=np.int64)
            inits.append(numpy_helper.from_array(pads, "l%d_pads" % i))
            inits.append(numpy_helper.from_array(np.zeros((), dtype=np.float32), "l%d_value" % i))
            nodes.append(helper.make_node("Pad", [cur, "l%d_pads" % i, "l%d_value" % i], [out],
                                          mode="constant", name="pad%d" % i))
            shape = [shape[0], top + shape[1] + bottom, left + shape[2] + right]
        elif op == "relu":
            nodes.append(helper.make_node("Relu", [cur], [out], name="relu%d" % i))
        elif op == "flatten":
            if flat:
                continue  # identity on a flat vector
            nodes.append(helper.make_node("Flatten", [cur], [out], axis=1, name="flatten%d" % i))
            shape = [shape[0] * shape[1] * shape[2]]
            flat = True
        else:
            raise ValueError("layer %d: unknown op %r" % (i, op))
        cur = out
    if not nodes:
        raise ValueError("model has no layers")
    out_shape = [1] + shape
    graph = helper.make_graph(
        nodes, str(model.get("name", "model")),
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info(cur, TensorProto.FLOAT, out_shape)],
        initializer=inits)
    m = helper.make_model(graph, producer_name="zkmlbench-export_onnx",
                          opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, out_path)
    return {"nodes": len(nodes), "initializers": len(inits),
            "ops": sorted({n.op_type for n in nodes}), "output_shape": out_shape}


def main(argv):
    if len(argv) != 3:
        print("usage: export_onnx.py MODEL.json OUT.onnx", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        model = json.load(f)
    info = export(model, argv[2])
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
