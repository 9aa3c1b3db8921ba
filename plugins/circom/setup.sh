#!/bin/sh
# setup.sh DEST [LOCK_DIR]
#
# The circom backend's toolchain: circom2 (the compiler as WebAssembly),
# snarkjs, circomlib and circomlibjs from npm, pinned by package-lock.json,
# into DEST/node_modules. LOCK_DIR holds package.json and package-lock.json
# (default: this script's directory, as installed in share/zkmlbench/circom/).
# Run by `zkbench setup circom`, and by scripts/setup-node.sh in a source tree.
#
# Then, where the arkworks prover's data directory sits beside this one (an
# install: share/zkmlbench/circom-arkworks; a build tree's staged copy), its
# setup.sh builds zkb-circom-arkworks into the sibling toolchain folder
# $(dirname DEST)/circom-arkworks, when cargo is there; without cargo (or
# when that build fails) prover=arkworks is unavailable and this still
# succeeds. A source tree builds it with scripts/setup-native.sh instead.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../common/npm_setup.sh" "${2:-$here}" "$1" \
    snarkjs/build/cli.cjs circom2/cli.js circomlib/circuits/poseidon.circom \
    circomlibjs/package.json
ark=$here/../circom-arkworks/setup.sh
if [ -f "$ark" ] && ! sh "$ark" "$(dirname "$1")/circom-arkworks"; then
    echo "circom: warning: the arkworks prover could not be built (above); prover=arkworks will be unavailable" >&2
fi
