#!/usr/bin/env bash
# bench.sh - the main job: build, then benchmark the default models on every
# backend that can run on this machine; results go to results/.
#
#   scripts/bench.sh [extra zkbench run options...]
#
# Environment (defaults in brackets):
#   MODELS    model files or directories, comma-separated  [models: the zoo]
#   BACKENDS  backend names, comma-separated     [every available backend]
#   SAMPLES   samples per cell                                        [20]
#   REPEATS   witness/prove/verify repeats per sample                  [3]
#   TIMEOUT   seconds per cell                                       [600]
#   MEMORY_CAP per cell, K/M/G suffix                                [20G]
#   OUT       output directory                                   [results]
#   BUILD_DIR build directory                                      [build]
#   FORCE=1   redo cells already in OUT/results.jsonl (default: resume)
#   ZKB_DATA_DIR  dataset directory (default: ../shared/data, else ./data)
#
# Re-running resumes: cells already recorded in OUT/results.jsonl are skipped.
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
args=(run
    --models "${MODELS:-models}"
    --samples "${SAMPLES:-20}"
    --repeats "${REPEATS:-3}"
    --timeout "${TIMEOUT:-600}"
    --memory-cap "${MEMORY_CAP:-20G}"
    --out "$out")
if [[ -n "${BACKENDS:-}" ]]; then
    args+=(--backends "$BACKENDS")
fi
if [[ "${FORCE:-0}" == "1" ]]; then
    args+=(--force)
fi

echo "== backends"
"$zkbench" list || true
echo "== zkbench ${args[*]} $*"
rc=0
"$zkbench" "${args[@]}" "$@" || rc=$?

echo
case $rc in
0) echo "bench: done; results in $out/results.jsonl" ;;
1) echo "bench: finished, but some cells failed (recorded in $out/results.jsonl)" >&2 ;;
*) echo "bench: zkbench failed (exit $rc)" >&2 ;;
esac
exit "$rc"
