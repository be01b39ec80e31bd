#!/usr/bin/env bash
# `npm run pack-plugin`: the plugin archive users install with
#   pulumi plugin install resource mailtrap <version> --file pulumi-resource-mailtrap-v<version>-<os>-<arch>.tar.gz
# It holds, at its root, the executable `pulumi-resource-mailtrap` (a sh script running the
# package's bin/provider/native/main.js with the `node` on PATH, Node.js >= 20) and node_modules
# with this package (packed with `npm pack`, as published) and its production dependencies at the
# versions package-lock.json holds (`npm ci --omit=dev`).
# No PulumiPlugin.yaml: with one, the CLI would run `npm install` in the plugin folder at install
# time and start the plugin through the Node.js language host instead of running the executable.
#
#   scripts/pack-plugin.sh [--out DIR]     (default DIR: bin/plugin; the build in bin/ must be current)
# Prints the archive's path as its last line.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd -P)"
out="$root/bin/plugin"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --out=*) out="${1#--out=}"; shift ;;
        *) echo "usage: scripts/pack-plugin.sh [--out DIR]" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"

[ -f "$root/bin/provider/native/main.js" ] || { echo "pack-plugin: no build in bin/: run npm run build first" >&2; exit 1; }
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os="$(uname -s | tr '[:upper:]' '[:lower:]')" ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
archive="$out/pulumi-resource-mailtrap-v${version}-${os}-${arch}.tar.gz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$stage"

echo "pack-plugin: npm pack" >&2
tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"

echo "pack-plugin: installing the production dependencies locked in package-lock.json, then $tarball" >&2
cp "$root/package.json" "$root/package-lock.json" "$stage/"
(cd "$stage" && npm ci --omit=dev --omit=optional --omit=peer --no-bin-links --ignore-scripts \
    --no-audit --no-fund --prefer-offline --loglevel=error >&2)
rm -f "$stage/package.json" "$stage/package-lock.json"
mkdir -p "$stage/node_modules/pulumi-mailtrap-tokens"
tar -xzf "$work/$tarball" -C "$stage/node_modules/pulumi-mailtrap-tokens" --strip-components=1
[ -f "$stage/node_modules/pulumi-mailtrap-tokens/bin/provider/native/main.js" ] || { echo "pack-plugin: the install holds no main.js" >&2; exit 1; }

cat >"$stage/pulumi-resource-mailtrap" <<'SCRIPT'
#!/bin/sh
# pulumi-resource-mailtrap: the Mailtrap native provider, run with the `node` on PATH (Node.js >= 20).
self="$0"
while [ -h "$self" ]; do
    link="$(readlink "$self")"
    case "$link" in /*) self="$link" ;; *) self="$(dirname -- "$self")/$link" ;; esac
done
dir="$(CDPATH= cd -- "$(dirname -- "$self")" && pwd -P)" || exit 1
if ! command -v node >/dev/null 2>&1; then
    echo "pulumi-resource-mailtrap: needs Node.js >= 20 on PATH (node not found)" >&2
    exit 1
fi
case "$(node --version 2>/dev/null)" in
    v[2-9][0-9].* | v[1-9][0-9][0-9]*) ;;
    *) echo "pulumi-resource-mailtrap: needs Node.js >= 20 on PATH (found $(node --version 2>/dev/null || echo none))" >&2; exit 1 ;;
esac
exec node "$dir/node_modules/pulumi-mailtrap-tokens/bin/provider/native/main.js" "$@"
SCRIPT
chmod 0755 "$stage/pulumi-resource-mailtrap"

echo "pack-plugin: writing $archive" >&2
rm -f "$archive"
if tar --version 2>/dev/null | grep -q "GNU tar"; then
    tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$archive" pulumi-resource-mailtrap node_modules
else
    tar -C "$stage" -czf "$archive" pulumi-resource-mailtrap node_modules
fi
packed="$(du -k "$archive" | cut -f1)"
unpacked="$(du -sk "$stage" | cut -f1)"
files="$(find "$stage" -type f | wc -l | tr -d ' ')"
echo "pack-plugin: $(basename "$archive"): ${packed} KiB packed, ${unpacked} KiB unpacked, ${files} files" >&2
echo "$archive"
