#!/usr/bin/env bash
# test.sh - the test suite, as CI runs it (.ci/run calls this script).
#
#   1. scripts/setup-deps.sh
#   2. build/      Ninja, RelWithDebInfo; ctest (everything)
#   3. build-asan/ -DZKB_SANITIZE=ON (ASan + UBSan); ctest without the
#                  "install" label
#   4. scripts/fuzz.sh: build-fuzz/ (clang, -DZKB_FUZZ=ON), each libFuzzer
#                  target for a few seconds (docs/fuzzing.md)
#
# Exits non-zero when a build or any test fails; both test runs happen even
# if the first one fails, so one run shows every failure.
#
# The fast part alone: ZKB_TEST_FAST=1 scripts/test.sh leaves out the tests
# labelled "integration" (those that prove with the frameworks' own tools and
# take minutes) in steps 2 and 3. CI runs everything. By hand, after a build:
# ctest --test-dir build -LE integration.
#
# Environment: JOBS (default 2), BUILD_DIR (build), ASAN_BUILD_DIR
# (build-asan), ZKB_SKIP_ASAN=1 to skip step 3, ZKB_SKIP_FUZZ=1 to skip step 4,
# ZKB_SKIP_DEPS=1 to skip step 1, ZKB_TEST_FAST=1 (above).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${JOBS:-2}
build_dir=${BUILD_DIR:-build}
asan_dir=${ASAN_BUILD_DIR:-build-asan}

scripts/setup-deps.sh
# The framework backends' tools. The suite needs them: with
# ZKB_REQUIRE_BACKENDS set, a backend test whose tools are missing fails
# instead of skipping (ZKB_REQUIRE_BACKENDS=0 runs the rest without them).
scripts/setup-node.sh
scripts/setup-python.sh
scripts/setup-native.sh
export ZKB_REQUIRE_BACKENDS=${ZKB_REQUIRE_BACKENDS:-1}

failed=()

# What the ctest runs leave out: ZKB_TEST_FAST=1 adds the "integration"
# label (one regular expression per run: with several -LE options ctest
# leaves out only the tests that match all of them).
plain_exclude=()
asan_exclude=install
if [[ "${ZKB_TEST_FAST:-0}" == "1" ]]; then
    plain_exclude=(-LE integration)
    asan_exclude='install|integration'
fi

# Keep the log short: ninja >= 1.11 can print only command output (errors).
quiet=()
if ninja --help 2>&1 | grep -q -- '--quiet'; then
    quiet=(-- --quiet)
fi

# A build directory configured with another generator cannot be reused:
# drop its cache (only the cache; object files are rebuilt as needed).
reset_if_other_generator() { # dir
    local cache=$1/CMakeCache.txt
    if [[ -f "$cache" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$cache"; then
        echo "note: $1/ was configured with another generator; reconfiguring it"
        rm -rf "$cache" "$1/CMakeFiles"
    fi
}

configure_and_build() { # dir, cmake options...
    local dir=$1
    shift
    echo "== configure and build $dir/"
    reset_if_other_generator "$dir"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
        cmake --build "$dir" -j "$jobs" "${quiet[@]}"
}

# ctest exits non-zero on a failed test; keep going and remember it.
run_ctest() { # dir, ctest options...
    local dir=$1
    shift
    echo "== ctest in $dir/"
    (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@")
}

if configure_and_build "$build_dir"; then
    run_ctest "$build_dir" "${plain_exclude[@]}" || failed+=("tests in $build_dir/")
else
    failed+=("build of $build_dir/")
fi

if [[ "${ZKB_SKIP_ASAN:-0}" != "1" ]]; then
    # Leak checking stays on; UBSan stops at the first error.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    if configure_and_build "$asan_dir" -DZKB_SANITIZE=ON; then
        run_ctest "$asan_dir" -LE "$asan_exclude" || failed+=("tests in $asan_dir/")
    else
        failed+=("build of $asan_dir/")
    fi
fi

if [[ "${ZKB_SKIP_FUZZ:-0}" != "1" ]]; then
    echo "== fuzz (scripts/fuzz.sh)"
    scripts/fuzz.sh || failed+=("fuzz run (scripts/fuzz.sh)")
fi

if ((${#failed[@]} > 0)); then
    printf -v list '%s; ' "${failed[@]}"
    echo "test.sh: FAILED: ${list%; }" >&2
    exit 1
fi
echo "test.sh: all passed"
