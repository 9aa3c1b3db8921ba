#!/usr/bin/env bash
# relocated_install_test.sh BUILD_DIR SOURCE_DIR
#
# The acceptance test of a relocatable install (ctest install_relocated,
# label "install"), as a new user would meet it:
#   1. `cmake --install` into a temporary prefix, then move the prefix;
#   2. no installed file names the source or the build tree (debug
#      information aside);
#   3. with the source and build trees hidden (a private mount namespace
#      with an empty tmpfs over them; when the kernel does not allow one,
#      the test says so and relies on 2.): `zkbench list` says how to make
#      each framework backend available, `zkbench setup` installs their
#      toolchains into a fresh toolchain directory, then `zkbench list`
#      shows every backend available and one tiny-model cell on each of
#      reference, circom, noir, ezkl and gnark ends ok.
# Downloads the npm and PyPI packages the lock files pin (npm's and pip's
# caches make a second run fast); the gnark driver comes from the build
# cache outside any checkout (plugins/common/native_setup.sh), or is built
# from the Go module proxy.
set -euo pipefail

build=$(cd "$1" && pwd -P)
src=$(cd "$2" && pwd -P)
tmp=$(mktemp -d /tmp/zkb-relocated.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

echo "== install into $tmp/first, then move it to $tmp/moved"
cmake --install "$build" --prefix "$tmp/first" >/dev/null
mv "$tmp/first" "$tmp/moved"
prefix=$tmp/moved

echo "== no installed file names $src or $build"
found=()
while IFS= read -r -d '' f; do
    probe=$f
    magic=$(head -c 7 "$f" | od -An -c | tr -d ' ')
    if [[ "$magic" == 177ELF* || "$magic" == "!<arch>" ]]; then # objects, archives
        probe=$tmp/stripped
        objcopy --strip-debug "$f" "$probe"
    fi
    if grep -q -a -F -e "$src" -e "$build" "$probe"; then
        found+=("${f#"$prefix"/}")
    fi
done < <(find "$prefix" -type f -print0)
((${#found[@]} == 0)) || fail "installed files name the source or build tree: ${found[*]}"

mkdir -p "$tmp/models"
cp "$src/models/tiny/tiny_dense.json" "$tmp/models/"

# Runs in the hidden view of the trees: everything it needs is under $tmp.
cat >"$tmp/as_user.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
tmp=$1
zkbench=$tmp/moved/bin/zkbench
cd "$tmp"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
unset ZKB_PLUGIN_PATH ZKB_LIBRARY ZKB_CIRCOM_TOOLS_DIR ZKB_NOIR_TOOLS_DIR ZKB_NOIR_DRIVER \
    ZKB_EZKL_PYTHON ZKB_EZKL_DRIVER ZKB_GNARK_DRIVER ZKB_DATA_DIR LD_LIBRARY_PATH PYTHONPATH VIRTUAL_ENV
export ZKB_TOOLCHAIN_DIR=$tmp/toolchains ZKB_CACHE_DIR=$tmp/cache

echo "== zkbench list before setup"
"$zkbench" list | tee list0.txt
for b in circom noir ezkl gnark; do
    grep -q "^$b .*unavailable: .*zkbench setup $b" list0.txt ||
        fail "before setup, '$b' should be unavailable and name 'zkbench setup $b'"
done

echo "== zkbench setup"
"$zkbench" setup || fail "zkbench setup failed"

echo "== zkbench list after setup"
"$zkbench" list | tee list1.txt
for b in reference circom noir ezkl gnark; do
    grep -q "^$b .* available" list1.txt || fail "after setup, '$b' is not listed as available"
done
if grep -q "unavailable\|^rejected" list1.txt; then
    fail "after setup a backend is still unavailable or rejected"
fi

echo "== one tiny-model cell on each backend"
"$zkbench" run -q --models models/tiny_dense.json --backends reference,circom,noir,ezkl,gnark \
    --samples 1 --timeout 600 --out results || fail "zkbench run failed (exit $?)"
for b in reference circom noir ezkl gnark; do
    grep -q "\"status\":\"ok\",\"backend\":{\"name\":\"$b\"" results/results.jsonl ||
        fail "no ok cell for $b in results/results.jsonl"
done
echo "all five cells ok"
EOF
chmod +x "$tmp/as_user.sh"

hide=("$src")
case "$build/" in
"$src"/*) ;;
*) hide+=("$build") ;;
esac
mounts=""
for d in "${hide[@]}"; do
    mounts+="mount -t tmpfs -o size=1m zkb-hidden '$d' && "
done
if unshare --mount --propagation private true 2>/dev/null; then
    echo "== with ${hide[*]} hidden (private mount namespace)"
    unshare --mount --propagation private \
        bash -c "$mounts test ! -e '$src/CMakeLists.txt' && exec '$tmp/as_user.sh' '$tmp'"
else
    echo "note: no private mount namespace here (unshare -m refused); the trees stay" \
        "visible and the check above that no installed file names them stands in"
    "$tmp/as_user.sh" "$tmp"
fi
echo "install_relocated: passed"
