#!/usr/bin/env bash
# setup-node.sh - install the circom backend's npm toolchain (circom2,
# snarkjs, circomlib; versions pinned by tools/node/package-lock.json) into
# tools/node/node_modules with `npm ci`. Idempotent and quiet: when
# node_modules already matches the lock file (a stamp holds the lock file's
# hash) it returns at once.
#
#   scripts/setup-node.sh             install or check
#   ZKB_SKIP_NODE=1 scripts/...       do nothing
#
# Without npm it warns and exits 0: the circom backend then reports itself
# unavailable and its tests skip.
set -euo pipefail

if [[ "${ZKB_SKIP_NODE:-0}" == "1" ]]; then
    exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/tools/node"
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.zkb-lock-sha256"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "setup-node: warning: node/npm not found; the circom backend will be unavailable" >&2
    echo "setup-node: (install them with scripts/setup-deps.sh, or from nodejs.org)" >&2
    exit 0
fi

want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" &&
    -f "$dir/node_modules/snarkjs/build/cli.cjs" &&
    -f "$dir/node_modules/circom2/cli.js" &&
    -f "$dir/node_modules/circomlib/circuits/poseidon.circom" ]]; then
    exit 0
fi

echo "setup-node: npm ci in tools/node (circom2, snarkjs, circomlib)"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "$want" >"$stamp"
echo "setup-node: done"
