#!/usr/bin/env python3
"""Markdown table of the zoo's accuracy loss (docs/accuracy.md, "Zoo results").

    scripts/zoo_accuracy_table.py [ZKBENCH] [MODELS_DIR]

Runs `zkbench eval MODEL --sweep --ranges --json` on every zoo model (full test
split, half_up rounding, ranges at pow2 scale 8) and prints one row per model.
"""
import glob
import json
import os
import subprocess
import sys

zkbench = sys.argv[1] if len(sys.argv) > 1 else "build/cli/zkbench"
models = sys.argv[2] if len(sys.argv) > 2 else "models"

print("| model | dataset | float acc % | pow2 8: fixed acc % | loss pts | differ % "
      "| smallest pow2 scale with differ < 0.1 % | smallest pow10 scale with differ < 0.1 % "
      "| widest bits at pow2 8 (measured / bound) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for path in sorted(glob.glob(os.path.join(models, "*.json"))):
    out = subprocess.run([zkbench, "eval", path, "--sweep", "--ranges", "--scale", "8", "--json"],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    rows = {(r["scheme"], r["scale"]): r for r in d["sweep"]}
    p8 = rows[("pow2", 8)]

    def smallest(scheme):
        ok = [s for (sch, s), r in rows.items() if sch == scheme and r["differ_pct"] < 0.1]
        return str(min(ok)) if ok else "-"

    layers = d["ranges"]["layers"]
    emp = max(max(l["emp_acc_bits"], l["emp_out_bits"]) for l in layers)
    ana = max(max(l["ana_acc_bits"], l["ana_out_bits"]) for l in layers)
    print(f"| {d['model']} | {d['dataset']} | {d['float_accuracy']:.2f} | {p8['fixed_accuracy']:.2f} "
          f"| {p8['loss_points']:.2f} | {p8['differ_pct']:.2f} | {smallest('pow2')} | {smallest('pow10')} "
          f"| {emp} / {ana} |")
