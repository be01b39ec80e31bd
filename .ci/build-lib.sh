# What the .ci/build-*.sh scripts share; sourced by them, never run. Each builds something from
# pinned Go modules into a cache folder outside the clone, announces its steps on stderr, names the
# failing step, and prints the folder on stdout.

# build_start NAME: lines are prefixed with NAME; a failure names the step it happened in.
build_start() {
    BUILD_NAME="$1"
    BUILD_STEP="starting"
    set -E # the failure trap fires inside these functions too
    trap 'echo "${BUILD_NAME}: FAILED at step: ${BUILD_STEP}" >&2' ERR
}

announce() {
    BUILD_STEP="$1"
    echo "${BUILD_NAME}: $1" >&2
}

# reuse_if_built DIR FILE...: when DIR holds every FILE, prints DIR and ends the script.
reuse_if_built() {
    local dir="$1" file
    shift
    for file in "$@"; do
        [ -e "$dir/$file" ] || return 0
    done
    echo "${BUILD_NAME}: reusing $dir" >&2
    echo "$dir"
    exit 0
}

require_go() {
    announce "checking for Go"
    command -v go >/dev/null || {
        echo "${BUILD_NAME}: Go is not installed; install Go >= 1.26 to build it" >&2
        exit 1
    }
}

# go_workspace: a temporary folder in BUILD_WORK, removed on exit, and static, reproducible builds.
go_workspace() {
    BUILD_WORK="$(mktemp -d)"
    trap 'rm -rf "$BUILD_WORK"' EXIT
    export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
}

# go_get_command MODULE_NAME PACKAGE@VERSION...: a throwaway module in $BUILD_WORK/MODULE_NAME
# requiring the packages. Getting the command package (not only its module) records the checksums
# of everything it imports.
go_get_command() {
    local name="$1"
    shift
    mkdir -p "$BUILD_WORK/$name" && cd "$BUILD_WORK/$name"
    go mod init "$name" >/dev/null 2>&1
    go get "$@" 2>&1 | tail -n 5 >&2
}
