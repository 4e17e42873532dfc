"""The probe agent on damaged files that got past no gateway: never a crash, never an orphan, always a reason."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.storage.blobs import BlobStore
from tests.conftest import Served, produce, sealed, stored_upload
from tests.media_helpers import damaged, small_clip

pytestmark = pytest.mark.integration

spoils = st.tuples(
    st.sampled_from(["truncated", "flipped", "noise"]),
    st.floats(0.0, 1.0),
    st.lists(st.integers(0, 2**20), max_size=12),
)


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory) -> bytes:
    return small_clip(tmp_path_factory.mktemp("probe") / "c.mp4", seconds=2).read_bytes()


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(spoils, min_size=6, max_size=6))
def test_damaged_files_are_probed_or_rejected_with_a_reason(served: Served, clip_bytes: bytes, tmp_path: Path, batch):
    blobs = BlobStore(served.settings)
    events = []
    for kind, where, flips in batch:
        capture_id = f"{kind}-{uuid.uuid4().hex[:8]}"
        path = tmp_path / f"{capture_id}.mp4"
        path.write_bytes(damaged(clip_bytes, kind, where, flips) or b"\x00")
        events.append(stored_upload(served.settings, path, "alice", capture_id))
    produce(served.settings, "captures", sealed(served.settings, "CaptureUploaded", events))
    client = served.client("alice")
    deadline = time.monotonic() + 30
    for event in events:
        while (state := _state(client, event["capture_id"]))["status"] not in ("probed", "rejected"):
            assert time.monotonic() < deadline, f"{event['capture_id']} never reached an end state"
            time.sleep(0.1)
        if state["status"] == "rejected":
            assert state["reason"]
            assert not blobs.exists(event["object_key"]), "a rejected capture left its blob behind"
        else:
            assert blobs.exists(event["object_key"])
    assert served.running()


def _state(client, capture_id: str) -> dict:
    try:
        return client.capture(capture_id)
    except Exception:  # noqa: BLE001 - 404 until projected
        return {"status": "pending"}
