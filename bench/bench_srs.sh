#!/bin/sh
# Powers of tau, side by side in one run (docs/performance.md, "Powers of tau"):
# snarkjs's chain (powersoftau new bn128 P, contribute, prepare phase2) and the
# native testing-only generator (zkbench srs ptau) at SNARKJS_POWER, then the
# native one alone at each of NATIVE_POWERS. Wall time, CPU time and peak RSS
# from /usr/bin/time -v; the load average before and after (the machine is
# shared). TESTING ONLY files, written to a temporary directory and removed.
#
#   bench/bench_srs.sh [ZKBENCH]          (default build-srs/cli/zkbench)
#   SNARKJS_POWER=14 NATIVE_POWERS="16 20" THREADS=0 bench/bench_srs.sh
#   SNARKJS_POWER=0 skips snarkjs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
zkbench=${1:-$here/build-srs/cli/zkbench}
snarkjs_power=${SNARKJS_POWER:-14}
native_powers=${NATIVE_POWERS:-16 20}
threads=${THREADS:-0}
snarkjs_js=${SNARKJS_JS:-$here/tools/node/node_modules/snarkjs/build/cli.cjs}
work=$(mktemp -d /tmp/zkb-bench-srs-XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

[ -x "$zkbench" ] || { echo "bench_srs: no zkbench at $zkbench" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_srs: needs GNU time (/usr/bin/time)" >&2; exit 2; }

# measure LABEL SIZE_FILE cmd...: one table row
measure() {
    label=$1; file=$2; shift 2
    /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || {
        echo "bench_srs: $label failed:" >&2; tail -20 "$work/out.txt" >&2; exit 1; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')
    user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
    sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    size=0
    [ -n "$file" ] && [ -f "$file" ] && size=$(stat -c %s "$file")
    printf '| %s | %s | %.1f | %.0f | %.1f |\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" \
        "$(echo "$rss / 1024" | bc)" "$(echo "$size / 1048576" | bc -l)"
    echo "$wall" > "$work/last_wall"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "zkbench: $zkbench; threads: $threads"
echo
echo '| step | wall s | CPU s | peak RSS MB | file MB |'
echo '| --- | --- | --- | --- | --- |'
sj_total=""
if [ "$snarkjs_power" -gt 0 ]; then
    node=${NODE:-node}
    p=$snarkjs_power
    measure "snarkjs powersoftau new bn128 $p" "$work/sj0.ptau" \
        "$node" --max-old-space-size=16384 "$snarkjs_js" powersoftau new bn128 "$p" "$work/sj0.ptau"
    w1=$(cat "$work/last_wall")
    measure "snarkjs powersoftau contribute" "$work/sj1.ptau" \
        "$node" --max-old-space-size=16384 "$snarkjs_js" powersoftau contribute "$work/sj0.ptau" \
        "$work/sj1.ptau" --name=bench "-e=zkmlbench bench testing only"
    w2=$(cat "$work/last_wall")
    rm -f "$work/sj0.ptau"
    measure "snarkjs powersoftau prepare phase2" "$work/sj2.ptau" \
        "$node" --max-old-space-size=16384 "$snarkjs_js" powersoftau prepare phase2 "$work/sj1.ptau" \
        "$work/sj2.ptau"
    w3=$(cat "$work/last_wall")
    rm -f "$work/sj1.ptau" "$work/sj2.ptau"
    sj_total=$(echo "$w1 + $w2 + $w3" | bc)
    printf '| **snarkjs chain, 2^%s** | **%s** | | | |\n' "$p" "$sj_total"
    measure "**zkbench srs ptau --power $p**" "$work/n$p.ptau" \
        "$zkbench" srs ptau --power "$p" --seed bench --threads "$threads" "$work/n$p.ptau"
    nat=$(cat "$work/last_wall")
    rm -f "$work/n$p.ptau"
fi
for p in $native_powers; do
    measure "zkbench srs ptau --power $p" "$work/n$p.ptau" \
        "$zkbench" srs ptau --power "$p" --seed bench --threads "$threads" "$work/n$p.ptau"
    rm -f "$work/n$p.ptau"
done
echo
[ -n "$sj_total" ] && echo "speed-up at 2^$snarkjs_power: $(echo "scale=1; $sj_total / $nat" | bc)x"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
