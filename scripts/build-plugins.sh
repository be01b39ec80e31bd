#!/usr/bin/env bash
# `npm run build-plugins`: the native provider as one self-contained executable per platform, each
# in the archive `pulumi plugin install` and the CLI's automatic download expect:
#   pulumi-resource-mailtrap-v<version>-<os>-<arch>.tar.gz   (the executable and LICENSE at its root;
#   windows-amd64 holds pulumi-resource-mailtrap.exe)
# for linux-amd64, linux-arm64, darwin-amd64, darwin-arm64 and windows-amd64. No Node.js, no
# node_modules and no shell is needed where it runs.
#
# How: `bun build --compile` bundles provider/native/main.ts (the gRPC service, the lifecycle, the
# client, the settings and getApiTokens's listing; of @pulumi/pulumi only its proto modules) into
# one file and appends it to a Bun runtime; scripts/check-plugin-bundle.js fails the build when the
# bundle holds anything else of this package (the emulator, policy pack, migration, dynamic class). One runtime, Bun, for every platform: its binaries
# are npm packages (@oven/bun-<platform>), fetched with `npm pack` (the registry is what these
# machines reach) into the cache folder and handed to `--compile-executable-path`, so
# cross-compiling downloads nothing else. x64 targets use Bun's "baseline" builds (no AVX2
# needed: older CPUs, Rosetta 2). Linux builds need glibc (not musl/Alpine).
#
# macOS: the darwin-arm64 executable carries the ad-hoc signature Bun writes; the darwin-amd64 one
# keeps the runtime's Developer ID signature, which appending the code broke, so it is re-signed
# ad hoc with `rcodesign` (crates.io: apple-codesign; .ci/build-rcodesign.sh builds and caches it),
# found in RCODESIGN, on PATH or in the cache folder. Every darwin executable's signature is then
# checked page by page (scripts/check-macho-signature.py). When darwin-amd64 is to be built and no
# rcodesign is found, the script stops at once, before building anything, naming the command that
# builds it (`bash .ci/build-rcodesign.sh`: cargo, many minutes the first time, then cached);
# --build-rcodesign runs that command instead, and --platform leaves darwin-amd64 out.
#
#   scripts/build-plugins.sh [--out DIR] [--platform OS-ARCH]... [--build-rcodesign] [--check]
#     (default: bin/plugins, all five)
#     --build-rcodesign   build rcodesign with .ci/build-rcodesign.sh when none is found
#     --check             only check the platforms and find (or build) rcodesign; build nothing
#   PULUMI_MAILTRAP_CACHE   the cache folder (default: ~/.cache/pulumi-mailtrap-tokens)
# Steps are announced on stderr, a failure names its step; the archives' paths go to stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
source "$root/.ci/build-lib.sh"
build_start build-plugins

BUN_VERSION=1.4.5
ALL_PLATFORMS=(linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64)
CACHE="${PULUMI_MAILTRAP_CACHE:-$HOME/.cache/pulumi-mailtrap-tokens}"

out="$root/bin/plugins"
platforms=()
build_rcodesign=0
check_only=0
while [ $# -gt 0 ]; do
    case "$1" in
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --platform) platforms+=("$2"); shift 2 ;;
    --platform=*) platforms+=("${1#--platform=}"); shift ;;
    --build-rcodesign) build_rcodesign=1; shift ;;
    --check) check_only=1; shift ;;
    *) echo "usage: scripts/build-plugins.sh [--out DIR] [--platform OS-ARCH]... [--build-rcodesign] [--check] (OS-ARCH: ${ALL_PLATFORMS[*]})" >&2; exit 2 ;;
    esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=("${ALL_PLATFORMS[@]}")

# bun_package OS-ARCH: the npm package (without @oven/) of Bun's runtime for a Pulumi platform.
bun_package() {
    case "$1" in
    linux-amd64) echo bun-linux-x64-baseline ;;
    linux-arm64) echo bun-linux-aarch64 ;;
    darwin-amd64) echo bun-darwin-x64-baseline ;;
    darwin-arm64) echo bun-darwin-aarch64 ;;
    windows-amd64) echo bun-windows-x64-baseline ;;
    *) return 1 ;;
    esac
}
for platform in "${platforms[@]}"; do
    bun_package "$platform" >/dev/null || { echo "build-plugins: unknown platform $platform (one of: ${ALL_PLATFORMS[*]})" >&2; exit 2; }
done

