#!/usr/bin/env python3
"""The tables of docs/results/native.md from results files: the zoo on gnark
(Groth16, PLONK) and on circom with snarkjs and with arkworks as prover.

    python3 bench/native_table.py RESULTS.jsonl [RESULTS.jsonl ...] > tables.md

Prints two tables: every cell (model x prover) with its circuit size, phase
times (medians of the phase's wall time), prove-phase peak memory and sizes;
then, per model, the ratios of prove-phase times that separate the circuit
from the prover: circom's constraints over gnark's (same model, two
circuits), snarkjs over arkworks (same R1CS, same key, same witness: two
provers), circom+arkworks over gnark Groth16 (two native Groth16 provers,
two circuits), circom+snarkjs over gnark Groth16 (both), and gnark PLONK
over gnark Groth16. Only the standard library. The
last record of a cell id wins, as in `zkbench report`; failed cells are
listed with their reason and no figures.
"""
import json
import sys

ZOO_ORDER = ["heart_linear_18_2", "heart_mlp_18_8_8_2", "mnist_196_24_14_10", "mnist_196_25_10",
             "mnist_784_56_10", "mnist_cnn_14_5_11_80_10_3", "mnist_cnn_28_6_16_10_5",
             "mnist_cnn_28_6_16_120_84_10_5"]
PROVER_ORDER = ["gnark/groth16", "gnark/plonk", "circom/groth16 snarkjs", "circom/groth16 arkworks"]


def metric(rec, key):
    m = rec.get("metrics", {}).get(key)
    return m["value"] if m else None


def phase(rec, name, what="wall_s"):
    p = rec.get("phases", {}).get(name)
    return p[what]["median"] if p and what in p else None


def prover(rec):
    name = rec["backend"]["name"]
    opts = rec.get("options", {})
    psys = opts.get("proof_system", rec["backend"]["proof_system"])
    label = "%s/%s" % (name, psys)
    if name == "circom":
        label += " " + opts.get("prover", "snarkjs")
    return label


def secs(v):
    if v is None:
        return "–"
    return "%.3f" % v if v < 1 else "%.2f" % v if v < 100 else "%.0f" % v


def grouped(v):
    return "–" if v is None else "{:,.0f}".format(v)


def mib(v):
    return "–" if v is None else "%.0f" % (v / 2**20)


def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else "%.1fx" % (a / b)


def load(paths):
    last = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    rec = json.loads(line)
                    last[rec["cell_id"]] = rec
    cells = {}
    for rec in last.values():
        cells[(rec["model"]["name"], prover(rec))] = rec
    return cells


def order(cells):
    models = sorted({m for m, _ in cells}, key=lambda m: (ZOO_ORDER.index(m) if m in ZOO_ORDER else 99, m))
    provers = sorted({p for _, p in cells}, key=lambda p: (PROVER_ORDER.index(p) if p in PROVER_ORDER else 99, p))
    return models, provers


def cell_table(cells):
    models, provers = order(cells)
    print("| model | prover | constraints | setup s | witness s | prove s | of which proving s | verify s "
          "| prove peak MiB | proof B | pk MB | vk B |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m in models:
        for p in provers:
            rec = cells.get((m, p))
            if not rec:
                continue
            if rec["status"] != "ok":
                print("| %s | %s | %s: %s |||||||||" % (m, p, rec["status"], rec.get("reason", "")[:120]))
                continue
            setup = phase(rec, "setup")
            cached = rec.get("infos", {}).get("setup_cache") == "hit"
            note = ""
            if cached:
                # prover=arkworks on snarkjs's keys: its setup converts the cached zkey
                note = " (key conversion)" if metric(rec, "arkworks_key_convert_s") is not None else " (cached)"
            pk = metric(rec, "pk_size")
            print("| %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, p, grouped(metric(rec, "constraints")), secs(setup), note,
                secs(phase(rec, "witness")), secs(phase(rec, "prove")), secs(metric(rec, "prove_core_s")),
                secs(phase(rec, "verify")), mib(phase(rec, "prove", "peak_rss_bytes")),
                grouped(metric(rec, "proof_size")), "–" if pk is None else "%.1f" % (pk / 1e6),
                grouped(metric(rec, "vk_size"))))


def ratio_table(cells):
    models, _ = order(cells)
    print("| model | circom / gnark Groth16 constraints | snarkjs / arkworks prove (same R1CS) "
          "| circom+arkworks / gnark Groth16 prove | circom+snarkjs / gnark Groth16 prove "
          "| gnark PLONK / Groth16 prove |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")

    def get(m, p, f):
        rec = cells.get((m, p))
        return f(rec) if rec and rec["status"] == "ok" else None

    for m in models:
        cc = get(m, "circom/groth16 snarkjs", lambda r: metric(r, "constraints"))
        gc = get(m, "gnark/groth16", lambda r: metric(r, "constraints"))
        sj = get(m, "circom/groth16 snarkjs", lambda r: phase(r, "prove"))
        ak = get(m, "circom/groth16 arkworks", lambda r: phase(r, "prove"))
        g16 = get(m, "gnark/groth16", lambda r: phase(r, "prove"))
        gpl = get(m, "gnark/plonk", lambda r: phase(r, "prove"))
        print("| %s | %s | %s | %s | %s | %s |" % (m, ratio(cc, gc), ratio(sj, ak), ratio(ak, g16), ratio(sj, g16),
                                                   ratio(gpl, g16)))


def main(paths):
    if not paths:
        sys.exit(__doc__)
    cells = load(paths)
    cell_table(cells)
    print()
    ratio_table(cells)


if __name__ == "__main__":
    main(sys.argv[1:])
