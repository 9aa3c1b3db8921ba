#!/usr/bin/env bash
# setup-deps.sh - install the Debian/Ubuntu packages zkmlbench needs to build
# and test. Idempotent and quiet: when every package is already installed it
# only checks (dpkg-query) and returns at once.
#
#   scripts/setup-deps.sh            install what is missing
#   ZKB_SKIP_DEPS=1 scripts/...      do nothing (e.g. on a machine you manage)
#
# Runs as root, or through sudo when that is available. On a system without
# dpkg it only says which packages to look for.
set -euo pipefail

packages=(
    build-essential gcc g++ cmake ninja-build pkg-config
    libcjson-dev libxxhash-dev zlib1g-dev libssl-dev libcmocka-dev
    valgrind python3 python3-venv # python3-venv: scripts/setup-python.sh (the ezkl backend)
    protobuf-c-compiler libprotobuf-c-dev
    clang libclang-rt-14-dev # scripts/fuzz.sh: libFuzzer (libclang_rt.fuzzer-x86_64.a)
)
# The circom backend's npm tools (scripts/setup-node.sh); only when no node is installed at all.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

if [[ "${ZKB_SKIP_DEPS:-0}" == "1" ]]; then
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup-deps: not a Debian-based system; install these (or equivalents) yourself:" >&2
    echo "  ${packages[*]}" >&2
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

if [[ "$(id -u)" == "0" ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once, then install; -qq keeps apt quiet, errors
# still show.
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
