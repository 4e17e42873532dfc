"""Replays against the real broker, chDB, qdrant-edge and S3: resumable, equal to a fresh rebuild, blue/green
through the running server while live processing goes on, and erasure that a replay does not undo."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bench import replay_rate
from bench.synthetic import Log
from core.settings import Settings
from infra import replay as replay_cli
from projections.clickhouse import MetadataStore
from projections.versions import Versions
from schemas.envelope import new_event
from streams import replay as replay_module
from streams.agents import erase
from streams.replay import Progress, Replay
from streams.runtime.services import Services
from streams.storage.blobs import BlobStore
from streams.storage.sealing import keyring
from tests.conftest import Served, settle, snapshot, wait_for
from tests.gateway.test_deletion import browse, upload_trip
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


class Interrupted(Exception):
    pass


def synthetic_log(settings: Settings) -> tuple[list[tuple[str, dict]], str, str]:
    """Captures of three users, then one capture deleted and one user forgotten (with her keys destroyed)."""
    log = Log(seed=3, users=3)
    events = list(log.events(270))
    forgotten = "user-0001"
    deleted = next(e for n, e in events if n == "CaptureUploaded" and e["user_id"] != forgotten)
    captures = sorted({e["capture_id"] for n, e in events if n == "CaptureUploaded" and e["user_id"] == forgotten})
    events.append(("CaptureDeleted", new_event(deleted["user_id"], capture_id=deleted["capture_id"],
                                               object_key=deleted["object_key"], memory_ids=[])))  # fmt: skip
    events.append(("UserForgotten", new_event(forgotten, capture_ids=captures)))
    return events, forgotten, deleted["capture_id"]


@pytest.fixture
def produced(settings: Settings) -> tuple[str, str]:
    BlobStore(settings).ensure_bucket()
    events, forgotten, deleted = synthetic_log(settings)
    asyncio.run(replay_rate.produce_log(settings, events, len(events), show=False))
    # The erase agent's own handler on the UserForgotten just produced (no server runs here: its enrichers would
    # add events to the log this test counts).
    name, event = events[-1]
    assert name == "UserForgotten" and keyring(settings).blobs.names(f"keys/{forgotten}/")
    services = Services.open(settings, _refuse_to_send)
    try:
        asyncio.run(erase.on_user_forgotten(services, event))
    finally:
        services.close()
    assert keyring(settings).blobs.names(f"keys/{forgotten}/") == []
    return forgotten, deleted


async def _refuse_to_send(topic: str, key: bytes | None, value: bytes | None) -> None:
    raise AssertionError(f"erasing a user sends nothing, yet {topic} was sent to")


def test_an_interrupted_replay_resumes_and_equals_a_fresh_one(settings: Settings, produced, monkeypatch):
    forgotten, deleted = produced
    monkeypatch.setattr(replay_module, "FLUSH_ROWS", 40)  # a checkpoint every few events

    def interrupt(progress: Progress) -> None:
        if progress.done >= 120:
            raise Interrupted

    first = Replay.start(settings)
    first.batch = 30
    with pytest.raises(Interrupted):
        asyncio.run(first.run(on_progress=interrupt))
    first.services.close()
    seen: list[int] = []
    resumed = Replay.start(settings)
    assert resumed.progress.version == first.progress.version
    done = asyncio.run(resumed.run(on_progress=lambda p: seen.append(p.done)))
    resumed.services.close()
    assert seen[0] >= 90, "resumed from its checkpoint, not from the beginning"
    assert done.state == "switched" and done.done == 272
    assert done.skipped >= 9 * 1  # the forgotten user's events no longer open; the deleted capture's are dropped
    store = MetadataStore(settings.clickhouse)
    assert Versions(store.client).live() == done.version
    store.close()

    fresh = Replay.start(settings, fresh=True)
    again = asyncio.run(fresh.run())
    fresh.services.close()
    assert again.version == done.version + 1 and again.done == done.done
    rebuilt, live = snapshot(settings, again.version), snapshot(settings, done.version)
    assert rebuilt == live
    rows = [repr(row) for table, rows in rebuilt.items() if table not in ("points", "tombstones") for row in rows]
    assert rows and not any(forgotten in r or deleted in r for r in rows)
    points = [p for pts in rebuilt["points"].values() for _, p in pts]
    assert points and not any(p["user_id"] == forgotten or p["capture_id"] == deleted for p in points)
    assert {p["user_id"] for p in points} == {"user-0000", "user-0002"}


def test_a_replay_through_the_running_server_switches_reads_while_live_goes_on(served: Served, tmp_path: Path):
    ids = upload_trip(served, "alice", tmp_path)
    alice = served.client("alice")
    assert alice.http.put("/v1/places/home", json={"lat": 48.85, "lon": 2.35}).status_code == 202
    settle(served)
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(replay_cli.run(served.settings, show=False)))
    thread.start()
    late = alice.upload(small_clip(tmp_path / "late.mp4", seconds=2, lat=41.89, lon=12.49))["capture_id"]
    thread.join(timeout=300)
    assert outcome["state"] == "switched" and outcome["version"] == 1 and outcome["done"] > 0
    progress = served.client("alice").http.get("/v1/admin/replay")
    assert progress.status_code == 403  # operators only
    # reads come from the new version: everything from before, and the clip uploaded during the replay
    wait_for(lambda: {c["capture_id"] for c in browse(served, "alice")["captures"]}, lambda s: late in s)
    assert set(ids.values()) <= {c["capture_id"] for c in browse(served, "alice")["captures"]}
    assert alice.http.get("/v1/places").json()["places"][0]["name"] == "home"
    settle(served)
    served.stop()
    live = snapshot(served.settings)
    rebuilt = replay_cli.run(served.settings, show=False)  # no server: runs here
    assert rebuilt["version"] == 2
    assert snapshot(served.settings, 2) == live
    assert any(late in repr(row) for row in live["captures"])  # type: ignore[union-attr]
