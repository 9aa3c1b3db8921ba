#!/usr/bin/env bash
# End-to-end checks of the zkbench CLI: the commands the README and
# docs/cli.md promise, their exit codes, and a real run with resume.
#   test_cli.sh ZKBENCH SOURCE_DIR
set -u
zkbench=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0

check() { # description, expected exit code, command...
    local what=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>&1
    local got=$?
    if [[ $got -ne $want ]]; then
        echo "FAIL: $what: exit $got, expected $want"
        sed 's/^/    /' "$tmp/out"
        failures=$((failures + 1))
    else
        passes=$((passes + 1))
    fi
}

expect_text() { # description, pattern (in the last command's output)
    if grep -q -- "$2" "$tmp/out"; then
        passes=$((passes + 1))
    else
        echo "FAIL: $1: output lacks '$2'"
        sed 's/^/    /' "$tmp/out"
        failures=$((failures + 1))
    fi
}

check "--version" 0 "$zkbench" --version
expect_text "--version names the ABI" "plugin ABI 1"
check "--help" 0 "$zkbench" --help
for cmd in list run model data compat; do
    check "$cmd --help" 0 "$zkbench" "$cmd" --help
done
check "unknown command" 2 "$zkbench" frobnicate
check "unknown run option" 2 "$zkbench" run --bogus

check "list" 0 "$zkbench" list
expect_text "list shows the reference baseline" "reference .* none .*available.*baseline"

check "model info" 0 "$zkbench" model "$src/models/tiny/tiny_cnn.json"
expect_text "model fingerprint" "fingerprint  [0-9a-f]\{32\}"
check "model --json" 0 "$zkbench" model --json "$src/models/tiny/tiny_cnn.json"
cp "$tmp/out" "$tmp/model.json"
check "model --json is one JSON array" 0 python3 -c \
    'import json,sys; m=json.load(open(sys.argv[1])); assert m[0]["layers"][0] == "conv2d", m' "$tmp/model.json"
check "model --json without a file is a usage error" 2 "$zkbench" model --json
fx=$src/tests/onnx/fixtures
check "model of a PyTorch export" 0 "$zkbench" model "$fx/torch_ts13_mlp14_view_softmax_dyn.onnx"
expect_text "the Softmax is not proven" "output fn    softmax (applied by the float evaluator; not proven"
expect_text "the shape subgraph was folded" "import       .*folded: Shape of an activation"
check "compat of an export with window pads" 0 "$zkbench" compat "$fx/torch_dynamo_cnn14_bn_pads_dyn.onnx"
expect_text "compat counts the pad2d the import adds" "(added by import) .* pad2d .* supported"
printf '{"format":"zkmlbench-model","version":1,"name":"x"}' >"$tmp/bad.json"
check "malformed model" 3 "$zkbench" model "$tmp/bad.json"
expect_text "malformed model names the JSON path" "bad.json: \$\."

check "compat" 0 "$zkbench" compat "$src/models/tiny/tiny_cnn.json"
expect_text "compat lists operators per backend" "conv2d .* supported"
check "compat on a missing file" 3 "$zkbench" compat "$tmp/none.onnx"

out=$tmp/results
check "run" 0 "$zkbench" run -q --models "$src/models/tiny" --backends reference --samples 3 --repeats 2 --out "$out"
expect_text "run prints the summary" "reference\* *tiny_dense *ok"
lines=$(wc -l <"$out/results.jsonl")
[[ $lines -eq 3 ]] && passes=$((passes + 1)) || { echo "FAIL: 3 records expected, got $lines"; failures=$((failures + 1)); }

check "resume" 0 "$zkbench" run -q --models "$src/models/tiny" --backends reference --samples 3 --repeats 2 --out "$out"
expect_text "resume skips finished cells" "tiny_dense *skipped"
lines=$(wc -l <"$out/results.jsonl")
[[ $lines -eq 3 ]] && passes=$((passes + 1)) || { echo "FAIL: resume appended records ($lines lines)"; failures=$((failures + 1)); }

