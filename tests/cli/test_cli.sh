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
    check "run on the model's own dataset" 0 "$zkbench" run -q -m "$src/models/heart_mlp_18_8_8_2.json" -b reference -n 10 "${data[@]}" --out "$tmp/heart"
    grep -q '"dataset":"heart_std"' "$tmp/heart/results.jsonl" && passes=$((passes + 1)) ||
        { echo "FAIL: auto dataset did not resolve to heart_std"; failures=$((failures + 1)); }
fi

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
