#!/usr/bin/env bash
# What `zkbench run` guarantees when things go wrong (docs/reliability.md):
# a full disk or an unwritable directory (exit 4, no torn record), a second
# writer (exit 5), SIGINT/SIGTERM (exit 130/143, nothing recorded, nothing
# left behind, the next run resumes), a killed run's scratch cleaned by the
# next, and plugin text escaped in the summary.
#   test_run_reliability.sh ZKBENCH SOURCE_DIR TEST_PLUGIN_DIR
set -u
set -m # background runs in process groups of their own, SIGINT not ignored
zkbench=$1
src=$2
tp=$3
tmp=$(mktemp -d)
chmod 755 "$tmp" # for the run as an unprivileged user below
bg=()
cleanup() {
    for p in "${bg[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
passes=0
export ZKB_PLUGIN_PATH="$tp/rt_leave_behind.so:$tp/bad_escape_msg.so:${ZKB_PLUGIN_PATH:-}"
dense=$src/models/tiny/tiny_dense.json
cnn=$src/models/tiny/tiny_cnn.json
maxpool=$src/models/tiny/tiny_maxpool.json

pass() { passes=$((passes + 1)); }
fail() {
    echo "FAIL: $1"
    [[ -f $tmp/out ]] && sed 's/^/    /' "$tmp/out"
    failures=$((failures + 1))
}

check() { # description, expected exit code, command...
    local what=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>&1
    local got=$?
    if [[ $got -ne $want ]]; then fail "$what: exit $got, expected $want"; else pass; fi
}

expect_text() { # description, extended regexp (in the last command's output)
    if grep -Eq -- "$2" "$tmp/out"; then pass; else fail "$1: output lacks '$2'"; fi
}

gone() { # pid: not running (or a zombie nobody reaped yet)
    local i
    for i in $(seq 50); do
        [[ ! -e /proc/$1 ]] && return 0
        [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]] && return 0
        sleep 0.02
    done
    kill -9 "$1" 2>/dev/null
    return 1
}

wait_for_file() { # path: up to 20 s
    local i
    for i in $(seq 400); do
        [[ -s $1 ]] && return 0
        sleep 0.05
    done
    return 1
}

scratch_empty() { # out dir
    [[ -z $(find "$1/scratch" -mindepth 1 -maxdepth 1 ! -name '*.kept' 2>/dev/null) ]]
}

# ---- a full disk: RLIMIT_FSIZE leaves room for part of one more record ----
out=$tmp/full
check "a first record" 0 "$zkbench" run -q -m "$dense" -b reference --out "$out"
cp "$out/results.jsonl" "$tmp/before.jsonl"
blocks=$(($(stat -c %s "$out/results.jsonl") / 1024 + 1))
check "a full disk stops the run" 4 bash -c 'ulimit -f "$1"; shift; exec "$@"' _ "$blocks" \
    "$zkbench" run -q -m "$dense,$cnn,$maxpool" -b reference --out "$out"
expect_text "the cell whose record was lost is marked" "tiny_cnn +ok! .*NOT SAVED"
expect_text "the cells after it did not run" "tiny_maxpool +not run"
expect_text "the error names the cell and the cause" "cell 1 \(reference, .*tiny_cnn.json\): its ok record was not saved: .*File too large"
if cmp -s "$out/results.jsonl" "$tmp/before.jsonl"; then pass; else fail "results.jsonl changed: a torn record?"; fi
check "with room again, the run completes" 0 "$zkbench" run -q -m "$dense,$cnn,$maxpool" -b reference --out "$out"
[[ $(wc -l <"$out/results.jsonl") -eq 3 ]] && pass || fail "3 records expected after the resumed run"

