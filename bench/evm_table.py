#!/usr/bin/env python3
"""The on-chain verification table of docs/results/evm.md from results files:
one row per model x backend (x proof system, x input visibility) with the EVM
step's figures (docs/evm.md) beside the circuit size and the prove time.

    python3 bench/evm_table.py RESULTS.jsonl [RESULTS.jsonl ...] > table.md

Only the standard library. The last record of a cell id wins, as in
`zkbench report`; failed cells are listed with their reason and no figures.
"""
import json
import sys

ZOO_ORDER = ["heart_linear_18_2", "heart_mlp_18_8_8_2", "mnist_196_24_14_10", "mnist_196_25_10",
             "mnist_784_56_10", "mnist_cnn_14_5_11_80_10_3", "mnist_cnn_28_6_16_10_5",
             "mnist_cnn_28_6_16_120_84_10_5"]
CIRCUIT_KEYS = ["constraints", "plonk_gates", "gates", "rows"]
LIMITS = [("evm_exceeds_eip170", "code > 24,576 B"), ("evm_exceeds_eip3860", "initcode > 49,152 B"),
          ("evm_deploy_exceeds_tx_cap", "deploy > 2^24 gas"), ("evm_verify_exceeds_tx_cap", "verify > 2^24 gas")]


def grouped(v):
    return "{:,.0f}".format(v)


def metric(rec, key):
    m = rec.get("metrics", {}).get(key)
    return m["value"] if m else None


def variant(rec):
    opts = rec.get("options", {})
    psys = opts.get("proof_system", rec["backend"]["proof_system"])
    vis = opts.get("input", opts.get("input_visibility", "public"))
    rest = ["%s=%s" % (k, v) for k, v in sorted(opts.items())
            if k not in ("proof_system", "input", "input_visibility", "accuracy_samples")]
    return "%s/%s" % (rec["backend"]["name"], psys), vis, " ".join(rest)


def circuit(rec):
    for k in CIRCUIT_KEYS:
        v = metric(rec, k)
        if v is not None:
            return "%s %s" % (grouped(v), k.replace("plonk_", ""))
    lr = metric(rec, "logrows")
    return "2^%d rows" % lr if lr is not None else "–"


def main(paths):
    last = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                last[rec["cell_id"]] = rec
    recs = [r for r in last.values() if not r["backend"].get("baseline")]
    order = {m: i for i, m in enumerate(ZOO_ORDER)}
    recs.sort(key=lambda r: (order.get(r["model"]["name"], 99), r["model"]["name"], variant(r)))
    print("| model | backend | input | other options | circuit | prove s | verifier bytecode | mainnet limits "
          "| deploy gas | verify gas (median) | calldata | public inputs |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for r in recs:
        name, vis, rest = variant(r)
        head = "| %s | %s | %s | %s |" % (r["model"]["name"], name, vis, rest or "–")
        if r["status"] != "ok":
            print(head + " %s: %s | | | | | | | |" % (r["status"], r.get("reason", "")[:160].replace("|", "\\|")))
            continue
        gas = metric(r, "evm_verify_gas")
        prove = r.get("phases", {}).get("prove", {}).get("wall_s", {}).get("median")
        cells = [circuit(r), "%.2f" % prove if prove is not None else "–"]
        if gas is None:
            cells += ["–"] * 6
            cells[2] = "no EVM figures: " + r.get("infos", {}).get("evm", "?")
        else:
            broken = [what for key, what in LIMITS if metric(r, key)]
            cells += [grouped(metric(r, "evm_runtime_bytes")) + " B",
                      "**over**: " + ", ".join(broken) if broken else "fits",
                      grouped(metric(r, "evm_deploy_gas")), grouped(gas),
                      grouped(metric(r, "evm_calldata_bytes")) + " B",
                      grouped(metric(r, "evm_public_inputs"))]
        print(head + " " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
