"""Fixtures that start the real parts: an Apache Kafka broker, SeaweedFS, and `reverie serve` processes.

The broker and SeaweedFS are the local stack of `just up` (started here if they do not run, stopped at the end
only if this session started them). Each test gets its own topic prefix, consumer group, bucket, data folder
(chDB, qdrant-edge) and HTTP port, so tests never see each other's events or rows.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from core.settings import Settings, load_settings
from gateway import auth
from gateway.client import Client
from infra import album, kafka, seaweed, server, stack
from infra.process import running_pid
from projections.tables import TABLES
from projections.vectors import open_collections
from projections.versions import open_store
from schemas.codec import registry
from schemas.envelope import new_event
from streams.runtime import topics
from streams.runtime.lag import consumer_lag
from streams.storage import sealing
from streams.storage.blobs import BlobStore


def unavailable(reason: str) -> NoReturn:
    """A test that needs what this machine lacks (root, a device): skipped on a developer's machine, but a failure
    in CI (.ci/run sets REVERIE_CI), where a silent skip would let the run go green without the test."""
    if os.environ.get("REVERIE_CI"):
        pytest.fail(f"{reason} (REVERIE_CI is set: CI must run this test)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def stack_settings() -> Iterator[Settings]:
    settings = load_settings()
    started = stack.up(settings)
    stack.wait_ready(settings)
    yield settings
    if started["seaweedfs"]:
        seaweed.stop(settings)
    if started["kafka"]:
        kafka.stop(settings)


@pytest.fixture(scope="session")
def sample_album(stack_settings: Settings) -> list[tuple[album.SampleClip, Path]]:
    return album.build(stack_settings.data_dir / "album", progress=False)


def isolated(base: Settings, data_dir: Path, name: str | None = None) -> Settings:
    name = name or uuid.uuid4().hex[:10]
    return base.with_(
        data_dir=data_dir,
        topic_prefix=f"t-{name}",
        app_id=f"t-{name}",
        s3_bucket=f"t-{name}",
        http_port=free_port(),
        kafka_partitions=2,
        prepare_media=False,  # costs seconds of CPU per clip; tests/streams/agents/test_prepare.py turns it on
        warm_models=False,  # each test's server loads models only if its test needs them
    )


@pytest.fixture
def settings(stack_settings: Settings, tmp_path: Path) -> Settings:
    return isolated(stack_settings, tmp_path / "data")


class Served:
    """A running `reverie serve` for one test, with a client per user."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clients: dict[str, Client] = {}
        self.accepted: set[str] = set()  # object keys a test saw the gateway accept

    def start(self) -> None:
        server.start(self.settings)

    def stop(self) -> None:
        server.stop(self.settings)

    def client(self, user: str) -> Client:
        if user not in self.clients:
            self.clients[user] = Client(server.base_url(self.settings), auth.issue(self.settings, user))
        return self.clients[user]

    def close(self, purge: bool = True) -> None:
        for c in self.clients.values():
            c.close()
        self.stop()
        if purge:
            purge_test_data(self.settings)

    def running(self) -> bool:
        return running_pid(server.pidfile(self.settings)) is not None

    def log(self) -> str:
        return server.logfile(self.settings).read_text(errors="replace")


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    s = Served(settings)
    s.start()
    yield s
    s.close()


@pytest.fixture
def open_gate(settings: Settings) -> Iterator[Served]:
    """A gateway without rate limits: tests that send hundreds of requests would otherwise see 429s, not handlers."""
    s = Served(settings.with_(rate_per_user=1e6, burst_per_user=1_000_000))
    s.start()
    yield s
    s.close()


