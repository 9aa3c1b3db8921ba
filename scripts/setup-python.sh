#!/usr/bin/env bash
# setup-python.sh - in a source tree, make the project's virtual environment
# .venv/ at the repository root: the EZKL backend's packages (ezkl, onnx,
# numpy; pinned by tools/python/requirements.txt), through the backend's own
# plugins/ezkl/setup.sh (what `zkbench setup ezkl` runs for an installed
# zkbench), plus the development pins of tools/python/requirements-dev.txt
# (pytest, for the Python bindings' tests). Idempotent and quiet: when .venv
# already matches both files (copies of them are its stamps), it returns at
# once. The build tree links .venv into the ezkl data directory.
#
#   scripts/setup-python.sh               install or check
#   ZKB_SKIP_PYTHON=1 scripts/...         do nothing
#   PYTHON=python3.11 scripts/...         interpreter to build the venv from
#
# Without a working `python3 -m venv` (Debian: python3-venv) it tries apt
# through scripts/setup-deps.sh's way (root or sudo), else warns and exits 0:
# the ezkl backend then reports itself unavailable and its tests skip.
set -euo pipefail

if [[ "${ZKB_SKIP_PYTHON:-0}" == "1" ]]; then
    exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
dev_req="$root/tools/python/requirements-dev.txt"
dev_stamp="$venv/.zkb-requirements-dev.txt"
py=${PYTHON:-python3}

if ! command -v "$py" >/dev/null 2>&1; then
    echo "setup-python: warning: $py not found; the ezkl backend will be unavailable" >&2
    exit 0
fi

venv_works() { "$py" -c "import venv, ensurepip" >/dev/null 2>&1; }
if ! venv_works && command -v apt-get >/dev/null 2>&1; then
    sudo=()
    if [[ "$(id -u)" != "0" ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo); fi
    echo "setup-python: installing python3-venv"
    export DEBIAN_FRONTEND=noninteractive
    { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; } || true
fi

export ZKB_SETUP_QUIET=1 PYTHON="$py"
if ! sh "$root/plugins/ezkl/setup.sh" "$venv" "$root/tools/python/requirements.txt"; then
    echo "setup-python: warning: the ezkl environment could not be made; the ezkl backend will be unavailable" >&2
    exit 0
fi
if [[ -f "$dev_stamp" ]] && cmp -s "$dev_stamp" "$dev_req"; then
    exit 0
fi
echo "setup-python: pip install -r tools/python/requirements-dev.txt into .venv"
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$dev_req"; then
    echo "setup-python: warning: pip install of the development pins failed" >&2
    exit 0
fi
cp "$dev_req" "$dev_stamp"
