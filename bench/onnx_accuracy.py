#!/usr/bin/env python3
"""ONNX import accuracy at benchmark size: the six MNIST zoo architectures
(lib/train/zoo_table.c) written in PyTorch and in Keras, trained briefly, exported
by PyTorch's TorchScript exporter, PyTorch's dynamo (torch.export) exporter and
Keras through tf2onnx; for every file, onnxruntime's float accuracy and zkbench's
(`zkbench eval FILE --json`: the float reference evaluator on the imported model)
on the MNIST test split, with the inputs zkbench's data loader computes
(tests/onnx/zkb_data.py reproduces lib/data bit for bit).

    python3 bench/onnx_accuracy.py [--out DIR] [--epochs 2] [--zkbench PATH]
            [--torch-python PY] [--tf-python PY] [--train-subset N] [--test-subset N]
            [--models a,b] [--exporters torchscript,dynamo,tf2onnx]

The driver needs only the standard library; training, export and onnxruntime run
in the exporter venvs of tests/onnx/setup_exporters.sh (default
${ZKB_CACHE_DIR:-~/.cache/zkmlbench}/onnx-exporters/{torch,tf}/bin/python),
started as `PY bench/onnx_accuracy.py --worker torch|tf ...`. The .onnx files go
to --out (default ${ZKB_CACHE_DIR:-~/.cache/zkmlbench}/onnx-accuracy), outside
the repository, with results.json and results.md. A file zkbench cannot import
gets its error line as the import status; onnxruntime's accuracy is still
reported. Takes about 10-20 minutes on 2 cores with the defaults (the full 10k
test split, 2 epochs on the 10k training subset).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "onnx"))

# The zoo's MNIST models (lib/train/zoo_table.c): input side, layers. Convs are
# valid (no padding), stride 1; pools are 2x2 average pools, stride 2.
#   ("C", filters, kernel) ("A",) ("R",) ("F",) ("D", units)
ZOO = {
    "mnist_784_56_10": (28, [("F",), ("D", 56), ("R",), ("D", 10)]),
    "mnist_196_25_10": (14, [("F",), ("D", 25), ("R",), ("D", 10)]),
    "mnist_196_24_14_10": (14, [("F",), ("D", 24), ("R",), ("D", 14), ("R",), ("D", 10)]),
    "mnist_cnn_28_6_16_10_5": (28, [("C", 6, 5), ("R",), ("A",), ("C", 16, 5), ("R",), ("A",),
                                    ("F",), ("D", 10)]),
    "mnist_cnn_14_5_11_80_10_3": (14, [("C", 5, 3), ("R",), ("A",), ("C", 11, 3), ("R",), ("A",),
                                       ("F",), ("D", 80), ("R",), ("D", 10)]),
    "mnist_cnn_28_6_16_120_84_10_5": (28, [("C", 6, 5), ("R",), ("A",), ("C", 16, 5), ("R",),
                                           ("A",), ("F",), ("D", 120), ("R",), ("D", 84),
                                           ("R",), ("D", 10)]),
}
EXPORTERS = ["torchscript", "dynamo", "tf2onnx"]


def cache_dir():
    return os.environ.get("ZKB_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache",
                                                          "zkmlbench")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- workers (run inside an exporter venv) -----------------------------------------------

def ort_accuracy(path, x, y, batch=1000):
    import numpy as np
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    iname = sess.get_inputs()[0].name
    oname = sess.get_outputs()[0].name
    pred = []
    for i in range(0, len(x), batch):
        pred.append(np.asarray(sess.run([oname], {iname: x[i:i + batch]})[0]).argmax(axis=1))
    pred = np.concatenate(pred)
    return 100.0 * float((pred == y).mean()), int((pred == y).sum())


def file_info(path):
    import onnx
    m = onnx.load(path)
    ops = []
    for n in m.graph.node:
        t = (n.domain + ":" if n.domain not in ("", "ai.onnx") else "") + n.op_type
        if t not in ops:
            ops.append(t)
    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
    return {"opset": opset[0] if opset else None, "ops": ops,
            "producer": "%s %s" % (m.producer_name, m.producer_version)}


def error_line(e):
    import re
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip()
    return "%s: %s" % (type(e).__name__, (text.splitlines() or [""])[0][:300])


def strip_stack_traces(path):
    """The dynamo exporter records absolute source paths in node metadata."""
    import onnx
    m = onnx.load(path)
    for n in m.graph.node:
        keep = [p for p in n.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        del n.metadata_props[:]
        n.metadata_props.extend(keep)
    onnx.save(m, path)


def mnist_splits(a, side, cache, layout=lambda x: x):
    """(x_train, y_train, x_test, y_test) of MNIST at side x side, cut to the
    --train-subset/--test-subset sizes, images in `layout`; loaded once per side."""
    import zkb_data
    if side not in cache:
        xtr, ytr = zkb_data.mnist("train", side, a.data_dir)
        xte, yte = zkb_data.mnist("test", side, a.data_dir)
        cache[side] = (layout(xtr[:a.train_subset or None]), ytr[:a.train_subset or None],
                       layout(xte[:a.test_subset or None]), yte[:a.test_subset or None])
    return cache[side]


def worker_torch(a):
    import logging
    import warnings
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    torch.set_num_threads(2)

    class ViewNet(nn.Module):
        """The layers in order; the flatten is the classic x.view(x.size(0), -1)
        (the TorchScript exporter writes Shape/Gather/Unsqueeze/Concat -> Reshape
        for it with a dynamic batch). Ends with logits, as PyTorch classifiers do."""

        def __init__(self, mods):
            super().__init__()
            self.flat_at = mods.index(None)
            self.layers = nn.ModuleList([m for m in mods if m is not None])

        def forward(self, x):
            for i, m in enumerate(self.layers):
                if i == self.flat_at:
                    x = x.view(x.size(0), -1)
                x = m(x)
            return x

    records = []
    data = {}
    for name in a.models:
        side, layers = ZOO[name]
        xtr, ytr, xte, yte = mnist_splits(a, side, data)
        torch.manual_seed(a.seed)
        mods, c, h = [], 1, side
        flat = None
        for L in layers:
            if L[0] == "C":
                mods.append(nn.Conv2d(c, L[1], L[2]))
                c, h = L[1], h - L[2] + 1
            elif L[0] == "A":
                mods.append(nn.AvgPool2d(2))
                h //= 2
            elif L[0] == "R":
                mods.append(nn.ReLU())
            elif L[0] == "F":
                mods.append(None)
                flat = c * h * h
            else:
                mods.append(nn.Linear(flat, L[1]))
                flat = L[1]
        net = ViewNet(mods)
        t0 = time.time()
        opt = torch.optim.Adam(net.parameters(), lr=a.lr)
        X, Y = torch.from_numpy(xtr), torch.from_numpy(ytr)
        g = torch.Generator().manual_seed(a.seed)
        net.train()
        for _ in range(a.epochs):
            perm = torch.randperm(len(X), generator=g)
            for i in range(0, len(X), 32):
                idx = perm[i:i + 32]
                opt.zero_grad()
                F.cross_entropy(net(X[idx]), Y[idx]).backward()
                opt.step()
        net.eval()
        train_s = time.time() - t0
        with torch.no_grad():
            torch_acc = 100.0 * float((net(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean())
        example = torch.from_numpy(xte[:2])
        for exporter in a.exporters:
            if exporter not in ("torchscript", "dynamo"):
                continue
            path = os.path.join(a.out, "%s_%s.onnx" % (exporter, name))
            t0 = time.time()
            rec = {"exporter": exporter, "model": name, "file": path,
                   "dataset": "mnist" if side == 28 else "mnist14",
                   "exporter_version": "torch " + torch.__version__,
                   "framework_test_accuracy": torch_acc, "train_s": round(train_s, 1),
                   "train_images": int(len(ytr))}
            try:
                if exporter == "torchscript":
                    torch.onnx.export(net, (example,), path, dynamo=False,
                                      opset_version=a.opset_torchscript, input_names=["x"],
                                      output_names=["y"],
                                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
                else:
                    prog = torch.onnx.export(net, (example,), dynamo=True,
                                             opset_version=a.opset_dynamo, input_names=["x"],
                                             output_names=["y"],
                                             dynamic_shapes=({0: torch.export.Dim("batch")},))
                    prog.save(path)
                    strip_stack_traces(path)
                rec.update(file_info(path))
                rec["ort_accuracy"], rec["ort_correct"] = ort_accuracy(path, xte, yte)
            except Exception as e:  # an exporter failure is a result too
                rec["export_error"] = error_line(e)
            rec["export_s"] = round(time.time() - t0, 1)
            rec["samples"] = int(len(yte))
            log("  %-12s %-32s train %5.1fs  torch %.2f %%  onnxruntime %s" % (
                exporter, name, train_s, torch_acc,
                "%.2f %%" % rec["ort_accuracy"] if "ort_accuracy" in rec else rec["export_error"]))
            records.append(rec)
    return records


def worker_tf(a):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging
    import numpy as np
    import tensorflow as tf
    import tf2onnx
    logging.getLogger("tf2onnx").setLevel(logging.ERROR)
    tf.get_logger().setLevel(logging.ERROR)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    K = tf.keras.layers
    records = []
    data = {}
    nhwc = lambda x: np.ascontiguousarray(np.transpose(x, (0, 2, 3, 1)))
    for name in a.models:
        side, layers = ZOO[name]
        xtr, ytr, xte, yte = mnist_splits(a, side, data, nhwc)
        tf.keras.utils.set_random_seed(a.seed)
        mods = [K.Input((side, side, 1), name="x")]
        dense = [i for i, L in enumerate(layers) if L[0] == "D"]
        for i, L in enumerate(layers):
            if L[0] == "C":
                mods.append(K.Conv2D(L[1], L[2]))
            elif L[0] == "A":
                mods.append(K.AveragePooling2D(2))
            elif L[0] == "R":
                mods.append(K.ReLU())
            elif L[0] == "F":
                mods.append(K.Flatten())
            else:   # the Keras convention: the classifier ends with a softmax
                mods.append(K.Dense(L[1], activation="softmax" if i == dense[-1] else None))
        model = tf.keras.Sequential(mods)
        model.compile(optimizer=tf.keras.optimizers.Adam(a.lr),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
        t0 = time.time()
        model.fit(xtr, ytr, batch_size=32, epochs=a.epochs, shuffle=True, verbose=0)
        train_s = time.time() - t0
        keras_acc = 100.0 * float((model.predict(xte, batch_size=1000, verbose=0).argmax(1) ==
                                   yte).mean())
        path = os.path.join(a.out, "tf2onnx_%s.onnx" % name)
        rec = {"exporter": "tf2onnx", "model": name, "file": path,
               "dataset": "mnist" if side == 28 else "mnist14",
               "exporter_version": "tf2onnx %s (TensorFlow %s)" % (tf2onnx.__version__,
                                                                   tf.__version__),
               "framework_test_accuracy": keras_acc, "train_s": round(train_s, 1),
               "train_images": int(len(ytr))}
        t0 = time.time()
        try:
            spec = (tf.TensorSpec((None, side, side, 1), tf.float32, name="x"),)
            tf2onnx.convert.from_keras(model, input_signature=spec, opset=a.opset_tf,
                                       output_path=path)
            rec.update(file_info(path))
            rec["ort_accuracy"], rec["ort_correct"] = ort_accuracy(path, xte, yte)
        except Exception as e:
            rec["export_error"] = error_line(e)
        rec["export_s"] = round(time.time() - t0, 1)
        rec["samples"] = int(len(yte))
        log("  %-12s %-32s train %5.1fs  keras %.2f %%  onnxruntime %s" % (
            "tf2onnx", name, train_s, keras_acc,
            "%.2f %%" % rec["ort_accuracy"] if "ort_accuracy" in rec else rec["export_error"]))
        records.append(rec)
    return records


# ---- driver (standard library only) ------------------------------------------------------

def zkbench_eval(zkbench, path, dataset, samples, test_subset, data_dir):
    cmd = [zkbench, "eval", path, "--dataset", dataset, "--json"]
    if test_subset:
        cmd += ["--samples", str(test_subset)]
    if data_dir:
        cmd += ["--data-dir", data_dir]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "could not run zkbench: %s" % e
    if p.returncode != 0:
        lines = [s for s in p.stderr.splitlines() if s.strip()] or ["exit %d" % p.returncode]
        msg = lines[0]
        if msg.startswith("zkbench: "):
            msg = msg[len("zkbench: "):]
        return None, msg.replace(os.path.dirname(path) + os.sep, "")
    try:
        r = json.loads(p.stdout)
    except ValueError:
        return None, "zkbench eval printed no JSON"
    if r.get("samples") != samples:
        return r, "imported (zkbench evaluated %s samples, onnxruntime %s)" % (r.get("samples"),
                                                                              samples)
    return r, "imported"


def find_zkbench(given):
    if given:
        return given
    env = os.environ.get("ZKBENCH")
    if env:
        return env
    for c in ("build/cli/zkbench", "build/bin/zkbench", "build-fx/cli/zkbench"):
        p = os.path.join(REPO, c)
        if os.access(p, os.X_OK):
            return p
    return shutil.which("zkbench") or "zkbench"


def fmt(v, nd=2):
    return "-" if v is None else ("%.*f" % (nd, v))


def markdown(records, meta):
    out = ["ONNX import accuracy: MNIST test split (%s samples), %d epoch(s) on %s training "
           "images, lr %g, seed %d; %s" % (meta["samples"], meta["epochs"], meta["train_images"],
                                          meta["lr"], meta["seed"], meta["zkbench_version"]),
           "",
           "| exporter | version | opset | model | onnxruntime % | zkbench float % | "
           "zkbench - onnxruntime (pts) | import status |",
           "| --- | --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for r in records:
        status = r.get("import_status", "")
        status = status.split("; supported: ")[0]   # the full line is in the JSON
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["exporter"], r["exporter_version"], r.get("opset", "-"), r["model"],
            fmt(r.get("ort_accuracy")), fmt(r.get("zkbench_float_accuracy")),
            "-" if r.get("difference_points") is None else "%+.2f" % r["difference_points"],
            status.replace("|", "\\|")))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(cache_dir(), "onnx-accuracy"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train-subset", type=int, default=0,
                    help="first N training images (default: all of the split)")
    ap.add_argument("--test-subset", type=int, default=0,
                    help="first N test images (default: all 10,000)")
    ap.add_argument("--models", default=",".join(ZOO))
    ap.add_argument("--exporters", default=",".join(EXPORTERS))
    ap.add_argument("--opset-torchscript", type=int, default=17)
    ap.add_argument("--opset-dynamo", type=int, default=18)
    ap.add_argument("--opset-tf", type=int, default=15)
    ap.add_argument("--torch-python",
                    default=os.path.join(cache_dir(), "onnx-exporters", "torch", "bin", "python"))
    ap.add_argument("--tf-python",
                    default=os.path.join(cache_dir(), "onnx-exporters", "tf", "bin", "python"))
    ap.add_argument("--zkbench", help="the zkbench binary (default $ZKBENCH, build/cli/zkbench, "
                                      "then PATH)")
    ap.add_argument("--data-dir", help="data directory (default $ZKB_DATA_DIR, ../shared/data)")
    ap.add_argument("--json", help="results JSON (default OUT/results.json)")
    ap.add_argument("--md", help="Markdown table (default OUT/results.md)")
    ap.add_argument("--worker", choices=["torch", "tf"], help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.models = [m for m in a.models.split(",") if m]
    a.exporters = [e for e in a.exporters.split(",") if e]
    for m in a.models:
        if m not in ZOO:
            ap.error("unknown model %s (known: %s)" % (m, ", ".join(ZOO)))
    for e in a.exporters:
        if e not in EXPORTERS:
            ap.error("unknown exporter %s (known: %s)" % (e, ", ".join(EXPORTERS)))
    a.out = os.path.abspath(a.out)
    if a.out == REPO or a.out.startswith(REPO + os.sep):
        ap.error("--out must be outside the repository (%s)" % REPO)
    os.makedirs(a.out, exist_ok=True)

    if a.worker:
        recs = worker_torch(a) if a.worker == "torch" else worker_tf(a)
        with open(a.worker_out, "w") as f:
            json.dump(recs, f, indent=1)
        return

    t_start = time.time()
    zkbench = find_zkbench(a.zkbench)
    try:
        zv = subprocess.run([zkbench, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        zv = ""
    zv = zv or "zkbench (version unknown)"
    passthru = ["--out", a.out, "--epochs", str(a.epochs), "--lr", str(a.lr), "--seed",
                str(a.seed), "--train-subset", str(a.train_subset), "--test-subset",
                str(a.test_subset), "--models", ",".join(a.models), "--exporters",
                ",".join(a.exporters), "--opset-torchscript", str(a.opset_torchscript),
                "--opset-dynamo", str(a.opset_dynamo), "--opset-tf", str(a.opset_tf)]
    if a.data_dir:
        passthru += ["--data-dir", a.data_dir]
    records = []
    for worker, py, wanted in (("torch", a.torch_python, {"torchscript", "dynamo"}),
                               ("tf", a.tf_python, {"tf2onnx"})):
        if not wanted & set(a.exporters):
            continue
        if not os.access(py, os.X_OK):
            raise SystemExit("%s venv not found: %s (run tests/onnx/setup_exporters.sh, or "
                             "pass --%s-python)" % (worker, py, worker))
        log("%s: training and exporting with %s" % (worker, py))
        wout = os.path.join(a.out, "records_%s.json" % worker)
        env = dict(os.environ, PYTHONHASHSEED="0")
        # the worker's stdout (the dynamo exporter's progress lines) goes to stderr:
        # stdout is the table
        subprocess.run([py, os.path.abspath(__file__), "--worker", worker, "--worker-out", wout]
                       + passthru, check=True, env=env, stdout=sys.stderr)
        with open(wout) as f:
            records += json.load(f)

    order = {e: i for i, e in enumerate(EXPORTERS)}
    records.sort(key=lambda r: (order[r["exporter"]], list(ZOO).index(r["model"])))
    log("zkbench: %s (%s)" % (zkbench, zv))
    for r in records:
        if "export_error" in r:
            r["import_status"] = "not exported: " + r["export_error"]
            continue
        res, status = zkbench_eval(zkbench, r["file"], r["dataset"], r["samples"],
                                   a.test_subset, a.data_dir)
        r["import_status"] = status
        if res is not None:
            r["zkbench_float_accuracy"] = res.get("float_accuracy")
            r["zkbench_float_correct"] = res.get("float_correct")
            r["zkbench_fingerprint"] = res.get("fingerprint")
            r["differing_correct_samples"] = r["zkbench_float_correct"] - r["ort_correct"]
            r["difference_points"] = 100.0 * r["differing_correct_samples"] / r["samples"]
    meta = {"epochs": a.epochs, "lr": a.lr, "seed": a.seed,
            "train_images": records[0].get("train_images") if records else 0,
            "samples": records[0]["samples"] if records else 0,
            "zkbench": zkbench, "zkbench_version": zv,
            "opsets": {"torchscript": a.opset_torchscript, "dynamo": a.opset_dynamo,
                       "tf2onnx": a.opset_tf},
            "seconds": round(time.time() - t_start, 1)}
    md = markdown(records, meta)
    sys.stdout.write(md)
    jpath = a.json or os.path.join(a.out, "results.json")
    with open(jpath, "w") as f:
        json.dump({"meta": meta, "records": records}, f, indent=1)
        f.write("\n")
    mpath = a.md or os.path.join(a.out, "results.md")
    with open(mpath, "w") as f:
        f.write(md)
    log("wrote %s and %s (%.0f s)" % (jpath, mpath, time.time() - t_start))


if __name__ == "__main__":
    main()
