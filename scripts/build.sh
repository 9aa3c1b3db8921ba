#!/usr/bin/env bash
# build.sh - install dependencies, configure and build (Ninja, RelWithDebInfo).
#
#   scripts/build.sh [extra cmake -D options...]
#
# Environment: BUILD_DIR (default build), BUILD_TYPE (RelWithDebInfo),
# JOBS (2), ZKB_SKIP_DEPS=1 to skip scripts/setup-deps.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
build_type=${BUILD_TYPE:-RelWithDebInfo}
jobs=${JOBS:-2}

# A build directory configured with another generator cannot be reused:
# drop its cache (only the cache; object files are rebuilt as needed).
reset_if_other_generator() { # dir
    local cache=$1/CMakeCache.txt
    if [[ -f "$cache" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$cache"; then
        echo "note: $1/ was configured with another generator; reconfiguring it"
        rm -rf "$cache" "$1/CMakeFiles"
    fi
}

scripts/setup-deps.sh
reset_if_other_generator "$build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
echo "build: done in $build_dir/ (CLI: $build_dir/cli/zkbench)"
