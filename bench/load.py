"""Load: many devices uploading and many users asking for memories at once, from a process of its own over
loopback, then a reconciliation from the topics to the projections that proves nothing was lost or doubled.

Every simulated device uploads its clips at the same time as the others; once they are enriched, every user asks
for memories while every device uploads one clip more. The report gives sustained events/s (every event the run
put in the log, over the time from the first upload until every agent had committed everything) and the
latencies under that load. `just load` runs it against the running server; `just bench` runs it too, and
tests/bench/test_load.py runs a small one in CI.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from bench.measure import summary
from core.settings import Settings
from gateway import auth
from infra import album, operations, server
from schemas.codec import registry
from streams.geo.gazetteer import format_iso6709
from streams.runtime import topics
from streams.runtime.lag import consumer_lag
from streams.runtime.services import TOPICS
from streams.storage import sealing

TEXTS = ("Paris", "our days in Paris", "Paris in June 2025", "a video of Paris")
POLL_S = 0.1


@dataclass
class Run:
    """What the devices were told: the acknowledged captures and memories, and how long each took."""

    users: list[str]
    captures: dict[str, set[str]] = field(default_factory=dict)
    memories: dict[str, set[str]] = field(default_factory=dict)
    upload_s: list[float] = field(default_factory=list)
    memory_s: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def make_clips(folder: Path, count: int) -> list[Path]:
    """Distinct small clips of Paris (each its own creation time, so its own bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2025, 6, 12, 9, tzinfo=UTC)
    clips = []
    for i in range(count):
        path = folder / f"load-{i}.mp4"
        at = (start + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta = {"creation_time": at, "location": format_iso6709(48.8584 + i / 1000, 2.2945)}
        album.encode_clip(path, album.photo("astronaut"), meta, 320, 180, 3)
        clips.append(path)
    return clips


async def _until(http: httpx.AsyncClient, url: str, done: Any, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        answer = await http.get(url)
        if answer.status_code == 200 and done(body := answer.json()):
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} still not done after {timeout:.0f} s: {answer.text[:200]}")
        await asyncio.sleep(POLL_S)


def _client(base: str, settings: Settings, user: str) -> httpx.AsyncClient:
    token = auth.issue(settings, user)
    return httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120)


async def _upload(http: httpx.AsyncClient, user: str, clips: list[Path], run: Run) -> None:
    """A device sends its clips one after another, as glasses do after a day out."""
    for clip in clips:
        started = time.perf_counter()
        answer = await http.post("/v1/captures", files={"file": (clip.name, clip.read_bytes(), "video/mp4")})
        run.upload_s.append(time.perf_counter() - started)
        if answer.status_code not in (200, 201):
            run.failed.append(f"{user} upload {clip.name}: {answer.status_code} {answer.text[:200]}")
            continue
        run.captures.setdefault(user, set()).add(answer.json()["capture_id"])


async def _ask(http: httpx.AsyncClient, user: str, memories: int, run: Run) -> None:
    """A user asks for memories one after another, each as soon as the last is rendered."""
    for i in range(memories):
        started = time.perf_counter()
        asked = await http.post("/v1/memories", json={"text": TEXTS[i % len(TEXTS)], "target_seconds": 5})
        if asked.status_code not in (200, 202):
            run.failed.append(f"{user} memory: {asked.status_code} {asked.text[:200]}")
            continue
        memory_id = asked.json()["memory_id"]
        run.memories.setdefault(user, set()).add(memory_id)
        done = await _until(http, asked.json()["status_url"], lambda m: m["status"] in ("rendered", "failed"), 300)
        run.memory_s.append(time.perf_counter() - started)
        if done["status"] != "rendered":
            run.failed.append(f"{user} memory {memory_id}: {done.get('reason')}")