def wait_for(fetch, done, timeout: float = 60.0, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll ``fetch()`` until ``done(value)``; the read models are eventually consistent."""
    deadline = time.monotonic() + timeout
    while not done(value := fetch()):
        assert time.monotonic() < deadline, f"still {value}"
        time.sleep(interval)
    return value


def settle(served: Served) -> None:
    """Every agent has committed every event so far: nothing is still in flight."""
    wait_for(lambda: asyncio.run(consumer_lag(served.settings)), lambda lag: sum(lag.values()) == 0, timeout=120)


def purge_test_data(settings: Settings) -> None:
    """Delete a test's bucket and topics: the shared local stack must not fill up run after run."""
    blobs = BlobStore(settings)
    if blobs.client.bucket_exists(blobs.bucket):
        for obj in blobs.client.list_objects(blobs.bucket, recursive=True):
            blobs.client.remove_object(blobs.bucket, obj.object_name)
        blobs.client.remove_bucket(blobs.bucket)

    async def drop_topics() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        try:
            mine = [
                t
                for t in await admin.list_topics()
                if t.startswith((settings.topic_prefix + ".", settings.app_id + "-"))
            ]
            if mine:
                await admin.delete_topics(mine)
        finally:
            await admin.close()

    asyncio.run(drop_topics())


def stored_upload(
    settings: Settings, path: Path, user: str, capture_id: str, key: str | None = None, **fields: object
) -> dict:
    """Put a file in the bucket and build the CaptureUploaded a gateway would emit for it (bypassing its checks)."""
    key = key or f"raw/{user}/2025/06/12/{capture_id}.mp4"
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    blobs.put_file(key, path, "video/mp4")
    event = new_event(
        user,
        capture_id=capture_id,
        object_key=key,
        content_type="video/mp4",
        size_bytes=path.stat().st_size,
        sha256="0" * 64,
        filename=path.name,
        device_id=None,
        client_captured_at=datetime(2025, 6, 12, tzinfo=UTC),
        client_lat=None,
        client_lon=None,
    )
    return {**event, **fields}


def upload_album(client: Client, clips: list[tuple[album.SampleClip, Path]]) -> dict[str, album.SampleClip]:
    ids = {}
    for clip, path in clips:
        fields = {} if clip.embedded else {"captured_at": clip.captured_at, "lat": clip.lat, "lon": clip.lon}
        ids[client.upload(path, **fields)["capture_id"]] = clip
    for capture_id in ids:
        client.wait_probed(capture_id)
    return ids


# Kafka helpers: the tests read and write the real topics.


def produce(settings: Settings, topic: str, items: list[tuple[bytes | None, bytes]]) -> None:
    async def go() -> None:
        await topics.ensure_topics(settings)
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
        await producer.start()
        try:
            for key, value in items:
                await producer.send_and_wait(settings.topic(topic), value, key=key)
        finally:
            await producer.stop()

    asyncio.run(go())


def sealed(settings: Settings, event_name: str, events: list[dict]) -> list[tuple[bytes, bytes]]:
    """Messages as the gateway and the agents write them: keyed by user, sealed with the user's key."""
    keys = sealing.keyring(settings)
    return [(e["user_id"].encode(), sealing.encode(registry(), keys, event_name, e)) for e in events]


def probed_once(media: list[dict]) -> list[str]:
    """The capture ids of the MediaProbed events, one per distinct event and counted as a list: a message delivered
    twice carries one event id (derived ids repeat; the projections ignore the copy), but a second probe of one
    capture is a second event, and shows as that capture listed twice."""
    distinct = {e["event_id"]: e["capture_id"] for e in media}
    return sorted(distinct.values())


def read_topic(settings: Settings, topic: str, expect: int = 0, timeout: float = 30.0) -> list[tuple[bytes, bytes]]:
    """Every message in a topic from the start; waits until at least ``expect`` are there."""

    async def go() -> list[tuple[bytes, bytes]]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await consumer.start()
        try:
            name = settings.topic(topic)
            parts = await topics.partitions(consumer, [name])
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            found: list[tuple[bytes, bytes]] = []
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while loop.time() < deadline:
                batch = await consumer.getmany(timeout_ms=500)
                found.extend((m.key, m.value) for msgs in batch.values() for m in msgs)
                ends = await consumer.end_offsets(parts)
                positions = [await consumer.position(p) for p in parts]
                caught_up = all(pos >= ends[p] for pos, p in zip(positions, parts, strict=True))
                if caught_up and len(found) >= expect:
                    break
            return found
        finally:
            await consumer.stop()

    return asyncio.run(go())


def decode_all(settings: Settings, messages: list[tuple[bytes, bytes]]) -> list[tuple[str, dict]]:
    """The events of messages as read from a topic: opened with their users' keys (streams/storage/sealing.py)."""
    keys = sealing.keyring(settings)
    return [sealing.decode(registry(), keys, value) for _, value in messages]


def snapshot(settings: Settings, version: int | None = None) -> dict[str, object]:
    """The projections of a stopped server (the live version, or ``version``): ClickHouse rows and Qdrant points,
    without processing times."""
    store, version = open_store(settings.clickhouse, version)
    collections = open_collections(settings.qdrant, version=version)
    try:
        points = {name: c.points() for name, c in collections.items()}
        return {**{t: store.snapshot(t) for t in TABLES}, "points": points}
    finally:
        for c in collections.values():
            c.close()
        store.close()
