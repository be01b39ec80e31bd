#!/usr/bin/env bash
# Builds the Python language host from Go modules and a Python virtual environment holding the
# Pulumi Python SDK, into a cache folder outside the clone, and prints that folder. A later run with
# the same pinned versions reuses it. Each step is announced on stderr; a failure names the step.
#   PULUMI_PYTHON_HOST_CACHE  where they go (default: $HOME/.cache/pulumi-mailtrap-tokens/python-host-<version>)
#
# The folder holds pulumi-language-python and pulumi-language-python-exec (put the folder on PATH
# beside the CLI) and venv/, with the Pulumi Python SDK and what building a wheel needs. This host ignores the `virtualenv`
# runtime option of Pulumi.yaml: put venv/bin first on PATH when the CLI runs a Python program.
set -euo pipefail

# The last release whose Python language host lives inside the sdk module (as for Node.js).
HOST_SDK_VERSION=v3.68.0
PYTHON_SDK_VERSION=3.272.0
# Lets setuptools build a wheel of a generated SDK offline: `pip install --no-build-isolation`.
WHEEL_VERSION=0.45.1

dir="${PULUMI_PYTHON_HOST_CACHE:-${HOME}/.cache/pulumi-mailtrap-tokens/python-host-${HOST_SDK_VERSION}}"
# shellcheck source=.ci/build-lib.sh
source "$(dirname "$0")/build-lib.sh"
build_start pulumi-python-host
reuse_if_built "$dir" pulumi-language-python pulumi-language-python-exec venv/.complete
require_go
announce "checking for Python 3"
python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "pulumi-python-host: $python is not installed; install Python >= 3.9" >&2; exit 1; }

mkdir -p "$dir"
go_workspace
work="$BUILD_WORK"

announce "resolving github.com/pulumi/pulumi/sdk/v3@${HOST_SDK_VERSION} (Python language host)"
go_get_command pulumi-python-host-build "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@${HOST_SDK_VERSION}"

announce "building pulumi-language-python from sdk ${HOST_SDK_VERSION}"
go build -trimpath -ldflags "-s -w" -o "$work/pulumi-language-python" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python

announce "copying the program runner script pulumi-language-python-exec"
sdk_dir="$(go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
cp "$sdk_dir/python/cmd/pulumi-language-python-exec" "$work/pulumi-language-python-exec"
chmod 0755 "$work/pulumi-language-python-exec"

announce "creating a virtual environment with pulumi==${PYTHON_SDK_VERSION} and wheel==${WHEEL_VERSION} from PyPI ($("$python" --version 2>&1))"
rm -rf "$dir/venv"
"$python" -m venv "$dir/venv"
"$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==${PYTHON_SDK_VERSION}" "wheel==${WHEEL_VERSION}" >&2
touch "$dir/venv/.complete"

announce "installing into $dir"
mv "$work/pulumi-language-python" "$work/pulumi-language-python-exec" "$dir/"
"$dir/venv/bin/python" -c "import pulumi, sys; print('pulumi-python-host: Python', sys.version.split()[0], 'with pulumi', pulumi.__version__ if hasattr(pulumi, '__version__') else '${PYTHON_SDK_VERSION}')" >&2 || true
echo "$dir"
