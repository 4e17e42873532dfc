"""Faults on the embedded stack: a service away for a while costs time, never an event."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from infra import seaweed
from infra.settings import Settings
from schemas.codec import registry
from streams.consume import BACKOFF_S, RETRIES
from tests.conftest import Served, produce, read_topic, settle, stored_upload
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration

# Longer than a failing message's whole retry budget before it is dead-lettered: its backoff, and each attempt's
# own connection retries in the S3 client (about 6.5 s against a closed port).
OUTAGE_S = sum(BACKOFF_S * 2**i for i in range(RETRIES)) + RETRIES * 7.0 + 10.0


def test_s3_away_for_a_while_fails_uploads_cleanly_and_loses_no_event(
    served: Served, stack_settings: Settings, tmp_path: Path
):
    settings, client = served.settings, served.client("sam")
    client.wait_probed(client.upload(small_clip(tmp_path / "before.mp4", seconds=1))["capture_id"])
    # a capture whose file is stored but whose event arrives while S3 is away: the probe cannot fetch it
    waiting = stored_upload(settings, small_clip(tmp_path / "waiting.mp4", seconds=1), "sam", "while-away")
    seaweed.stop(stack_settings)
    try:
        with open(small_clip(tmp_path / "refused.mp4", seconds=2), "rb") as fh:
            refused = client.http.post("/v1/captures", files={"file": ("refused.mp4", fh, "video/mp4")})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "storage is unavailable" in refused.json()["error"]
        produce(settings, "captures", [(b"sam", registry().encode("CaptureUploaded", waiting))])
        time.sleep(OUTAGE_S)
        assert client.capture("while-away")["status"] == "uploaded"  # projected, not probed: the probe waits
    finally:
        seaweed.start(stack_settings)
    assert client.wait_probed("while-away")["status"] == "probed"
    settle(served)
    assert read_topic(settings, "dead-letter") == []
    listed = client.http.get("/v1/captures").json()["captures"]
    assert sorted(c["capture_id"] for c in listed).count("while-away") == 1 and len(listed) == 2
