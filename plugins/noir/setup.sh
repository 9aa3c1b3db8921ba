#!/bin/sh
# setup.sh DEST [LOCK_DIR]
#
# The Noir backend's toolchain: @noir-lang/noir_wasm and @noir-lang/noir_js
# (the compiler and executor as WebAssembly) and @aztec/bb.js (Barretenberg)
# from npm, pinned by package-lock.json, into DEST/node_modules. LOCK_DIR
# holds package.json and package-lock.json (default: this script's
# directory, as installed in share/zkmlbench/noir/). Run by `zkbench setup
# noir`, and by scripts/setup-node.sh in a source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../common/npm_setup.sh" "${2:-$here}" "$1" \
    @noir-lang/noir_wasm/dist/node/main.js @noir-lang/noir_js/lib/index.mjs \
    @aztec/bb.js/dest/node/index.js
