#!/usr/bin/env python3
"""Regenerates the ONNX importer's test corpus, tests/onnx/fixtures/: small
models trained for a few seconds and exported by real exporters, each with a
JSON sidecar holding onnxruntime's outputs on the first 4 test samples.

    python make_fixtures.py --exporter torch     # in the torch venv: TorchScript and dynamo exporters
    python make_fixtures.py --exporter sklearn   # in the torch venv: skl2onnx
    python make_fixtures.py --exporter tf        # in the tf venv: Keras through tf2onnx
    python make_fixtures.py --index              # MANIFEST.json and README.md's table only (any python3)

tests/onnx/setup_exporters.sh makes the venvs; tests/onnx/README.md says more.
Each exporter run rewrites its own fixtures (--only NAME,... for some of
them), then the manifest and README table from every sidecar in the folder.

<name>.json: exporter, exporter_version, versions (every package involved),
opset (default domain) and opsets (all domains), patterns, layout (NCHW,
NHWC or features), input_name, input_shape (per sample), dataset (the
zkbench dataset whose samples these are, or null for synthetic multi-channel
inputs), labels, inputs (4 samples, flat, in the model's layout), output_name
(the scores output), outputs (onnxruntime's scores per sample, flat; for a
ZipMap output the probabilities in class order), reference_outputs_max_abs_diff
(onnxruntime against the framework's own predictions), expect ("imports" or
"refused", with refused_because), ops (node op types in file order,
"domain:Op" outside the default domain), nodes (op, domain, name and the
small attributes of every node), notes.

Determinism: fixed seeds, PYTHONHASHSEED=0 (the script re-executes itself with
it: skl2onnx orders opset_import by iterating a set), one thread, the first 2,000 images of the training
split (heart: the 642 training rows), the same package versions
(requirements-*.txt) -> the same bytes.
"""
import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
FIXTURES = os.path.join(HERE, "fixtures")
N_SAMPLES = 4
N_TRAIN = 2000

# ---- helpers shared by every exporter ---------------------------------------------------


