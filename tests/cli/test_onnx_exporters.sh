#!/usr/bin/env bash
# A model the project did not write, as a user types it: the PyTorch export
# of a CNN with a padded average pool and a dynamic batch
# (tests/onnx/fixtures, TorchScript exporter) on reference, circom, noir and
# ezkl; every cell ok (each backend's outputs checked against the
# evaluator's). Then a Keras export ending in a Softmax on the reference
# backend: its records say the Softmax is not proven, and `zkbench model`
# lists the import's steps; every fixture that imports runs on reference.
#   test_onnx_exporters.sh ZKBENCH SOURCE_DIR
set -euo pipefail
zkbench=$1
src=$2
cd "$src" # the default data directory, ../shared/data, is relative to the checkout
fx=$src/tests/onnx/fixtures
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

model=$fx/torch_ts13_cnn14_avgpoolpad_dyn.onnx
"$zkbench" model "$model" > "$out/model.txt" || fail "zkbench model"
grep -q 'layers .*pad2d avgpool2d' "$out/model.txt" || fail "no pad2d before the pool: $(cat "$out/model.txt")"
grep -q 'folded: Shape of an activation' "$out/model.txt" || fail "the shape subgraph is not listed as folded"

"$zkbench" run -m "$model" -b reference,circom,noir,ezkl -n 2 --out "$out/run" || fail "zkbench run (exit $?)"
python3 - "$out/run/results.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = {r["backend"]["name"]: r["status"] for r in recs}
want = {"reference", "circom", "noir", "ezkl"}
if set(got) != want or any(s != "ok" for s in got.values()):
    sys.exit("cells: %s" % got)
PY

keras=$fx/keras_tf13_cnn14_avgpool_softmax.onnx
"$zkbench" model --json "$keras" > "$out/keras.json" || fail "zkbench model --json"
"$zkbench" run -m "$keras" -b reference -n 2 --out "$out/keras" || fail "zkbench run on the Keras export"
python3 - "$out/keras.json" "$out/keras/results.jsonl" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))[0]
assert m["output_fn"] == "softmax" and m["output_fn_proven"] is False, m
assert any(s["kind"] == "left_out" and "Softmax" in s["what"] for s in m["import_steps"]), m
for l in open(sys.argv[2]):
    r = json.loads(l)
    assert r["status"] == "ok", r["status"]
    assert r["model"]["output_fn"] == "softmax" and r["model"]["output_fn_proven"] is False, r["model"]
PY
# Every fixture that imports runs through the fixed-point pipeline on the
# reference backend (exports with identical weights share a fingerprint,
# hence one cell).
models=()
for f in "$fx"/*.onnx; do
    [[ $(basename "$f") == refuse_* ]] || models+=(-m "$f")
done
"$zkbench" run "${models[@]}" -b reference -n 4 --out "$out/all" > /dev/null || fail "reference on every fixture"
python3 - "$out/all/results.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
bad = [(r["model"]["path"], r["status"]) for r in recs if r["status"] != "ok"]
assert not bad and len(recs) >= 15, (len(recs), bad)
PY
echo "ok: a PyTorch export on 4 backends, a Keras export's Softmax marked as not proven, every fixture on reference"
