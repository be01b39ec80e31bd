#!/usr/bin/env bash
# scripts/test-on-node.sh NODE_VERSION PULUMI_VERSION SUITE...
#
# Runs test suites under another Node.js and another @pulumi/pulumi than the clone's own, e.g.
#
#     bash scripts/test-on-node.sh 22.23.5 3.276.0 unit host e2e-state
#     bash scripts/test-on-node.sh 22.23.5 3.276.0 tests/host/check.test.ts tests/e2e/lookup.e2e.ts
#
# A SUITE is a jest project of tests/jest.projects.js (`npm test`'s, or an `e2e-*` one, run through
# `npm run test:e2e`, so the real Pulumi CLI of .ci/build-pulumi-cli.sh is needed), or a path: a
# jest file or folder under tests/, or an end-to-end file (tests/e2e/*.e2e.ts).
#
# Why a sibling install: the harnesses take the SDK from the repository's own node_modules (the
# host suites start the dynamic-provider host of node_modules/@pulumi/pulumi, the packed install
# and the e2e projects install the tarball next to that version, the README test installs the
# version README_TEST_PULUMI_VERSION names) and run under the node that runs them (the language
# host runs the `node` first on PATH). So this copies the clone's files to
# $TEST_ON_NODE_DIR/node-NODE_VERSION-pulumi-PULUMI_VERSION (default /tmp/mailtrap-tokens-on-node), runs `npm ci`
# and `npm install --no-save @pulumi/pulumi@PULUMI_VERSION` there with that Node first on PATH,
# takes the clone's build (bin/) and type-checks it against a newer SDK, packs once, and runs the
# suites there: the harnesses need no switch. node_modules is kept between runs while package-lock.json is unchanged.
# One packed install per run (MAILTRAP_PACKED_PROJECT) is shared by the jest suites and the e2e
# scenarios; each run has a TMPDIR of its own, so runs for different versions can go in parallel.
#
# Steps are announced on stderr with their time; a failure names its step.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
source "$HERE/.ci/build-lib.sh"

NODE_VERSION="${1:-}"
PULUMI_VERSION="${2:-}"
shift 2 || true
if [ -z "$NODE_VERSION" ] || [ -z "$PULUMI_VERSION" ] || [ $# -eq 0 ]; then
    echo "usage: $0 NODE_VERSION PULUMI_VERSION SUITE... (e.g. $0 22.23.5 3.276.0 unit host e2e-state, or paths: tests/host/check.test.ts tests/e2e/lookup.e2e.ts)" >&2
    exit 2
fi
TAG="node-${NODE_VERSION}-pulumi-${PULUMI_VERSION}"
build_start "test-on-node[$TAG]"

STEP_STARTED=$(date +%s)
# step NAME: announces the step and reports how long the previous one took.
step() {
    local now
    now=$(date +%s)
    [ "$BUILD_STEP" = "starting" ] || echo "${BUILD_NAME}: ${BUILD_STEP} took $((now - STEP_STARTED)) s" >&2
    STEP_STARTED=$now
    announce "$1"
}

JEST_PROJECTS=()
JEST_SUITES=()
E2E_PROJECTS=()
E2E_SUITES=()
for suite in "$@"; do
    case "$suite" in
    *.e2e.ts) E2E_SUITES+=("$suite") ;;
    */* | *.ts) JEST_SUITES+=("$suite") ;;
    e2e-*) E2E_PROJECTS+=("$suite") ;;
    *) JEST_PROJECTS+=("$suite") ;;
    esac
done
# A project name jest does not know would select nothing, silently: refuse it here.
unknown="$(node -e 'const { PROJECTS } = require(process.argv[1]); const known = PROJECTS.map((p) => p.name);
    console.log(process.argv.slice(2).filter((name) => !known.includes(name)).join(" "))' \
    "$HERE/tests/jest.projects.js" ${JEST_PROJECTS[@]+"${JEST_PROJECTS[@]}"} ${E2E_PROJECTS[@]+"${E2E_PROJECTS[@]}"})"
if [ -n "$unknown" ]; then
    echo "$0: no such jest project: $unknown (tests/jest.projects.js lists them)" >&2
    exit 2
fi

step "installing Node.js $NODE_VERSION"
NODE_BIN="$(bash "$HERE/scripts/install-node.sh" "$NODE_VERSION")"
export PATH="$NODE_BIN:$PATH"
[ "$(node --version)" = "v$NODE_VERSION" ]

# No "pulumi-mailtrap-tokens" in this path: @pulumi/pulumi 3.139.0's serializer finds the package's
# package.json at the first occurrence of the package name in the absolute path, and with an earlier
# one it misses the "exports" map and emits a require of the file path, which "exports" forbids.
BASE="${TEST_ON_NODE_DIR:-${TMPDIR:-/tmp}/mailtrap-tokens-on-node}"
SIB="$BASE/$TAG"
step "copying the clone's files to $SIB"
mkdir -p "$SIB"
# Everything but node_modules (kept, see above) is replaced by the clone's tracked and new files.
find "$SIB" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
(cd "$HERE" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -xf - -C "$SIB"
# A git repository with nothing committed: the README test lists the files to copy with `git ls-files`.
git -C "$SIB" init --quiet

cd "$SIB"
if ! cmp -s package-lock.json node_modules/.test-on-node-lock 2>/dev/null; then
    step "npm ci (Node $NODE_VERSION)"
    # --ignore-scripts: `prepare` would build before the build step below; no dependency needs its scripts.
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    cp package-lock.json node_modules/.test-on-node-lock
fi
if [ "$(node -p 'require("@pulumi/pulumi/package.json").version')" != "$PULUMI_VERSION" ]; then
    step "npm install --no-save @pulumi/pulumi@$PULUMI_VERSION"
    npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "@pulumi/pulumi@$PULUMI_VERSION"
fi
step "checking @pulumi/pulumi $PULUMI_VERSION is the one the package and the harnesses load"
[ "$(node -p 'require("@pulumi/pulumi/package.json").version')" = "$PULUMI_VERSION" ] || {
    npm ls @pulumi/pulumi --all >&2 || true
    false
}
# devDependencies that need a newer SDK than an old one asked for (@pulumi/policy, @pulumi/github
# with 3.139.0) keep a copy of their own; the package never loads those. A user's project must
# hold one copy only: tests/tarballInstall.test.ts checks that.
nested="$(npm ls @pulumi/pulumi --all --parseable 2>/dev/null | sort -u | grep '/node_modules/.*/node_modules/@pulumi/pulumi$' || true)"
[ -z "$nested" ] || echo "${BUILD_NAME}: note: devDependencies keep their own SDK: $(echo $nested | sed "s#$SIB/##g")" >&2

