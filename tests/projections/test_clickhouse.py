"""The ClickHouse read model on real chDB: idempotent upserts and reads that are always per user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from projections.clickhouse import MetadataStore
from schemas.envelope import new_event

T0 = datetime(2025, 6, 12, 9, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    s = MetadataStore(f"chdb://{tmp_path / 'ch'}")
    yield s
    s.close()


def probed(user: str, capture: str, lat: float | None, lon: float | None, at: datetime) -> dict:
    return new_event(
        user,
        capture_id=capture,
        object_key=f"raw/{user}/{capture}.mp4",
        duration_s=8.0,
        width=1920,
        height=1080,
        fps=30.0,
        video_codec="h264",
        audio_codec="aac",
        keyframes=[0.0, 1.0],
        captured_at=at,
        time_source="container",
        lat=lat,
        lon=lon,
        location_source="container",
        signature_model="m",
        signature=[1.0],
        kind="video",
        rotation=0,
    )


def test_the_same_event_twice_leaves_one_row(store: MetadataStore):
    event = probed("alice", "c1", 48.85, 2.35, T0)
    store.upsert_clip(event)
    store.upsert_clip(event)
    assert len(store.snapshot("clips")) == 1
    stage = new_event("alice", memory_id="m1", text="Paris", target_seconds=None)
    store.upsert_memory_stage("requested", stage)
    store.upsert_memory_stage("requested", stage)
    assert len(store.memory("alice", "m1")) == 1


def test_clips_near_filters_by_user_place_and_time(store: MetadataStore):
    store.upsert_clip(probed("alice", "paris", 48.8584, 2.2945, T0))
    store.upsert_clip(probed("alice", "versailles", 48.8049, 2.1204, T0 + timedelta(days=1)))  # ~17 km away
    store.upsert_clip(probed("alice", "tokyo", 35.6595, 139.7005, T0))
    store.upsert_clip(probed("alice", "nowhere", None, None, T0))
    store.upsert_clip(probed("bob", "paris-bob", 48.8584, 2.2945, T0))
    near = store.clips_near("alice", 48.8566, 2.3522, 30.0, None, None)
    assert [c["capture_id"] for c in near] == ["paris", "versailles"]
    assert [c["capture_id"] for c in store.clips_near("alice", 48.8566, 2.3522, 10.0, None, None)] == ["paris"]
    day_two = store.clips_near("alice", 48.8566, 2.3522, 30.0, T0 + timedelta(hours=12), None)
    assert [c["capture_id"] for c in day_two] == ["versailles"]
    everything = store.clips_near("alice", None, None, 30.0, None, None)
    assert {c["capture_id"] for c in everything} == {"paris", "versailles", "tokyo", "nowhere"}


def test_reads_never_cross_users(store: MetadataStore):
    store.upsert_memory_stage("requested", new_event("alice", memory_id="m1", text="Paris", target_seconds=None))
    assert store.memory("bob", "m1") == []
    assert store.capture("bob", "c1") is None


def test_rows_survive_reopening(tmp_path: Path):
    dsn = f"chdb://{tmp_path / 'ch'}"
    first = MetadataStore(dsn)
    first.upsert_clip(probed("alice", "c1", 48.85, 2.35, T0))
    first.close()
    second = MetadataStore(dsn)
    try:
        assert len(second.snapshot("clips")) == 1
    finally:
        second.close()


def test_merging_people_moves_every_face_once(store: MetadataStore):
    faces = new_event(
        "alice",
        capture_id="c1",
        model="m",
        assignments=[
            {
                "face_id": f"f{i}",
                "person_id": "p1" if i < 2 else "p2",
                "t": float(i),
                "x": 1,
                "y": 1,
                "w": 30,
                "h": 40,
                "similarity": 1.0,
            }
            for i in range(3)
        ],
    )
    store.upsert_faces(faces)
    merge = new_event("alice", person_id="p2", into_person_id="p1")
    store.merge_person(merge)
    store.merge_person(merge)  # replayed
    assert [(p["person_id"], p["faces"]) for p in store.people("alice")] == [("p1", 3)]
    assert store.people("bob") == []


def test_segments_carry_place_and_the_people_on_screen_in_each_shot(store: MetadataStore):
    store.upsert_clip(probed("alice", "c1", 48.8584, 2.2945, T0))
    store.upsert_shots(
        new_event(
            "alice",
            capture_id="c1",
            times=[0.0, 1.0, 2.0, 3.0],
            shots=[{"start_s": 0.0, "end_s": 2.0}, {"start_s": 2.0, "end_s": 4.0}],
            duration_s=4.0,
        )
    )
    store.upsert_place(
        new_event(
            "alice",
            capture_id="c1",
            lat=48.8584,
            lon=2.2945,
            city="Paris",
            region="Ile-de-France",
            subregion="",
            country_code="FR",
            country="France",
            distance_km=4.0,
            gazetteer="g",
        )
    )
    store.upsert_faces(
        new_event(
            "alice",
            capture_id="c1",
            model="m",
            assignments=[
                {"face_id": "f1", "person_id": "anna", "t": 2.0, "x": 1, "y": 1, "w": 30, "h": 40, "similarity": 1.0},
                {"face_id": "f2", "person_id": "me", "t": 3.0, "x": 1, "y": 1, "w": 30, "h": 40, "similarity": 1.0},
            ],
        )
    )
    words = [{"word": "bonjour", "start_s": 0.5, "end_s": 0.9}, {"word": "Paris", "start_s": 2.5, "end_s": 2.9}]
    store.upsert_transcript(
        new_event("alice", capture_id="c1", model="w", language="en", text="bonjour Paris", words=words)
    )
    segments = store.segments("alice")
    assert [(s["shot"], s["start_s"], s["end_s"], s["city"], s["people"], s["transcript"]) for s in segments] == [
        (0, 0.0, 2.0, "Paris", [], "bonjour"),
        (1, 2.0, 4.0, "Paris", ["anna", "me"], "Paris"),
    ]
    assert store.segments("bob") == []