check "force" 0 "$zkbench" run -q --models "$src/models/tiny/tiny_dense.json" --backends reference --samples 3 --repeats 2 --out "$out" --force
lines=$(wc -l <"$out/results.jsonl")
[[ $lines -eq 4 ]] && passes=$((passes + 1)) || { echo "FAIL: --force should append one record ($lines lines)"; failures=$((failures + 1)); }

check "bad model in a run is a recorded failure" 1 "$zkbench" run -q --models "$tmp/bad.json" --backends reference --out "$out"
check "unknown backend" 3 "$zkbench" run -q -m "$src/models/tiny" --backends nope --out "$out"
expect_text "unknown backend is named" "unknown backend .nope."
check "unknown backend option" 3 "$zkbench" run -q -m "$src/models/tiny" --backends reference -o reference.depth=3 --out "$out"
expect_text "unknown option is named" "unknown option .depth."
check "bad sample count" 2 "$zkbench" run -q -m "$src/models/tiny" --samples 0 --out "$out"
expect_text "bad sample count is explained" "samples: .0. is not"

# data fetch, without a network: a stand-in curl serves files from a local
# directory; only files with the canonical SHA-256 may land.
mkdir -p "$tmp/bin" "$tmp/serve"
cat >"$tmp/bin/curl" <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -o) dest=$2; shift ;; http*) url=$1 ;; esac; shift; done
f=$FAKE_SRC/$(basename "$url")
[ -f "$f" ] || exit 22
cp "$f" "$dest"
SH
chmod +x "$tmp/bin/curl"
printf 'not mnist' >"$tmp/serve/t10k-labels-idx1-ubyte.gz"
PATH="$tmp/bin:$PATH" FAKE_SRC="$tmp/serve" check "fetch with bad copies fails" 4 "$zkbench" data fetch --data-dir "$tmp/fetched"
expect_text "a copy with the wrong checksum is refused" "t10k-labels.*wrong SHA-256"
[[ ! -e "$tmp/fetched/mnist/t10k-labels-idx1-ubyte.gz" && ! -e "$tmp/fetched/mnist/t10k-labels-idx1-ubyte.gz.part" ]] &&
    passes=$((passes + 1)) || { echo "FAIL: a bad download was kept"; failures=$((failures + 1)); }
real=$src/../shared/data/mnist
if [[ -f "$real/t10k-labels-idx1-ubyte.gz" ]]; then
    cp "$real/t10k-labels-idx1-ubyte.gz" "$real/t10k-images-idx3-ubyte.gz" "$tmp/serve/"
    PATH="$tmp/bin:$PATH" FAKE_SRC="$tmp/serve" check "fetch, partly served" 4 "$zkbench" data fetch --data-dir "$tmp/fetched"
    expect_text "canonical copies are kept" "ok  *mnist/t10k-labels-idx1-ubyte.gz"
    check "fetched test split loads (no train split here)" 3 "$zkbench" data info mnist --data-dir "$tmp/fetched"
    expect_text "fetched test split loads" "mnist test: 10000 samples"
fi

