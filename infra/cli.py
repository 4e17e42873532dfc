"""The `reverie` command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from core.settings import load_settings


def _up(args: argparse.Namespace) -> None:
    from infra import stack  # noqa: PLC0415

    settings = load_settings()
    started = stack.up(settings)
    stack.wait_ready(settings)
    for name, fresh in started.items():
        print(f"{name}: {'started' if fresh else 'already running'}")


def _down(args: argparse.Namespace) -> None:
    from infra import server, stack  # noqa: PLC0415

    settings = load_settings()
    print(f"reverie serve: {'stopped' if server.stop(settings) else 'not running'}")
    for name, was in stack.down(settings).items():
        print(f"{name}: {'stopped' if was else 'not running'}")


def _status(args: argparse.Namespace) -> None:
    from infra import stack  # noqa: PLC0415

    print(json.dumps(stack.status(load_settings())))


def _install(args: argparse.Namespace) -> None:
    from infra import kafka  # noqa: PLC0415

    print(f"Kafka jars in {kafka.install(load_settings())}")


def _serve(args: argparse.Namespace) -> None:
    from gateway.auth import UnsafeKeys  # noqa: PLC0415
    from infra.worker import serve  # noqa: PLC0415

    try:
        serve(load_settings(), gateway=not args.no_gateway, loglevel=args.loglevel)
    except UnsafeKeys as exc:  # a setting to change, not a bug: the reason without a traceback
        raise SystemExit(f"reverie serve: {exc}") from None


def _token(args: argparse.Namespace) -> None:
    from gateway import auth  # noqa: PLC0415

    print(auth.issue(load_settings(), args.user, ttl_s=args.ttl, operator=args.operator))


def _sql(args: argparse.Namespace) -> None:
    from infra import sql  # noqa: PLC0415

    try:
        columns, rows = sql.query(load_settings(), args.sql)
    except Exception as exc:  # noqa: BLE001 - the store's message says what is wrong with the query
        raise SystemExit(f"reverie sql: {exc}") from None
    print(sql.table(columns, rows))


def _replay(args: argparse.Namespace) -> None:
    from infra import replay  # noqa: PLC0415

    try:
        progress = replay.run(load_settings(), args.source, fresh=args.fresh)
    except (RuntimeError, ValueError) as exc:
        raise SystemExit(f"reverie replay: {exc}") from None
    print(
        f"projection version {progress['version']} is live: {progress['done']} events read"
        f" ({progress['events_per_s']:.0f}/s), {progress['projected']} projected, {progress['skipped']} skipped"
        f" (erased or forgotten), {progress['unreadable']} unreadable"
    )


def _album(args: argparse.Namespace) -> None:
    from infra import album  # noqa: PLC0415

    for clip, path in album.build(load_settings().data_dir / "album"):
        print(f"{path}  {clip.city}  {clip.captured_at}")


def _demo(args: argparse.Namespace) -> None:
    from infra import demo  # noqa: PLC0415

    started = time.perf_counter()
    result = demo.run(load_settings(), args.text)
    print(demo.report(result))
    print(f"demo took {time.perf_counter() - started:.1f} s")


def _models(args: argparse.Namespace) -> None:
    import os  # noqa: PLC0415

    from streams.models import vision  # noqa: PLC0415

    os.environ["HF_HUB_OFFLINE"] = "0"  # the one place Reverie reaches for a model hub, when asked to
    name = args.model or load_settings().clip_hub_model
    print(f"{name}: fetched into {vision.fetch(name)}; restart reverie serve to use it (a new vector collection)")


def _keys(args: argparse.Namespace) -> None:
    from streams.storage import master_keys, sealing  # noqa: PLC0415

    if args.action == "new":
        print(master_keys.new_key_line())
        return
    settings = load_settings()
    done, current = sealing.keyring(settings).rewrap()
    current_key = master_keys.MasterKeys.of(settings).current
    print(f"{done} user keys wrapped under master key {current_key!r}; {current} already were")


def _build(_: argparse.Namespace) -> None:
    from streams.models import factory, graph_cache  # noqa: PLC0415

    started = time.perf_counter()
    for model in (factory.text(), factory.tags()):
        model.load()  # writes the model's graph into the cache when it is not there yet
    print(f"model graphs in {graph_cache.cache_dir()} ({time.perf_counter() - started:.1f} s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="reverie", description="Memory videos from smart-glasses clips.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="resolve the Kafka broker's jars from Maven Central").set_defaults(fn=_install)
    sub.add_parser("up", help="start Kafka and SeaweedFS (harmless when running)").set_defaults(fn=_up)
    sub.add_parser("down", help="stop reverie serve, SeaweedFS and Kafka").set_defaults(fn=_down)
    sub.add_parser("status", help="which local services run").set_defaults(fn=_status)
    serve = sub.add_parser("serve", help="run every agent and the gateway in this process")
    serve.add_argument("--no-gateway", action="store_true", help="agents only")
    serve.add_argument("--loglevel", default="info", choices=["crit", "error", "warn", "info", "debug"])
    serve.set_defaults(fn=_serve)
    token = sub.add_parser("token", help="print a bearer token for a user")
    token.add_argument("user")
    token.add_argument(
        "--ttl", type=float, default=None, help="seconds the token is valid (default: REVERIE_TOKEN_TTL_SECONDS)"
    )
    token.add_argument("--operator", action="store_true", help="may run read-only SQL (reverie sql)")
    token.set_defaults(fn=_token)
    sql = sub.add_parser("sql", help="run a read-only SQL query on the read model and print a table")
    sql.add_argument("sql")
    sql.set_defaults(fn=_sql)
    replay = sub.add_parser(
        "replay", help="rebuild ClickHouse tables and Qdrant collections from the topics into a new version"
    )
    replay.add_argument(
        "--from", dest="source", default="beginning", help="beginning (default), time:<ISO 8601> or offset:<n>"
    )
    replay.add_argument("--fresh", action="store_true", help="start over instead of resuming an interrupted replay")
    replay.set_defaults(fn=_replay)
    sub.add_parser("album", help="write the sample album").set_defaults(fn=_album)
    demo = sub.add_parser("demo", help="ingest the sample album and make a memory video of Paris")
    demo.add_argument("--text", default="a 30 second memory video of our days in Paris")
    demo.set_defaults(fn=_demo)
    # A person's commands: sign in once, then upload, ask and search.
    from infra import user_commands  # noqa: PLC0415

    user_commands.register(sub)
    keys = sub.add_parser("keys", help="the master keys that wrap each user's event key")
    key_actions = keys.add_subparsers(dest="action", required=True)
    key_actions.add_parser("new", help="print a fresh master key (id:base64) for REVERIE_MASTER_KEYS").set_defaults(
        fn=_keys
    )
    key_actions.add_parser(
        "rewrap", help="wrap every user key under the first master key (after putting a new one first)"
    ).set_defaults(fn=_keys)
    models = sub.add_parser("models", help="the shipped models' graphs; image–text models from a model hub")
    actions = models.add_subparsers(dest="action", required=True)
    actions.add_parser("build", help="write the shipped models' ONNX graphs (the install does)").set_defaults(fn=_build)
    fetch = actions.add_parser("fetch", help="download an image–text model once into its cache (needs a hub)")
    fetch.add_argument("model", nargs="?", default="", help="hf-hub:<repo> (default: REVERIE_CLIP_HUB_MODEL)")
    fetch.set_defaults(fn=_models)
    dispatch(parser, argv, own_logging=frozenset({"serve"}))  # the Faust worker configures logging itself


def dispatch(
    parser: argparse.ArgumentParser, argv: list[str] | None, own_logging: frozenset[str] = frozenset()
) -> None:
    """Run the sub-command's ``fn`` with logging set up; Ctrl-C exits 130 without a traceback."""
    args = parser.parse_args(argv)
    if args.command not in own_logging:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        args.fn(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
