#!/usr/bin/env bash
# bench.sh - the main job: build, then benchmark the default set of models on
# the backends that can run on this machine; results go to results/.
#
#   scripts/bench.sh [extra zkbench run options...]
#
# With neither MODELS nor BACKENDS set, the default job runs into one results
# file, sized to finish in about 15 minutes on 2 cores (cold caches):
#   1. the zoo (models/) on the reference baseline, SAMPLES x REPEATS each;
#   2. the zoo minus the two 28x28 CNNs on circom (Groth16, native
#      testing-only ptau), on noir (UltraHonk, local testing-only CRS) and
#      on gnark (Groth16, testing-only setup), FRAMEWORK_SAMPLES each, where
#      they are available;
#   3. the heart models and mnist_196_25_10 on ezkl (with its zk accuracy
#      pass over 1,000 test samples), where it is available.
# The whole zoo on every framework is one variable away:
#   MODELS=models SAMPLES=3 REPEATS=1 TIMEOUT=3600 scripts/bench.sh
#
# Environment (defaults in brackets):
#   MODELS    model files or directories, comma-separated     [see above]
#   BACKENDS  backend names, comma-separated                   [see above]
#   SAMPLES   samples per cell                                        [20]
#   REPEATS   witness/prove/verify repeats per sample                  [3]
#   FRAMEWORK_SAMPLES  samples per default framework cell               [2]
#   TIMEOUT   seconds per cell                                       [600]
#   MEMORY_CAP per cell, K/M/G suffix                                [20G]
#   OUT       output directory                                   [results]
#   BUILD_DIR build directory                                      [build]
#   FORCE=1   redo cells already in OUT/results.jsonl (default: resume)
#   REPORT=0  skip the report (default: `zkbench report OUT` writes
#             OUT/report.md, results.csv, summary.json and charts/*.svg)
#   ZKB_DATA_DIR  dataset directory (default: ../shared/data, else ./data)
#
# Re-running resumes: cells already recorded in OUT/results.jsonl are skipped.
# At the end, `zkbench report OUT` aggregates every record in the file (this
# run's and earlier ones) into the report (docs/report.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

export BUILD_DIR=${BUILD_DIR:-build}
scripts/build.sh
scripts/setup-node.sh || echo "bench: warning: scripts/setup-node.sh failed; circom will be unavailable" >&2
scripts/setup-python.sh || echo "bench: warning: scripts/setup-python.sh failed; ezkl will be unavailable" >&2
scripts/setup-native.sh || echo "bench: warning: scripts/setup-native.sh failed; gnark will be unavailable" >&2
zkbench=$BUILD_DIR/cli/zkbench

out=${OUT:-results}
common=(--timeout "${TIMEOUT:-600}" --memory-cap "${MEMORY_CAP:-20G}" --out "$out")
if [[ "${FORCE:-0}" == "1" ]]; then
    common+=(--force)
fi

echo "== backends"
"$zkbench" list || true

rc=0
run() { # zkbench run arguments...
    echo "== zkbench run $*"
    local r=0
    "$zkbench" run "$@" || r=$?
    if ((r > rc)); then rc=$r; fi
}

if [[ -n "${MODELS:-}" || -n "${BACKENDS:-}" ]]; then
    args=(--models "${MODELS:-models}" --samples "${SAMPLES:-20}" --repeats "${REPEATS:-3}")
    if [[ -n "${BACKENDS:-}" ]]; then
        args+=(--backends "$BACKENDS")
    fi
    run "${args[@]}" "${common[@]}" "$@"
else
    run --models models --backends reference --samples "${SAMPLES:-20}" --repeats "${REPEATS:-3}" \
        "${common[@]}" "$@"
    backends=$("$zkbench" list)
    # The proving frameworks get the zoo minus the two 28x28 CNNs, whose
    # Groth16/halo2 setups alone take 10-40 minutes here (MODELS=models for
    # all of it); EZKL, the slowest per sample, the heart models and one MLP.
    fw_models=models/heart_linear_18_2.json,models/heart_mlp_18_8_8_2.json
    fw_models+=,models/mnist_196_25_10.json,models/mnist_196_24_14_10.json
    fw_models+=,models/mnist_784_56_10.json,models/mnist_cnn_14_5_11_80_10_3.json
    ezkl_models=models/heart_linear_18_2.json,models/heart_mlp_18_8_8_2.json,models/mnist_196_25_10.json
    fw_run() { # backend models
        local line
        line=$(grep "^$1 " <<<"$backends" || true)
        if [[ "$line" == *" available"* ]]; then
            run --models "$2" --backends "$1" --samples "${FRAMEWORK_SAMPLES:-2}" --repeats 1 \
                "${common[@]}" "${@:3}"
        else
            echo "bench: $1 is not available here; skipping it"
        fi
    }
    fw_run circom "$fw_models" "$@"
    fw_run noir "$fw_models" "$@"
    fw_run gnark "$fw_models" "$@"
    fw_run ezkl "$ezkl_models" "$@"
fi

if [[ "${REPORT:-1}" != "0" && -s "$out/results.jsonl" ]]; then
    echo "== zkbench report $out"
    r=0
    "$zkbench" report "$out" || r=$?
    if ((r != 0)); then
        echo "bench: warning: zkbench report failed (exit $r)" >&2
        if ((r > rc)); then rc=$r; fi
    fi
fi

echo
case $rc in
0) echo "bench: done; results in $out/results.jsonl, report in $out/report.md" ;;
1) echo "bench: finished, but some cells failed (recorded in $out/results.jsonl)" >&2 ;;
*) echo "bench: zkbench failed (exit $rc)" >&2 ;;
esac
exit "$rc"
