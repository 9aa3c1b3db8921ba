#!/bin/sh
# Fixed-point evaluator vs onnxruntime on the six MNIST models
# (docs/performance.md, "Fixed-point evaluator throughput").
#
#   sh bench/run_eval_bench.sh [ROUNDS] [REPS]
#
# Builds bench_eval in a Release tree (BUILD, default build-bench), creates
# .venv-bench if missing (bench/setup-venv.sh), exports the models to ONNX and
# the test images to raw float32 (in WORK, default BUILD/eval-bench), then runs
# ROUNDS (default 5) rounds; each round runs, model by model, bench_eval and
# then ort_bench.py, REPS (default 10) timed passes each, so that both sides see
# the same machine load. The first round also checks every output of the fast
# evaluator against the reference evaluator. Prints the medians over rounds
# as a Markdown table; raw lines go to WORK/results.txt.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
reps=${2:-10}
build=${BUILD:-$root/build-bench}
work=${WORK:-$build/eval-bench}
threads=${THREADS:-$(nproc)}
models="784_56_10 196_25_10 196_24_14_10 cnn_28_6_16_10_5 cnn_14_5_11_80_10_3 cnn_28_6_16_120_84_10_5"

# -O3 finds more maybe-uninitialized / format-truncation warnings than the
# default RelWithDebInfo (which the test suite uses with -Werror): not fatal here.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZKB_BUILD_TESTS=OFF \
    -DCMAKE_C_FLAGS="-Wno-error=maybe-uninitialized -Wno-error=format-truncation" >/dev/null
ninja -C "$build" bench_eval >/dev/null
[ -x "$root/.venv-bench/bin/python" ] || sh "$root/bench/setup-venv.sh"
py="$root/.venv-bench/bin/python"
mkdir -p "$work"
res="$work/results.txt"
: >"$res"

for m in $models; do
    "$py" "$root/bench/onnx_export.py" "$root/models/mnist_$m.json" "$work/$m.onnx"
done
"$build/bench/bench_eval" --reps 1 --no-check --dump "$work" \
    "$root/models/mnist_784_56_10.json" "$root/models/mnist_196_25_10.json" >/dev/null
"$build/bench/bench_eval" --freq --reps 1 --no-check "$root/models/mnist_196_25_10.json" |
    grep FREQ >>"$res"

r=1
while [ "$r" -le "$rounds" ]; do
    check=--no-check
    [ "$r" -eq 1 ] && check=
    for m in $models; do
        ds=mnist
        case $m in 196_* | cnn_14_*) ds=mnist14 ;; esac
        "$build/bench/bench_eval" --reps "$reps" --threads "$threads" $check \
            "$root/models/mnist_$m.json" | grep RESULT >>"$res"
        "$py" "$root/bench/ort_bench.py" --reps "$reps" --threads "$threads" \
            "$work/$m.onnx" "$work/$ds.f32" "$work/$ds.labels" "mnist_$m.json" >>"$res"
    done
    r=$((r + 1))
done
"$build/bench/bench_eval" --freq --reps 1 --no-check "$root/models/mnist_196_25_10.json" |
    grep FREQ >>"$res"

"$py" - "$res" "$threads" <<'PYEOF'
import re, statistics, sys
rows, freqs = {}, []
for line in open(sys.argv[1]):
    if line.startswith("FREQ"):
        freqs.append(float(re.search(r"ghz=([\d.]+)", line).group(1)))
        continue
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    kind = line.split()[1]
    r = rows.setdefault(kv["model"], {"fixed": [], "ort": []})
    r[kind].append(float(kv["median_s"]))
    if kind == "fixed":
        r["meta"] = kv
cores = int(sys.argv[2])
ghz = max(freqs)
peak = cores * ghz * 1e9 * 16  # AVX-512 vpmulld: 16 int32 lanes, 1 per cycle per core
print(f"clock {ghz:.2f} GHz (max of {len(freqs)} measurements), {cores} threads, "
      f"int32 SIMD peak {peak / 1e9:.1f} G MAC/s")
print("| model | MACs/image | lanes | images/s fixed | images/s ORT | ratio | MAC/s fixed | % of int32 peak |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for name, r in rows.items():
    m = r["meta"]
    n, macs = int(m["images"]), int(m["macs"])
    tf, to = statistics.median(r["fixed"]), statistics.median(r["ort"])
    ips_f, ips_o = n / tf, n / to
    print(f"| {name.replace('mnist_', '').replace('.json', '')} | {macs:,} | {m['path']} "
          f"({m['isa']}, {m['bits']} bits) | {ips_f:,.0f} | {ips_o:,.0f} | {ips_f / ips_o:.2f}x | "
          f"{ips_f * macs / 1e9:.1f} G | {100 * ips_f * macs / peak:.1f} % |")
PYEOF
