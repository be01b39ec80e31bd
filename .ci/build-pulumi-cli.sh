#!/usr/bin/env bash
# Builds the Pulumi CLI, the Node.js language host and the dynamic-provider plugin from Go
# modules, into a cache folder outside the clone, and prints that folder. A later run with the
# same pinned versions reuses it. Each step is announced on stderr; a failure names the step.
#   PULUMI_CLI_CACHE  where the binaries go (default: $HOME/.cache/pulumi-mailtrap-tokens/cli-<versions>)
set -euo pipefail

CLI_VERSION=v3.274.1
# The last release whose Node.js language host lives inside the sdk module (served by the proxy).
HOST_SDK_VERSION=v3.68.0

dir="${PULUMI_CLI_CACHE:-${HOME}/.cache/pulumi-mailtrap-tokens/cli-${CLI_VERSION}-nodejs-${HOST_SDK_VERSION}}"
# shellcheck source=.ci/build-lib.sh
source "$(dirname "$0")/build-lib.sh"
build_start pulumi-cli
reuse_if_built "$dir" pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs
require_go
mkdir -p "$dir"
go_workspace
work="$BUILD_WORK"

announce "resolving github.com/pulumi/pulumi/pkg/v3@${CLI_VERSION}"
go_get_command pulumi-cli-build "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@${CLI_VERSION}" "github.com/pulumi/pulumi/sdk/v3@${CLI_VERSION}"

announce "building the pulumi CLI ${CLI_VERSION} (a few minutes the first time)"
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${CLI_VERSION}" \
    -o "$work/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

announce "resolving github.com/pulumi/pulumi/sdk/v3@${HOST_SDK_VERSION} (Node.js language host)"
go_get_command pulumi-host-build "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@${HOST_SDK_VERSION}"

announce "building pulumi-language-nodejs from sdk ${HOST_SDK_VERSION}"
go build -trimpath -ldflags "-s -w" -o "$work/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

announce "copying the dynamic-provider plugin script"
sdk_dir="$(go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
cp "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$work/pulumi-resource-pulumi-nodejs"
chmod 0755 "$work/pulumi-resource-pulumi-nodejs"

announce "installing into $dir"
mv "$work/pulumi" "$work/pulumi-language-nodejs" "$work/pulumi-resource-pulumi-nodejs" "$dir/"
"$dir/pulumi" version >&2
echo "$dir"
