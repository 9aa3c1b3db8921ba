#!/bin/sh
# setup.sh DEST [SRC]
#
# The gnark backend's toolchain: the Go driver zkb-gnark, built from the Go
# module in SRC (default: this script's directory, as installed in
# share/zkmlbench/gnark/) with gnark and gnark-crypto from the Go module
# proxy, pinned by its go.sum, into DEST/bin/zkb-gnark. Built once per
# sources and Go version into a cache outside any checkout
# (../common/native_setup.sh). Run by `zkbench setup gnark`, and by
# scripts/setup-native.sh in a source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../common/native_setup.sh" install go "${2:-$here}" "$1" zkb-gnark
