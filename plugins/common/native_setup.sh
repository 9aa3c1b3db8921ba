#!/bin/sh
# native_setup.sh manifest go|cargo SRC
# native_setup.sh install go|cargo SRC DEST BINARY
#
# The native drivers of the backends (the gnark backend's Go program, the
# circom backend's arkworks prover in Rust): their sources ship in a data
# directory, pinned by go.sum or Cargo.lock, and are built here from the Go
# module proxy or crates.io.
#
# manifest: prints the sources' SHA-256 lines (go: go.mod, go.sum and *.go
#   but *_test.go; cargo: Cargo.toml, Cargo.lock, *.rs; sorted by name). The
#   build writes it into the data directory as sources.sha256.
# install: puts DEST/bin/BINARY built from SRC, then DEST/.zkb-sources.sha256
#   (the manifest, written last: the plugin compares it with its data
#   directory's sources.sha256). Nothing is done when that stamp already
#   equals the manifest and the binary exists. The binary is built once per
#   manifest and compiler version into a cache outside any checkout,
#   $ZKB_BUILD_CACHE (default $XDG_CACHE_HOME/zkmlbench/build, else
#   ~/.cache/zkmlbench/build), and copied from there; a fresh clone or a new
#   install prefix reuses it.
#
# Needs go >= 1.21 (go.mod asks for 1.24; an older go fetches that toolchain
# from the Go module proxy by itself) or cargo with rustc >= 1.89.
# ZKB_SETUP_QUIET=1: say nothing when there is nothing to do.
set -eu

usage() {
    echo "usage: native_setup.sh manifest go|cargo SRC | install go|cargo SRC DEST BINARY" >&2
    exit 2
}

manifest() { # lang src
    case $1 in
    go) pats="go.mod go.sum *.go" ;;
    cargo) pats="Cargo.toml Cargo.lock *.rs" ;;
    *) usage ;;
    esac
    (
        cd "$2"
        # tests are not part of the program (nor of an install)
        files=$(for p in $pats; do [ -f "$p" ] && echo "$p"; done | grep -v '_test\.go$' | LC_ALL=C sort)
        [ -n "$files" ] || { echo "no sources in $2" >&2; exit 1; }
        # shellcheck disable=SC2086
        sha256sum $files
    )
}

[ $# -ge 3 ] || usage
cmd=$1 lang=$2 src=$3
if [ "$cmd" = manifest ]; then
    manifest "$lang" "$src"
    exit 0
fi
[ "$cmd" = install ] && [ $# -eq 5 ] || usage
dest=$4 bin=$5
stamp=$dest/.zkb-sources.sha256
want=$(manifest "$lang" "$src")

if [ -f "$stamp" ] && [ -x "$dest/bin/$bin" ] && [ "$(cat "$stamp")" = "$want" ]; then
    [ -n "${ZKB_SETUP_QUIET:-}" ] || echo "up to date: $dest/bin/$bin"
    exit 0
fi

case $lang in
go)
    if ! command -v go >/dev/null 2>&1; then
        echo "go not found: the Go toolchain (>= 1.21; https://go.dev/dl or Debian's golang-go from bookworm-backports) is needed to build $bin" >&2
        exit 1
    fi
    compiler=$(go version)
    ;;
cargo)
    # rustup's cargo, when PATH does not have one
    if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
        PATH=${CARGO_HOME:-$HOME/.cargo}/bin:$PATH
        export PATH
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo not found: Rust (rustc >= 1.89, e.g. from rustup, or Debian's rustc-web and cargo-web) is needed to build $bin" >&2
        exit 1
    fi
    compiler="$(cargo --version); $(rustc --version)"
    ;;
esac

base=${ZKB_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zkmlbench/build}
key=$(printf '%s\n%s\n' "$want" "$compiler" | sha256sum | cut -c1-32)
entry=$base/$bin-$key
if [ ! -x "$entry/$bin" ]; then
    tmp=$entry.tmp$$
    rm -rf "$tmp" "$entry"
    mkdir -p "$tmp/src"
    # only the manifest's files: what the build sees is what the key names
    (cd "$src" && printf '%s\n' "$want" | awk '{print $2}' | while read -r f; do cp "$f" "$tmp/src/"; done)
    echo "building $bin ($compiler) into $entry"
    start=$(date +%s)
    case $lang in
    go)
        # -mod=readonly: go.sum is the lock file; nothing is resolved anew
        (cd "$tmp/src" && GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -o "$tmp/$bin" .)
        ;;
    cargo)
        # one target directory per binary, shared by its entries (cargo
        # locks it): a new entry recompiles only what changed
        (cd "$tmp/src" && CARGO_TARGET_DIR="$base/target-$bin" cargo build --release --locked --quiet)
        cp "$base/target-$bin/release/$bin" "$tmp/$bin"
        ;;
    esac
    printf '%s\n' "$want" >"$tmp/sources.sha256"
    printf '%s\n' "$compiler" >"$tmp/compiler.txt"
    if ! mv "$tmp" "$entry" 2>/dev/null; then
        # a concurrent setup finished the same entry first
        rm -rf "$tmp"
    fi
    echo "built $bin in $(($(date +%s) - start)) s"
fi
mkdir -p "$dest/bin"
rm -f "$stamp"
cp "$entry/$bin" "$dest/bin/$bin.tmp$$"
mv "$dest/bin/$bin.tmp$$" "$dest/bin/$bin"
printf '%s\n' "$want" >"$stamp"
[ -n "${ZKB_SETUP_QUIET:-}" ] || echo "installed: $dest/bin/$bin (from $entry)"
