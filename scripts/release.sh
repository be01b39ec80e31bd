#!/usr/bin/env bash
# `npm run release`: every artifact of a release, into one folder, with their SHA-256 checksums:
#   bin/release/<version>/
#     pulumi-resource-mailtrap-v<version>-<os>-<arch>.tar.gz   the plugin per platform (npm run build-plugins)
#     pulumi_mailtrap-<version>-py3-none-any.whl, pulumi_mailtrap-<version>.tar.gz   the Python SDK
#     mailtrap-tokens-pulumi-mailtrap-<version>.tgz            the Node.js SDK
#     pulumi-mailtrap-tokens-<version>.tgz                      the dynamic provider's npm package
#     pulumi-mailtrap-schema-v<version>.json                    the package schema (sdk/schema.json)
#     SHA256SUMS                                                `sha256sum -c SHA256SUMS` checks them
# The Go SDK is no file: Go installs it from the repository at the tag sdk/go/v<version>
# (.github/workflows/release.yml pushes it). The version is package.json's, the one place it is set.
#
#   scripts/release.sh [--out DIR] [--platform OS-ARCH]... [--build-rcodesign] [--no-check] [--no-build]
#     --platform          only these plugin platforms (default: all that build-plugins builds)
#     --build-rcodesign   build rcodesign (.ci/build-rcodesign.sh) if none is found
#     --no-check          skip `npm run check-sdk` (CI runs it as a step of its own; a release runs it)
#     --no-build          take bin/ as built (tests/release.test.ts: jest's other files read bin/ meanwhile)
#   RELEASE_TAG    when set (the workflow sets the pushed tag), it must be v<version>
# The darwin-amd64 plugin is signed with rcodesign: when it is to be built and none is found (in
# RCODESIGN, on PATH or in the cache), the script stops before building anything, naming the
# command that builds it (`bash .ci/build-rcodesign.sh`).
# Steps are announced on stderr, a failure names its step; the folder goes to stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=.ci/build-lib.sh
source "$root/.ci/build-lib.sh"
build_start release
cd "$root"

out=""
check=1
build=1
plugin_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --out) out="$2"; shift 2 ;;
    --platform) plugin_args+=(--platform "$2"); shift 2 ;;
    --build-rcodesign) plugin_args+=(--build-rcodesign); shift ;;
    --no-check) check=0; shift ;;
    --no-build) build=0; shift ;;
    *) echo "usage: scripts/release.sh [--out DIR] [--platform OS-ARCH]... [--build-rcodesign] [--no-check] [--no-build]" >&2; exit 2 ;;
    esac
done
version="$(node -p 'require("./package.json").version')"
out="${out:-$root/bin/release/$version}"

announce "checking the version ($version) against RELEASE_TAG"
if [ -n "${RELEASE_TAG:-}" ] && [ "$RELEASE_TAG" != "v$version" ]; then
    echo "release: the tag $RELEASE_TAG is not v$version, package.json's version" >&2
    false
fi

announce "checking for rcodesign, which signs darwin-amd64 (scripts/build-plugins.sh --check)"
bash scripts/build-plugins.sh --check "${plugin_args[@]}"

announce "emptying $out"
rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [ "$check" = 1 ]; then
    announce "npm run check-sdk (the schema and SDKs are schema.ts's)"
    npm run --silent check-sdk
fi

if [ "$build" = 1 ]; then
    announce "npm run build"
    npm run --silent build
fi

announce "npm run build-plugins (the plugin archives)"
npm run --silent build-plugins -- --out "$out" "${plugin_args[@]}" >/dev/null

announce "the Python SDK (wheel and sdist)"
bash scripts/build-sdk.sh python "$out" >/dev/null

announce "the Node.js SDK (tarball)"
bash scripts/build-sdk.sh nodejs "$out" >/dev/null

announce "the schema"
cp sdk/schema.json "$out/pulumi-mailtrap-schema-v$version.json"

announce "npm pack (the dynamic provider's package)"
# The lock of tests/harness/packedInstall.ts: `npm pack` rewrites package.json while it packs
# (scripts/pack-manifest.sh), so packs never overlap; a lock older than ten minutes is a killed run's.
lock="$root/.pack.lock"
until mkdir "$lock" 2>/dev/null; do
    if [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then rm -rf "$lock"; fi
    sleep 0.2
done
trap 'rm -rf "$lock"' EXIT
npm pack --silent --pack-destination "$out" >/dev/null
rm -rf "$lock"
trap - EXIT

announce "SHA256SUMS"
(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
(cd "$out" && sha256sum --quiet -c SHA256SUMS)

announce "done"
(cd "$out" && ls -l | tail -n +2 | awk '{ printf "release:   %10d  %s\n", $5, $9 }') >&2
echo "$out"
