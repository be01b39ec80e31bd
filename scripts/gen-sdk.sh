#!/usr/bin/env bash
# The native provider's package schema and SDKs, generated from provider/native/schema.ts:
#   scripts/gen-sdk.sh           (npm run gen-sdk)    rewrites sdk/schema.json and sdk/<language> for each language below
#   scripts/gen-sdk.sh --check   (npm run check-sdk)  generates into a temporary folder and fails when
#                                                     the committed files differ, then builds and vets
#                                                     the Go SDK and examples/go-basic against it
# Steps: compile schema.ts and what it imports (tsc, into a temporary folder: bin/ is not used), dump
# packageSchema(<package.json version>) as JSON, build and run the generator sdk/codegen (Go, the
# pinned github.com/pulumi/pulumi/pkg/v3 codegen; the same build flags as .ci/build-pulumi-cli.sh,
# so they share Go's build cache), then finish what the generators leave to a build: the Python
# SDK's README beside its pyproject.toml (which names it), and the Go SDK's go.sum (`go mod tidy`).
# Each step is announced on stderr; a failure names the step.
set -euo pipefail

LANGUAGES=(python nodejs go)

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
    --moduleResolution node --strict --skipLibCheck --types node --esModuleInterop --resolveJsonModule

version="$(node -p 'require("./package.json").version')"
announce "writing the schema of version $version"
mkdir -p "$work/sdk"
node -e '
const { packageSchema } = require(process.argv[1]);
require("fs").writeFileSync(process.argv[2], JSON.stringify(packageSchema(process.argv[3]), null, 2) + "\n");
' "$work/js/provider/native/schema.js" "$work/sdk/schema.json" "$version"

require_go
announce "building the generator sdk/codegen"
(cd sdk/codegen && go build -trimpath -o "$work/codegen" .)

announce "generating: ${LANGUAGES[*]}"
"$work/codegen" -schema "$work/sdk/schema.json" -out "$work/sdk" -languages "$(IFS=,; echo "${LANGUAGES[*]}")"

# pyproject.toml names README.md beside it; the generator writes the README into the package folder.
announce "copying the Python SDK's README beside its pyproject.toml"
cp "$work/sdk/python/pulumi_mailtrap/README.md" "$work/sdk/python/README.md"

# The generator writes go.mod requiring github.com/pulumi/pulumi/sdk/v3 v3.269.0, whose dependency
# pulumi-cloud-sdk v1.20260918.0 the module proxy refuses (403, "not available"); so the SDK requires
# the sdk version the generator itself is built with (sdk/codegen/go.mod), then gets its go.sum.
pulumi_sdk="$(cd sdk/codegen && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)"
announce "go mod tidy in the Go SDK (github.com/pulumi/pulumi/sdk/v3 $pulumi_sdk; its go.sum)"
(cd "$work/sdk/go" && go mod edit -require "github.com/pulumi/pulumi/sdk/v3@$pulumi_sdk" && go mod tidy 2>"$work/tidy.log") || {
    tail -n 20 "$work/tidy.log" >&2
    false
}

# What building or installing from a folder leaves there is not part of the SDK.
# Python: *.egg-info, build, dist, __pycache__, *.pyc; Node.js: node_modules, bin (tsc's output).
EXCLUDES=(-x '*.egg-info' -x build -x dist -x __pycache__ -x '*.pyc' -x node_modules -x bin)

# go_check DIR: the Go module in DIR builds and vets (module-aware, go.sum as committed).
go_check() {
    announce "go build ./... && go vet ./... in $1"
    # -trimpath: the flags of .ci/build-pulumi-cli.sh, whose build of the same pulumi sdk Go's cache then serves.
    (cd "$1" && GOFLAGS="$GOFLAGS -mod=readonly" go build -trimpath -o /dev/null ./... && GOFLAGS="$GOFLAGS -mod=readonly" go vet ./...)
}

if [ "$mode" = "--check" ]; then
    stale=()
    announce "comparing sdk/schema.json and sdk/{$(IFS=,; echo "${LANGUAGES[*]}")} with what schema.ts generates"
    if ! diff sdk/schema.json "$work/sdk/schema.json" >"$work/schema.diff" 2>&1; then
        stale+=("sdk/schema.json")
        head -n 40 "$work/schema.diff" >&2
    fi
    for language in "${LANGUAGES[@]}"; do
        if ! diff -r "${EXCLUDES[@]}" "sdk/$language" "$work/sdk/$language" >"$work/$language.diff" 2>&1; then
            stale+=("sdk/$language")
            head -n 40 "$work/$language.diff" >&2
        fi
    done
    if [ "${#stale[@]}" -gt 0 ]; then
        BUILD_STEP="comparing"
        echo "check-sdk: ${stale[*]} is not what provider/native/schema.ts generates: run \`npm run gen-sdk\` and commit the result" >&2
        exit 1
    fi
    echo "check-sdk: sdk/schema.json and sdk/{$(IFS=,; echo "${LANGUAGES[*]}")} match provider/native/schema.ts" >&2
else
    cp "$work/sdk/schema.json" sdk/schema.json
    for language in "${LANGUAGES[@]}"; do
        rm -rf "sdk/$language"
        cp -R "$work/sdk/$language" "sdk/$language"
    done
    # The example's go.sum follows the SDK's requirements.
    (cd examples/go-basic && go mod tidy)
    echo "gen-sdk: wrote sdk/schema.json $(printf 'sdk/%s ' "${LANGUAGES[@]}")" >&2
fi
go_check sdk/go
go_check examples/go-basic
