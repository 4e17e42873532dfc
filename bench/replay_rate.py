"""Replay throughput (issue 7): a synthetic log of ≥ 1M events replayed into ClickHouse and Qdrant, batched
writes against row-at-a-time writes (the live projector's way) in the same run.

Row-at-a-time is measured on a prefix of the same log (it would take most of an hour over 1M events); its rate is
what matters for the ratio. Both run the same projection code (streams/agents/projector.py) through streams/replay.py.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from tqdm import tqdm

from bench.synthetic import Event, Log
from core.settings import Settings
from projections.clickhouse import MetadataStore
from projections.versions import Versions
from schemas.codec import registry
from streams.replay import Replay, ReplayServices
from streams.runtime.services import EVENT_TOPICS
from streams.runtime.topics import ensure_topics
from streams.storage.blobs import BlobStore
from streams.storage.sealing import encode, keyring

log = logging.getLogger("reverie.bench")


async def produce_log(settings: Settings, events: Iterable[Event], total: int, show: bool = True) -> int:
    """Seal and send events to their topics (keyed by user, as the system does); returns how many."""
    await ensure_topics(settings)
    keys = keyring(settings)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks=-1,
        linger_ms=20,
        max_batch_size=1024 * 1024,
        compression_type=None,
    )
    await producer.start()
    sent, pending = 0, []
    try:
        with tqdm(total=total, unit=" events", unit_scale=True, disable=not show, desc="producing") as bar:
            for name, event in events:
                value = encode(registry(), keys, name, event)
                topic = settings.topic(EVENT_TOPICS[name])
                pending.append(await producer.send(topic, value, key=event["user_id"].encode()))
                sent += 1
                if len(pending) >= 20_000:
                    await asyncio.gather(*pending)
                    bar.update(len(pending))
                    pending = []
            await asyncio.gather(*pending)
            bar.update(len(pending))
    finally:
        await producer.stop()
    return sent


def replay_once(settings: Settings, buffered: bool, limit: int | None = None) -> dict[str, Any]:
    """One replay into a fresh version; ``limit`` stops it after that many events (row-at-a-time baseline)."""
    store = MetadataStore(settings.clickhouse)
    version = Versions(store.client).begin("beginning")
    store.close()
    services = ReplayServices.for_version(settings, version, buffered=buffered)
    replay = Replay(settings, services, "beginning")

    class Enough(Exception):
        pass

    def stop_at_limit(progress: Any) -> None:
        if limit is not None and progress.done >= limit:
            raise Enough

    started = time.perf_counter()
    try:
        asyncio.run(replay.run(on_progress=stop_at_limit))
    except Enough:
        services.flush()
    finally:
        elapsed = time.perf_counter() - started
        services.close()
    done = replay.progress.done
    return {
        "events": done,
        "projected": replay.progress.projected,
        "seconds": round(elapsed, 2),
        "events_per_s": round(done / elapsed, 1),
        "version": version,
    }


def bench_replay(
    settings: Settings, work: Path, events: int = 1_000_000, baseline_events: int = 5_000
) -> dict[str, Any]:
    """Produce ``events`` synthetic events to fresh topics, replay them batched, and row at a time on a prefix."""
    stamp = int(time.time())
    # A bucket of its own each run: it holds the users' keys, wrapped by this run's master key (in the data folder)
    run = settings.with_(
        data_dir=work / "replay", topic_prefix=f"bench-replay-{stamp}", s3_bucket=f"bench-replay-{stamp}"
    )
    shutil.rmtree(run.data_dir, ignore_errors=True)
    blobs = BlobStore(run)
    blobs.ensure_bucket()
    try:
        started = time.perf_counter()
        sent = asyncio.run(produce_log(run, Log().events(events), events))
        produce_s = time.perf_counter() - started
        row = replay_once(run, buffered=False, limit=baseline_events)
        batched = replay_once(run, buffered=True)
    finally:
        blobs.remove_prefix("")
    return {
        "events": sent,
        "produce_events_per_s": round(sent / produce_s, 1),
        "batched": batched,
        "row_at_a_time": row,
        "batched_vs_row_ratio": round(batched["events_per_s"] / max(row["events_per_s"], 1e-9), 1),
        "goal_events_per_s": 20_000,
        "note": "synthetic log: 9 events per capture, 4 vectors (64 and 3 x 384 floats, packed), all sealed per"
        " user; decoded and projected in the replay's process, ClickHouse rows written in a thread of their own"
        " while the next batches are projected, points written by the vector host process; row at a time measured"
        " on the first events of the same log",
    }
