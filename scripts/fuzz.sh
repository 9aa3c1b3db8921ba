#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets (tests/fuzz/) with clang in their own
# build directory and run each one for a few seconds on its corpus. Exits
# non-zero when the build fails or any target crashes (sanitizer report,
# broken invariant, timeout, out-of-memory, leak). docs/fuzzing.md has the
# longer runs and how to reproduce a crash.
#
#   scripts/fuzz.sh                       every target, FUZZ_TIME seconds each
#   scripts/fuzz.sh fuzz_idx fuzz_onnx    only these targets
#   FUZZ_TIME=600 scripts/fuzz.sh         a longer run
#
# Environment: FUZZ_BUILD_DIR (build-fuzz), FUZZ_TIME (5; seconds per target),
# JOBS (2; build jobs and targets fuzzed at once), FUZZ_CC / FUZZ_CXX (clang /
# clang++), FUZZ_ARGS (extra libFuzzer options, e.g. "-use_value_profile=1").
#
# Under $FUZZ_BUILD_DIR: seeds/<target>/ (rewritten each run by
# tests/fuzz/make_seeds.py), corpus/<target>/ (inputs the fuzzer found; kept
# between runs), artifacts/<target>/ (crash-*, timeout-*, oom-*, leak-*),
# logs/<target>.log. tests/fuzz/regressions/<target>/ (in the repository), when
# present, is run every time as part of the corpus.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dir=${FUZZ_BUILD_DIR:-build-fuzz}
fuzz_time=${FUZZ_TIME:-5}
jobs=${JOBS:-2}
cc=${FUZZ_CC:-clang}
cxx=${FUZZ_CXX:-clang++}
read -r -a extra <<<"${FUZZ_ARGS:-}"

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz.sh: $cc not found (scripts/setup-deps.sh installs clang and libclang-rt-14-dev;" \
        "ZKB_SKIP_FUZZ=1 skips this step in scripts/test.sh)" >&2
    exit 1
fi
command -v "$cxx" >/dev/null 2>&1 || cxx=$(command -v c++ || echo g++)

start=$SECONDS
mkdir -p "$dir"
cache=$dir/CMakeCache.txt
if [[ -f "$cache" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$cache"; then
    echo "note: $dir/ was configured with another generator; reconfiguring it"
    rm -rf "$cache" "$dir/CMakeFiles"
fi
echo "== configure and build $dir/ (clang, libFuzzer + ASan + UBSan)"
if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DZKB_FUZZ=ON \
    -DZKB_BUILD_TESTS=OFF -DZKB_BUILD_EXAMPLES=OFF >"$dir/configure.log" 2>&1; then
    cat "$dir/configure.log" >&2
    echo "fuzz.sh: configure failed" >&2
    exit 1
fi
quiet=()
if ninja --help 2>&1 | grep -q -- '--quiet'; then
    quiet=(-- --quiet)
fi
cmake --build "$dir" -j "$jobs" --target fuzz "${quiet[@]}"
echo "   built in $((SECONDS - start)) s"

mapfile -t available <"$dir/tests/fuzz/fuzz_targets.txt"
if (($# > 0)); then
    targets=("$@")
    for t in "${targets[@]}"; do
        if [[ ! -x "$dir/tests/fuzz/$t" ]]; then
            echo "fuzz.sh: no fuzz target $t (built: ${available[*]})" >&2
            exit 2
        fi
    done
else
    targets=("${available[@]}")
fi

python3 tests/fuzz/make_seeds.py "$dir/seeds"

# Leak checks on; UBSan errors already abort (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() { # target
    local t=$1
    local bin=$dir/tests/fuzz/$t
    local corpus=$dir/corpus/$t art=$dir/artifacts/$t log=$dir/logs/$t.log
    mkdir -p "$corpus" "$art" "$dir/logs"
    local args=(-max_total_time="$fuzz_time" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$art/")
    [[ -f tests/fuzz/$t.dict ]] && args+=(-dict="tests/fuzz/$t.dict")
    local dirs=("$corpus" "$dir/seeds/$t")
    [[ -d tests/fuzz/regressions/$t ]] && dirs+=("tests/fuzz/regressions/$t")
    "$bin" "${args[@]}" "${extra[@]}" "${dirs[@]}" >"$log" 2>&1
}

# Run up to $jobs targets at once; remember each one's exit status.
declare -A status=()
fuzz_start=$SECONDS
echo "== fuzz ${targets[*]} (${fuzz_time} s each, $jobs at a time)"
pids=()
names=()
for t in "${targets[@]}"; do
    run_target "$t" &
    pids+=($!)
    names+=("$t")
    if ((${#pids[@]} >= jobs)); then
        for i in "${!pids[@]}"; do
            if wait "${pids[$i]}"; then status[${names[$i]}]=0; else status[${names[$i]}]=$?; fi
        done
        pids=()
        names=()
    fi
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then status[${names[$i]}]=0; else status[${names[$i]}]=$?; fi
done

failed=()
for t in "${targets[@]}"; do
    log=$dir/logs/$t.log
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
    n=$(find "$dir/corpus/$t" -type f | wc -l)
    if [[ "${status[$t]}" == "0" ]]; then
        printf '   %-16s ok: %s runs, cov %s, corpus %s\n' "$t" "${runs:-?}" "${cov:-?}" "$n"
    else
        failed+=("$t")
        printf '   %-16s FAILED (exit %s); log: %s\n' "$t" "${status[$t]}" "$log"
        # The report: from the sanitizer's or libFuzzer's first line on.
        sed -n '/==[0-9]*==ERROR\|runtime error\|fuzz invariant failed\|==[0-9]*== ERROR/,$p' "$log" |
            head -n 60 | sed 's/^/     | /'
        crash=$(grep -o 'Test unit written to .*' "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
        if [[ -n "$crash" ]]; then
            echo "     reproduce: $dir/tests/fuzz/$t $crash"
        fi
    fi
done
echo "   fuzzed in $((SECONDS - fuzz_start)) s; fuzz.sh total $((SECONDS - start)) s"

if ((${#failed[@]} > 0)); then
    echo "fuzz.sh: FAILED: ${failed[*]} (see docs/fuzzing.md: reproduce, then add the input" \
        "to tests/fuzz/regressions/<target>/ once fixed)" >&2
    exit 1
fi
echo "fuzz.sh: all targets passed"
