#!/usr/bin/env bash
# setup-native.sh - in a source tree, build the backends' native drivers: the
# gnark backend's Go program (plugins/gnark/driver, pinned by its go.sum,
# modules from the Go module proxy) into tools/gnark, and the circom
# backend's arkworks prover (plugins/circom/arkworks, pinned by its
# Cargo.lock, crates from crates.io) into tools/circom-arkworks, through the
# backends' own setup.sh (what `zkbench setup gnark` / `zkbench setup circom`
# run for an installed zkbench). Each binary is built once per sources'
# manifest and compiler into a cache outside the checkout (plugins/common/
# native_setup.sh: $ZKB_BUILD_CACHE, default ~/.cache/zkmlbench/build) and
# copied from there, so a fresh clone does not rebuild it. The build tree
# links tools/<name> into its data directories (plugins/CMakeLists.txt).
#
#   scripts/setup-native.sh           build or check
#   ZKB_SKIP_NATIVE=1 scripts/...     do nothing
#
# Without go (or cargo) it warns and goes on: the gnark backend (or circom's
# prover=arkworks) then reports itself unavailable and its tests skip, unless
# ZKB_REQUIRE_BACKENDS is set (scripts/test.sh), when they fail.
set -euo pipefail

if [[ "${ZKB_SKIP_NATIVE:-0}" == "1" ]]; then
    exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ZKB_SETUP_QUIET=1
if [[ -f "$root/plugins/gnark/setup.sh" ]]; then
    if ! sh "$root/plugins/gnark/setup.sh" "$root/tools/gnark" "$root/plugins/gnark/driver"; then
        echo "setup-native: warning: the gnark driver could not be built; the gnark backend will be unavailable" >&2
    fi
fi
if [[ -f "$root/plugins/circom/arkworks/setup.sh" ]]; then
    if ! sh "$root/plugins/circom/arkworks/setup.sh" "$root/tools/circom-arkworks" "$root/plugins/circom/arkworks"; then
        echo "setup-native: warning: the arkworks prover could not be built; circom's prover=arkworks will be unavailable" >&2
    fi
fi
# A failed build is a warning here, as a missing npm is for setup-node.sh.
exit 0