step "copying the clone's build and type-checking against @pulumi/pulumi $PULUMI_VERSION"
# The compiled code is the clone's (CI builds it first, against the locked SDK): the JavaScript a
# user installs does not depend on the SDK version it was compiled with.
[ -f "$HERE/bin/provider/index.js" ] || {
    echo "${BUILD_NAME}: $HERE/bin is missing: run \`npm run build\` first" >&2
    false
}
cp -R "$HERE/bin" "$SIB/bin"
LOCKED="$(node -p 'require("./package-lock.json").packages["node_modules/@pulumi/pulumi"].version')"
if [ "$(printf '%s\n' "$LOCKED" "$PULUMI_VERSION" | sort -V | head -n 1)" = "$LOCKED" ]; then
    # A newer SDK than the locked one: the sources, tests and examples must still compile against it.
    node node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
else
    # An older SDK lacks types the code uses when present (ReadResult.inputs, the analyzer's
    # severities), so it is not type-checked here; its runtime is what the suites test.
    echo "${BUILD_NAME}: not type-checked against $PULUMI_VERSION, older than the locked $LOCKED" >&2
fi

step "packing the tarball once for this run"
export TMPDIR="$SIB/.tmp"
mkdir -p "$TMPDIR/packed"
npm pack --silent --pack-destination "$TMPDIR/packed" >/dev/null
MAILTRAP_PACKED_TARBALL="$(ls "$TMPDIR"/packed/*.tgz)"
export MAILTRAP_PACKED_TARBALL
export MAILTRAP_PACKED_PROJECT="$TMPDIR/packed-project"
export README_TEST_PULUMI_VERSION="$PULUMI_VERSION"
JEST_CACHE="$BASE/jest-cache"
# Node 22.1 and later keep the compiled code of every module they load here (Node 20 ignores it): each
# provider host, program and CLI run of the suites loads @pulumi/pulumi anew, in three fifths of the CPU time.
export NODE_COMPILE_CACHE="$BASE/node-compile-cache"

failed=0
# Two workers, as `npm test` uses on two cores; the report names each failing file.
if [ ${#JEST_PROJECTS[@]} -gt 0 ]; then
    step "jest --selectProjects ${JEST_PROJECTS[*]}"
    node node_modules/jest/bin/jest.js --cacheDirectory "$JEST_CACHE" --maxWorkers=2 --selectProjects "${JEST_PROJECTS[@]}" || failed=1
fi
if [ ${#JEST_SUITES[@]} -gt 0 ]; then
    step "jest ${JEST_SUITES[*]}"
    node node_modules/jest/bin/jest.js --cacheDirectory "$JEST_CACHE" --maxWorkers=2 "${JEST_SUITES[@]}" || failed=1
fi
if [ ${#E2E_PROJECTS[@]} -gt 0 ]; then
    step "npm run test:e2e -- --selectProjects ${E2E_PROJECTS[*]}"
    CI="${CI:-true}" node bin/tests/e2e/run.js --cacheDirectory "$JEST_CACHE" --selectProjects "${E2E_PROJECTS[@]}" || failed=1
fi
if [ ${#E2E_SUITES[@]} -gt 0 ]; then
    step "npm run test:e2e -- ${E2E_SUITES[*]}"
    CI="${CI:-true}" node bin/tests/e2e/run.js --cacheDirectory "$JEST_CACHE" "${E2E_SUITES[@]}" || failed=1
fi
step "done"
rm -rf "$TMPDIR"
if [ "$failed" != 0 ]; then
    BUILD_STEP="the suites (see jest's report above)"
    echo "${BUILD_NAME}: FAILED: suites failed on Node $NODE_VERSION with @pulumi/pulumi $PULUMI_VERSION" >&2
    exit 1
fi
echo "${BUILD_NAME}: passed on Node $NODE_VERSION with @pulumi/pulumi $PULUMI_VERSION" >&2
