"""A worker killed with SIGKILL mid-stream and restarted ends with the same projections as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime

import pytest

from core.settings import Settings
from gateway.client import GatewayError
from infra import server
from infra.album import captured_at
from infra.process import running_pid
from streams.storage.master_keys import new_key_line
from tests.conftest import (
    Served,
    decode_all,
    isolated,
    produce,
    purge_test_data,
    read_topic,
    sealed,
    settle,
    snapshot,
    stored_upload,
)

pytestmark = pytest.mark.integration
COPIES = 2  # each album clip uploaded under two ids: enough events that the kill lands mid-stream


def album_events(settings: Settings, sample_album) -> list[dict]:
    return [
        stored_upload(
            settings,
            path,
            "wearer",
            f"{clip.name}-{copy}",
            sha256=f"{copy:064d}",
            device_id="glasses-1",
            client_captured_at=captured_at(clip),
            client_lat=clip.lat,
            client_lon=clip.lon,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for copy in range(COPIES)
        for clip, path in sample_album
    ]


def enriched(served: Served, ids: list[str]) -> int:
    """Captures probed and seen by every enricher (place, shots, transcript): the stream has run to its end."""
    client = served.client("wearer")
    count = 0
    for capture_id in ids:
        try:
            state = client.capture(capture_id)
        except GatewayError:  # 404: not projected yet
            continue
        count += (
            state["status"] == "probed"
            and state["place"] is not None
            and state["shots"] > 0
            and state["transcript"] is not None
        )
    return count


def run(settings: Settings, events: list[dict], kill: bool) -> tuple[dict, int]:
    """Feed the events to a running worker; optionally SIGKILL it after the first clip is projected."""
    ids = [e["capture_id"] for e in events]
    served = Served(settings)
    served.start()
    probed_before_kill = 0
    try:
        produce(settings, "captures", sealed(settings, "CaptureUploaded", events))
        if kill:
            served.client("wearer").wait_probed(ids[0])
            pid = running_pid(server.pidfile(settings))
            assert pid is not None, "the server is not running"
            os.kill(pid, signal.SIGKILL)
            while running_pid(server.pidfile(settings)) is not None:
                time.sleep(0.05)
            probed_before_kill = len({e["capture_id"] for _, e in decode_all(settings, read_topic(settings, "media"))})
            served.start()
        deadline = time.monotonic() + 180
        while enriched(served, ids) < len(ids):
            assert time.monotonic() < deadline, "the restarted worker did not finish the stream"
            time.sleep(0.2)
        settle(served)  # the slower enrichers (visual, faces) finish after the fast ones
    finally:
        served.close(purge=False)  # both runs read the same blobs; the test purges at its end
    return snapshot(settings), probed_before_kill


def test_sigkill_mid_stream_then_restart_gives_the_same_projections(stack_settings, sample_album, tmp_path_factory):
    # Both runs read the same bucket, so they hold the same master key (each data folder would make its own).
    calm = isolated(stack_settings, tmp_path_factory.mktemp("calm") / "data").with_(master_keys=new_key_line())
    killed = isolated(stack_settings, tmp_path_factory.mktemp("killed") / "data").with_(
        s3_bucket=calm.s3_bucket, master_keys=calm.master_keys
    )
    events = album_events(calm, sample_album)
    expected, _ = run(calm, events, kill=False)
    after_kill, probed_before_kill = run(killed, events, kill=True)
    assert 0 < probed_before_kill < len(events), "the kill did not land mid-stream"
    assert len(expected["clips"]) == len(events)
    assert after_kill == expected
    purge_test_data(killed)
    purge_test_data(calm)
