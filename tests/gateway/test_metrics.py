"""/metrics counts what happened: uploads, rejections, dead letters and memories by outcome, in every process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.settings import REPO_ROOT, Settings
from gateway.client import GatewayError
from infra.process import start_daemon, stop_pid
from tests.conftest import Served, free_port, produce, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def counters(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every ``*_total`` sample of a /metrics page by (name, labels)."""
    text = httpx.get(url, timeout=5.0).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.endswith("_total")
    }


def test_the_gateway_counts_uploads_rejections_and_memories_by_outcome(served: Served, tmp_path: Path):
    url = f"http://{served.settings.http_host}:{served.settings.http_port}/metrics"
    client = served.client("mia")
    clip = small_clip(tmp_path / "a.mp4", seconds=2, lat=48.85, lon=2.35)
    client.wait_probed(client.upload(clip)["capture_id"])
    client.upload(clip)  # the same bytes again: a duplicate, not a second capture
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 2048)
    with pytest.raises(GatewayError):
        client.upload(junk)
    rendered = client.request_memory("a 5 second video of Paris", target_seconds=5)["memory_id"]
    failed = client.request_memory("a video of Tokyo")["memory_id"]  # no clip there
    assert client.wait_memory(rendered)["status"] == "rendered"
    assert client.wait_memory(failed)["status"] == "failed"
    found = counters(url)
    assert found[("reverie_uploads_total", (("outcome", "stored"),))] == 1
    assert found[("reverie_uploads_total", (("outcome", "duplicate"),))] == 1
    assert found[("reverie_rejections_total", (("stage", "gateway"),))] == 1
    assert found[("reverie_memories_total", (("outcome", "rendered"),))] == 1
    assert found[("reverie_memories_total", (("outcome", "failed"),))] == 1


def test_a_worker_without_the_gateway_exposes_its_metrics_and_counts_dead_letters(settings: Settings):
    worker = settings.with_(metrics_port=free_port())
    pidfile, log = worker.data_dir / "worker.pid", worker.data_dir / "worker.log"
    env = {**os.environ, **worker.to_env(), "PYTHONUNBUFFERED": "1"}
    start_daemon([sys.executable, "-m", "infra.cli", "serve", "--no-gateway"], pidfile, log, env=env, cwd=REPO_ROOT)
    url = f"http://{worker.http_host}:{worker.metrics_port}/metrics"
    try:
        wait_for(lambda: _status(url), lambda status: status == 200, timeout=120)
        assert _status(f"http://{worker.http_host}:{worker.metrics_port}/v1/captures") == 404  # metrics only
        produce(worker, "captures", [(b"nia", b"not an event")])
        dead = [("reverie_dead_letters_total", (("agent", agent),)) for agent in ("probe", "projector")]
        wait_for(lambda: counters(url), lambda found: all(found.get(key) == 1 for key in dead), timeout=120)
    finally:
        stop_pid(pidfile, timeout=30.0)


def _status(url: str) -> int:
    try:
        return httpx.get(url, timeout=2.0).status_code
    except httpx.HTTPError:
        return 0
