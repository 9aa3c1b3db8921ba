#!/bin/sh
# setup.sh DEST [REQUIREMENTS]
#
# The ezkl backend's toolchain: a Python virtual environment in DEST with
# ezkl, onnx and numpy from PyPI, pinned by REQUIREMENTS (default:
# requirements.txt beside this script, as installed in
# share/zkmlbench/ezkl/). Nothing is done when DEST/.zkb-requirements.txt
# (a copy of the pins, written last) equals them and ezkl imports. Run by
# `zkbench setup ezkl`, and by scripts/setup-python.sh in a source tree.
# PYTHON: the interpreter to make the environment from (default python3).
# ZKB_SETUP_QUIET=1: say nothing when there is nothing to do.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$1
req=${2:-$here/requirements.txt}
py=${PYTHON:-python3}
stamp=$dest/.zkb-requirements.txt

if [ -f "$stamp" ] && cmp -s "$stamp" "$req" && [ -x "$dest/bin/python" ] &&
    "$dest/bin/python" -c "import ezkl, onnx" >/dev/null 2>&1; then
    [ -n "${ZKB_SETUP_QUIET:-}" ] || echo "up to date: $dest"
    exit 0
fi
if ! command -v "$py" >/dev/null 2>&1; then
    echo "$py not found (set PYTHON to a Python 3 interpreter)" >&2
    exit 1
fi
if ! "$py" -c "import venv, ensurepip" >/dev/null 2>&1; then
    echo "'$py -m venv' does not work (Debian: apt-get install python3-venv)" >&2
    exit 1
fi
rm -f "$stamp"
if [ ! -x "$dest/bin/python" ]; then
    "$py" -m venv "$dest"
fi
echo "pip install into $dest (pinned by $req)"
"$dest/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
"$dest/bin/python" -c "import ezkl, onnx"
cp "$req" "$stamp"
echo "installed: $dest ($("$dest/bin/python" -c 'import ezkl, onnx; print("ezkl", ezkl.__version__, "onnx", onnx.__version__)'))"
