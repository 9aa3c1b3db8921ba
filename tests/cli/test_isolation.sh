#!/usr/bin/env bash
# A plugin whose zkb_plugin_init crashes, aborts, exits or hangs, placed on the
# search path beside the reference plugin, takes no zkbench command down: each
# is rejected with its reason and the reference backend still runs.
#   test_isolation.sh ZKBENCH SOURCE_DIR CRASH_PLUGIN_DIR
# (ZKB_PLUGIN_PATH is set by ctest: CRASH_PLUGIN_DIR, then zkb_reference.so.)
set -u
zkbench=$1 src=$2 crash=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; sed 's/^/    /' "$tmp/out"; failures=$((failures + 1)); }
want() { grep -Eq -- "$1" "$tmp/out" || fail "output lacks '$1'"; }

[[ ${ZKB_PLUGIN_PATH:-} == *"$crash"* ]] || { echo "FAIL: ZKB_PLUGIN_PATH does not hold $crash"; exit 1; }

"$zkbench" list >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[[ $rc -eq 0 ]] || fail "list: exit $rc"
want "^reference .* available"
want "^rejected +$crash/bad_init_crash.so: zkb_plugin_init crashed: signal 11 \(SIGSEGV\)"
want "^rejected +$crash/bad_init_abort.so: zkb_plugin_init crashed: signal 6 \(SIGABRT\)"
want "^rejected +$crash/bad_init_exit.so: zkb_plugin_init exited with status 0 instead of returning"
want "^rejected +$crash/bad_init_hang.so: zkb_plugin_init did not return within [0-9]+ s"

"$zkbench" run -q --models "$src/models/tiny/tiny_dense.json" --backends reference --out "$tmp/run" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[[ $rc -eq 0 ]] || fail "run -b reference: exit $rc"
grep -q '"status":"ok"' "$tmp/run/results.jsonl" 2>/dev/null || fail "run -b reference: no ok cell in results.jsonl"

if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok"
