#!/usr/bin/env python3
"""How often the evaluator's ezkl scheme reproduces ezkl's witness outputs,
and ezkl's zk accuracy, over a test set, without proofs (docs/ezkl.md).

    .venv/bin/python plugins/ezkl/driver/ezkl_scheme_check.py MODEL.json
        [--samples 1000] [--calibration resources|accuracy|none]
        [--input-scale N --param-scale N --rebase-multiplier N]
        [--decomp-base 128 --decomp-legs 4] [--max-logrows N]
        [--data-dir DIR] [--dataset NAME] [--json]

Runs what the plugin runs up to the circuit (export, gen_settings,
calibrate_settings on synthetic inputs as the plugin does, compile), then
gen_witness for each test sample in this one process, and compares every
sample's witness outputs with libzkmlbench's evaluator under the ezkl scheme
for ezkl's settings (ZKB_QUANT_EZKL, through the Python bindings). Prints
the settings, the exact-match counts, both accuracy-loss definitions and the
time per witness.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python", "src"))

import ezkl  # noqa: E402
import export_onnx  # noqa: E402
import zkmlbench  # noqa: E402

ZKB_QUANT_EZKL = 3


def ezkl_scale(input_scale, param_scale, mult):
    return input_scale | (param_scale << 8) | (mult << 16)


def argmax(v):
    best = 0
    for i in range(1, len(v)):
        if v[i] > v[best]:
            best = i
    return best


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--samples", type=int, default=1000, help="0: the whole test split")
    ap.add_argument("--calibration", default="resources", choices=["resources", "accuracy", "none"])
    ap.add_argument("--input-scale", type=int)
    ap.add_argument("--param-scale", type=int)
    ap.add_argument("--rebase-multiplier", type=int)
    ap.add_argument("--decomp-base", type=int, default=128)
    ap.add_argument("--decomp-legs", type=int, default=4)
    ap.add_argument("--max-logrows", type=int, default=0)
    ap.add_argument("--calibration-samples", type=int, default=20)
    ap.add_argument("--data-dir", default=os.environ.get("ZKB_DATA_DIR"))
    ap.add_argument("--dataset")
    ap.add_argument("--workdir")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    wd = a.workdir or tempfile.mkdtemp(prefix="zkb-ezkl-check-")
    os.makedirs(wd, exist_ok=True)
    with open(a.model, encoding="utf-8") as f:
        doc = json.load(f)
    onnx_p = os.path.join(wd, "network.onnx")
    export_onnx.export(doc, onnx_p)

    ctx = zkmlbench.Context(data_dir=a.data_dir) if a.data_dir else zkmlbench.Context()
    m = ctx.load_model(a.model)
    ds_name = a.dataset or m.default_dataset
    if not ds_name:
        raise SystemExit("no default dataset for %s: give --dataset" % a.model)
    ds = ctx.dataset(ds_name, split="test")
    n = ds.count if a.samples <= 0 else min(a.samples, ds.count)
    xs, labels = [], []
    for i in range(n):
        x, lab = ds.sample(i)
        xs.append([float(v) for v in x])  # float32 values, exact as doubles
        labels.append(lab)

    ra = ezkl.PyRunArgs()
    if a.input_scale is not None:
        ra.input_scale = a.input_scale
    if a.param_scale is not None:
        ra.param_scale = a.param_scale
    if a.rebase_multiplier is not None:
        ra.scale_rebase_multiplier = a.rebase_multiplier
    ra.decomp_base, ra.decomp_legs = a.decomp_base, a.decomp_legs
    settings = os.path.join(wd, "settings.json")
    assert ezkl.gen_settings(model=onnx_p, output=settings, py_run_args=ra)
    if a.calibration != "none":
        # as the plugin: synthetic inputs in the data's range, seed 1
        lo = min(min(x) for x in xs)
        hi = max(max(x) for x in xs)
        rng = random.Random(1)
        data = [rng.uniform(lo, hi) for _ in range(len(xs[0]) * a.calibration_samples)]
        cal = os.path.join(wd, "calibration.json")
        with open(cal, "w", encoding="utf-8") as f:
            json.dump({"input_data": [data]}, f)
        kw = dict(data=cal, model=onnx_p, settings=settings, target=a.calibration)
        if a.input_scale is not None:
            kw["scales"] = [a.input_scale]
        if a.rebase_multiplier is not None:
            kw["scale_rebase_multiplier"] = [a.rebase_multiplier]
        if a.max_logrows:
            kw["max_logrows"] = a.max_logrows
        assert ezkl.calibrate_settings(**kw)
    compiled = os.path.join(wd, "network.ezkl")
    assert ezkl.compile_circuit(model=onnx_p, compiled_circuit=compiled, settings_path=settings)
    with open(settings, encoding="utf-8") as f:
        st = json.load(f)
    run = st["run_args"]
    si, sp, mult = run["input_scale"], run["param_scale"], run["scale_rebase_multiplier"]
    qscale = ezkl_scale(si, sp, mult)

    equal = class_equal = zk_ok = float_ok = differ = failed = 0
    first_diff = first_error = None
    t_wit = 0.0
    dp = os.path.join(wd, "input.json")
    wp = os.path.join(wd, "witness.json")
    for i, x in enumerate(xs):
        with open(dp, "w", encoding="utf-8") as f:
            json.dump({"input_data": [x]}, f)
        t = time.perf_counter()
        try:
            w = ezkl.gen_witness(data=dp, model=compiled, output=wp)
        except Exception as e:  # e.g. a value outside the calibrated range
            t_wit += time.perf_counter() - t
            failed += 1
            if first_error is None:
                first_error = "sample %d: %s" % (i, e)
            differ += 1  # no zk class: wrong and differing
            float_ok += argmax(m.eval_float(x)) == labels[i]
            continue
        t_wit += time.perf_counter() - t
        outs = [int(ezkl.felt_to_int(v)) for o in w["outputs"] for v in o]
        xq = zkmlbench.quantize_input(x, ZKB_QUANT_EZKL, qscale, 0)
        ref = m.eval_fixed(xq, ZKB_QUANT_EZKL, qscale, 0)
        fl = m.eval_float(x)
        zc, fc = argmax(outs), argmax(fl)
        equal += list(ref) == outs
        class_equal += argmax(list(ref)) == zc
        if list(ref) != outs and first_diff is None:
            first_diff = {"sample": i, "ezkl": outs, "scheme": list(ref)}
        zk_ok += zc == labels[i]
        float_ok += fc == labels[i]
        differ += zc != fc
    res = {
        "model": os.path.basename(a.model), "dataset": ds_name, "samples": n,
        "calibration": a.calibration, "input_scale": si, "param_scale": sp,
        "scale_rebase_multiplier": mult, "output_scale": st.get("model_output_scales"),
        "logrows": run.get("logrows"),
        "outputs_equal": equal, "class_equal": class_equal,
        "compared": n - failed,
        "float_correct": float_ok, "zk_correct": zk_ok,
        "float_acc": 100.0 * float_ok / n, "zk_acc": 100.0 * zk_ok / n,
        "loss_points": 100.0 * (float_ok - zk_ok) / n, "differ_pct": 100.0 * differ / n,
        "witness_failed": failed, "first_witness_error": first_error,
        "witness_mean_s": t_wit / n, "first_difference": first_diff,
    }
    if a.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print("%-24s %s" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