check "zoo list" 0 "$zkbench" zoo list
expect_text "zoo list names the CNN" "mnist_cnn_28_6_16_120_84_10_5 *mnist *98.72"
if [[ -f "$src/../shared/data/heart/heart.csv" ]]; then
    data=(--data-dir "$src/../shared/data")
    # regenerating a zoo model gives the committed file byte for byte
    check "zoo train heart models" 0 "$zkbench" zoo train --out "$tmp/zoo" "${data[@]}" heart_linear_18_2 heart_mlp_18_8_8_2
    for m in heart_linear_18_2 heart_mlp_18_8_8_2; do
        if cmp -s "$tmp/zoo/$m.json" "$src/models/$m.json"; then passes=$((passes + 1)); else
            echo "FAIL: zoo train $m differs from models/$m.json"; failures=$((failures + 1)); fi
    done
    check "eval" 0 "$zkbench" eval "$src/models/heart_linear_18_2.json" "${data[@]}"
    acc=$(python3 -c "import json,sys; print('%.2f' % json.load(open(sys.argv[1]))['metadata']['float_test_accuracy'])" "$src/models/heart_linear_18_2.json")
    expect_text "eval reproduces the recorded float accuracy" "float *accuracy $acc %"
    expect_text "eval reports both loss definitions" "differ .* of samples change class"
    check "eval sweep" 0 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --sweep
    expect_text "sweep covers pow10 6" "pow10 *6"
    check "eval with the ezkl scheme" 0 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --scheme ezkl --scale 13
    expect_text "eval names ezkl's settings" "quant *ezkl: input 2^13, params 2^13, rebase multiplier 1"
    check "eval ezkl sweep" 0 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --scheme ezkl --sweep
    expect_text "ezkl sweep reaches 16/16/1" "ezkl *16/16/1 "
    check "eval ezkl json" 0 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --scheme ezkl --scale 10 --param-scale 12 --rebase-multiplier 2 --json
    expect_text "ezkl json has the param scale" '"param_scale":[[:space:]]*12'
    check "ezkl has no range analysis" 2 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --scheme ezkl --ranges
    check "--param-scale belongs to ezkl" 2 "$zkbench" eval "$src/models/heart_mlp_18_8_8_2.json" "${data[@]}" --param-scale 7
    check "run on the model's own dataset" 0 "$zkbench" run -q -m "$src/models/heart_mlp_18_8_8_2.json" -b reference -n 10 "${data[@]}" --out "$tmp/heart"
    grep -q '"dataset":"heart_std"' "$tmp/heart/results.jsonl" && passes=$((passes + 1)) ||
        { echo "FAIL: auto dataset did not resolve to heart_std"; failures=$((failures + 1)); }
fi

# each -o is one option: a comma in its value reaches the plugin as a comma
tp=$(dirname "$zkbench")/../test-plugins
if [[ -f "$tp/rt_spawn_opts.so" ]]; then
    check "-o value with a comma" 0 env ZKB_PLUGIN_PATH="$tp" "$zkbench" run -q -m "$src/models/tiny/tiny_dense.json" \
        -b rt_spawn_opts -o rt_spawn_opts.label=2,7 -o rt_spawn_opts.mode=slow -n 1 --out "$tmp/escaped"
    grep -q '"opt.label":"2,7"' "$tmp/escaped/results.jsonl" && passes=$((passes + 1)) ||
        { echo "FAIL: -o rt_spawn_opts.label=2,7 did not arrive as '2,7'"; failures=$((failures + 1)); }
fi

# ---- zkbench report: a real run, crafted failures, a truncated line ----------
rep=$tmp/report-in
check "report --help" 0 "$zkbench" report --help
check "report without input" 2 "$zkbench" report
check "report on a missing directory" 3 "$zkbench" report "$tmp/no-such-dir"
check "report: cells to report on" 0 "$zkbench" run -q --models "$src/models/tiny" --backends reference --samples 2 --out "$rep"
# Copies of a real record as other backends: one ok, one failed (verify), one
# mismatch (error code 13); then a line cut short as by a killed writer.
python3 - "$rep/results.jsonl" <<'PY'
import json, sys
path = sys.argv[1]
rec = json.loads(open(path).readline())
def copy(cid, backend, status, code=None, reason=None):
    r = dict(rec, cell_id=cid, status=status)
    r["backend"] = dict(rec["backend"], name=backend, baseline=False, proof_system="groth16")
    if status != "ok":
        r.update(error_code=code, reason=reason)
        r.pop("accuracy", None)
    return json.dumps(r) + "\n"
with open(path, "a") as f:
    f.write(copy("d" * 32, "fastzk", "ok"))
    f.write(copy("e" * 32, "fakezk", "failed", 12, 'failed: proof did not verify in verify, sample 0: <bad> & "worse"'))
    f.write(copy("f" * 32, "otherzk", "failed", 13, "failed: outputs differ from the reference in verify, sample 1"))
    f.write('{"schema":"zkmlbench-result","cell_id":"00')
