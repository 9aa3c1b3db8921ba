#!/bin/sh
# npm_setup.sh LOCK_DIR DEST FILE...
#
# Installs the npm packages that LOCK_DIR/package.json and
# LOCK_DIR/package-lock.json pin into DEST/node_modules (`npm ci`), unless
# DEST already holds that lock file's install: DEST/node_modules/
# .zkb-package-lock.json (a copy of the lock file, written last) equals it
# and every FILE (relative to DEST/node_modules) exists. The circom and noir
# backends' setup.sh call it (`zkbench setup`, scripts/setup-node.sh).
# ZKB_SETUP_QUIET=1: say nothing when there is nothing to do.
set -eu
lock_dir=$1
dest=$2
shift 2
stamp=$dest/node_modules/.zkb-package-lock.json

installed() {
    [ -f "$stamp" ] && cmp -s "$stamp" "$lock_dir/package-lock.json" || return 1
    for f in "$@"; do
        [ -e "$dest/node_modules/$f" ] || return 1
    done
}

if installed "$@"; then
    [ -n "${ZKB_SETUP_QUIET:-}" ] || echo "up to date: $dest/node_modules"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "node and npm are needed (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
mkdir -p "$dest"
if [ "$(cd "$lock_dir" && pwd -P)" != "$(cd "$dest" && pwd -P)" ]; then
    cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$dest/"
fi
rm -f "$stamp"
echo "npm ci in $dest (pinned by $lock_dir/package-lock.json)"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
for f in "$@"; do
    if [ ! -e "$dest/node_modules/$f" ]; then
        echo "npm ci did not install $f" >&2
        exit 1
    fi
done
cp "$lock_dir/package-lock.json" "$stamp"
echo "installed: $dest/node_modules"
