#!/usr/bin/env bash
# scripts/build-sdk.sh LANGUAGE OUT_DIR: builds the release artifact of a generated SDK into OUT_DIR
# and prints its path(s) on stdout, one a line:
#   python   pulumi_mailtrap-<version>-py3-none-any.whl and pulumi_mailtrap-<version>.tar.gz
#            (`python -m build`; `build` from PyPI in a venv cached beside the CLI)
#   nodejs   mailtrap-tokens-pulumi-mailtrap-<version>.tgz (tsc, then `npm pack` of the compiled folder,
#            as Pulumi's own provider SDKs are packed), on Node 22 (scripts/install-node.sh)
# The version is the schema's, which is package.json's (scripts/gen-sdk.sh). The SDK folder is
# copied first: building leaves nothing in sdk/. Steps are announced on stderr; a failure names the step.
#   NODE_SDK_NODE   the Node.js that compiles the Node.js SDK (default 22.23.5: @pulumi/pulumi >= 3.269 needs 22)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=.ci/build-lib.sh
source "$root/.ci/build-lib.sh"

LANGUAGE="${1:-}"
OUT="${2:-}"
if [ -z "$LANGUAGE" ] || [ -z "$OUT" ]; then
    echo "usage: scripts/build-sdk.sh python|nodejs OUT_DIR" >&2
    exit 2
fi
build_start "build-sdk[$LANGUAGE]"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
CACHE="${PULUMI_MAILTRAP_CACHE:-$HOME/.cache/pulumi-mailtrap-tokens}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"

# cached DIR FUNCTION: unless DIR is whole, FUNCTION fills a temporary folder beside it (its
# argument), which is then renamed to DIR: builds running at once (CI's lanes) never share a
# half-made folder; the one that loses the race uses the winner's.
cached() {
    local dir="$1" fill="$2" tmp
    [ -d "$dir" ] && return 0
    mkdir -p "$(dirname "$dir")"
    tmp="$(mktemp -d "$dir.tmp.XXXXXX")"
    "$fill" "$tmp"
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    [ -d "$dir" ]
}

fill_build_venv() {
    python3 -m venv "$1"
    "$1/bin/python" -m pip install --quiet --disable-pip-version-check build >&2
}

build_python() {
    # Renamed after it is made: only its scripts' shebangs name the old path, and `$venv/bin/python -m build` uses none.
    local venv="$CACHE/python-build-venv"
    [ -d "$venv" ] || announce "creating $venv with \`build\` from PyPI"
    cached "$venv" fill_build_venv
    announce "python -m build (wheel and sdist of $version)"
    cp -R "$root/sdk/python" "$WORK/python"
    rm -rf "$WORK/python/build" "$WORK/python/dist" "$WORK/python"/*.egg-info
    "$venv/bin/python" -m build --outdir "$WORK/dist" "$WORK/python" >"$WORK/build.log" 2>&1 || {
        tail -n 30 "$WORK/build.log" >&2
        false
    }
    announce "checking the wheel holds the package, its README and its version"
    local wheel="$WORK/dist/pulumi_mailtrap-$version-py3-none-any.whl" sdist="$WORK/dist/pulumi_mailtrap-$version.tar.gz"
    [ -f "$wheel" ] && [ -f "$sdist" ]
    "$venv/bin/python" - "$wheel" "$version" <<'EOF'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
meta = zipfile.ZipFile(wheel).read(f"pulumi_mailtrap-{version}.dist-info/METADATA").decode()
assert "pulumi_mailtrap/pulumi-plugin.json" in names, "no pulumi-plugin.json in the wheel"
assert f"Version: {version}" in meta, "the wheel's version is not package.json's"
assert "Description-Content-Type: text/markdown" in meta and "# Mailtrap API tokens for Pulumi" in meta, "no README in the wheel's metadata"
EOF
    mv "$wheel" "$sdist" "$OUT/"
    echo "$OUT/$(basename "$wheel")"
    echo "$OUT/$(basename "$sdist")"
}

fill_sdk_modules() {
    cp "$WORK/nodejs/package.json" "$1/"
    (cd "$1" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
}

fill_floor_modules() {
    (cd "$1" && echo '{}' >package.json && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@pulumi/pulumi@$FLOOR" >&2)
}

build_nodejs() {
    local node_version="${NODE_SDK_NODE:-22.23.5}" node_bin
    announce "Node.js $node_version"
    node_bin="$(bash "$root/scripts/install-node.sh" "$node_version")"
    export PATH="$node_bin:$PATH"
    cp -R "$root/sdk/nodejs" "$WORK/nodejs"
    rm -rf "$WORK/nodejs/node_modules" "$WORK/nodejs/bin"
    # The SDK's declared dependencies (the newest @pulumi/pulumi of its range), kept per package.json
    # and Node version: a later build with the same manifest reuses them.
    local key modules
    key="$(cat "$WORK/nodejs/package.json" | sha256sum | cut -c1-16)"
    modules="$CACHE/sdk-nodejs-modules/node-$node_version-$key"
    [ -d "$modules" ] || announce "npm install of the SDK's dependencies (into $modules)"
    cached "$modules" fill_sdk_modules
    ln -s "$modules/node_modules" "$WORK/nodejs/node_modules"
    local pulumi_version floor
    pulumi_version="$(node -p 'require(process.argv[1]).version' "$modules/node_modules/@pulumi/pulumi/package.json")"
    announce "tsc on @pulumi/pulumi $pulumi_version, the newest of the declared range"
    (cd "$WORK/nodejs" && node node_modules/typescript/bin/tsc -p tsconfig.json)
    # The range's floor too: a compile error there means the declared range is wrong.
    floor="$(node -p '/>=\s*(\d+\.\d+\.\d+)/.exec(require(process.argv[1]).dependencies["@pulumi/pulumi"])[1]' "$WORK/nodejs/package.json")"
    local floor_modules="$CACHE/sdk-nodejs-modules/pulumi-$floor"
    [ -d "$floor_modules" ] || announce "npm install @pulumi/pulumi@$floor (the range's floor, into $floor_modules)"
    FLOOR="$floor" cached "$floor_modules" fill_floor_modules
    announce "tsc --noEmit on @pulumi/pulumi $floor, the floor of the declared range"
    # A copy of the sources whose node_modules is the floor's; typescript and @types/node are the build's.
    mkdir "$WORK/nodejs-floor"
    (cd "$WORK/nodejs" && tar --exclude=./node_modules --exclude=./bin -cf - .) | tar -xf - -C "$WORK/nodejs-floor"
    ln -s "$floor_modules/node_modules" "$WORK/nodejs-floor/node_modules"
    (cd "$WORK/nodejs-floor" && node "$modules/node_modules/typescript/bin/tsc" -p tsconfig.json --noEmit --typeRoots "$modules/node_modules/@types")
    announce "npm pack of the compiled SDK"
    cp "$WORK/nodejs/package.json" "$WORK/nodejs/README.md" "$WORK/nodejs/bin/"
    cp "$root/LICENSE" "$WORK/nodejs/bin/"
    local tarball
    tarball="$(cd "$WORK/nodejs/bin" && npm pack --silent --pack-destination "$OUT")"
    echo "$OUT/$tarball"
}

case "$LANGUAGE" in
python) build_python ;;
nodejs) build_nodejs ;;
*)
    echo "build-sdk: no SDK artifact for $LANGUAGE (python, nodejs; the Go SDK is the committed sdk/go)" >&2
    exit 2
    ;;
esac