PY
check "report" 0 "$zkbench" report "$rep" --out "$tmp/rep-out"
expect_text "report names the truncated line" "results.jsonl:7: truncated last line"
expect_text "report lists the files it wrote" "rep-out/summary.json"
if python3 - "$tmp/rep-out" "$rep/results.jsonl" <<'PY'; then passes=$((passes + 1)); else failures=$((failures + 1)); fi
import csv, glob, json, os, sys
import xml.etree.ElementTree as ET
out, src = sys.argv[1], sys.argv[2]
def fail(msg):
    print("FAIL: report: " + msg)
    sys.exit(1)
svgs = sorted(glob.glob(os.path.join(out, "charts", "*.svg")))
kinds = {os.path.basename(p).split("_")[0] for p in svgs}
if not {"radar", "bar", "scaling"} <= kinds:
    fail("charts missing: %s" % svgs)
for p in svgs:
    root = ET.parse(p).getroot()  # raises on malformed XML
    if not root.tag.endswith("svg"):
        fail(p + " is not an SVG")
    text = open(p, encoding="utf-8").read()
    if "<bad>" in text or "Machine:" not in text:
        fail(p + ": unescaped text or no caption")
md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
for want in ("best / value", "| mismatch |", "proof did not verify", "fastzk/groth16", "Skipped lines"):
    if want not in md:
        fail("report.md lacks " + want)
rows = list(csv.DictReader(open(os.path.join(out, "results.csv"), newline="", encoding="utf-8")))
if len(rows) != 6:
    fail("results.csv has %d rows, expected 6" % len(rows))
bad = [r for r in rows if r["status"] != "ok"]
if sorted(r["status"] for r in bad) != ["failed", "mismatch"] or any(r["prove_wall_s_median"] for r in bad):
    fail("failed cells in results.csv: %s" % bad)
if not all(r["prove_wall_s_median"] for r in rows if r["status"] == "ok"):
    fail("an ok cell without a prove time")
s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
entries = [e for m in s["models"] for e in m["entries"]]
failed = [e for e in entries if e["status"] != "ok"]
if len(failed) != 2 or any("phases" in e or "scores" in e or not e["reason"] for e in failed):
    fail("failed entries in summary.json: %s" % failed)
fast = [e for e in entries if e["label"] == "fastzk/groth16"]
if not fast or fast[0]["scores"]["prove_time"] != 1:
    fail("fastzk is the only scored backend of its model: %s" % fast)
if len(s["skipped_lines"]) != 1:
    fail("skipped_lines: %s" % s["skipped_lines"])
PY
: >"$tmp/empty.jsonl"
check "report on a file without records" 3 "$zkbench" report "$tmp/empty.jsonl" --out "$tmp/rep-empty"

# --- run --shard K/N and merge (docs/scaling-out.md) ---
sh=$tmp/shards
for k in 1 2 3; do
    check "run --shard $k/3" 0 "$zkbench" run -q -m "$src/models/tiny" -b reference -n 2 --shard $k/3 --out "$sh/$k"
    lines=$(wc -l <"$sh/$k/results.jsonl")
    [[ $lines -eq 1 ]] && grep -q "\"shard\":{\"index\":$k,\"count\":3}" "$sh/$k/results.jsonl" &&
        passes=$((passes + 1)) || { echo "FAIL: shard $k/3 should hold one record with its shard ($lines lines)"; failures=$((failures + 1)); }
done
# the same slice whatever the order the models are given in
tiny=$src/models/tiny
check "run --shard, models reordered" 0 "$zkbench" run -q -m "$tiny/tiny_maxpool.json,$tiny/tiny_dense.json,$tiny/tiny_cnn.json" -b reference -n 2 --shard 2/3 --out "$sh/2b"
name() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['model']['name'])" "$1"; }
[[ $(name "$sh/2/results.jsonl") == $(name "$sh/2b/results.jsonl") ]] && passes=$((passes + 1)) ||
    { echo "FAIL: shard 2/3 depends on the order of the models"; failures=$((failures + 1)); }
