#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (docs/fuzzing.md).

Usage: tests/fuzz/make_seeds.py OUT_DIR

Creates OUT_DIR/<target>/ for fuzz_model_json, fuzz_idx, fuzz_heart_csv and
fuzz_onnx. Everything is deterministic: the repository's tiny
models (models/tiny/*.json, *.onnx) and exporters' ONNX files
(tests/onnx/fixtures/*.onnx), small variants of them, small IDX files
and a few heart.csv-shaped rows made up here. No dataset file is read or
copied. Python 3 stdlib only.
"""
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write(d, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def ramp(n, scale=0.125):
    """n deterministic small weights."""
    return [round(((i * 7) % 11 - 5) * scale, 4) for i in range(n)]


def model(shape, classes, layers, **extra):
    m = {"format": "zkmlbench-model", "version": 1, "name": "seed",
         "input": {"shape": shape}, "classes": classes, "layers": layers}
    m.update(extra)
    return m


def dense(units, n_in):
    return {"op": "dense", "units": units, "weights": ramp(units * n_in), "bias": ramp(units)}


def conv(filters, in_c, k, stride=None, **extra):
    layer = {"op": "conv2d", "filters": filters, "kernel": k,
             "weights": ramp(filters * in_c * k[0] * k[1]), "bias": ramp(filters)}
    if stride:
        layer["stride"] = stride
    layer.update(extra)
    return layer


def model_json_seeds(d):
    tiny = os.path.join(ROOT, "models", "tiny")
    for f in sorted(os.listdir(tiny)) if os.path.isdir(tiny) else []:
        if f.endswith(".json"):
            with open(os.path.join(tiny, f), "rb") as src:
                write(d, f, src.read())
    seeds = {
        "dense_min": model([1, 1, 2], 1, [{"op": "flatten"}, dense(1, 2)]),
        "dense_relu": model([1, 2, 2], 2, [{"op": "flatten"}, dense(3, 4), {"op": "relu"},
                                            dense(2, 3)], metadata={"k": [1, {"a": None}]}),
        "conv_pools": model([2, 5, 5], 2, [
            conv(2, 2, [2, 2], [1, 1], padding="valid"), {"op": "relu"},
            {"op": "maxpool2d", "pool": [2, 2], "stride": [1, 1]},
            {"op": "avgpool2d", "pool": [2, 2], "padding": "valid"},
            {"op": "flatten"}, {"op": "flatten"}, dense(2, 2)]),
        "conv_stride": model([1, 4, 6], 4, [conv(1, 1, [1, 3], [2, 3]), {"op": "flatten"}]),
        # Refused ones, to start from the error paths too.
        "bad_count": model([1, 1, 2], 1, [{"op": "flatten"},
                                           {"op": "dense", "units": 1, "weights": [1],
                                            "bias": [0]}]),
        "bad_flat": model([1, 2, 2], 1, [dense(1, 4)]),
        "bad_version": dict(model([1, 1, 1], 1, [{"op": "flatten"}]), version=2),
        "bad_classes": model([1, 1, 3], 2, [{"op": "flatten"}]),
        "bad_op": model([1, 1, 1], 1, [{"op": "conv3d"}]),
        "bad_big": model([1048576, 1048576, 1048576], 1, [{"op": "flatten"}]),
    }
    for name, m in seeds.items():
        write(d, name + ".json", json.dumps(m, separators=(",", ":")))
    write(d, "numbers.json", '{"format":"zkmlbench-model","version":1.0,"name":"n",'
          '"input":{"shape":[1,1,1]},"classes":1,"layers":[{"op":"flatten"},'
          '{"op":"dense","units":1,"weights":[-5e-1],"bias":[3.4e38]}]}')
    write(d, "syntax.json", '{"format": "zkmlbench-model", "version": 1, "name": "\\u00e9\\n"')
    # A NUL in a string (cJSON would cut it: "tiny\u0000dense" read as "tiny").
    write(d, "bad_nul_name.json", json.dumps(model([1, 1, 1], 1, [{"op": "flatten"}]),
                                             separators=(",", ":"))
          .replace('"seed"', '"tiny\\u0000dense"'))


def idx(magic_dims, dims, payload):
    return bytes([0, 0, 8, magic_dims]) + b"".join(struct.pack(">I", x) for x in dims) + payload


def idx_seeds(d):
    write(d, "labels_3", idx(1, [3], bytes([0, 7, 9])))
    write(d, "labels_bad_digit", idx(1, [2], bytes([1, 10])))
    write(d, "images_2x2x2", idx(3, [2, 2, 2], bytes(range(0, 256, 32))))
    write(d, "images_3x1x1", idx(3, [3, 1, 1], bytes([0, 128, 255])))
    write(d, "images_1x3x4", idx(3, [1, 3, 4], bytes(range(12))))
    write(d, "images_1x4x4", idx(3, [1, 4, 4], bytes(range(0, 256, 16))))
    write(d, "truncated", idx(3, [2, 2, 2], bytes(5)))
    write(d, "trailing", idx(1, [1], bytes(3)))
    write(d, "header_only", bytes([0, 0, 8, 3, 0, 0]))


HEADER = ("Age,Sex,ChestPainType,RestingBP,Cholesterol,FastingBS,RestingECG,MaxHR,"
          "ExerciseAngina,Oldpeak,ST_Slope,HeartDisease")
ROWS = [
    "40,M,ATA,140,289,0,Normal,172,N,0,Up,0",
    "49,F,NAP,160,180,0,Normal,156,N,1,Flat,1",
    "37,M,ASY,130,283,0,ST,98,Y,-0.5,Down,0",
    "54,F,TA,150,195,1,LVH,122,N,1.5e0,Flat,1",
]


def heart_seeds(d):
    write(d, "basic.csv", "\n".join([HEADER] + ROWS) + "\n")
    write(d, "crlf_bom.csv", "\ufeff" + "\r\n".join([HEADER] + ROWS[:2]) + "\r\n")
    write(d, "quoted_blank.csv", HEADER + "\n\n" +
          '"40", "M" ,ATA,140,289,0,"Normal",172,N,0,Up,"1"\n  \n')
    cols = HEADER.split(",")
    order = list(reversed(range(len(cols))))
    rows = [r.split(",") for r in ROWS]
    write(d, "reordered.csv", "\n".join([",".join(cols[i] for i in order)] +
                                        [",".join(r[i] for i in order) for r in rows]))
    write(d, "bad_value.csv", HEADER + "\n40,M,XYZ,140,289,0,Normal,172,N,0,Up,0\n")
    write(d, "bad_fields.csv", HEADER + "\n40,M,ATA\n")
    write(d, "header_only.csv", HEADER + "\n")
    write(d, "bad_hex.csv", HEADER + "\n0x10,M,ATA,140,289,0,Normal,172,N,0,Up,0\n")


# ---- ONNX: a minimal protobuf writer (onnx.proto field numbers) ------------

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload  # wire 2: bytes


def s(num, text):
    return field(num, 2, text.encode())


def tensor(name, dims, values):
    # TensorProto: dims=1, data_type=2 (FLOAT=1), name=8, raw_data=9
    return (b"".join(field(1, 0, x) for x in dims) + field(2, 0, 1) + s(8, name) +
            field(9, 2, struct.pack("<%df" % len(values), *values)))


def value_info(name, dims):
    # ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1, shape=2:
    # TensorShapeProto{dim=1: Dimension{dim_value=1}}}}}
    shape = b"".join(field(1, 2, field(1, 0, x)) for x in dims)
    return s(1, name) + field(2, 2, field(1, 2, field(1, 0, 1) + field(2, 2, shape)))


def attr_ints(name, values):
    # AttributeProto{name=1, ints=8, type=20 (INTS=7)}
    return s(1, name) + b"".join(field(8, 0, v) for v in values) + field(20, 0, 7)


def attr_int(name, v):
    return s(1, name) + field(3, 0, v) + field(20, 0, 2)  # i=3, INT=2


def node(op, inputs, outputs, attrs=()):
    # NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}
    return (b"".join(s(1, i) for i in inputs) + b"".join(s(2, o) for o in outputs) +
            s(3, op + "_" + outputs[0]) + s(4, op) + b"".join(field(5, 2, a) for a in attrs))


def onnx_model(nodes, inits, inp, out, name="g", opset=13):
    # GraphProto{node=1, name=2, initializer=5, input=11, output=12}
    graph = (b"".join(field(1, 2, n) for n in nodes) + s(2, name) +
             b"".join(field(5, 2, t) for t in inits) +
             field(11, 2, value_info(*inp)) + field(12, 2, value_info(*out)))
    # ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8{domain=1, version=2}}
    return (field(1, 0, 8) + s(2, "zkmlbench-seed") + field(7, 2, graph) +
            field(8, 2, s(1, "") + field(2, 0, opset)))


def onnx_seeds(d):
    # the tiny models, and what the real exporters wrote (tests/onnx/fixtures)
    for sub in (("models", "tiny"), ("tests", "onnx", "fixtures")):
        src_dir = os.path.join(ROOT, *sub)
        for f in sorted(os.listdir(src_dir)) if os.path.isdir(src_dir) else []:
            if f.endswith(".onnx"):
                with open(os.path.join(src_dir, f), "rb") as src:
                    write(d, f, src.read())
    gemm = onnx_model(
        [node("Flatten", ["x"], ["f"], [attr_int("axis", 1)]),
         node("Gemm", ["f", "W", "B"], ["h"], [attr_int("transB", 1)]),
         node("Relu", ["h"], ["y"])],
        [tensor("W", [2, 4], ramp(8)), tensor("B", [2], ramp(2))],
        ("x", [1, 1, 2, 2]), ("y", [1, 2]))
    write(d, "gemm_relu.onnx", gemm)
    conv = onnx_model(
        [node("Conv", ["x", "K", "C"], ["c"], [attr_ints("kernel_shape", [2, 2]),
                                               attr_ints("strides", [1, 1])]),
         node("MaxPool", ["c"], ["p"], [attr_ints("kernel_shape", [2, 2]),
                                        attr_ints("strides", [1, 1])]),
         node("AveragePool", ["p"], ["a"], [attr_ints("kernel_shape", [1, 1])]),
         node("Flatten", ["a"], ["f"]),
         node("MatMul", ["f", "M"], ["m"]),
         node("Add", ["m", "D"], ["y"])],
        [tensor("K", [2, 1, 2, 2], ramp(8)), tensor("C", [2], ramp(2)),
         tensor("M", [8, 3], ramp(24)), tensor("D", [3], ramp(3))],
        ("x", [1, 1, 4, 4]), ("y", [1, 3]))
    write(d, "conv_pool_matmul.onnx", conv)
    write(d, "truncated.onnx", gemm[: len(gemm) // 2])
    # Refused: a node reading its own output, an opset beyond ONNX's, a
    # graph name with a NUL (the decoder's C string would cut it).
    relu = ([node("Relu", ["x"], ["x"])], [], ("x", [1, 4]), ("x", [1, 4]))
    write(d, "bad_self_loop.onnx", onnx_model(*relu))
    write(d, "bad_opset.onnx", onnx_model([node("Relu", ["x"], ["y"])], [], ("x", [1, 4]),
                                          ("y", [1, 4]), opset=2**63 - 1))
    write(d, "bad_nul_name.onnx", onnx_model([node("Relu", ["x"], ["y"])], [], ("x", [1, 4]),
                                             ("y", [1, 4]), name="tiny\0dense"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for target, fn in (("fuzz_model_json", model_json_seeds), ("fuzz_idx", idx_seeds),
                       ("fuzz_heart_csv", heart_seeds), ("fuzz_onnx", onnx_seeds)):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        fn(d)


if __name__ == "__main__":
    main()
