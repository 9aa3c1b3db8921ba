#!/bin/sh
# Creates the two Python venvs that regenerate the ONNX fixtures
# (tests/onnx/make_fixtures.py) and run bench/onnx_accuracy.py, from PyPI, outside
# the source tree:
#
#   ${ZKB_CACHE_DIR:-$HOME/.cache/zkmlbench}/onnx-exporters/torch   requirements-torch.txt
#   ${ZKB_CACHE_DIR:-$HOME/.cache/zkmlbench}/onnx-exporters/tf      requirements-tf.txt
#
#   sh tests/onnx/setup_exporters.sh [torch] [tf]      (default: both)
#
# Each venv is stamped with the SHA-256 of its requirement file and the Python
# version: a second run with the same pins does nothing; changed pins rebuild the
# venv from scratch. $PYTHON picks the interpreter (default python3.11, else
# python3: TensorFlow 2.15 has wheels for CPython 3.9-3.11 only). About 6 GB
# (torch pulls PyPI's CUDA runtime packages, unused) and 1.5 GB on disk.
# CI does not run this: it uses the committed fixtures only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${ZKB_CACHE_DIR:-${HOME:?}/.cache/zkmlbench}/onnx-exporters
if [ -n "${PYTHON:-}" ]; then
    py=$PYTHON
elif command -v python3.11 >/dev/null 2>&1; then
    py=python3.11
else
    py=python3
fi
pyver=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') || {
    echo "setup_exporters: cannot run $py (set \$PYTHON)" >&2
    exit 1
}
case $pyver in
3.9.* | 3.10.* | 3.11.*) ;;
*) echo "setup_exporters: warning: Python $pyver; tensorflow-cpu 2.15 needs 3.9-3.11" >&2 ;;
esac

sha256() { sha256sum "$1" | cut -d' ' -f1; }

setup() { # name
    req=$here/requirements-$1.txt
    venv=$root/$1
    stamp="$(sha256 "$req") python-$pyver"
    if [ -x "$venv/bin/python" ] && [ -f "$venv/.zkb-stamp" ] &&
        [ "$(cat "$venv/.zkb-stamp")" = "$stamp" ]; then
        echo "$1: up to date ($venv)"
        return 0
    fi
    echo "$1: installing $(grep -c '==' "$req") pinned packages into $venv"
    rm -rf "$venv"
    mkdir -p "$root"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-input -r "$req"
    case $1 in
    torch) check='import torch, onnx, onnxruntime, onnxscript, sklearn, skl2onnx, numpy
print("torch", torch.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__, "skl2onnx", skl2onnx.__version__)' ;;
    tf) check='import os; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow, tf2onnx, onnx, onnxruntime, numpy
print("tensorflow", tensorflow.__version__, "tf2onnx", tf2onnx.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__)' ;;
    esac
    "$venv/bin/python" -c "$check"
    printf '%s\n' "$stamp" >"$venv/.zkb-stamp"
    echo "$1: ready ($venv)"
}

[ $# -gt 0 ] || set -- torch tf
for name in "$@"; do
    case $name in
    torch | tf) setup "$name" ;;
    *)
        echo "usage: setup_exporters.sh [torch] [tf]" >&2
        exit 2
        ;;
    esac
done
