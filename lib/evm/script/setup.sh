#!/bin/sh
# setup.sh DEST [LOCK_DIR]
#
# The EVM step's toolchain (docs/evm.md): solc (the Solidity compiler as
# WebAssembly) and @ethereumjs/vm with its packages from npm, pinned by
# package-lock.json, into DEST/node_modules. LOCK_DIR holds package.json and
# package-lock.json (default: this script's directory, as installed in
# share/zkmlbench/evm/). Run by `zkbench setup evm`, and by
# scripts/setup-node.sh in a source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
npm_setup=$here/../common/npm_setup.sh # installed: share/zkmlbench/common
[ -f "$npm_setup" ] || npm_setup=$here/../../../plugins/common/npm_setup.sh # source tree
exec sh "$npm_setup" "${2:-$here}" "$1" \
    solc/package.json @ethereumjs/vm/package.json @ethereumjs/tx/package.json \
    @ethereumjs/common/package.json @ethereumjs/util/package.json
