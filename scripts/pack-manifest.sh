#!/usr/bin/env bash
# scripts/pack-manifest.sh strip|restore: `npm pack` (and publish) run `prepack`, which calls
# `strip`, then `postpack`, which calls `restore`.
#
# Why: a git-URL install needs the `prepare` script (npm clones the repository, installs its
# devDependencies and runs `prepare` to compile bin/), but npm 11 lists `prepare` among the
# "install scripts not yet covered by allowScripts" of a tarball too, although it never runs it
# there, so every user installing the tarball saw a warning naming this package. The tarball's
# package.json is the file on disk when npm packs (after `prepack`), so `strip` removes `prepare`
# from it for the length of the pack and `restore` puts the file back byte for byte. npm has no
# field that changes a packed manifest (`publishConfig` holds registry settings only), hence this.
#
# `strip` also builds when bin/ is missing, which `prepare` did on a pack before. A pack that
# failed between the two leaves the saved copy behind: the next `strip` restores it first.
set -euo pipefail
cd "$(dirname "$0")/.."
SAVED=.package.json.before-pack

case "${1:-}" in
strip)
    if [ -f "$SAVED" ]; then
        echo "pack-manifest: restoring package.json left by an interrupted pack" >&2
        mv -f "$SAVED" package.json
    fi
    if [ ! -f bin/provider/index.js ]; then
        echo "pack-manifest: building bin/ for the pack" >&2
        tsc -p tsconfig.json
    fi
    cp -p package.json "$SAVED"
    # The packed manifest: package.json without scripts.prepare, same formatting otherwise.
    node -e '
        const fs = require("fs");
        const text = fs.readFileSync("package.json", "utf8");
        const manifest = JSON.parse(text);
        delete manifest.scripts.prepare;
        const indent = /^\{\n( +)"/.exec(text)?.[1] ?? "  ";
        fs.writeFileSync("package.json", JSON.stringify(manifest, null, indent) + "\n");
    '
    ;;
restore)
    if [ -f "$SAVED" ]; then mv -f "$SAVED" package.json; fi
    ;;
*)
    echo "usage: $0 strip|restore (run by npm's prepack and postpack)" >&2
    exit 2
    ;;
esac
