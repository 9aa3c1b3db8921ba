#!/usr/bin/env bash
# setup-python.sh - install the EZKL backend's Python packages (ezkl, onnx,
# numpy; versions pinned by tools/python/requirements.txt) into a
# project-local virtual environment, .venv/ at the repository root.
# Idempotent and quiet: when .venv already matches the requirements file (a
# stamp holds its hash) and `import ezkl, onnx` works, it returns at once.
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
req="$root/tools/python/requirements.txt"
stamp="$venv/.zkb-requirements-sha256"
py=${PYTHON:-python3}

want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]] &&
    "$venv/bin/python" -c "import ezkl, onnx" >/dev/null 2>&1; then
    exit 0
fi

if ! command -v "$py" >/dev/null 2>&1; then
    echo "setup-python: warning: $py not found; the ezkl backend will be unavailable" >&2
    exit 0
fi

venv_works() { "$py" -c "import venv, ensurepip" >/dev/null 2>&1; }
if ! venv_works; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=()
        if [[ "$(id -u)" != "0" ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo); fi
        echo "setup-python: installing python3-venv"
        export DEBIAN_FRONTEND=noninteractive
        { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; } || true
    fi
    if ! venv_works; then
        echo "setup-python: warning: '$py -m venv' does not work (install python3-venv);" \
            "the ezkl backend will be unavailable" >&2
        exit 0
    fi
fi

echo "setup-python: pip install -r tools/python/requirements.txt into .venv (ezkl, onnx)"
if [[ ! -x "$venv/bin/python" ]]; then
    "$py" -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"; then
    echo "setup-python: warning: pip install failed; the ezkl backend will be unavailable" >&2
    exit 0
fi
"$venv/bin/python" -c "import ezkl, onnx" || {
    echo "setup-python: warning: ezkl installed but does not import here" >&2
    exit 0
}
echo "$want" >"$stamp"
echo "setup-python: done ($("$venv/bin/python" -c 'import ezkl, onnx; print("ezkl", ezkl.__version__, "onnx", onnx.__version__)'))"
