#!/usr/bin/env bash
# Installs what `reverie` needs on a fresh machine: a Python 3.11 virtualenv with the locked packages, a JDK and
# Maven (from Debian's packages, if missing), and the Kafka broker's jars from Maven Central. Quick when done.
#   infra/install.sh          what the server runs (`just demo`, `just serve`): no torch, ~1.9 GB
#   infra/install.sh dev      that, plus the tools and reference libraries of `just test` and `just bench`
# Every package comes from requirements/*.txt (requirements/lock.sh writes them) and is checked against its hash.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-runtime}
case "$mode" in runtime|dev) ;; *) echo "install: unknown mode '$mode' (runtime or dev)" >&2; exit 2 ;; esac

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$(command -v "$candidate"); break
  fi
done
[ -n "$python" ] || { echo "install: Python 3.11 is required (python3.11 or python3 on PATH)" >&2; exit 1; }

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "install: a JDK and Maven are missing; installing them from Debian's packages" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
  else echo "install: run as root or install openjdk-17-jre-headless and maven yourself" >&2; exit 1; fi
fi

# wordnet-base is WordNet 3.0, which understanding requests reads (streams/lexicon/wordnet.py): the server needs it.
# For tests only: espeak-ng speaks the voice commands and clip sound that the speech tests transcribe; Debian's
# chromium runs the web app's browser test (Playwright drives it; no browser is downloaded); redis-server the shared
# read caches' tests (projections/generations.py); the relevance album
# (bench/relevance/) is built from photos in darknet, opencv-doc, mate-backgrounds and plasma-workspace-wallpapers.
missing=""
packages="wordnet-base"
if [ "$mode" = dev ]; then
  command -v espeak-ng >/dev/null || missing="$missing espeak-ng"
  command -v chromium >/dev/null || missing="$missing chromium"
  command -v redis-server >/dev/null || missing="$missing redis-server"
  packages="$packages darknet opencv-doc mate-backgrounds plasma-workspace-wallpapers"
fi
for package in $packages; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
    || echo "install: could not install$missing" >&2
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.reverie-$mode
want=$(cat pyproject.toml requirements/*.txt infra/install.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install: Python packages for $mode (first time: about a minute)" >&2
  # uv fetches and installs in parallel; pip checks uv's own hash first.
  [ -x .venv/bin/uv ] || .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements/uv.txt
  export UV_NATIVE_TLS=1  # the system's certificate store, as pip uses it
  uv=(.venv/bin/uv pip install -q --python .venv/bin/python)
  "${uv[@]}" --require-hashes -r "requirements/$mode.txt"
  "${uv[@]}" --require-hashes --no-deps -r requirements/no-deps.txt
  "${uv[@]}" --no-deps -e .
  # The models' ONNX graphs, written once from the shipped weights (streams/models/graph_cache.py).
  .venv/bin/reverie models build
  echo "$want" > "$stamp"
fi

.venv/bin/reverie install >/dev/null
