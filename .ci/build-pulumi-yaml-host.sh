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
step=""
announce() { step="$1"; echo "pulumi-yaml-host: $1" >&2; }
trap 'echo "pulumi-yaml-host: FAILED at step: ${step}" >&2' ERR

if [ -x "$dir/pulumi-language-yaml" ]; then
    echo "pulumi-yaml-host: reusing $dir" >&2
    echo "$dir"
    exit 0
fi

announce "checking for Go"
command -v go >/dev/null || { echo "pulumi-yaml-host: Go is not installed; install Go >= 1.26 to build the YAML language host" >&2; exit 1; }

mkdir -p "$dir"
work="$(mktemp -d)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local

announce "resolving github.com/pulumi/pulumi-yaml@${YAML_VERSION}"
mkdir -p "$work/yaml" && cd "$work/yaml"
go mod init pulumi-yaml-host-build >/dev/null 2>&1
# Getting the command package (not only the module) records the checksums of everything it imports.
go get "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@${YAML_VERSION}" 2>&1 | tail -n 5 >&2

announce "building pulumi-language-yaml ${YAML_VERSION} (a few minutes the first time)"
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=${YAML_VERSION}" \
    -o "$work/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

announce "installing into $dir"
mv "$work/pulumi-language-yaml" "$dir/"
echo "$dir"
