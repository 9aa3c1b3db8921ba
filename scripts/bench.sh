#!/usr/bin/env bash
# bench.sh - the main job: build, then benchmark the default set of models on
# the backends that can run on this machine; results go to results/.
#
#   scripts/bench.sh [extra zkbench run options...]
#
# With neither MODELS nor BACKENDS set, the default job is two runs into one
# results file, sized to finish in minutes on 2 cores:
#   1. the zoo (models/) on the reference baseline, SAMPLES x REPEATS each;
#   2. the tiny models (models/tiny) on circom (Groth16), FRAMEWORK_SAMPLES
#      each, when circom is available;
#   3. the same on noir (UltraHonk, local testing CRS), when it is available.
# The zoo on the proving frameworks is one variable away, e.g.
#   MODELS=models BACKENDS=circom SAMPLES=3 REPEATS=1 scripts/bench.sh
# (the CNNs need large powers of tau: slow until the native generator lands).
# EZKL is opt-in (BACKENDS=ezkl): its outputs do not yet match the reference
# evaluator (docs/ezkl.md), so its cells are recorded as mismatches.
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
zkbench=$BUILD_DIR/cli/zkbench

# The build tree's plugins, before any installed ones.
plugins=$(cd "$BUILD_DIR/plugins" && pwd)
export ZKB_PLUGIN_PATH="$plugins${ZKB_PLUGIN_PATH:+:$ZKB_PLUGIN_PATH}"

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
    if grep -q '^circom .* available' <<<"$backends"; then
        run --models models/tiny --backends circom --samples "${FRAMEWORK_SAMPLES:-2}" --repeats 1 \
            "${common[@]}" "$@"
    else
        echo "bench: circom is not available here; skipping the framework run"
    fi
    # Noir (UltraHonk, bb.js): about 1.5-3 minutes for the three tiny models
    # on 2 cores (setup ~15 s each on a cold cache, ~5-10 s per sample).
    if grep -q '^noir .* available' <<<"$backends" && ! grep -q 'crs_writer=missing' <<<"$backends"; then
        run --models models/tiny --backends noir --samples "${FRAMEWORK_SAMPLES:-2}" --repeats 1 \
            "${common[@]}" "$@"
    else
        echo "bench: noir is not available here; skipping its framework run"
    fi
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
