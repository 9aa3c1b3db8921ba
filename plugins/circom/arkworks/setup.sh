#!/bin/sh
# setup.sh DEST [SRC]
#
# The circom backend's arkworks prover (prover=arkworks): builds
# zkb-circom-arkworks from the Rust crate in SRC (Cargo.toml, Cargo.lock,
# *.rs; default: this script's directory, as installed in
# share/zkmlbench/circom-arkworks/) with `cargo build --release --locked`,
# crates from crates.io, into DEST/bin, through plugins/common/native_setup.sh
# (built once per sources and compiler into a cache outside any checkout).
# Run by the circom backend's setup.sh (`zkbench setup circom`, DEST =
# <toolchains>/circom-arkworks), and by scripts/setup-native.sh in a source
# tree (DEST = tools/circom-arkworks). Needs cargo with rustc >= 1.89.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# installed (and staged in a build tree): share/zkmlbench/{circom-arkworks,common};
# a source tree: plugins/{circom/arkworks,common}
for s in "$here/../common/native_setup.sh" "$here/../../common/native_setup.sh"; do
    if [ -f "$s" ]; then
        exec sh "$s" install cargo "${2:-$here}" "$1" zkb-circom-arkworks
    fi
done
echo "native_setup.sh not found (looked in $here/../common and $here/../../common)" >&2
exit 1
