#!/usr/bin/env bash
# setup-node.sh - in a source tree, install the npm toolchains of the circom
# backend (circom2, snarkjs, circomlib, circomlibjs; pinned by
# tools/node/package-lock.json) into tools/node/node_modules and of the Noir
# backend (@noir-lang/noir_wasm and @noir-lang/noir_js 1.0.0-beta.3,
# @aztec/bb.js 0.82.2; pinned by tools/noir/package-lock.json) into
# tools/noir/node_modules, and of the EVM step (solc 0.8.37, @ethereumjs/vm
# 10.1.3; pinned by tools/evm/package-lock.json) into tools/evm/node_modules,
# with `npm ci`, through the backends' own plugins/<name>/setup.sh and
# lib/evm/script/setup.sh (what `zkbench setup` runs for an installed zkbench).
# Idempotent and quiet: a node_modules that matches its lock file is left alone.
# The build tree links them into its data directories (plugins/CMakeLists.txt).
#
#   scripts/setup-node.sh             install or check
#   ZKB_SKIP_NODE=1 scripts/...       do nothing
#
# Without npm it warns and exits 0: the circom and noir backends then report
# themselves unavailable and their tests skip.
set -euo pipefail

if [[ "${ZKB_SKIP_NODE:-0}" == "1" ]]; then
    exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "setup-node: warning: node/npm not found; the circom and noir backends will be unavailable" >&2
    echo "setup-node: (install them with scripts/setup-deps.sh, or from nodejs.org)" >&2
    exit 0
fi

export ZKB_SETUP_QUIET=1
sh "$root/plugins/circom/setup.sh" "$root/tools/node" "$root/tools/node"
sh "$root/plugins/noir/setup.sh" "$root/tools/noir" "$root/tools/noir"
sh "$root/lib/evm/script/setup.sh" "$root/tools/evm" "$root/tools/evm"
