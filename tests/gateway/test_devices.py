"""Capture commands and photos against the real stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.client import GatewayError
from schemas.codec import SCHEMA_DIR, Registry
from streams.storage.blobs import BlobStore
from tests.conftest import Served, decode_all, produce, read_topic, stored_upload, wait_for
from tests.media_helpers import photo_with_exif, small_clip

pytestmark = pytest.mark.integration


def send(served: Served, user: str, device: str, command: str):
    return served.client(user).http.post(f"/v1/devices/{device}/commands", json={"command": command})


def recordings(served: Served, user: str, device: str) -> list[dict]:
    return served.client(user).http.get(f"/v1/devices/{device}/recordings").json()["recordings"]


def test_record_stop_upload_pairs_the_recording_with_its_capture(served: Served, tmp_path: Path):
    started = send(served, "alice", "glasses-1", "record_video")
    assert started.status_code == 202
    recording = started.json()["recording_id"]
    wait_for(lambda: recordings(served, "alice", "glasses-1"), lambda r: r and r[0]["state"] == "recording")
    assert send(served, "alice", "glasses-1", "record_video").status_code == 409  # one at a time per device
    assert send(served, "bob", "glasses-1", "stop_recording").status_code == 409  # bob's glasses record nothing
    stopped = send(served, "alice", "glasses-1", "stop_recording")
    assert stopped.status_code == 202 and stopped.json()["recording_id"] == recording
    wait_for(lambda: recordings(served, "alice", "glasses-1"), lambda r: r[0]["state"] == "stopped")
    assert send(served, "alice", "glasses-1", "stop_recording").status_code == 409

    client = served.client("alice")
    capture = client.upload(small_clip(tmp_path / "c.mp4", seconds=1), device_id="glasses-1", recording_id=recording)
    rows = wait_for(lambda: recordings(served, "alice", "glasses-1"), lambda r: r[0]["state"] == "uploaded")
    assert rows[0]["capture_id"] == capture["capture_id"]
    assert recordings(served, "bob", "glasses-1") == []
    names = [n for n, _ in decode_all(served.settings, read_topic(served.settings, "captures", expect=3))]
    assert names == ["CaptureStarted", "CaptureStopped", "CaptureUploaded"]


def test_take_a_picture_then_upload_the_photo(served: Served, tmp_path: Path):
    started = send(served, "alice", "glasses-1", "take_picture").json()
    assert started["kind"] == "photo"
    photo = photo_with_exif(tmp_path / "p.jpg", lat=48.8584, lon=2.2945, when="2025:06:12 11:15:00", orientation=6)
    client = served.client("alice")
    capture = client.upload(photo, device_id="glasses-1", recording_id=started["recording_id"])
    assert capture["object_key"].endswith(".jpg")
    state = client.wait_probed(capture["capture_id"])
    assert state["captured_at"].startswith("2025-06-12T09:15:00")
    assert state["lat"] == pytest.approx(48.8584, abs=1e-4)
    probed = next(
        e for n, e in decode_all(served.settings, read_topic(served.settings, "media", expect=1)) if n == "MediaProbed"
    )
    assert (probed["kind"], probed["rotation"], probed["video_codec"]) == ("photo", 270, "jpeg")
    assert (
        BlobStore(served.settings).client.stat_object(served.settings.s3_bucket, capture["object_key"]).content_type
        == "image/jpeg"
    )
    # a photo is no clip to cut: a memory of Paris with only this photo says so instead of failing to render
    memory = client.wait_memory(client.request_memory("Paris", target_seconds=10)["memory_id"])
    assert memory["status"] == "failed" and "no clips found for a 10 s memory video, in Paris" in memory["reason"]


def test_unknown_commands_and_bad_devices_are_refused(served: Served):
    assert send(served, "alice", "glasses-1", "self_destruct").status_code == 422
    assert send(served, "alice", "bad device!", "take_picture").status_code in (404, 422)
    with pytest.raises(GatewayError) as err:
        served.client("alice").upload(Path(__file__), recording_id="../../etc")
    assert err.value.status == 422


def test_version_1_upload_events_still_flow_through_the_agents(served: Served, tmp_path: Path):
    """Schema evolution in the log: a v1 CaptureUploaded (no kind, no recording_id) is read as a v2 video."""
    v1_folder = tmp_path / "v1"
    v1_folder.mkdir()
    for path in SCHEMA_DIR.glob("*.v1.avsc"):
        (v1_folder / path.name).write_text(path.read_text())
    old_writer = Registry(v1_folder)
    clip = small_clip(tmp_path / "old.mp4", seconds=1)
    event = stored_upload(served.settings, clip, "alice", "old-1")
    data = old_writer.encode("CaptureUploaded", event)
    assert old_writer.writer_of(data).version == 1
    produce(served.settings, "captures", [(b"alice", data)])
    assert served.client("alice").wait_probed("old-1")["status"] == "probed"
    probed = next(
        e for n, e in decode_all(served.settings, read_topic(served.settings, "media", expect=1)) if n == "MediaProbed"
    )
    assert probed["kind"] == "video"
