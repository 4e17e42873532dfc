"""Poison messages go to the dead-letter topic with their reason; the stream goes on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.codec import registry
from streams.blobs import BlobStore
from streams.events import new_event
from tests.conftest import Served, decode_all, produce, read_topic
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def upload_event(served: Served, path: Path, user: str, capture_id: str) -> dict:
    key = f"raw/{user}/2025/06/12/{capture_id}.mp4"
    BlobStore(served.settings).put_file(key, path, "video/mp4")
    return new_event(
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


def test_poison_messages_are_dead_lettered_and_the_stream_goes_on(served: Served, tmp_path: Path):
    settings = served.settings
    good = upload_event(served, small_clip(tmp_path / "good.mp4", seconds=1), "alice", "good-1")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 4096)
    bad_blob = upload_event(served, junk, "alice", "bad-blob-1")
    wrong_fp = bytearray(registry().encode("CaptureUploaded", good))
    wrong_fp[5] ^= 0xFF
    produce(
        settings,
        "captures",
        [
            (b"alice", b"definitely not avro"),
            (b"alice", bytes(wrong_fp)),
            (b"alice", registry().encode("CaptureUploaded", bad_blob)),
            (b"alice", registry().encode("CaptureUploaded", good)),
        ],
    )
    served.client("alice").wait_probed("good-1")

    letters = [e for n, e in decode_all(read_topic(settings, "dead-letter", expect=4))]
    by_reason = {(e["agent"], e["reason"].split(":")[0]) for e in letters}
    # both agents reading `captures` refuse the undecodable ones; only the probe chokes on the bad blob
    assert {("probe", "DecodeError"), ("projector", "DecodeError"), ("probe", "MediaError")} <= by_reason
    original = {e["value"] for e in letters}
    assert b"definitely not avro" in original and bytes(wrong_fp) in original
    assert all(e["source_topic"] == settings.topic("captures") and e["user_id"] == "alice" for e in letters)
    media_letter = next(e for e in letters if e["reason"].startswith("MediaError"))
    assert "not a readable media file" in media_letter["reason"]
    media = decode_all(read_topic(settings, "media", expect=1))
    assert [e["capture_id"] for _, e in media] == ["good-1"]
