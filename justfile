# Reverie: `just demo` shows it working, `just test` proves it. `just --list` shows every recipe.
set shell := ["bash", "-euo", "pipefail", "-c"]

bin := justfile_directory() / ".venv/bin"

# List the recipes
default:
    @just --list

# Install what the server runs (.venv from requirements/runtime.txt, no torch), a JDK and Maven if missing, Kafka's jars
install:
    bash infra/install.sh

# That, plus the test and benchmark tools and the reference libraries the tests compare the models with
install-dev:
    bash infra/install.sh dev

# Start Kafka and SeaweedFS on 127.0.0.1 (harmless when they run)
up: install
    {{bin}}/reverie up

# Stop `reverie serve`, SeaweedFS and Kafka
down:
    if [ -x {{bin}}/reverie ]; then {{bin}}/reverie down; else echo "nothing was installed, so nothing runs"; fi

# Which local services run
status: install
    {{bin}}/reverie status

# Every agent and the gateway in one process (embedded topology), in the foreground
serve: up
    {{bin}}/reverie serve

# Ingest the sample album and make a memory video of Paris; prints where the MP4 is
demo: install
    {{bin}}/reverie demo

# Lint, type-check and run every test against the real broker and stores
test: install-dev lint
    {{bin}}/pytest -q

# ruff, mypy and the import contracts (layers point one way, no cycles; pyproject.toml [tool.importlinter])
lint: install-dev
    {{bin}}/ruff check .
    {{bin}}/ruff format --check .
    {{bin}}/mypy core schemas projections streams gateway infra bench
    {{bin}}/lint-imports

# Measure everything against its baselines; JSON and report in bench/out, the committed copy in bench/report
bench: install-dev
    {{bin}}/python -m bench run --out bench/out/results.json
    {{bin}}/python -m bench.reporting bench/out/results.json bench/report

# Many devices at once against the running server (`just serve`), then a reconciliation of every count
load *args: install-dev
    {{bin}}/python -m bench load {{args}}
