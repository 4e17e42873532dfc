#!/usr/bin/env bash
# Writes the lock files from pyproject.toml and the .in files: every package pinned, with the hashes the registry
# publishes, for Python 3.11 on any platform. Run after changing a dependency; commit what it writes.
set -euo pipefail
cd "$(dirname "$0")"
uv=../.venv/bin/uv
export UV_NATIVE_TLS=1  # the system's certificate store, as pip uses it
common=(--python-version 3.11 --generate-hashes --quiet --no-header)
"$uv" pip compile "${common[@]}" ../pyproject.toml -o runtime.txt
"$uv" pip compile "${common[@]}" ../pyproject.toml --extra dev -o dev.txt
"$uv" pip compile "${common[@]}" --no-deps no-deps.in -o no-deps.txt
"$uv" pip compile "${common[@]}" uv.in -o uv.txt
