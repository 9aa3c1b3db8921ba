#!/usr/bin/env bash
# setup-node.sh - install the circom backend's npm toolchain (circom2,
# snarkjs, circomlib; versions pinned by tools/node/package-lock.json) into
# tools/node/node_modules, and the Noir backend's (@noir-lang/noir_wasm and
# @noir-lang/noir_js 1.0.0-beta.3, @aztec/bb.js 0.82.2; pinned by
# tools/noir/package-lock.json) into tools/noir/node_modules, with `npm ci`.
# Idempotent and quiet: when a node_modules already matches its lock file (a
# stamp holds the lock file's hash) it is left alone.
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
    echo "setup-node: warning: node/npm not found; the circom and noir backends will be unavailable" >&2
    echo "setup-node: (install them with scripts/setup-deps.sh, or from nodejs.org)" >&2
    exit 0
fi

want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" &&
    -f "$dir/node_modules/snarkjs/build/cli.cjs" &&
    -f "$dir/node_modules/circom2/cli.js" &&
    -f "$dir/node_modules/circomlib/circuits/poseidon.circom" &&
    -f "$dir/node_modules/circomlibjs/package.json" ]]; then
    :
else
    echo "setup-node: npm ci in tools/node (circom2, snarkjs, circomlib, circomlibjs)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$stamp"
    echo "setup-node: done"
fi

# The Noir backend (plugins/noir, docs/noir.md): its own folder, so the two
# pin sets never constrain each other.
ndir="$root/tools/noir"
nlock="$ndir/package-lock.json"
nstamp="$ndir/node_modules/.zkb-lock-sha256"
nwant=$(sha256sum "$nlock" | cut -d' ' -f1)
if [[ -f "$nstamp" && "$(cat "$nstamp")" == "$nwant" &&
    -f "$ndir/node_modules/@noir-lang/noir_wasm/dist/node/main.js" &&
    -f "$ndir/node_modules/@noir-lang/noir_js/lib/index.mjs" &&
    -f "$ndir/node_modules/@aztec/bb.js/dest/node/index.js" ]]; then
    exit 0
fi
echo "setup-node: npm ci in tools/noir (noir_wasm, noir_js, bb.js)"
(cd "$ndir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "$nwant" >"$nstamp"
echo "setup-node: done"
