"""The album held in memory (projections/snapshot.py) on real chDB: the filters searches and memories use, and a
cache that is never stale — any write of the user's album is seen by the next read, in this process or, through
Redis (Debian's real server), in another."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from projections.clickhouse import MetadataStore
from projections.generations import LocalGenerations, RedisGenerations, open_generations
from tests.conftest import free_port, unavailable

T0 = datetime(2025, 6, 12, 9, tzinfo=UTC)
PARIS = {"kind": "city", "name": "Paris", "country_code": "FR", "lat": 48.8566, "lon": 2.3522, "radius_km": 30.0}


def clip(user: str, capture: str, at: datetime, lat: float | None, lon: float | None, kind: str = "video") -> dict:
    return {
        "user_id": user, "capture_id": capture, "event_id": capture, "object_key": f"raw/{capture}.mp4",
        "duration_s": 8.0, "width": 1920, "height": 1080, "fps": 30.0, "video_codec": "h264", "audio_codec": "aac",
        "keyframes": [0.0, 4.0], "captured_at": at, "time_source": "container", "lat": lat, "lon": lon,
        "location_source": "container", "signature_model": "m", "kind": kind, "rotation": 0, "signature": [1.0],
        "probed_at": at, "version": 1,
    }  # fmt: skip


def place(user: str, capture: str, city: str, region: str, cc: str) -> dict:
    return {
        "user_id": user, "capture_id": capture, "event_id": f"p-{capture}", "city": city, "region": region,
        "subregion": "", "country_code": cc, "country": cc, "distance_km": 0.0, "gazetteer": "t", "resolved_at": T0,
        "version": 1,
    }  # fmt: skip


def face(user: str, capture: str, person: str, t: float) -> dict:
    return {
        "user_id": user, "capture_id": capture, "face_id": f"{capture}-{person}-{t}", "event_id": f"f-{capture}",
        "person_id": person, "t": t, "x": 0, "y": 0, "w": 100, "h": 100, "similarity": 0.9, "model": "m",
        "found_at": T0, "version": 1,
    }  # fmt: skip


def mezzanine(user: str, capture: str) -> dict:
    return {
        "user_id": user, "capture_id": capture, "kind": "mezzanine", "event_id": f"m-{capture}",
        "object_key": f"mezzanine/{capture}.mp4", "keyframes": [0.0], "times": [], "made_at": T0, "version": 1,
    }  # fmt: skip


def album(store: MetadataStore) -> None:
    day = timedelta(days=1)
    store.load(
        "clips",
        [
            clip("alice", "eiffel", T0, 48.8584, 2.2945),
            clip("alice", "versailles", T0 + day, 48.8049, 2.1204),  # ~20 km from Paris's centre: near, unresolved
            clip("alice", "lisbon", T0 + 2 * day, None, None),  # no location in the file, resolved by its place
            clip("alice", "porto", T0 + 3 * day, 41.1579, -8.6291),
            clip("alice", "still", T0 + 4 * day, 48.86, 2.35, kind="photo"),  # no prepared still yet
            clip("alice", "framed", T0 + 5 * day, 48.86, 2.35, kind="photo"),
            clip("bob", "bobs", T0, 48.8584, 2.2945),
        ],
    )
    store.load(
        "places",
        [
            place("alice", "eiffel", "Paris", "Île-de-France", "FR"),
            place("alice", "lisbon", "Lisbon", "Lisboa", "PT"),
            place("alice", "porto", "Porto", "Norte", "PT"),
            place("bob", "bobs", "Paris", "Île-de-France", "FR"),
        ],
    )
    store.load(
        "faces",
        [
            face("alice", "eiffel", "anna", 1.0),
            face("alice", "eiffel", "tom", 2.0),
            face("alice", "porto", "anna", 0.5),
        ],
    )
    store.load("assets", [mezzanine("alice", "framed"), mezzanine("alice", "eiffel")])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MetadataStore]:
    s = MetadataStore(f"chdb://{tmp_path / 'ch'}")
    album(s)
    yield s
    s.close()


def test_the_filters_of_searches_and_memories(store: MetadataStore):
    videos = ("video",)
    assert store.candidates("alice") == ["eiffel", "versailles", "lisbon", "porto"]  # oldest first
    assert store.candidates("alice", T0 + timedelta(days=1), T0 + timedelta(days=3)) == ["versailles", "lisbon"]
    assert store.candidates("alice", place=PARIS) == ["eiffel", "versailles"]  # resolved, or near the centre
    lisbon = {**PARIS, "name": "Lisbon", "country_code": "PT", "lat": 38.7223, "lon": -9.1393}
    assert store.candidates("alice", place=lisbon) == ["lisbon"]  # no location, but resolved to the city
    portugal = {"kind": "country", "name": "Portugal", "country_code": "PT"}
    assert store.candidates("alice", place=portugal) == ["lisbon", "porto"]
    assert store.candidates("alice", place={"kind": "region", "name": "Norte", "country_code": "PT"}) == ["porto"]
    assert store.candidates("alice", people=["anna"]) == ["eiffel", "porto"]
    assert store.candidates("alice", people=["anna", "tom"]) == ["eiffel"]  # all of them, in one capture
    assert store.candidates("alice", people=["nobody"]) == []
    assert store.candidates("alice", captures=["porto", "eiffel", "bobs"], kinds=videos) == ["eiffel", "porto"]
    both = ("video", "photo")
    assert store.candidates("alice", kinds=both, needs_cut=False)[-2:] == ["still", "framed"]
    assert store.candidates("alice", kinds=both, needs_cut=True)[-1:] == ["framed"]  # its still is made
    assert store.candidates("alice", T0 + timedelta(days=3), T0) == []  # an empty range
    assert store.candidates("bob") == ["bobs"]  # never another user's


def test_material_frames_faces_and_vocabulary(store: MetadataStore):
    material = store.material("alice", ["porto", "eiffel", "bobs"])
    assert [m["capture_id"] for m in material] == ["eiffel", "porto"]
    assert material[0]["city"] == "Paris" and material[0]["mezzanine_key"] == "mezzanine/eiffel.mp4"
    assert material[1]["mezzanine_key"] == "" and material[1]["mezzanine_keyframes"] == []
    assert store.people_seen("alice", ["eiffel", "porto", "lisbon"], ["tom"]) == {"eiffel": 1}
    _, faces = store.frames_and_faces("alice", ["eiffel"])
    assert sorted(f["person_id"] for f in faces) == ["anna", "tom"]
    tag = {"user_id": "alice", "t": 1.0, "kind": "object", "tagger": "m", "event_id": "t", "described_at": T0,
           "version": 1}  # fmt: skip
    store.load("frame_tags", [{**tag, "capture_id": "eiffel", "label": "tabby", "score": 0.8}])
    assert [r["capture_id"] for r in store.tagged("alice", ["tabby", "beach"])] == ["eiffel"]  # a new tag is seen
    assert store.tagged("alice", ["tabby"], captures=["porto"]) == [] and store.tagged("bob", ["tabby"]) == []
    vocabulary = store.vocabulary("alice")
    assert [c["city"] for c in vocabulary["cities"]] == ["Lisbon", "Paris", "Porto"]
    assert {r["region"] for r in vocabulary["regions"]} == {"Île-de-France", "Lisboa", "Norte"}


def test_an_unchanged_album_is_read_once_and_any_write_is_seen_by_the_next_read(store: MetadataStore):
    store.candidates("alice")
    reads = store.snapshots.reads
    for _ in range(5):
        store.candidates("alice", place=PARIS)
        store.vocabulary("alice")
    assert store.snapshots.reads == reads  # answered from memory
    store.load("clips", [clip("alice", "louvre", T0 + timedelta(days=9), 48.8606, 2.3376)])
    assert store.candidates("alice", place=PARIS)[-1] == "louvre"
    store.load("devices", [{"user_id": "alice", "device_id": "d", "event_id": "d", "name": "g", "revoked": 0,
                            "changed_at": T0, "version": 1}])  # fmt: skip
    reads = store.snapshots.reads
    store.candidates("alice")
    assert store.snapshots.reads == reads  # a table no search reads moves nothing
    store.candidates("bob")
    reads = store.snapshots.reads
    store.purge_captures("alice", ["eiffel"])  # a statement (DELETE) names no rows: every snapshot is read again
    assert "eiffel" not in store.candidates("alice") and store.candidates("bob") == ["bobs"]
    assert store.snapshots.reads == reads + 2


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (Debian's redis-server; infra/install.sh dev installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                open_generations(url).of("probe")
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def two_processes(tmp_path: Path, counters: Any) -> tuple[MetadataStore, MetadataStore]:
    """A gateway's store and a worker's on the same tables, sharing nothing in memory but what ``counters`` gives:
    each its own counters object, as two processes would have."""
    path = f"chdb://{tmp_path / 'shared'}"
    return MetadataStore(path, generations=counters()), MetadataStore(path, generations=counters())


def test_counters_in_redis_carry_one_process_s_writes_to_another_s_reads(tmp_path: Path, redis_url: str):
    reader, writer = two_processes(tmp_path, lambda: RedisGenerations(redis_url))
    try:
        album(writer)
        assert reader.candidates("alice") == ["eiffel", "versailles", "lisbon", "porto"]
        writer.load("clips", [clip("alice", "louvre", T0 + timedelta(days=9), 48.8606, 2.3376)])
        assert reader.candidates("alice")[-1] == "louvre"
        assert RedisGenerations(redis_url).of("alice")[1] > 0
    finally:
        reader.close()
        writer.close()


def test_counters_kept_apart_would_leave_a_reader_stale(tmp_path: Path):
    """Why distributed gateways share counters: with counters of their own, another process's write goes unseen."""
    reader, writer = two_processes(tmp_path, LocalGenerations)
    try:
        album(writer)
        before = reader.candidates("alice")
        writer.load("clips", [clip("alice", "louvre", T0 + timedelta(days=9), 48.8606, 2.3376)])
        assert reader.candidates("alice") == before
    finally:
        reader.close()
        writer.close()


def test_a_cache_url_is_in_the_process_or_redis():
    assert isinstance(open_generations(""), LocalGenerations)
    with pytest.raises(ValueError, match="redis://"):
        open_generations("memcached://127.0.0.1:11211")