check "merge shards" 0 "$zkbench" merge "$sh/all.jsonl" "$sh/1/results.jsonl" "$sh/2/results.jsonl" "$sh/3/results.jsonl"
expect_text "merge counts records" "3 records from 3 files (0 duplicates"
n=$(python3 -c "import json,sys; print(len({json.loads(l)['model']['name'] for l in open(sys.argv[1])}))" "$sh/all.jsonl")
[[ $n -eq 3 ]] && passes=$((passes + 1)) || { echo "FAIL: merged file should hold the 3 models ($n)"; failures=$((failures + 1)); }
check "merge into an input drops copies" 0 "$zkbench" merge "$sh/all.jsonl" "$sh/all.jsonl" "$sh/1/results.jsonl"
expect_text "copies are counted" "3 records from 2 files (1 duplicates dropped"
{ cat "$sh/1/results.jsonl"; echo 'not a record'; } >"$sh/dirty.jsonl"
check "merge skips a bad line" 0 "$zkbench" merge "$sh/clean.jsonl" "$sh/dirty.jsonl"
expect_text "a bad line is named by file and line" "dirty.jsonl:2: not JSON"
check "merge --strict fails on a bad line" 3 "$zkbench" merge --strict "$sh/strict.jsonl" "$sh/dirty.jsonl"
[[ ! -e $sh/strict.jsonl ]] && passes=$((passes + 1)) || { echo "FAIL: --strict wrote its output"; failures=$((failures + 1)); }
check "merge of a missing file" 3 "$zkbench" merge "$sh/x.jsonl" "$sh/none.jsonl"
check "merge without inputs" 2 "$zkbench" merge "$sh/x.jsonl"
check "merge --help" 0 "$zkbench" merge --help
# one valid record per line (docs/results-format.md, "What a reader accepts"):
# two records on a line, an unknown schema version or status, a negative
# time are refused by merge and report alike, with file and line
python3 - "$sh/1/results.jsonl" "$sh/odd.jsonl" <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
def copy(cid, **kw):
    r = json.loads(json.dumps(rec))
    r.update(cell_id=cid, **kw)
    return r
neg = copy("4" * 32)
neg["phases"]["prove"]["wall_s"].update(median=-5, min=-5, max=-5, mean=-5)
with open(sys.argv[2], "w") as f:
    f.write(json.dumps(rec) + "\n")
    f.write(json.dumps(copy("1" * 32)) + json.dumps(copy("2" * 32)) + "\n")
    f.write(json.dumps(copy("3" * 32, schema_version=2)) + "\n")
    f.write(json.dumps(copy("5" * 32, status="bogus")) + "\n")
    f.write(json.dumps(neg) + "\n")
PY
check "merge refuses what no reader takes" 0 "$zkbench" merge "$sh/odd-merged.jsonl" "$sh/odd.jsonl"
expect_text "two records on one line" "odd.jsonl:2: more than one JSON value"
expect_text "an unknown schema version" "odd.jsonl:3: unknown schema_version 2"
expect_text "an unknown status" "odd.jsonl:4: unknown status"
expect_text "a negative time" "odd.jsonl:5: phases.prove.wall_s.median is negative"
[[ $(wc -l <"$sh/odd-merged.jsonl") -eq 1 ]] && passes=$((passes + 1)) ||
    { echo "FAIL: merge passed on a refused line"; failures=$((failures + 1)); }
check "merge --strict on refused lines" 3 "$zkbench" merge --strict "$sh/odd-strict.jsonl" "$sh/odd.jsonl"
expect_text "strict counts them" "4 lines are not result records"
check "report skips the same lines" 0 "$zkbench" report "$sh/odd.jsonl" --out "$sh/odd-report"
expect_text "report names two records on one line" "odd.jsonl:2: more than one JSON value"
# models whose names make one slug: a radar chart each, each linked once
python3 - "$sh/1/results.jsonl" "$sh/names.jsonl" <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
with open(sys.argv[2], "w") as f:
    for i, name in enumerate(["a/b", "a_b", "a b", "a:b"]):
        r = json.loads(json.dumps(rec))
        r["cell_id"] = "%032x" % (i + 1)
        r["model"].update(name=name, fingerprint="%032x" % (i + 100))
        r["backend"].update(name="fastzk", baseline=False, proof_system="groth16")
        f.write(json.dumps(r) + "\n")
