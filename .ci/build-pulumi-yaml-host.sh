#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from the Go module
# github.com/pulumi/pulumi-yaml into a cache folder outside the clone, and prints that folder.
# Put the folder on PATH next to the Pulumi CLI to run `runtime: yaml` programs. A later run
# with the same pinned versions reuses it. Each step is announced on stderr; a failure names
# the step.
#   PULUMI_YAML_HOST_CACHE  where the binary goes (default: $HOME/.cache/pulumi-mailtrap-tokens/yaml-host-<version>)
set -euo pipefail

# The newest release the Go module proxy serves. It is built with the pulumi pkg/sdk release its
# own go.mod asks for (v3.206.0): against the CLI's v3.274.1 it does not compile (the plugin
# loader API changed). The host talks to the CLI over gRPC, and runs under CLI v3.274.1.
YAML_VERSION=v1.25.0

dir="${PULUMI_YAML_HOST_CACHE:-${HOME}/.cache/pulumi-mailtrap-tokens/yaml-host-${YAML_VERSION}}"
# shellcheck source=.ci/build-lib.sh
source "$(dirname "$0")/build-lib.sh"
build_start pulumi-yaml-host
reuse_if_built "$dir" pulumi-language-yaml
require_go
mkdir -p "$dir"
go_workspace
work="$BUILD_WORK"

announce "resolving github.com/pulumi/pulumi-yaml@${YAML_VERSION}"
go_get_command pulumi-yaml-host-build "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@${YAML_VERSION}"

announce "building pulumi-language-yaml ${YAML_VERSION} (a few minutes the first time)"
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=${YAML_VERSION}" \
    -o "$work/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

announce "installing into $dir"
mv "$work/pulumi-language-yaml" "$dir/"
echo "$dir"