async def _log_size(settings: Settings) -> int:
    """Messages in every topic so far."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await topics.partitions(consumer, [settings.topic(t) for t in TOPICS])
        return sum((await consumer.end_offsets(parts)).values())
    finally:
        await consumer.stop()


async def settled(settings: Settings, timeout: float = 600) -> None:
    """Until every agent has committed every event so far."""
    deadline = time.monotonic() + timeout
    while sum((await consumer_lag(settings)).values()) > 0:
        if time.monotonic() > deadline:
            raise TimeoutError("the agents did not catch up")
        await asyncio.sleep(0.5)


async def _load(settings: Settings, users: int, clips: list[Path], memories: int) -> tuple[Run, dict[str, Any]]:
    """Every device uploads its album at once; when it is enriched, every user asks for memories while every
    device uploads one clip more."""
    tag = uuid.uuid4().hex[:6]
    run = Run(users=[f"load-{tag}-{i}" for i in range(users)])
    base = server.base_url(settings)
    http = {user: _client(base, settings, user) for user in run.users}
    before = await _log_size(settings)
    started = time.perf_counter()
    try:
        await asyncio.gather(*(_upload(http[u], u, clips[:-1], run) for u in run.users))
        await settled(settings)  # memories are made of enriched clips
        await asyncio.gather(
            *(_ask(http[u], u, memories, run) for u in run.users),
            *(_upload(http[u], u, clips[-1:], run) for u in run.users),
        )
        await settled(settings)
    finally:
        for client in http.values():
            await client.aclose()
    wall = time.perf_counter() - started
    events = await _log_size(settings) - before
    return run, {"seconds": round(wall, 2), "events": events, "events_per_s": round(events / wall, 1)}


def load(settings: Settings, work: Path, users: int = 8, clips: int = 3, memories: int = 2) -> dict[str, Any]:
    """Run the load against the running server, then reconcile; the report says whether anything went missing."""
    files = make_clips(work / "load-clips", clips + 1)  # the last one goes while memories are being made
    run, throughput = asyncio.run(_load(settings, users, files, memories))
    return {
        "users": users,
        "clips_per_user": clips,
        "memories_per_user": memories,
        **throughput,
        "upload": summary(run.upload_s),
        "memory_requested_to_rendered": summary(run.memory_s) if run.memory_s else None,
        "failed": run.failed,
        "reconciliation": reconcile(settings, run),
    }


def reconcile(settings: Settings, run: Run) -> dict[str, Any]:
    """Counts along the way, from what the devices were acknowledged, to the topics, to the projections."""
    logged = asyncio.run(_logged(settings, set(run.users)))
    users = ", ".join(f"'{u}'" for u in run.users)
    captures = _sql(settings, f"SELECT capture_id, user_id, sha256 FROM captures FINAL WHERE user_id IN ({users})")
    clips = _sql(settings, f"SELECT capture_id FROM clips FINAL WHERE user_id IN ({users})")
    stages = _sql(settings, f"SELECT memory_id, stage FROM memories FINAL WHERE user_id IN ({users})")
    acknowledged = set().union(*run.captures.values())
    asked = set().union(*run.memories.values())
    shas = Counter((user, sha) for _, user, sha in captures)
    chain = {
        "captures": _compare(
            acknowledged,
            logged["CaptureUploaded"],
            {c for c, _, _ in captures},
            logged["MediaProbed"],
            {c for (c,) in clips},
        ),
        "memories": _compare(
            asked,
            logged["MemoryRequested"],
            {m for m, s in stages if s == "requested"},
            logged["MemoryRendered"],
            {m for m, s in stages if s == "rendered"},
        ),
    }
    doubled = sorted(f"{user}/{sha}" for (user, sha), n in shas.items() if n > 1)  # one upload, two captures
    problems = len(doubled) + sum(
        len(ids) for c in chain.values() for kind in ("missing", "unexpected", "duplicated") for ids in c[kind].values()
    )
    return {**chain, "captures_with_the_same_bytes": doubled, "problems": problems, "ok": problems == 0}


def _compare(acknowledged: set[str], *stages: Counter[str] | set[str]) -> dict[str, Any]:
    """Each stage must hold exactly the acknowledged ids, a topic each under one event id (a redelivery repeats
    the same event id; a second id for the same subject would be a duplicate)."""
    names = ("in_topic", "projected", "processed_in_topic", "processed_projected")
    found = {name: set(stage) for name, stage in zip(names, stages, strict=True)}
    doubled = {
        name: sorted(i for i, n in stage.items() if n > 1)
        for name, stage in zip(names, stages, strict=True)
        if isinstance(stage, Counter) and any(n > 1 for n in stage.values())
    }
    return {
        "acknowledged": len(acknowledged),
        **{name: len(ids) for name, ids in found.items()},
        "missing": {name: sorted(acknowledged - ids) for name, ids in found.items() if acknowledged - ids},
        "unexpected": {name: sorted(ids - acknowledged) for name, ids in found.items() if ids - acknowledged},
        "duplicated": doubled,
    }


async def _logged(settings: Settings, users: set[str]) -> dict[str, Counter[str]]:
    """Per event name, the distinct subjects (capture or memory ids) of the run's users in the log."""
    keys = sealing.keyring(settings)
    seen: dict[str, set[tuple[str, str]]] = {}
    async for message in topics.read_all(settings, ["captures", "media", "memories"]):
        if message.key is None or message.value is None or message.key.decode() not in users:
            continue
        name, event = sealing.decode(registry(), keys, message.value)
        subject = str(event.get("capture_id") or event.get("memory_id"))
        seen.setdefault(name, set()).add((event["event_id"], subject))
    wanted = ("CaptureUploaded", "MediaProbed", "MemoryRequested", "MemoryRendered")
    return {name: Counter(subject for _, subject in seen.get(name, ())) for name in wanted}


def _sql(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in operations.call(settings, "POST", "/v1/admin/sql", {"sql": sql})["rows"]]