PY
check "report on four names of one slug" 0 "$zkbench" report "$sh/names.jsonl" --out "$sh/names-report"
if python3 - "$sh/names-report" <<'PY'; then passes=$((passes + 1)); else failures=$((failures + 1)); fi
import glob, os, re, sys
out = sys.argv[1]
radars = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "charts", "radar_*.svg")))
links = re.findall(r"\]\(charts/(radar_[^)]*)\)", open(os.path.join(out, "report.md"), encoding="utf-8").read())
if len(radars) != 4 or sorted(links) != radars:
    print("FAIL: four models, radar files %s, links %s" % (radars, links))
    sys.exit(1)
PY
check "shard out of range" 2 "$zkbench" run -q -m "$tiny" -b reference --shard 4/3 --out "$sh/bad"
expect_text "bad shard is explained" "K in 1..N"
check "shard not K/N" 2 "$zkbench" run -q -m "$tiny" -b reference --shard two --out "$sh/bad"
# progress without a terminal: plain lines per phase and cell
check "run with progress" 0 "$zkbench" run -m "$tiny/tiny_dense.json" -b reference --out "$tmp/progress"
expect_text "progress names cell, backend, model, phase" "^\[cell 1/1\] reference tiny_dense: load"
expect_text "progress ends the cell" "^\[cell 1/1\] reference tiny_dense: ok in"
check "conformance --help" 0 "$zkbench" conformance --help
check "conformance without a plugin" 2 "$zkbench" conformance

