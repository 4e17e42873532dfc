"""A three-broker KRaft cluster on loopback (replication 3, min.insync.replicas 2, producers waiting for every
in-sync copy): a broker killed mid-stream, then another restarted, and every acknowledged capture is probed and
projected exactly once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from core.settings import Settings
from gateway.client import Client, GatewayError
from infra.kafka_cluster import Cluster
from tests.conftest import Served, decode_all, free_port, isolated, probed_once, read_topic, settle
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration

CLIPS = 12


def upload_until_acknowledged(client: Client, clip: Path, deadline_s: float = 180.0) -> tuple[str, int]:
    """Upload as a device does: a 503 (the event log busy electing a leader) is retried. (capture id, refusals)."""
    deadline, refused = time.monotonic() + deadline_s, 0
    while True:
        try:
            return client.upload(clip)["capture_id"], refused
        except GatewayError as error:
            if error.status != 503 or time.monotonic() > deadline:
                raise
            refused += 1
            time.sleep(2)


def test_a_broker_killed_then_another_restarted_loses_and_doubles_nothing(stack_settings: Settings, tmp_path: Path):
    cluster = Cluster(stack_settings, tmp_path / "cluster", [(free_port(), free_port()) for _ in range(3)])
    cluster.start()
    settings = isolated(stack_settings, tmp_path / "data").with_(
        kafka_bootstrap=cluster.bootstrap,
        kafka_replication=3,
        kafka_min_insync=2,
        # the probe and the projector are what this test counts; the enrichers would only share the two cores
        enrich_frames=False,
        enrich_faces=False,
        enrich_speech=False,
        enrich_visual=False,
    )
    served = Served(settings)
    try:
        served.start()
        client = served.client("kai")
        acknowledged: list[str] = []
        refusals = 0
        for i in range(CLIPS):
            if i == CLIPS // 3:
                cluster.kill(2)  # mid-stream: the agents are still probing the first uploads
                assert not cluster.running(2) and cluster.running(1) and cluster.running(3)
            if i == 2 * CLIPS // 3:
                cluster.restart(2)
                cluster.restart(3)  # another broker, restarted while the stream goes on
                assert all(cluster.running(n) for n in (1, 2, 3))
            clip = small_clip(tmp_path / f"k{i}.mp4", seconds=1 + i % 2, lat=40.0 + i, lon=-3.0)
            capture_id, refused = upload_until_acknowledged(client, clip)
            acknowledged.append(capture_id)
            refusals += refused
        for capture_id in acknowledged:
            client.wait_probed(capture_id, timeout=300)
        settle(served)
        media = [e for _, e in decode_all(settings, read_topic(settings, "media")) if e.get("duration_s") is not None]
        probed = probed_once(media)
        projected = sorted(c["capture_id"] for c in client.http.get("/v1/captures").json()["captures"])
        counts = {
            "acknowledged": len(acknowledged),
            "probed": len(probed),
            "projected": len(projected),
            "duplicates": len(probed) - len(set(probed)) + len(projected) - len(set(projected)),
            "media_messages": len(media),  # a message redelivered after a failover repeats its event id
            "uploads_refused_then_retried": refusals,
        }
        print("cluster fault test:", json.dumps(counts))
        (tmp_path.parent / "cluster-counts.json").write_text(json.dumps(counts))
        assert probed == sorted(acknowledged)
        assert projected == sorted(acknowledged)
        assert read_topic(settings, "dead-letter") == []
    finally:
        served.close()
        cluster.stop()
