"""Poison messages go to the dead-letter topic with their reason; the stream goes on."""

from __future__ import annotations

import asyncio
import errno
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3.exceptions
from aiokafka.errors import KafkaConnectionError

from core.settings import Settings
from schemas.codec import registry
from schemas.envelope import new_event
from streams.runtime import consume as consume_module
from streams.runtime.consume import unavailable
from streams.runtime.services import Services
from streams.storage.blobs import BlobStore
from tests.conftest import Served, decode_all, produce, read_topic, sealed, stored_upload
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def test_poison_messages_are_dead_lettered_and_the_stream_goes_on(served: Served, tmp_path: Path):
    settings = served.settings
    good = stored_upload(served.settings, small_clip(tmp_path / "good.mp4", seconds=1), "alice", "good-1")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    bad_blob = stored_upload(served.settings, junk, "alice", "bad-blob-1")
    wrong_fp = bytearray(registry().encode("CaptureUploaded", good))
    wrong_fp[5] ^= 0xFF
    produce(
        settings,
        "captures",
        [
            (b"alice", b"definitely not avro"),
            (b"alice", bytes(wrong_fp)),
            *sealed(settings, "CaptureUploaded", [bad_blob, good]),
        ],
    )
    served.client("alice").wait_probed("good-1")

    letters = [e for n, e in decode_all(settings, read_topic(settings, "dead-letter", expect=6))]
    # the three agents reading `captures` refuse the two undecodable messages
    assert sorted((e["agent"], e["reason"].split(":")[0]) for e in letters) == [
        ("erase-capture", "DecodeError"),
        ("erase-capture", "DecodeError"),
        ("probe", "DecodeError"),
        ("probe", "DecodeError"),
        ("projector", "DecodeError"),
        ("projector", "DecodeError"),
    ]
    original = {e["value"] for e in letters}
    assert original == {b"definitely not avro", bytes(wrong_fp)}
    assert all(e["source_topic"] == settings.topic("captures") and e["user_id"] == "alice" for e in letters)
    assert all(e["source_offset"] in (0, 1) for e in letters)
    # a well-formed event about a file that is not a video is a rejection with its reason, not a poison message
    rejected = served.client("alice").capture("bad-blob-1")
    assert rejected["status"] == "rejected" and "not a readable media file" in rejected["reason"]
    assert not BlobStore(settings).exists(bad_blob["object_key"])
    media = decode_all(settings, read_topic(settings, "media", expect=1))
    assert [e["capture_id"] for _, e in media] == ["good-1"]


def test_a_service_away_or_a_full_disk_is_waited_for_and_anything_else_is_not():
    waited = [
        ConnectionRefusedError(),
        TimeoutError(),
        urllib3.exceptions.MaxRetryError(None, "/x"),
        KafkaConnectionError(),
        OSError(errno.ENOSPC, "No space left on device"),
    ]
    assert all(unavailable(exc) for exc in waited)
    assert not any(unavailable(exc) for exc in [FileNotFoundError(2, "gone"), ValueError("bad"), RuntimeError("bug")])


@dataclass
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes


@dataclass
class Delivered:
    """What a Faust stream yields to an agent: the decoded value's raw bytes and the Kafka message."""

    message: Message

    @property
    def value(self) -> bytes:
        return self.message.value


def test_a_handler_error_that_outlives_its_retries_is_dead_lettered_and_the_stream_goes_on(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(consume_module, "BACKOFF_S", 0.01)
    sent: list[tuple[str, bytes | None, bytes | None]] = []

    async def send(topic: str, key: bytes | None, value: bytes | None) -> None:
        sent.append((topic, key, value))

    services = Services.open(settings, send)
    requests = [new_event("alice", memory_id=f"c{i}", text="Paris", target_seconds=None) for i in range(2)]
    messages = [
        Message(settings.topic("memories"), 0, offset, key, value)
        for offset, (key, value) in enumerate(sealed(settings, "MemoryRequested", requests))
    ]
    calls: list[str] = []

    async def handle(name: str, record: dict) -> None:
        calls.append(record["memory_id"])
        if record["memory_id"] == "c0":
            raise RuntimeError("a bug in the handler")

    async def stream():  # type: ignore[no-untyped-def]
        for message in messages:
            yield Delivered(message)

    try:
        asyncio.run(consume_module.consume(services, "planner", stream(), handle))
    finally:
        services.close()
    assert calls == ["c0"] * consume_module.RETRIES + ["c1"]  # retried, given up, and the next one handled
    [(topic, key, value)] = sent
    assert topic == "dead-letter" and key == b"alice"
    name, letter = registry().decode(value)
    assert name == "DeadLettered" and letter["agent"] == "planner"
    assert letter["reason"] == "RuntimeError: a bug in the handler"
    assert (letter["source_offset"], letter["value"]) == (0, messages[0].value)  # the original bytes, still sealed