# ---- exit codes: docs/cli.md's one table, the same fault the same code in
# every command (2 usage, 3 bad input, 4 output/internal) ----------------------
ec=$tmp/exit-codes
mkdir -p "$ec/a-dir"
m=$src/models/tiny/tiny_dense.json
# 2: the command line (the CLI's own options and names), before anything runs
check "run --dataset nosuch is a usage error" 2 "$zkbench" run -q -m "$m" -b reference --dataset nosuch --out "$ec/r1"
expect_text "run names the unknown dataset" "unknown dataset 'nosuch' (expected auto, synthetic, mnist"
[[ ! -e $ec/r1 ]] && passes=$((passes + 1)) || { echo "FAIL: run --dataset nosuch created its output directory"; failures=$((failures + 1)); }
check "run --scheme pow10 --scale 10 is a usage error" 2 "$zkbench" run -q -m "$m" -b reference --scheme pow10 --scale 10 --out "$ec/r2"
expect_text "the scale's range is named" "pow10 scale 10 is not in 0..9"
check "run --scheme pow10 --scale 99 is a usage error" 2 "$zkbench" run -q -m "$m" -b reference --scheme pow10 --scale 99 --out "$ec/r2"
check "run --scale 31 (pow2) is a usage error" 2 "$zkbench" run -q -m "$m" -b reference --scale 31 --out "$ec/r2"
check "run --scheme ezkl is a usage error" 2 "$zkbench" run -q -m "$m" -b reference --scheme ezkl --out "$ec/r2"
[[ ! -e $ec/r2 ]] && passes=$((passes + 1)) || { echo "FAIL: a bad --scale created the output directory"; failures=$((failures + 1)); }
check "eval --dataset nosuch is a usage error" 2 "$zkbench" eval "$m" --dataset nosuch
check "eval --scheme pow10 --scale 10 is a usage error" 2 "$zkbench" eval "$m" --scheme pow10 --scale 10
check "data info with an unknown dataset is a usage error" 2 "$zkbench" data info nosuch
expect_text "data info names the unknown dataset" "unknown dataset 'nosuch' (expected mnist, mnist14, heart or heart_std)"
check "srs with a power out of range is a usage error" 2 "$zkbench" srs ptau --power 99 --seed s "$ec/x.ptau"
check "zoo train with an unknown model is a usage error" 2 "$zkbench" zoo train --out "$ec/zoo" nosuch
check "model with an unknown option is a usage error" 2 "$zkbench" model --bogus
check "conformance with a bad --memory-cap is a usage error" 2 "$zkbench" conformance reference --memory-cap 12Q
# 3: bad input, whatever the command
check "model: missing file" 3 "$zkbench" model "$ec/none.json"
check "model: malformed file" 3 "$zkbench" model "$tmp/bad.json"
check "model: a directory" 3 "$zkbench" model "$ec/a-dir"
check "eval: a directory as model" 3 "$zkbench" eval "$ec/a-dir" --dataset heart
check "eval: missing model" 3 "$zkbench" eval "$ec/none.json" --dataset heart
check "eval: malformed model" 3 "$zkbench" eval "$tmp/bad.json" --dataset heart
check "compat: a directory" 3 "$zkbench" compat "$ec/a-dir"
check "compat: malformed model" 3 "$zkbench" compat "$tmp/bad.json"
check "conformance: a directory as model" 3 "$zkbench" conformance reference --model "$ec/a-dir"
check "run: unknown backend" 3 "$zkbench" run -q -m "$m" -b nope --out "$ec/r3"
check "conformance: unknown backend" 3 "$zkbench" conformance nope
check "setup: unknown backend" 3 "$zkbench" setup nope
check "run: bad backend option" 3 "$zkbench" run -q -m "$m" -b reference -o reference.nosuch=1 --out "$ec/r3"
check "conformance: bad backend option" 3 "$zkbench" conformance -q reference -o nosuch=1
check "merge: an unreadable input (a directory)" 3 "$zkbench" merge "$ec/m.jsonl" "$ec/a-dir"
expect_text "merge names the unreadable input" "a-dir: is a directory"
[[ ! -e $ec/m.jsonl ]] && passes=$((passes + 1)) || { echo "FAIL: merge wrote its output from an unreadable input"; failures=$((failures + 1)); }
check "merge: a missing input" 3 "$zkbench" merge "$ec/m.jsonl" "$ec/none.jsonl"
check "report: a missing directory" 3 "$zkbench" report "$ec/no-such-dir"
check "data info: missing files" 3 "$zkbench" data info heart --data-dir "$ec/a-dir"
# a FIFO never blocks a reader, and is bad input like any unreadable file
mkfifo "$ec/fifo.json" "$ec/fifo.jsonl"
mkdir -p "$ec/r4" && mkfifo "$ec/r4/results.jsonl"
check "model: a FIFO" 3 timeout 20 "$zkbench" model "$ec/fifo.json"
expect_text "model names the FIFO" "is a FIFO (named pipe), not a regular file"
check "run: a FIFO as the results file" 3 timeout 20 "$zkbench" run -q -m "$m" -b reference --out "$ec/r4"
expect_text "run names the FIFO" "results.jsonl: is a FIFO (named pipe), not a regular file"
check "merge: a FIFO as input" 3 timeout 20 "$zkbench" merge "$ec/m.jsonl" "$ec/fifo.jsonl"
# 4: an output that cannot be written
: >"$ec/a-file"
check "run: the output directory cannot be created" 4 "$zkbench" run -q -m "$m" -b reference --out "$ec/a-file/out"
check "merge: the output cannot be written" 4 "$zkbench" merge "$ec/a-file/m.jsonl" "$sh/1/results.jsonl"
check "srs: the output cannot be written" 4 "$zkbench" srs ptau --power 1 --seed s "$ec/a-file/x.ptau"
# --help lists the table's codes, in order
"$zkbench" --help >"$tmp/help" 2>&1
table=$(sed -n '/^## Exit codes/,/^## /p' "$src/docs/cli.md" | sed -n 's/^| \([0-9][0-9+N]*\) |.*/\1/p' | tr '\n' ' ')
listed=$(sed -n '/^exit codes/,/^[a-z]/p' "$tmp/help" | sed -n 's/^  \([0-9][0-9+N]*\) .*/\1/p' | tr '\n' ' ')
[[ -n $table && $table == "$listed" ]] && passes=$((passes + 1)) ||
    { echo "FAIL: zkbench --help lists exit codes '$listed', docs/cli.md's table '$table'"; failures=$((failures + 1)); }

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