# rcodesign: RCODESIGN, else on PATH, else the one .ci/build-rcodesign.sh cached. darwin-amd64 needs
# it (see above): without it the script stops here, before fetching or building anything.
rcodesign="${RCODESIGN:-$(command -v rcodesign || true)}"
[ -n "$rcodesign" ] || rcodesign="$(ls "$CACHE"/rcodesign-*/bin/rcodesign 2>/dev/null | tail -n 1 || true)"
if [[ " ${platforms[*]} " == *" darwin-amd64 "* ]]; then
    announce "checking for rcodesign (darwin-amd64 is signed ad hoc with it)"
    if [ -n "$rcodesign" ] && [ ! -x "$rcodesign" ]; then
        echo "build-plugins: $rcodesign is not an executable" >&2
        false
    fi
    if [ -z "$rcodesign" ] && [ "$build_rcodesign" = 1 ]; then
        announce "building rcodesign with .ci/build-rcodesign.sh (cargo; many minutes the first time, then cached)"
        rcodesign="$(bash "$root/.ci/build-rcodesign.sh")/bin/rcodesign"
    fi
    if [ -z "$rcodesign" ]; then
        {
            echo "build-plugins: darwin-amd64 is signed ad hoc with rcodesign, which is not in RCODESIGN, on PATH or in $CACHE."
            echo "Build it once (Rust's cargo; many minutes the first time, then cached in $CACHE), then run this again:"
            echo "    bash .ci/build-rcodesign.sh"
            echo "or let this command build it (--build-rcodesign, e.g. npm run release -- --build-rcodesign),"
            echo "or leave darwin-amd64 out (--platform OS-ARCH for each of the others)."
        } >&2
        false
    fi
fi
if [ "$check_only" = 1 ]; then
    echo "build-plugins: ready to build ${platforms[*]}${rcodesign:+ (rcodesign: $rcodesign)}" >&2
    exit 0
fi

# bun_runtime PACKAGE: the path of its executable in the cache, fetched on first use.
bun_runtime() {
    local package="$1" dir="$CACHE/bun-$BUN_VERSION/$1" exe work tarball
    exe="$dir/bun"
    [[ "$package" == *windows* ]] && exe="$dir/bun.exe"
    if [ ! -f "$exe" ]; then
        announce "fetching @oven/$package@$BUN_VERSION from the npm registry"
        mkdir -p "$CACHE/bun-$BUN_VERSION"
        # Unpacked beside the cache and renamed into place: parallel runs never see half a folder.
        work="$(mktemp -d "$CACHE/bun-$BUN_VERSION/.$package.XXXXXX")"
        tarball="$(cd "$work" && npm pack "@oven/$package@$BUN_VERSION" --silent --no-fund --no-audit)"
        tar -xzf "$work/$tarball" -C "$work"
        mkdir -p "$work/$package"
        mv "$work/package/bin/$(basename "$exe")" "$work/$package/"
        mv -T "$work/$package" "$dir" 2>/dev/null || [ -f "$exe" ]
        rm -rf "$work"
    fi
    echo "$exe"
}

announce "finding the Bun that builds (this machine's)"
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) host=linux-amd64 ;;
Linux-aarch64) host=linux-arm64 ;;
*) echo "build-plugins: builds on Linux x64 or arm64 only, not $(uname -s)-$(uname -m)" >&2; false ;;
esac
bun="$(bun_runtime "$(bun_package "$host")")"
[ "$("$bun" --version)" = "$BUN_VERSION" ] || { echo "build-plugins: $bun is not Bun $BUN_VERSION" >&2; false; }

version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for platform in "${platforms[@]}"; do
    package="$(bun_package "$platform")"
    runtime="$(bun_runtime "$package")"
    exe=pulumi-resource-mailtrap
    [ "${platform%%-*}" = windows ] && exe=pulumi-resource-mailtrap.exe
    stage="$work/$platform"
    mkdir -p "$stage"

    announce "compiling $platform"
    # The target names the runtime's platform; --compile-executable-path supplies that runtime.
    (cd "$root" && "$bun" build provider/native/main.ts --compile --minify \
        --target="$package" --compile-executable-path="$runtime" \
        --define "MAILTRAP_PLUGIN_VERSION=\"$version\"" \
        --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
        --metafile="$work/$platform.meta.json" \
        --outfile "$stage/$exe" >"$work/$platform.log" 2>&1) || { cat "$work/$platform.log" >&2; false; }
    node "$root/scripts/check-plugin-bundle.js" "$work/$platform.meta.json"

    if [ "${platform%%-*}" = darwin ]; then
        announce "checking the signature of $platform"
        if ! python3 "$root/scripts/check-macho-signature.py" "$stage/$exe" >&2; then
            [ -n "$rcodesign" ] || { echo "build-plugins: $platform needs an ad-hoc signature: put rcodesign on PATH (bash .ci/build-rcodesign.sh) or build without it (--platform)" >&2; false; }
            announce "signing $platform ad hoc with $rcodesign"
            # rcodesign keeps the runtime's flags and entitlements (JIT, hardened runtime), as Bun's own signature had them.
            "$rcodesign" sign --binary-identifier pulumi-resource-mailtrap "$stage/$exe" >"$work/$platform.sign.log" 2>&1 || { cat "$work/$platform.sign.log" >&2; false; }
            python3 "$root/scripts/check-macho-signature.py" "$stage/$exe" >&2
        fi
    fi

    announce "packing $platform"
    cp "$root/LICENSE" "$stage/"
    archive="$out/pulumi-resource-mailtrap-v${version}-${platform}.tar.gz"
    rm -f "$archive"
    chmod 0755 "$stage/$exe"
    # Reproducible: fixed owner, order and times.
    tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0 -cf - "$exe" LICENSE | gzip -n -6 >"$archive"
    echo "build-plugins: $(basename "$archive"): $(du -k "$archive" | cut -f1) KiB packed, $(du -sk "$stage" | cut -f1) KiB unpacked" >&2
    echo "$archive"
done
