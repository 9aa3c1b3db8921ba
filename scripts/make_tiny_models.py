#!/usr/bin/env python3
"""Generate the tiny test models under models/tiny/ (deterministic).

Usage: scripts/make_tiny_models.py [OUT_DIR]   (default: models/tiny next to this script)

Weights come from splitmix64 with a fixed seed per model, uniform in
[-a, a] with a = sqrt(3 / fan_in), rounded to 4 decimals. Python 3 stdlib only.
"""
import json
import math
import os
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, a):
        """Uniform in [-a, a), rounded to 4 decimals."""
        u = (self.next() >> 11) / float(1 << 53)
        return round((2.0 * u - 1.0) * a, 4)


def weights(rng, n, fan_in):
    a = math.sqrt(3.0 / fan_in)
    return [rng.uniform(a) for _ in range(n)]


def dense(rng, units, n_in):
    return {"op": "dense", "units": units,
            "weights": weights(rng, units * n_in, n_in),
            "bias": weights(rng, units, n_in)}


def conv(rng, filters, in_c, k, stride):
    fan_in = in_c * k[0] * k[1]
    return {"op": "conv2d", "filters": filters, "kernel": list(k), "stride": list(stride),
            "weights": weights(rng, filters * fan_in, fan_in),
            "bias": weights(rng, filters, fan_in)}


def model(name, seed, shape, classes, layers, desc):
    return {"format": "zkmlbench-model", "version": 1, "name": name,
            "input": {"shape": shape}, "classes": classes, "layers": layers,
            "metadata": {"description": desc, "generator": "scripts/make_tiny_models.py",
                         "seed": seed}}


def tiny_dense():
    rng = SplitMix64(1)
    return model("tiny_dense", 1, [1, 4, 4], 3, [
        {"op": "flatten"},
        dense(rng, 8, 16),
        {"op": "relu"},
        dense(rng, 3, 8),
    ], "[1,4,4] -> flatten -> dense 8 -> relu -> dense 3")


def tiny_cnn():
    rng = SplitMix64(2)
    return model("tiny_cnn", 2, [1, 6, 6], 3, [
        conv(rng, 2, 1, (3, 3), (1, 1)),
        {"op": "relu"},
        {"op": "avgpool2d", "pool": [2, 2], "stride": [2, 2]},
        {"op": "flatten"},
        dense(rng, 3, 8),
    ], "[1,6,6] -> conv2d 2x3x3 -> relu -> avgpool 2 -> flatten -> dense 3")


def tiny_maxpool():
    rng = SplitMix64(3)
    return model("tiny_maxpool", 3, [2, 7, 7], 3, [
        conv(rng, 3, 2, (3, 3), (2, 2)),
        {"op": "relu"},
        {"op": "maxpool2d", "pool": [2, 2], "stride": [1, 1]},
        {"op": "flatten"},
        dense(rng, 3, 12),
    ], "[2,7,7] -> conv2d 3x3x3 stride 2 -> relu -> maxpool 2 stride 1 -> flatten -> dense 3")


def dump(m):
    """JSON with one line per layer parameter array, stable across Python versions."""
    out = ["{"]
    top = [(k, v) for k, v in m.items() if k != "layers"]
    for k, v in top:
        if k == "metadata":
            continue
        out.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    out.append('  "layers": [')
    for i, layer in enumerate(m["layers"]):
        parts = []
        for k, v in layer.items():
            if k in ("weights", "bias"):
                parts.append("\n      %s: [%s]" % (json.dumps(k), ", ".join("%.4f" % x for x in v)))
            else:
                parts.append("%s: %s" % (json.dumps(k), json.dumps(v)))
        text = parts[0]
        for part in parts[1:]:
            text += ("," if part.startswith("\n") else ", ") + part
        out.append("    {" + text + "}" + ("," if i + 1 < len(m["layers"]) else ""))
    out.append("  ],")
    out.append('  "metadata": %s' % json.dumps(m["metadata"], sort_keys=True))
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(here, "..", "models", "tiny"))
    os.makedirs(out_dir, exist_ok=True)
    for fn in (tiny_dense, tiny_cnn, tiny_maxpool):
        m = fn()
        text = dump(m)
        json.loads(text)  # self-check
        path = os.path.join(out_dir, m["name"] + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(path)


if __name__ == "__main__":
    main()