def f32(values):
    """float32 values as the shortest decimal that round-trips float32."""
    import numpy as np
    return [float(str(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def node_summary(node):
    from onnx import helper
    attrs = {}
    for a in node.attribute:
        if a.type in (a.TENSOR, a.GRAPH, a.TENSORS, a.GRAPHS, a.SPARSE_TENSOR):
            attrs[a.name] = "<%s>" % ("tensor" if a.type == a.TENSOR else "graph/tensors")
            if a.type == a.TENSOR and a.t.dims and len(a.t.dims) == 1 and a.t.dims[0] <= 8 or \
                    a.type == a.TENSOR and not a.t.dims:
                from onnx import numpy_helper
                attrs[a.name] = numpy_helper.to_array(a.t).tolist()
            continue
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        elif isinstance(v, (list, tuple)):
            v = [x.decode("utf-8", "replace") if isinstance(x, bytes) else x for x in v]
            if len(v) > 16:
                v = "<%d values>" % len(v)
        if isinstance(v, float):
            v = float(str(__import__("numpy").float32(v)))
        attrs[a.name] = v
    d = {"op": node.op_type}
    if node.domain:
        d["domain"] = node.domain
    if node.name:
        d["name"] = node.name
    d["inputs"] = len(node.input)
    if attrs:
        d["attrs"] = attrs
    return d


def op_list(model):
    return [(n.domain + ":" if n.domain not in ("", "ai.onnx") else "") + n.op_type
            for n in model.graph.node]


def strip_paths(model):
    """Drops what records the machine: node metadata 'pkg.torch.onnx.stack_trace'
    (absolute source paths, written by the dynamo exporter). Returns notes."""
    dropped = 0
    for n in model.graph.node:
        keep = [p for p in n.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        if len(keep) != len(n.metadata_props):
            dropped += 1
            del n.metadata_props[:]
            n.metadata_props.extend(keep)
    if dropped:
        return ["removed the node metadata 'pkg.torch.onnx.stack_trace' (absolute source "
                "paths) from %d nodes; nothing else changed" % dropped]
    return []


def ort_outputs(path, input_name, output_name, x, batch):
    """onnxruntime's outputs, one flat float list per sample. batch: run all
    samples at once (dynamic batch) or one by one (static batch 1)."""
    import numpy as np
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    chunks = [x] if batch else [x[i:i + 1] for i in range(len(x))]
    out = []
    for c in chunks:
        r = sess.run([output_name], {input_name: c})[0]
        if isinstance(r, list):           # ZipMap: a list of {class: probability}
            r = np.asarray([[d[k] for k in sorted(d)] for d in r], dtype=np.float32)
        r = np.asarray(r, dtype=np.float32)
        out.extend(r.reshape(len(c), -1))
    return np.stack(out)


def write_fixture(name, model, meta, x, labels, reference=None, batch=False, out_dir=FIXTURES):
    """Saves <name>.onnx and <name>.json. x: float32 [4, ...] in the model's
    layout; reference: the framework's own outputs, to check onnxruntime."""
    import numpy as np
    import onnx
    import onnxruntime
    os.makedirs(out_dir, exist_ok=True)
    notes = list(meta.pop("notes", [])) + strip_paths(model)
    seen = {}
    for o in model.opset_import:
        seen[o.domain] = seen.get(o.domain, 0) + 1
    for dom, k in seen.items():
        if k > 1:
            notes.append("opset_import lists the domain '%s' %d times (as the exporter wrote "
                         "it)" % (dom, k))
    path = os.path.join(out_dir, name + ".onnx")
    data = model.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
    onnx.checker.check_model(path)
    input_name = meta.pop("input_name")
    output_name = meta.pop("output_name")
    y = ort_outputs(path, input_name, output_name, x, batch)
    diff = None
    if reference is not None:
        diff = float(np.max(np.abs(np.asarray(reference, np.float32).reshape(y.shape) - y)))
        if diff > 1e-4:
            raise SystemExit("%s: onnxruntime differs from the framework by %g" % (name, diff))
    opsets = {(o.domain or "ai.onnx"): o.version for o in model.opset_import}
    g_in = [i for i in model.graph.input
            if i.name not in {t.name for t in model.graph.initializer}][0]
    dims = [d.dim_param if d.HasField("dim_param") else d.dim_value
            for d in g_in.type.tensor_type.shape.dim]
    versions = dict(meta.pop("versions", {}))
    versions.update({"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
                     "numpy": np.__version__})
    doc = {
        "name": name,
        "description": meta.pop("description"),
        "exporter": meta.pop("exporter"),
        "exporter_version": meta.pop("exporter_version"),
        "versions": versions,
        "producer": "%s %s" % (model.producer_name, model.producer_version),
        "ir_version": model.ir_version,
        "opset": opsets.get("ai.onnx"),
        "opsets": opsets,
        "opset_import": [[o.domain, o.version] for o in model.opset_import],
        "patterns": meta.pop("patterns"),
        "layout": meta.pop("layout"),
        "input_name": input_name,
        "input_dims": dims,
        "input_shape": list(x.shape[1:]),
        "dataset": meta.pop("dataset"),
        "expect": meta.pop("expect", "imports"),
    }
    if doc["expect"] == "refused":
        doc["refused_because"] = meta.pop("refused_because")
        if "error_contains" in meta:
            doc["error_contains"] = meta.pop("error_contains")
    doc.update({
        "output_name": output_name,
        "outputs_kind": meta.pop("outputs_kind", "scores"),
        "graph_outputs": [o.name for o in model.graph.output],
        "ops": op_list(model),
        "nodes": [node_summary(n) for n in model.graph.node],
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "labels": [int(v) for v in labels],
        "reference_outputs_max_abs_diff": diff,
        "notes": notes,
        "inputs": [f32(s) for s in x],
        "outputs": [f32(s) for s in y],
    })
    if meta:
        raise SystemExit("%s: unknown keys %s" % (name, sorted(meta)))
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        f.write(dump_json(doc))
    print("%-44s %6d B  opset %-3s %s" % (name, len(data), doc["opset"], " ".join(doc["ops"])))
    return doc


def dump_json(doc):
    """One key per line, values compact (the float arrays stay small)."""
    lines = ["{"]
    keys = list(doc)
    for i, k in enumerate(keys):
        v = doc[k]
        if k in ("inputs", "outputs", "nodes"):
            inner = ",\n".join("  " + json.dumps(e, separators=(",", ":")) for e in v)
            s = "[\n" + inner + "\n ]" if v else "[]"
        else:
            s = json.dumps(v, separators=(", ", ": "))
        lines.append(" %s: %s%s" % (json.dumps(k), s, "," if i + 1 < len(keys) else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def wanted(name, only):
    return not only or name in only


# ---- PyTorch ---------------------------------------------------------------------------

def torch_fixtures(only, out_dir):
    import warnings
    import logging
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import zkb_data
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    import onnxscript
    versions = {"torch": torch.__version__, "onnxscript": onnxscript.__version__}
    xtr28, ytr = zkb_data.mnist("train", 28)
    xte28, yte = zkb_data.mnist("test", 28)
    xtr28, ytr = xtr28[:N_TRAIN], ytr[:N_TRAIN]
    xtr14, xte14 = zkb_data.mnist("train", 14)[0][:N_TRAIN], zkb_data.mnist("test", 14)[0]
    labels = yte[:N_SAMPLES]

    def two_channel(x):
        # channel 0: the image; channel 1: the image mirrored left-right
        return np.concatenate([x, x[:, :, :, ::-1]], axis=1).copy()

    class Net(nn.Module):
        """body, then the final activation (Softmax/LogSoftmax/None), which
        training skips (it trains the logits with cross-entropy)."""

        def __init__(self, body, final=None, view=False, pre=None):
            super().__init__()
            self.pre = pre
            self.body = body
            self.head = nn.Sequential()
            self.final = final
            self.view = view
            self.logits_only = False

        def forward(self, x):
            if self.pre is not None:
                x = self.pre(x)
            x = self.body(x)
            if self.view:                      # the classic x.view(x.size(0), -1)
                x = x.view(x.size(0), -1)
            x = self.head(x)
            if self.final is not None and not self.logits_only:
                x = self.final(x)
            return x

    class Normalize(nn.Module):
        def __init__(self, mean, std):
            super().__init__()
            self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1))
            self.register_buffer("std", torch.tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1))

        def forward(self, x):
            return (x - self.mean) / self.std

    class ScalarNormalize(nn.Module):
        def forward(self, x):
            return (x - 0.1307) / 0.3081

    class PadValue(nn.Module):
        def forward(self, x):
            return F.pad(x, (1, 1, 1, 1), mode="constant", value=0.5)

    def train(net, x, y, epochs=3, lr=5e-3, seed=1):
        g = torch.Generator().manual_seed(seed)
        net.train()
        net.logits_only = True
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        X, Y = torch.from_numpy(x), torch.from_numpy(y)
        for _ in range(epochs):
            perm = torch.randperm(len(X), generator=g)
            for i in range(0, len(X), 32):
                idx = perm[i:i + 32]
                opt.zero_grad()
                loss = F.cross_entropy(net(X[idx]), Y[idx])
                loss.backward()
                opt.step()
        net.logits_only = False
        net.eval()
        with torch.no_grad():
            acc = (net(X).argmax(1) == Y).float().mean().item()
        return acc

    def export_ts(name, net, x_all, meta, opset, dynamic, training=None, cf=None):
        x = x_all[:N_SAMPLES]
        kw = dict(opset_version=opset, dynamo=False, input_names=["x"], output_names=["y"])
        if dynamic:
            kw["dynamic_axes"] = {"x": {0: "batch"}, "y": {0: "batch"}}
        if training is not None:
            kw["training"] = training
        if cf is not None:
            kw["do_constant_folding"] = cf
        path = os.path.join(out_dir, name + ".onnx")
        os.makedirs(out_dir, exist_ok=True)
        torch.onnx.export(net, (torch.from_numpy(x[:1]),), path, **kw)
        with torch.no_grad():
            ref = net(torch.from_numpy(x)).numpy()
        m = onnx.load(path)
        meta = dict(meta, exporter="torch.onnx.export(dynamo=False) (TorchScript)",
                    exporter_version=torch.__version__, versions=versions,
                    input_name="x", output_name="y")
        meta.setdefault("notes", []).append(
            "torch.onnx.export(opset_version=%d, dynamo=False%s%s%s)" % (
                opset, ", dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}" if dynamic else "",
                ", training=TrainingMode.%s" % training.name if training is not None else "",
                ", do_constant_folding=%s" % cf if cf is not None else ""))
        return write_fixture(name, m, meta, x, labels, ref, batch=dynamic, out_dir=out_dir)

    def export_dynamo(name, net, x_all, meta, opset, dynamic):
        x = x_all[:N_SAMPLES]
        kw = dict(dynamo=True, input_names=["x"], output_names=["y"])
        if opset:
            kw["opset_version"] = opset
        if dynamic:
            kw["dynamic_shapes"] = {"x": {0: torch.export.Dim("batch")}}
            example = torch.from_numpy(x[:2])
        else:
            example = torch.from_numpy(x[:1])
        prog = torch.onnx.export(net, (example,), **kw)
        m = prog.model_proto
        with torch.no_grad():
            ref = net(torch.from_numpy(x)).numpy()
        meta = dict(meta, exporter="torch.onnx.export(dynamo=True) (torch.export)",
                    exporter_version=torch.__version__, versions=versions,
                    input_name="x", output_name="y")
        meta.setdefault("notes", []).append(
            "torch.onnx.export(dynamo=True%s%s)" % (
                ", opset_version=%d" % opset if opset else " (default opset)",
                ", dynamic_shapes={'x': {0: Dim('batch')}}" if dynamic else ", static batch 1"))
        return write_fixture(name, m, meta, x, labels, ref, batch=dynamic, out_dir=out_dir)

    T = nn.Sequential
    made = []

    # MLP, x.view(x.size(0), -1), Softmax: opset 13 dynamic and opset 17 static
    torch.manual_seed(1)
    mlp = Net(nn.Sequential(), nn.Softmax(dim=1), view=True)
    mlp.head = T(nn.Linear(196, 16), nn.ReLU(), nn.Linear(16, 10))
    train(mlp, xtr14, ytr)
    for name, opset, dyn, pats in [
            ("torch_ts13_mlp14_view_softmax_dyn", 13, True,
             ["dynamic_batch", "shape_subgraph_reshape", "gemm", "softmax"]),
            ("torch_ts17_mlp14_view_softmax", 17, False,
             ["static_batch", "reshape_const", "gemm", "softmax"])]:
        if wanted(name, only):
            made.append(export_ts(name, mlp, xte14, dict(
                description="MLP 196-16-10 on MNIST 14x14: x.view(x.size(0), -1), Linear, "
                            "ReLU, Linear, nn.Softmax(dim=1)",
                patterns=pats, layout="NCHW", dataset="mnist14"), opset, dyn))

    # the end-to-end CNN: conv 2x3x3, ReLU, AvgPool2d(2, padding=1), view, dense 10 (logits)
    torch.manual_seed(2)
    cnn_pad = Net(T(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AvgPool2d(2, padding=1)), None, view=True)
    cnn_pad.head = nn.Linear(2 * 7 * 7, 10)
    train(cnn_pad, xtr14, ytr)
    for name, opset, dyn, pats, extra in [
            ("torch_ts13_cnn14_avgpoolpad_dyn", 13, True,
             ["dynamic_batch", "shape_subgraph_reshape", "avgpool_pads", "count_include_pad",
              "logits", "end_to_end"],
             "The small CNN other tests prove end to end (circom, noir, ezkl). "),
            ("torch_ts9_cnn14_avgpoolpad", 9, False,
             ["static_batch", "pad_avgpool", "pad_attribute", "reshape_const", "logits"],
             "Same weights at opset 9: the exporter writes Pad (pads as an attribute) + "
             "AveragePool, its emulation of count_include_pad=True before opset 10. ")]:
        if wanted(name, only):
            made.append(export_ts(name, cnn_pad, xte14, dict(
                description=extra + "CNN on MNIST 14x14: Conv2d(1, 2, 3), ReLU, "
                "AvgPool2d(2, padding=1) (count_include_pad=True), x.view(x.size(0), -1), "
                "Linear(98, 10), logits", patterns=pats, layout="NCHW", dataset="mnist14"),
                opset, dyn))

    # explicit zero padding: nn.ZeroPad2d before the conv and before the pool (Pad op, opset 13)
    name = "torch_ts13_cnn14_zeropad_dyn"
    if wanted(name, only):
        torch.manual_seed(3)
        net = Net(T(nn.ZeroPad2d(1), nn.Conv2d(1, 2, 3), nn.ReLU(), nn.ZeroPad2d(1),
                    nn.AvgPool2d(2), nn.Flatten(), nn.Linear(2 * 8 * 8, 10)))
        train(net, xtr14, ytr)
        made.append(export_ts(name, net, xte14, dict(
            description="CNN on MNIST 14x14: ZeroPad2d(1), Conv2d(1, 2, 3), ReLU, ZeroPad2d(1), "
                        "AvgPool2d(2), Flatten, Linear(128, 10), logits",
            patterns=["dynamic_batch", "pad_conv", "pad_avgpool", "pad_input", "flatten",
                      "logits"], layout="NCHW", dataset="mnist14"), 13, True))

    # conv padding=1, MaxPool2d(2, padding=1) after a ReLU, LogSoftmax
    name = "torch_ts17_cnn14_convpad_maxpoolpad_logsoftmax_dyn"
    if wanted(name, only):
        torch.manual_seed(4)
        net = Net(T(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, padding=1),
                    nn.Flatten(), nn.Linear(3 * 8 * 8, 10)), nn.LogSoftmax(dim=1))
        train(net, xtr14, ytr)
        made.append(export_ts(name, net, xte14, dict(
            description="CNN on MNIST 14x14: Conv2d(1, 3, 3, padding=1), ReLU, "
                        "MaxPool2d(2, padding=1), Flatten, Linear(192, 10), LogSoftmax",
            patterns=["dynamic_batch", "conv_pads", "maxpool_pads", "flatten", "log_softmax"],
            layout="NCHW", dataset="mnist14"), 17, True))

    # batch norms: BatchNorm2d after a conv, BatchNorm1d after a Linear
    torch.manual_seed(5)
    bn = Net(T(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
               nn.Linear(2 * 6 * 6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 10)))
    train(bn, xtr14, ytr)
    desc = ("CNN on MNIST 14x14: Conv2d(1, 2, 3), BatchNorm2d, ReLU, AvgPool2d(2), Flatten, "
            "Linear(72, 16), BatchNorm1d, ReLU, Linear(16, 10), logits. ")
    name = "torch_ts13_cnn14_batchnorm"
    if wanted(name, only):
        made.append(export_ts(name, bn, xte14, dict(
            description=desc + "training=EVAL, do_constant_folding=False: both "
                        "BatchNormalization nodes stay",
            patterns=["static_batch", "batchnorm_conv", "batchnorm_gemm", "flatten", "logits"],
            layout="NCHW", dataset="mnist14"), 13, False,
            training=torch.onnx.TrainingMode.EVAL, cf=False))
    name = "torch_ts17_cnn14_batchnorm_folded_dyn"
    if wanted(name, only):
        made.append(export_ts(name, bn, xte14, dict(
            description=desc + "Exporter defaults (constant folding on): the exporter folds "
                        "BatchNorm2d into the Conv; the BatchNorm1d after the Linear stays",
            patterns=["dynamic_batch", "batchnorm_gemm", "flatten", "logits"],
            layout="NCHW", dataset="mnist14"), 17, True))

    # input normalization (x - 0.1307) / 0.3081 as the first op
    name = "torch_ts13_cnn14_normalize"
    if wanted(name, only):
        torch.manual_seed(6)
        net = Net(T(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(2 * 6 * 6, 10)), pre=ScalarNormalize())
        train(net, xtr14, ytr)
        made.append(export_ts(name, net, xte14, dict(
            description="CNN on MNIST 14x14 with (x - 0.1307) / 0.3081 as the first op: "
                        "Conv2d(1, 2, 3), ReLU, MaxPool2d(2), Flatten, Linear(72, 10), logits",
            patterns=["static_batch", "input_normalization_sub_div", "flatten", "logits"],
            layout="NCHW", dataset="mnist14"), 13, False))

    # per-channel normalization on a 2-channel input
    name = "torch_ts13_cnn14x2_normalize_perchannel_dyn"
    if wanted(name, only):
        torch.manual_seed(7)
        net = Net(T(nn.Conv2d(2, 2, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                    nn.Linear(2 * 6 * 6, 10)), pre=Normalize([0.1307, 0.1307], [0.3081, 0.25]))
        train(net, two_channel(xtr14), ytr)
        made.append(export_ts(name, net, two_channel(xte14), dict(
            description="CNN on a 2-channel 14x14 input (channel 0: MNIST 14x14, channel 1: "
                        "the same image mirrored left-right), normalized per channel "
                        "(x - mean[1,2,1,1]) / std[1,2,1,1] (mean 0.1307, 0.1307; std 0.3081, "
                        "0.25): Conv2d(2, 2, 3), ReLU, AvgPool2d(2), Flatten, Linear(72, 10), "
                        "logits",
            patterns=["dynamic_batch", "input_normalization_per_channel",
                      "multi_channel_input", "flatten", "logits"],
            layout="NCHW", dataset=None), 13, True))

    # a 28x28 CNN with 4 channels, as the zoo's mnist_cnn_28 (smaller)
    name = "torch_ts17_cnn28_logits"
    if wanted(name, only):
        torch.manual_seed(8)
        net = Net(T(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(4, 4, 5),
                    nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 10)))
        train(net, xtr28, ytr)
        made.append(export_ts(name, net, xte28, dict(
            description="CNN on MNIST 28x28: Conv2d(1, 4, 5), ReLU, AvgPool2d(2), "
                        "Conv2d(4, 4, 5), ReLU, AvgPool2d(2), Flatten, Linear(64, 10), logits",
            patterns=["static_batch", "flatten", "logits"], layout="NCHW", dataset="mnist"),
            17, False))

    # ---- dynamo (torch.export) exporter
    name = "torch_dynamo18_mlp14_view_softmax"
    if wanted(name, only):
        made.append(export_dynamo(name, mlp, xte14, dict(
            description="MLP 196-16-10 on MNIST 14x14 (the weights of torch_ts13_mlp14_*): "
                        "x.view(x.size(0), -1), Linear, ReLU, Linear, nn.Softmax(dim=1)",
            patterns=["static_batch", "reshape_const", "gemm", "softmax"],
            layout="NCHW", dataset="mnist14"), 18, False))
    name = "torch_dynamo_cnn14_bn_pads_dyn"
    if wanted(name, only):
        torch.manual_seed(9)
        net = Net(T(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(),
                    nn.AvgPool2d(2, padding=1)), None, view=True)
        net.head = nn.Linear(2 * 8 * 8, 10)
        train(net, xtr14, ytr)
        made.append(export_dynamo(name, net, xte14, dict(
            description="CNN on MNIST 14x14: Conv2d(1, 2, 3, padding=1), BatchNorm2d, ReLU, "
                        "AvgPool2d(2, padding=1), x.view(x.size(0), -1), Linear(128, 10), "
                        "logits; dynamic batch through dynamic_shapes",
            patterns=["dynamic_batch", "conv_pads", "avgpool_pads", "count_include_pad",
                      "reshape_const", "logits"],
            layout="NCHW", dataset="mnist14",
            notes=["the exporter's optimizer folded the BatchNorm2d into the Conv: no "
                   "BatchNormalization node is left"]), None, True))

    # ---- meant to be refused
    name = "refuse_torch_ts13_conv_dilation"
    if wanted(name, only):
        torch.manual_seed(10)
        net = Net(T(nn.Conv2d(1, 2, 3, dilation=2), nn.ReLU(), nn.Flatten(),
                    nn.Linear(2 * 10 * 10, 10)))
        train(net, xtr14, ytr, epochs=1)
        made.append(export_ts(name, net, xte14, dict(
            description="Conv2d(1, 2, 3, dilation=2), ReLU, Flatten, Linear(200, 10)",
            patterns=["conv_dilations"], layout="NCHW", dataset="mnist14", expect="refused",
            refused_because="Conv with dilations [2, 2] (the IR's conv2d has no dilation)",
            error_contains="dilations"),
            13, False))
    name = "refuse_torch_ts13_pad_nonzero"
    if wanted(name, only):
        torch.manual_seed(11)
        net = Net(T(PadValue(), nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(),
                    nn.Linear(2 * 14 * 14, 10)))
        train(net, xtr14, ytr, epochs=1)
        made.append(export_ts(name, net, xte14, dict(
            description="F.pad(x, (1, 1, 1, 1), value=0.5), Conv2d(1, 2, 3), ReLU, Flatten, "
                        "Linear(392, 10)",
            patterns=["pad_conv", "pad_nonzero_value"], layout="NCHW", dataset="mnist14",
            expect="refused",
            refused_because="Pad with constant_value 0.5 (only zero padding folds into the "
                            "next conv/pool)", error_contains="(Pad)"), 13, False))
    name = "refuse_torch_ts13_gelu"
    if wanted(name, only):
        torch.manual_seed(12)
        net = Net(T(nn.Flatten(), nn.Linear(196, 16), nn.GELU(), nn.Linear(16, 10)))
        train(net, xtr14, ytr, epochs=1)
        made.append(export_ts(name, net, xte14, dict(
            description="Flatten, Linear(196, 16), nn.GELU() (exact: Div, Erf, Add, Mul, Mul), "
                        "Linear(16, 10)",
            patterns=["gelu_erf", "branch"], layout="NCHW", dataset="mnist14",
            expect="refused",
            refused_because="Erf (GELU): not a supported operator, and GELU's graph branches "
                            "(x * 0.5 * (1 + erf(x / sqrt 2)))"), 13, False))
    return made


# ---- Keras / tf2onnx -------------------------------------------------------------------

def tf_fixtures(only, out_dir):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging
    import numpy as np
    import tensorflow as tf
    import tf2onnx
    import zkb_data
    logging.getLogger("tf2onnx").setLevel(logging.ERROR)
    tf.get_logger().setLevel(logging.ERROR)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    L = tf.keras.layers
    versions = {"tensorflow": tf.__version__, "tf2onnx": tf2onnx.__version__,
                "keras": tf.keras.__version__ if hasattr(tf.keras, "__version__") else None}

    def nhwc(x):
        return np.ascontiguousarray(np.transpose(x, (0, 2, 3, 1)))

    x14tr = nhwc(zkb_data.mnist("train", 14)[0][:N_TRAIN])
    x14te, yte = zkb_data.mnist("test", 14)
    x14te = nhwc(x14te)
    x28tr = nhwc(zkb_data.mnist("train", 28)[0][:N_TRAIN])
    x28te = nhwc(zkb_data.mnist("test", 28)[0])
    ytr = zkb_data.mnist("train", 14)[1][:N_TRAIN]
    labels = yte[:N_SAMPLES]

    def two_channel(x):
        return np.concatenate([x, x[:, :, ::-1, :]], axis=3).copy()

    def fit(model, x, y, logits, epochs=3, seed=1):
        model.compile(optimizer=tf.keras.optimizers.Adam(5e-3),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=logits),
                      metrics=["accuracy"])
        model.fit(x, y, batch_size=32, epochs=epochs, shuffle=True, verbose=0)

    def export(name, model, x_all, meta, opset):
        x = x_all[:N_SAMPLES]
        spec = (tf.TensorSpec((None,) + x.shape[1:], tf.float32, name="x"),)
        m, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=opset)
        ref = model(x, training=False).numpy()
        out_name = m.graph.output[0].name
        meta = dict(meta, exporter="tf2onnx.convert.from_keras", versions=versions,
                    exporter_version=tf2onnx.__version__, input_name="x", output_name=out_name)
        meta.setdefault("notes", []).append(
            "tf2onnx.convert.from_keras(model, input_signature=(TensorSpec((None,) + %s, "
            "name='x'),), opset=%d); TensorFlow %s" % (tuple(x.shape[1:]), opset, tf.__version__))
        return write_fixture(name, m, meta, x, labels, ref, batch=True, out_dir=out_dir)

    made = []
    name = "keras_tf13_cnn14_avgpool_softmax"
    if wanted(name, only):
        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential([L.Input((14, 14, 1)), L.Conv2D(2, 3, activation="relu"),
                                     L.AveragePooling2D(2), L.Flatten(),
                                     L.Dense(10, activation="softmax")])
        fit(model, x14tr, ytr, False)
        made.append(export(name, model, x14te, dict(
            description="Keras CNN on NHWC MNIST 14x14x1: Conv2D(2, 3, relu), "
                        "AveragePooling2D(2), Flatten, Dense(10, softmax)",
            patterns=["nhwc_input_reshape", "conv_bias", "nhwc_flatten", "matmul_add",
                      "softmax"],
            layout="NHWC", dataset="mnist14"), 13))
    name = "keras_tf15_cnn14_same_maxpool_softmax"
    if wanted(name, only):
        tf.keras.utils.set_random_seed(2)
        model = tf.keras.Sequential([L.Input((14, 14, 1)),
                                     L.Conv2D(3, 3, padding="same", activation="relu"),
                                     L.MaxPooling2D(2), L.Flatten(),
                                     L.Dense(10, activation="softmax")])
        fit(model, x14tr, ytr, False)
        made.append(export(name, model, x14te, dict(
            description="Keras CNN on NHWC MNIST 14x14x1: Conv2D(3, 3, padding='same', relu), "
                        "MaxPooling2D(2), Flatten, Dense(10, softmax)",
            patterns=["nhwc_input_reshape", "conv_pads", "conv_bias", "nhwc_flatten",
                      "matmul_add", "softmax"],
            layout="NHWC", dataset="mnist14"), 15))
    name = "keras_tf17_mlp14_normalization_softmax"
    if wanted(name, only):
        tf.keras.utils.set_random_seed(3)
        model = tf.keras.Sequential([L.Input((14, 14, 1)),
                                     L.Normalization(mean=0.1307, variance=0.3081 ** 2),
                                     L.Flatten(), L.Dense(16, activation="relu"),
                                     L.Dense(10, activation="softmax")])
        fit(model, x14tr, ytr, False)
        made.append(export(name, model, x14te, dict(
            description="Keras MLP on NHWC MNIST 14x14x1: Normalization(mean=0.1307, "
                        "variance=0.3081^2), Flatten, Dense(16, relu), Dense(10, softmax)",
            patterns=["input_normalization_sub_mul", "reshape_const", "matmul_add", "softmax"],
            layout="NHWC", dataset="mnist14"), 17))
    name = "keras_tf13_cnn14x2_nhwc_logits"
    if wanted(name, only):
        tf.keras.utils.set_random_seed(4)
        model = tf.keras.Sequential([L.Input((14, 14, 2)), L.Conv2D(2, 3, activation="relu"),
                                     L.AveragePooling2D(2), L.Flatten(), L.Dense(10)])
        fit(model, two_channel(x14tr), ytr, True)
        made.append(export(name, model, two_channel(x14te), dict(
            description="Keras CNN on a 2-channel NHWC 14x14x2 input (channel 0: MNIST 14x14, "
                        "channel 1: mirrored left-right): Conv2D(2, 3, relu), "
                        "AveragePooling2D(2), Flatten, Dense(10) (logits)",
            patterns=["nhwc_input_transpose", "multi_channel_input", "conv_bias",
                      "nhwc_flatten", "matmul_add", "logits"], layout="NHWC", dataset=None), 13))
    name = "keras_tf16_cnn28_batchnorm_softmax"
    if wanted(name, only):
        tf.keras.utils.set_random_seed(5)
        model = tf.keras.Sequential([L.Input((28, 28, 1)), L.Conv2D(4, 5),
                                     L.BatchNormalization(), L.ReLU(), L.AveragePooling2D(2),
                                     L.Conv2D(4, 5, activation="relu"), L.AveragePooling2D(2),
                                     L.Flatten(), L.Dense(10, activation="softmax")])
        fit(model, x28tr, ytr, False)
        made.append(export(name, model, x28te, dict(
            description="Keras CNN on NHWC MNIST 28x28x1: Conv2D(4, 5), BatchNormalization, "
                        "ReLU, AveragePooling2D(2), Conv2D(4, 5, relu), AveragePooling2D(2), "
                        "Flatten, Dense(10, softmax)",
            patterns=["nhwc_input_reshape", "conv_bias", "nhwc_flatten", "matmul_add",
                      "softmax"],
            layout="NHWC", dataset="mnist",
            notes=["tf2onnx folded the BatchNormalization into the first Conv: no "
                   "BatchNormalization node is left"]), 16))
    return made


