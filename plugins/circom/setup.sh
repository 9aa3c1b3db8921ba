#!/bin/sh
# setup.sh DEST [LOCK_DIR]
#
# The circom backend's toolchain: circom2 (the compiler as WebAssembly),
# snarkjs, circomlib and circomlibjs from npm, pinned by package-lock.json,
# into DEST/node_modules. LOCK_DIR holds package.json and package-lock.json
# (default: this script's directory, as installed in share/zkmlbench/circom/).
# Run by `zkbench setup circom`, and by scripts/setup-node.sh in a source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../common/npm_setup.sh" "${2:-$here}" "$1" \
    snarkjs/build/cli.cjs circom2/cli.js circomlib/circuits/poseidon.circom \
    circomlibjs/package.json
