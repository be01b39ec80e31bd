#!/usr/bin/env bash
# Builds rcodesign (the crates.io package apple-codesign, pinned) into a cache folder outside the
# clone and prints the folder holding it. scripts/build-plugins.sh uses it to sign the darwin-amd64
# plugin ad hoc: appending the bundled code breaks the Bun runtime's own signature there (Bun
# re-signs only its arm64 output). A later run with the same version reuses it. `cargo install`
# compiles a few hundred crates: long the first time on two cores; cache the folder in CI.
# Each step is announced on stderr; a failure names the step.
#   RCODESIGN_CACHE  where it goes (default: <the cache>/rcodesign-<version>, the cache being
#                    PULUMI_MAILTRAP_CACHE or $HOME/.cache/pulumi-mailtrap-tokens, where
#                    scripts/build-plugins.sh looks for it)
set -euo pipefail

VERSION=0.29.0

dir="${RCODESIGN_CACHE:-${PULUMI_MAILTRAP_CACHE:-${HOME}/.cache/pulumi-mailtrap-tokens}/rcodesign-${VERSION}}"
# shellcheck source=.ci/build-lib.sh
source "$(dirname "$0")/build-lib.sh"
build_start rcodesign
reuse_if_built "$dir" bin/rcodesign

announce "checking for cargo"
command -v cargo >/dev/null || {
    echo "rcodesign: cargo is not installed; install Rust (rustup) to build it" >&2
    exit 1
}

announce "building apple-codesign ${VERSION} with cargo install --locked (many minutes the first time)"
# Built beside the cache and moved into place: a parallel run never sees half a folder.
mkdir -p "$(dirname "$dir")"
work="$(mktemp -d "$(dirname "$dir")/.rcodesign-${VERSION}.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Without the default "notarize" feature (the AWS SDK it pulls is most of the build): only ad-hoc
# signing is needed. One job by default: the machine is shared, and the result is cached.
CARGO_TARGET_DIR="$work/target" cargo install apple-codesign --version "=${VERSION}" --locked --no-default-features \
    --root "$work/root" -j "${RCODESIGN_JOBS:-1}" 2>&1 | tail -n 3 >&2

announce "checking that it runs"
"$work/root/bin/rcodesign" --version >&2

announce "installing into $dir"
mkdir -p "$work/install/bin"
mv "$work/root/bin/rcodesign" "$work/install/bin/rcodesign"
mv -T "$work/install" "$dir" 2>/dev/null || [ -x "$dir/bin/rcodesign" ]
echo "$dir"