# ---- scikit-learn / skl2onnx -----------------------------------------------------------

def sklearn_fixtures(only, out_dir):
    import warnings
    import numpy as np
    import sklearn
    import skl2onnx
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    import zkb_data
    warnings.filterwarnings("ignore")
    versions = {"scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__}

    xtr, ytr = zkb_data.mnist("train", 14)
    xte, yte = zkb_data.mnist("test", 14)
    xtr, ytr = xtr[:N_TRAIN].reshape(N_TRAIN, -1), ytr[:N_TRAIN]
    xte = xte.reshape(len(xte), -1)
    htr, hytr = zkb_data.heart("train", False)
    hte, hyte = zkb_data.heart("test", False)
    hstr, _ = zkb_data.heart("train", True)
    hste, _ = zkb_data.heart("test", True)

    def export(name, clf, x_all, labels, meta, zipmap=True):
        x = x_all[:N_SAMPLES]
        kw = {}
        if not zipmap:
            kw["options"] = {id(clf): {"zipmap": False}}
        m = convert_sklearn(clf, initial_types=[("x", FloatTensorType([None, x.shape[1]]))],
                            target_opset={"": 13, "ai.onnx.ml": 1}, name=name, **kw)
        outs = [o.name for o in m.graph.output]
        out_name = "output_probability" if zipmap else "probabilities"
        if out_name not in outs:
            raise SystemExit("%s: no output %s in %s" % (name, out_name, outs))
        ref = clf.predict_proba(x)
        meta = dict(meta, exporter="skl2onnx.convert_sklearn", versions=versions,
                    exporter_version=skl2onnx.__version__, input_name="x",
                    output_name=out_name, layout="features",
                    outputs_kind="probabilities" + (" (ZipMap: a sequence of maps; recorded "
                                                    "as floats in class order)" if zipmap else ""))
        meta.setdefault("notes", []).append(
            "convert_sklearn(clf, initial_types=[('x', FloatTensorType([None, %d]))], "
            "target_opset={'': 13, 'ai.onnx.ml': 1}, name='%s'%s) (without name= the graph "
            "name is a random UUID); the graph also outputs the predicted label" % (
                x.shape[1], name, ", options={id(clf): {'zipmap': False}}" if not zipmap else ""))
        return write_fixture(name, m, meta, x, labels[:N_SAMPLES], ref, batch=True,
                             out_dir=out_dir)

    BINARY_NOTE = ("binary LogisticRegression: LinearClassifier with 2 classes, coefficients "
                   "[-coef_, +coef_] (class 0's row is the negated weights), intercepts "
                   "[-b, +b], multi_class 0, post_transform LOGISTIC: probabilities "
                   "[sigmoid(-z), sigmoid(z)] = [1 - p, p]")
    made = []
    lr = LogisticRegression(max_iter=200, C=0.1)
    lr.fit(xtr, ytr)
    for name, zm in [("skl_logreg_mnist14", True), ("skl_logreg_mnist14_nozipmap", False)]:
        if wanted(name, only):
            made.append(export(name, lr, xte, yte, dict(
                description="LogisticRegression(C=0.1) (multinomial, lbfgs) on MNIST 14x14 as "
                            "196 features" + ("" if zm else "; options zipmap=False"),
                patterns=["linear_classifier", "softmax_post_transform", "normalizer_l1"] +
                         (["zipmap"] if zm else []) + ["label_output"],
                dataset="mnist14"), zm))
    name = "skl_logreg_heart_std_binary"
    if wanted(name, only):
        clf = LogisticRegression()
        clf.fit(hstr, hytr)
        made.append(export(name, clf, hste, hyte, dict(
            description="binary LogisticRegression on heart_std (the 18 features z-scored "
                        "with the training split's statistics, as zkbench's heart_std)",
            patterns=["linear_classifier", "logistic_post_transform", "binary", "zipmap",
                      "label_output"], dataset="heart_std", notes=[BINARY_NOTE])))
    name = "skl_mlp_mnist14"
    if wanted(name, only):
        clf = MLPClassifier((16,), activation="relu", max_iter=30, random_state=1)
        clf.fit(xtr, ytr)
        made.append(export(name, clf, xte, yte, dict(
            description="MLPClassifier(hidden_layer_sizes=(16,), relu, max_iter=30) on MNIST "
                        "14x14 as 196 features",
            patterns=["cast_input", "matmul_add", "softmax", "argmax_label_branch", "zipmap",
                      "label_output"], dataset="mnist14")))
    name = "skl_pipeline_scaler_logreg_heart"
    if wanted(name, only):
        clf = Pipeline([("scaler", StandardScaler()), ("logreg", LogisticRegression())])
        clf.fit(htr, hytr)
        made.append(export(name, clf, hte, hyte, dict(
            description="Pipeline([StandardScaler(), LogisticRegression()]) on the unscaled "
                        "heart features (zkbench's heart)",
            patterns=["scaler", "linear_classifier", "logistic_post_transform", "binary",
                      "zipmap", "label_output"], dataset="heart", notes=[BINARY_NOTE])))
    return made


# ---- manifest and README table ---------------------------------------------------------

def index(out_dir=FIXTURES):
    docs = []
    for fn in sorted(os.listdir(out_dir)):
        if fn.endswith(".json") and fn != "MANIFEST.json":
            with open(os.path.join(out_dir, fn)) as f:
                docs.append(json.load(f))
    order = {"torch.onnx.export(dynamo=False) (TorchScript)": 0,
             "torch.onnx.export(dynamo=True) (torch.export)": 1,
             "tf2onnx.convert.from_keras": 2, "skl2onnx.convert_sklearn": 3}
    docs.sort(key=lambda d: (d["expect"] != "imports", order.get(d["exporter"], 9), d["name"]))
    total = 0
    fixtures = []
    for d in docs:
        onnx_size = os.path.getsize(os.path.join(out_dir, d["name"] + ".onnx"))
        json_size = os.path.getsize(os.path.join(out_dir, d["name"] + ".json"))
        total += onnx_size + json_size
        fixtures.append({k: d[k] for k in ("name", "exporter", "exporter_version", "opset",
                                           "opsets", "patterns", "layout", "input_shape",
                                           "dataset", "output_name", "expect")})
        fixtures[-1]["ops"] = sorted(set(d["ops"]), key=d["ops"].index)
        if d["expect"] == "refused":
            fixtures[-1]["refused_because"] = d["refused_because"]
        fixtures[-1]["onnx_bytes"] = onnx_size
        fixtures[-1]["json_bytes"] = json_size
        fixtures[-1]["sha256"] = d["sha256"]
    versions = {}
    for d in docs:
        for k, v in d["versions"].items():
            versions.setdefault(k, set()).add(v)
    manifest = {
        "generator": "tests/onnx/make_fixtures.py",
        "count": len(fixtures),
        "total_bytes": total,
        "versions": {k: sorted(v) for k, v in sorted(versions.items()) if v != {None}},
        "fixtures": fixtures,
    }
    with open(os.path.join(out_dir, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    short = {0: "torch TS", 1: "torch dynamo", 2: "tf2onnx", 3: "skl2onnx"}
    rows = ["| fixture | exporter | opset | layout, input | patterns | nodes in file order "
            "(Constant nodes left out) | expect | bytes |",
            "| --- | --- | ---: | --- | --- | --- | --- | ---: |"]
    for d, fx in zip(docs, fixtures):
        ops = " ".join(o for o in d["ops"] if o != "Constant")
        ex = "%s %s" % (short.get(order.get(d["exporter"], 9), d["exporter"]),
                        d["exporter_version"])
        opset = str(d["opset"]) + "".join(", ml %d" % v for k, v in d["opsets"].items()
                                          if k == "ai.onnx.ml")
        expect = d["expect"] if d["expect"] == "imports" else "refused: " + d["refused_because"]
        rows.append("| `%s` | %s | %s | %s %s | %s | %s | %s | %d |" % (
            d["name"], ex, opset, d["layout"], "x".join(map(str, d["input_shape"])),
            ", ".join(d["patterns"]), ops, expect, fx["onnx_bytes"]))
    rows.append("")
    rows.append("%d fixtures, %d bytes in all (.onnx and .json)." % (len(docs), total))
    table = "\n".join(rows)
    readme = os.path.join(HERE, "README.md")
    if os.path.abspath(out_dir) != FIXTURES:
        readme = os.path.join(out_dir, "TABLE.md")     # the committed README stays as it is
        with open(readme, "w") as f:
            f.write("<!-- fixtures:begin -->\n<!-- fixtures:end -->\n")
    if os.path.exists(readme):
        with open(readme) as f:
            text = f.read()
        a, b = "<!-- fixtures:begin -->", "<!-- fixtures:end -->"
        if a in text and b in text:
            text = text[:text.index(a) + len(a)] + "\n" + table + "\n" + text[text.index(b):]
            with open(readme, "w") as f:
                f.write(text)
    print("%d fixtures, %d bytes (%s, %s)" % (len(docs), total,
                                              os.path.join(out_dir, "MANIFEST.json"), readme))


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # skl2onnx orders opset_import by iterating a set: fix str hashing
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exporter", choices=["torch", "tf", "sklearn"])
    ap.add_argument("--only", default="", help="comma-separated fixture names")
    ap.add_argument("--index", action="store_true", help="only rewrite MANIFEST.json and the README table")
    ap.add_argument("--out", default=FIXTURES)
    a = ap.parse_args()
    if not a.index and not a.exporter:
        ap.error("--exporter or --index")
    only = {s for s in a.only.split(",") if s}
    if a.exporter:
        made = {"torch": torch_fixtures, "tf": tf_fixtures,
                "sklearn": sklearn_fixtures}[a.exporter](only, a.out)
        missing = only - {d["name"] for d in made}
        if missing:
            raise SystemExit("unknown fixture(s): %s" % ", ".join(sorted(missing)))
    index(a.out)


if __name__ == "__main__":
    main()
