#!/bin/sh
# Creates .venv-bench (project-local) with the pinned Python packages used by
# bench/onnx_export.py and bench/ort_bench.py (docs/performance.md).
#   sh bench/setup-venv.sh [python3]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
py=${1:-python3}
venv="$here/.venv-bench"
if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
    printf "*\n" > "$venv/.gitignore" # never committed (as Python >= 3.13 does itself)
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    numpy==2.4.6 onnx==1.23.1 onnxruntime==1.30.0
"$venv/bin/python" -c 'import onnx, onnxruntime, numpy; print("onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__, "numpy", numpy.__version__)'