# ---- an unwritable out directory (as an unprivileged user: root writes anywhere) ----
ro=$tmp/readonly
mkdir -p "$ro"
chmod 555 "$ro"
as_user=()
[[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [[ $(id -u) -ne 0 || ${#as_user[@]} -gt 0 ]]; then
    mkdir -p "$tmp/nobody-cache"
    [[ ${#as_user[@]} -gt 0 ]] && chown 65534 "$tmp/nobody-cache"
    check "an unwritable out directory" 4 env ZKB_CACHE_DIR="$tmp/nobody-cache" "${as_user[@]}" \
        "$zkbench" run -q -m "$dense" -b reference --out "$ro"
    expect_text "it says why" "cannot write in .*readonly.*Permission denied"
    [[ ! -e $ro/results.jsonl ]] && pass || fail "a results file appeared in a read-only directory"
    check "an out directory that cannot be made" 4 env ZKB_CACHE_DIR="$tmp/nobody-cache" "${as_user[@]}" \
        "$zkbench" run -q -m "$dense" -b reference --out "$ro/sub"
fi

# ---- a second writer is refused; merge and report still read; SIGINT stops the first ----
out=$tmp/busy
check "records to read" 0 "$zkbench" run -q -m "$dense" -b reference --out "$out"
cp "$out/results.jsonl" "$tmp/before.jsonl"
pidfile=$tmp/orphan.pid
ZKB_TEST_ORPHAN_PID_FILE=$pidfile "$zkbench" run -q -m "$cnn" -b rt_leave_behind -o rt_leave_behind.mode=orphan_hang \
    --out "$out" >"$tmp/first.out" 2>&1 &
first=$!
bg+=("$first")
if wait_for_file "$pidfile"; then pass; else fail "the hanging cell did not start"; fi
check "a second writer is refused" 5 "$zkbench" run -q -m "$dense,$maxpool" -b reference --out "$out"
expect_text "the refusal names the writer" "being written by another run \(pid $first on host "
check "report reads a file being written" 0 "$zkbench" report -q "$out" --out "$tmp/report"
check "merge reads a file being written" 0 "$zkbench" merge "$tmp/merged.jsonl" "$out/results.jsonl"
kill -INT "$first"
wait "$first"
rc=$?
[[ $rc -eq 130 ]] && pass || fail "SIGINT: exit $rc, expected 130"
cp "$tmp/first.out" "$tmp/out"
expect_text "the interrupted cell is shown" "tiny_cnn +interrupted"
expect_text "the signal is named" "interrupted by signal 2"
gone "$(cat "$pidfile")" && pass || fail "SIGINT: the cell's setsid() grandchild outlived the run"
scratch_empty "$out" && pass || fail "SIGINT: the cell's scratch directory is left"
cmp -s "$out/results.jsonl" "$tmp/before.jsonl" && pass || fail "SIGINT: results.jsonl changed"
check "the lock is released" 0 "$zkbench" run -q -m "$dense,$maxpool" -b reference --out "$out"
expect_text "the next run resumes" "tiny_dense +skipped"

# ---- SIGTERM ----
rm -f "$pidfile"
ZKB_TEST_ORPHAN_PID_FILE=$pidfile "$zkbench" run -q -m "$cnn" -b rt_leave_behind -o rt_leave_behind.mode=orphan_hang \
    --out "$out" >"$tmp/first.out" 2>&1 &
first=$!
bg+=("$first")
wait_for_file "$pidfile"
kill -TERM "$first"
wait "$first"
rc=$?
[[ $rc -eq 143 ]] && pass || fail "SIGTERM: exit $rc, expected 143"
gone "$(cat "$pidfile")" && pass || fail "SIGTERM: the cell's setsid() grandchild outlived the run"
scratch_empty "$out" && pass || fail "SIGTERM: the cell's scratch directory is left"

# ---- kill -9: nothing of the cell lives on; the next run removes its scratch ----
rm -f "$pidfile"
ZKB_TEST_ORPHAN_PID_FILE=$pidfile "$zkbench" run -q -m "$cnn" -b rt_leave_behind -o rt_leave_behind.mode=orphan_hang \
    --out "$out" >/dev/null 2>&1 &
first=$!
bg+=("$first")
wait_for_file "$pidfile"
kill -9 "$first"
wait "$first" 2>/dev/null
gone "$(cat "$pidfile")" && pass || fail "kill -9 of the runner: the cell's setsid() grandchild lives on"
scratch_empty "$out" && fail "kill -9 left no scratch directory to clean (test broken?)" || pass
check "the next run" 0 "$zkbench" run -q -m "$dense" -b reference --out "$out"
scratch_empty "$out" && pass || fail "the scratch directory of the killed run is still there"

# ---- plugin text in the summary: escaped as in the JSON record ----
check "a failing cell" 1 "$zkbench" run -q -m "$dense" -b bad_escape_msg --out "$tmp/escape"
if grep -q $'\e' "$tmp/out" || grep -q $'\r' "$tmp/out" || grep -q $'\xc2\x9b' "$tmp/out"; then
    fail "the summary prints the plugin's control characters"
else
    pass
fi
expect_text "newlines are escaped" 'first line\\nsecond line\\r\\u001b\[2J\\u001b\[31mred\\u001b\[0m \\u009b6n end'
expect_text "a plugin's warning is logged with its escape escaped" 'a warning\\u001b\[2J with an escape'

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
