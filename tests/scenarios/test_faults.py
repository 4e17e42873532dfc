"""Faults on the embedded stack: a service away for a while costs time, never an event."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from gateway.client import GatewayError
from infra import kafka, seaweed, server
from infra.demo import verify_mp4
from infra.process import running_pid
from streams.runtime.consume import BACKOFF_S, RETRIES
from streams.storage.blobs import BlobStore, memory_key
from tests.conftest import (
    Served,
    decode_all,
    isolated,
    probed_once,
    produce,
    read_topic,
    sealed,
    settle,
    stored_upload,
    unavailable,
    wait_for,
)
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
    message = sealed(settings, "CaptureUploaded", [waiting])  # sealing reads the user's key from S3: before it goes
    seaweed.stop(stack_settings)
    try:
        with open(small_clip(tmp_path / "refused.mp4", seconds=2), "rb") as fh:
            refused = client.http.post("/v1/captures", files={"file": ("refused.mp4", fh, "video/mp4")})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "storage is unavailable" in refused.json()["error"]
        produce(settings, "captures", message)
        time.sleep(OUTAGE_S)
        assert client.capture("while-away")["status"] == "uploaded"  # projected, not probed: the probe waits
    finally:
        seaweed.start(stack_settings)
    assert client.wait_probed("while-away")["status"] == "probed"
    settle(served)
    assert read_topic(settings, "dead-letter") == []
    listed = client.http.get("/v1/captures").json()["captures"]
    assert sorted(c["capture_id"] for c in listed).count("while-away") == 1 and len(listed) == 2


def test_a_worker_killed_during_a_render_finishes_the_memory_after_restart(stack_settings: Settings, tmp_path: Path):
    settings = isolated(stack_settings, tmp_path / "data").with_(prepare_media=True)  # crossfades: a longer render
    served = Served(settings)
    served.start()
    try:
        client = served.client("rita")
        clips = [
            small_clip(tmp_path / f"paris-{i}.mp4", 10, 1920, 1080, 48.8584 + i / 1000, 2.2945, f"2025-06-1{i}T10:00Z")
            for i in range(3)
        ]
        for capture_id in [client.upload(clip)["capture_id"] for clip in clips]:
            client.wait_prepared(capture_id)
        memory_id = client.request_memory("Paris", target_seconds=24)["memory_id"]

        def status() -> dict:
            try:
                return client.memory(memory_id)
            except GatewayError:  # not projected yet
                return {"status": "requested"}

        seen = wait_for(status, lambda m: m["status"] != "requested", interval=0.02)
        pid = running_pid(server.pidfile(settings))
        assert pid is not None, "the server is not running"
        os.kill(pid, signal.SIGKILL)
        while running_pid(server.pidfile(settings)) is not None:
            time.sleep(0.05)
        assert seen["status"] in ("planned", "playable"), f"the kill did not land during the render: {seen}"
        # the MP4 goes to S3 in one PUT after it is whole, and its URL only with MemoryRendered
        assert not BlobStore(settings).exists(memory_key("rita", memory_id))
        served.start()
        done = client.wait_memory(memory_id, timeout=180)
        assert done["status"] == "rendered"
        video = tmp_path / "memory.mp4"
        video.write_bytes(httpx.get(done["video_url"]).content)
        assert abs(verify_mp4(video) - 30 * done["duration_s"]) <= 2
        settle(served)
        assert read_topic(settings, "dead-letter") == []
    finally:
        served.close()


def lag_metric(served: Served, topic: str) -> float:
    text = served.client("metrics").http.get("/metrics").text
    line = next(line for line in text.splitlines() if line.startswith(f'reverie_consumer_lag{{topic="{topic}"}}'))
    return float(line.split()[-1])


def test_a_slow_consumer_shows_as_lag_until_it_catches_up(served: Served, tmp_path: Path):
    settings = served.settings
    clip = small_clip(tmp_path / "one.mp4", seconds=1)
    first = stored_upload(settings, clip, "lou", "lag-0", key="raw/lou/one.mp4")
    # many captures at once: the probe downloads and reads each, so it falls behind the producer
    events = [{**first, "event_id": str(uuid.uuid4()), "capture_id": f"lag-{i}"} for i in range(150)]
    produce(settings, "captures", sealed(settings, "CaptureUploaded", events))
    assert wait_for(lambda: lag_metric(served, "captures"), lambda lag: lag > 0, interval=0.02) > 0
    settle(served)
    assert lag_metric(served, "captures") == 0
    assert served.client("lou").capture("lag-149")["status"] == "probed"


def test_the_broker_stopped_and_restarted_mid_stream_loses_and_duplicates_nothing(
    served: Served, stack_settings: Settings, tmp_path: Path
):
    settings, client = served.settings, served.client("kim")
    clips = [small_clip(tmp_path / f"k{i}.mp4", seconds=1 + i % 3, lat=10.0 + i, lon=20.0) for i in range(6)]
    before = [client.upload(clip)["capture_id"] for clip in clips[:3]]
    kafka.stop(stack_settings)  # the agents are still probing and enriching those three
    try:
        with open(clips[3], "rb") as fh:
            refused = client.http.post("/v1/captures", files={"file": ("k3.mp4", fh, "video/mp4")}, timeout=120)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert "the upload is kept" in refused.json()["error"]
        time.sleep(10)
    finally:
        kafka.start(stack_settings)
    after = [client.upload(clip)["capture_id"] for clip in clips[3:]]  # the device retries what was refused
    for capture_id in before + after:
        client.wait_probed(capture_id, timeout=240)
    settle(served)
    assert read_topic(settings, "dead-letter") == []
    listed = sorted(c["capture_id"] for c in client.http.get("/v1/captures").json()["captures"])
    assert listed == sorted(before + after)
    media = [e for _, e in decode_all(settings, read_topic(settings, "media")) if e.get("duration_s") is not None]
    assert probed_once(media) == listed


def test_probed_once_counts_a_second_probe_of_one_capture():
    first = {"event_id": "e1", "capture_id": "c1"}
    assert probed_once([first, dict(first)]) == ["c1"]  # one event delivered twice
    assert probed_once([first, {"event_id": "e2", "capture_id": "c1"}]) == ["c1", "c1"]  # two probes: caught


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB filesystem (tmpfs), to fill up for real."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)]
    mounted = subprocess.run(command, check=False, capture_output=True) if shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        why = mounted.stderr.decode().strip() if mounted else "no mount command"
        unavailable(f"cannot mount a small tmpfs here (needs root): {why}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_data_disk_refuses_uploads_clearly_and_keeps_serving(served: Served, tiny_disk: Path, tmp_path: Path):
    client = served.client("dee")
    clip = small_clip(tmp_path / "big.mp4", seconds=3, width=1920, height=1080, gop=1)
    assert clip.stat().st_size > 256 * 1024
    spool = served.settings.cache_dir / "uploads"  # where the gateway writes an upload before checking it
    shutil.rmtree(spool, ignore_errors=True)
    spool.parent.mkdir(parents=True, exist_ok=True)
    spool.symlink_to(tiny_disk, target_is_directory=True)
    with open(clip, "rb") as fh:
        full = client.http.post("/v1/captures", files={"file": ("big.mp4", fh, "video/mp4")})
    assert full.status_code == 507 and full.headers["retry-after"] == "60"
    assert full.json()["error"] == "the server's data disk is full; nothing was stored: retry later"
    assert list(tiny_disk.iterdir()) == []  # the partial file is gone
    assert client.http.get("/readyz").status_code == 200
    spool.unlink()  # space again
    assert client.wait_probed(client.upload(clip)["capture_id"])["status"] == "probed"
