#!/usr/bin/env bash
# zkbench conformance on one plugin, with the outcome it must have.
#   test_conformance.sh ZKBENCH PLUGIN.so MODE [PATTERN...]
# MODE pass:    exit 0, no FAIL line (a backend that is unavailable here passes
#               as such: probe PASS with its reason, the rest SKIP)
#      backend: as pass, but an unavailable backend skips the test (exit 77),
#               or fails it when ZKB_REQUIRE_BACKENDS is set (not 0)
#      fail:    exit 1 with at least one FAIL line
# With ZKB_CONFORMANCE_CHECKS set, exactly that many checks must be reported.
# Every PATTERN (grep -E) must appear in the output, except "allow:CHECK":
# a FAIL of CHECK is a known, reported bug of that adapter and tolerated
# (it is still printed), and "arg:ARG": ARG is passed to zkbench conformance
# (e.g. arg:--memory-cap=512M).
set -u
zkbench=$1 plugin=$2 mode=$3
shift 3
allowed=()
patterns=()
args=()
for p in "$@"; do
    case $p in
    allow:*) allowed+=("${p#allow:}") ;;
    arg:*) args+=("${p#arg:}") ;;
    *) patterns+=("$p") ;;
    esac
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$zkbench" conformance --timeout 600 "${args[@]}" "$plugin" >"$out" 2>&1
rc=$?
cat "$out"
fail() { echo "FAIL: $*"; exit 1; }
if [[ $mode == backend ]] && grep -q '^PASS  probe .*unavailable' "$out"; then
    req=${ZKB_REQUIRE_BACKENDS:-0}
    [[ $req != 0 ]] && fail "ZKB_REQUIRE_BACKENDS is set but $(basename "$plugin") is unavailable"
    echo "SKIP: backend unavailable here"
    exit 77
fi
case $mode in
pass | backend)
    unexpected=$(grep '^FAIL ' "$out" | awk '{print $2}' | while read -r c; do
        ok=0
        for a in "${allowed[@]}"; do [[ $c == "$a" ]] && ok=1; done
        [[ $ok -eq 1 ]] && echo "known failure (tolerated): $c" >&2 || echo "$c"
    done)
    [[ -z $unexpected ]] || fail "checks failed: $unexpected"
    [[ $rc -eq 0 || ( $rc -eq 1 && ${#allowed[@]} -gt 0 ) ]] || fail "exit $rc, expected 0"
    grep -q '^PASS  load ' "$out" || fail "load did not pass"
    grep -Eq '^(PASS|SKIP)  stdout ' "$out" || fail "the plugin wrote to stdout"
    ;;
fail)
    [[ $rc -eq 1 ]] || fail "exit $rc, expected 1"
    grep -q '^FAIL ' "$out" || fail "no FAIL line"
    ;;
*) fail "unknown mode $mode" ;;
esac
# As many checks whatever happened (those that could not run are SKIP).
n=$(grep -Ec '^(PASS|FAIL|SKIP)  ' "$out")
if [[ -n ${ZKB_CONFORMANCE_CHECKS:-} && $n -ne $ZKB_CONFORMANCE_CHECKS ]]; then
    fail "$n checks reported, expected $ZKB_CONFORMANCE_CHECKS"
fi
for p in "${patterns[@]}"; do
    grep -Eq -- "$p" "$out" || fail "output lacks '$p'"
done
echo "ok"
