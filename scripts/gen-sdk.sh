#!/usr/bin/env bash
# The SDKs of the native provider, generated from its package schema (provider/native/schema.ts):
#   scripts/gen-sdk.sh           (npm run gen-sdk)    rewrites sdk/<language> for each language below
#   scripts/gen-sdk.sh --check   (npm run check-sdk)  generates into a temporary folder and fails when
#                                                     the committed sdk/<language> differs
# Steps: compile schema.ts and what it imports (tsc, into a temporary folder: bin/ is not used), dump
# packageSchema(<package.json version>) as JSON, build and run the generator sdk/codegen (Go, the
# pinned github.com/pulumi/pulumi/pkg/v3 codegen; the same build flags as .ci/build-pulumi-cli.sh,
# so they share Go's build cache). Each step is announced on stderr; a failure names the step.
set -euo pipefail

LANGUAGES=(python nodejs)

root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-write}"
case "$mode" in
    write | --check) ;;
    *) echo "usage: scripts/gen-sdk.sh [--check]" >&2; exit 2 ;;
esac
# shellcheck source=.ci/build-lib.sh
source "$root/.ci/build-lib.sh"
build_start gen-sdk
go_workspace
work="$BUILD_WORK"

announce "compiling provider/native/schema.ts"
cd "$root"
node_modules/.bin/tsc provider/native/schema.ts --outDir "$work/js" --rootDir . --module commonjs --target ES2020 --lib ES2022 \
    --moduleResolution node --strict --skipLibCheck --types node --esModuleInterop

announce "writing the schema of version $(node -p 'require("./package.json").version')"
node -e '
const { packageSchema } = require(process.argv[1]);
const version = require("./package.json").version;
require("fs").writeFileSync(process.argv[2], JSON.stringify(packageSchema(version), null, 2) + "\n");
' "$work/js/provider/native/schema.js" "$work/schema.json"

require_go
announce "building the generator sdk/codegen"
(cd sdk/codegen && go build -trimpath -o "$work/codegen" .)

announce "generating: ${LANGUAGES[*]}"
"$work/codegen" -schema "$work/schema.json" -out "$work/sdk" -languages "$(IFS=,; echo "${LANGUAGES[*]}")"

if [ "$mode" = "--check" ]; then
    stale=()
    for language in "${LANGUAGES[@]}"; do
        # What building or installing from the folder leaves there is not part of the SDK.
        # Python: *.egg-info, build, dist, __pycache__, *.pyc; Node.js: node_modules, bin (tsc's output).
        if ! diff -r -x '*.egg-info' -x build -x dist -x __pycache__ -x '*.pyc' -x node_modules -x bin "sdk/$language" "$work/sdk/$language" >"$work/$language.diff" 2>&1; then
            stale+=("sdk/$language")
            head -n 40 "$work/$language.diff" >&2
        fi
    done
    if [ "${#stale[@]}" -gt 0 ]; then
        BUILD_STEP="comparing"
        echo "check-sdk: ${stale[*]} is not what provider/native/schema.ts generates: run \`npm run gen-sdk\` and commit the result" >&2
        exit 1
    fi
    echo "check-sdk: sdk/{$(IFS=,; echo "${LANGUAGES[*]}")} match provider/native/schema.ts" >&2
else
    for language in "${LANGUAGES[@]}"; do
        rm -rf "sdk/$language"
        cp -R "$work/sdk/$language" "sdk/$language"
    done
    echo "gen-sdk: wrote $(printf 'sdk/%s ' "${LANGUAGES[@]}")" >&2
fi
