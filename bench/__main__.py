"""`python -m bench`: the measurements (`run`, what `just bench` calls) and the load generator (`load`).

Benchmarks and load generation are not part of the product: this package is not installed with the wheel and runs
from a checkout, against the same stack `reverie up` / `reverie serve` start.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.settings import load_settings
from infra import operations
from infra.cli import dispatch


def _run(args: argparse.Namespace) -> None:
    from bench import run  # noqa: PLC0415 - loads the models; only when measuring

    out = Path(args.out)
    only = set(args.only.split(",")) if args.only else None
    merge = Path(args.merge) if args.merge else None
    run.run(load_settings(), out, repeat=args.repeat, requests=args.requests, only=only, merge=merge)
    # the JSON holds every sample (thousands of lines); the Markdown table is what a person reads
    table = out.parent / "report.md"
    print(table.read_text() if table.exists() else f"(no report beside {out})")
    print(f"written to {out} and {table}")


def _load(args: argparse.Namespace) -> None:
    from bench import load  # noqa: PLC0415

    settings = load_settings()
    if not operations.server_running(settings):
        sys.exit("python -m bench load needs the server: start it with `reverie serve` (or `just serve`)")
    report = load.load(settings, settings.data_dir / "load", args.users, args.clips, args.memories)
    text = json.dumps(report, indent=2, default=str)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    if not report["reconciliation"]["ok"] or report["failed"]:
        sys.exit("the reconciliation found events missing or doubled (see above)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="measure render, probe, memory, search, replay and scale; write JSON")
    run.add_argument("--out", default="bench/out/results.json")
    run.add_argument("--repeat", type=int, default=3)
    run.add_argument("--requests", type=int, default=10)
    run.add_argument("--only", default="", help="comma-separated sections to measure (default: all)")
    run.add_argument("--merge", default="", help="an earlier results.json whose other sections are kept")
    run.set_defaults(fn=_run)
    load = sub.add_parser("load", help="many devices upload and ask for memories at once; then reconcile the counts")
    load.add_argument("--users", type=int, default=8)
    load.add_argument("--clips", type=int, default=3, help="clips each user uploads")
    load.add_argument("--memories", type=int, default=2, help="memories each user asks for")
    load.add_argument("--out", default="", help="also write the JSON report here")
    load.set_defaults(fn=_load)
    dispatch(parser, argv)


if __name__ == "__main__":
    main()
