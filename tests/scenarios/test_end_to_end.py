"""End to end on the real stack: the sample album in, a Paris memory out, through every agent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from infra.album import SampleClip
from infra.demo import verify_mp4
from projections.vectors import collection_name
from streams.geo.gazetteer import haversine_km
from streams.models import vision
from streams.video.media import SIGNATURE_MODEL
from tests.conftest import Served, decode_all, isolated, read_topic, snapshot, upload_album, wait_for

pytestmark = pytest.mark.integration
PARIS = (48.8566, 2.3522)


@pytest.fixture(scope="module")
def album_server(stack_settings: Settings, sample_album, tmp_path_factory) -> Iterator[tuple[Served, dict]]:
    served = Served(isolated(stack_settings, tmp_path_factory.mktemp("e2e") / "data"))
    served.start()
    try:
        ids = upload_album(served.client("wearer"), sample_album)
        yield served, ids
    finally:
        served.close()


def test_paris_memory_is_playable_near_its_target_and_only_from_paris(album_server, tmp_path: Path):
    served, ids = album_server
    client = served.client("wearer")
    memory = client.wait_memory(
        client.request_memory("a memory video of our days in Paris", target_seconds=30)["memory_id"]
    )
    assert memory["status"] == "rendered", memory
    assert memory["place"] == "Paris, FR"
    segments = memory["segments"]
    sources: list[SampleClip] = [ids[s["capture_id"]] for s in segments]
    assert {c.city for c in sources} == {"Paris"}
    assert len(sources) == 5  # every Paris clip, including the one whose place came with the upload
    assert all(haversine_km(c.lat, c.lon, *PARIS) < 30 for c in sources)
    assert [s["captured_at"] for s in segments] == sorted(s["captured_at"] for s in segments)
    out = tmp_path / "memory.mp4"
    out.write_bytes(httpx.get(memory["video_url"], timeout=30).content)
    frames = verify_mp4(out)
    assert frames == pytest.approx(30 * 30, abs=30)
    assert memory["duration_s"] == pytest.approx(30.0, rel=0.05)


def test_every_clip_with_gps_gets_its_place_in_words(album_server):
    served, ids = album_server
    client = served.client("wearer")
    for capture_id, clip in ids.items():
        place = client.capture(capture_id)["place"]
        assert place is not None and place["city"] in (clip.city, f"{clip.city} City"), (clip.name, place)


def test_time_and_place_filters_and_clear_failures(album_server):
    served, ids = album_server
    client = served.client("wearer")
    tokyo = client.wait_memory(client.request_memory("Tokyo in September 2025", target_seconds=12)["memory_id"])
    assert tokyo["status"] == "rendered"
    assert {ids[s["capture_id"]].city for s in tokyo["segments"]} == {"Tokyo"}
    nothing = client.wait_memory(client.request_memory("Tokyo in 2019")["memory_id"])
    assert nothing["status"] == "failed"
    assert (
        "no clips found for a 120 s memory video, in Tokyo (JP), from 2019-01-01 to before 2020-01-01"
        in (nothing["reason"])
    )
    assert nothing["query"]["place"]["name"] == "Tokyo" and nothing["query"]["time"]["said"] == "2019"


def test_events_flow_through_every_topic_with_causation(album_server):
    served, ids = album_server
    settings = served.settings
    captures = decode_all(settings, read_topic(settings, "captures", expect=len(ids)))
    media = decode_all(settings, read_topic(settings, "media", expect=len(ids)))
    assert sorted(e["capture_id"] for _, e in captures) == sorted(ids)
    assert {n for n, _ in media} == {"MediaProbed"}
    uploads = {e["event_id"]: e for _, e in captures}
    for _, probed in media:
        assert uploads[probed["causation_id"]]["capture_id"] == probed["capture_id"]
    by_capture = {e["capture_id"]: e for _, e in media}
    fallback = next(cid for cid, clip in ids.items() if not clip.embedded)
    assert (by_capture[fallback]["time_source"], by_capture[fallback]["location_source"]) == ("upload", "upload")
    embedded = next(cid for cid, clip in ids.items() if clip.embedded)
    assert by_capture[embedded]["location_source"] == "container"
    memories = decode_all(settings, read_topic(settings, "memories", expect=3))
    names = [n for n, _ in memories]
    assert {"MemoryRequested", "MemoryPlanned", "MemoryRendered"} <= set(names)


def test_projections_hold_every_clip_once(album_server):
    served, ids = album_server
    client = served.client("wearer")
    for capture_id in ids:  # every enricher has seen every clip before the stores are read
        wait_for(
            lambda c=capture_id: client.capture(c),
            lambda s: s["shots"] > 0 and s["transcript"] is not None and s["tags"],
        )
    served.stop()  # chDB and qdrant-edge allow one process per data path: read them after the server stopped
    try:
        snap = snapshot(served.settings)
    finally:
        served.start()
    assert len(snap["captures"]) == len(ids)
    assert len(snap["clips"]) == len(ids)
    # each album clip pans over one photo: one shot from start to end; each has its place in words
    assert sorted(row[1] for row in snap["shots"]) == sorted(ids)
    assert {(row[3], row[4]) for row in snap["shots"]} == {(0.0, 8.0)}
    assert len(snap["places"]) == len(ids)
    points = snap["points"][collection_name(SIGNATURE_MODEL)]
    assert len(points) == len(ids)
    assert {p["capture_id"] for _, p in points} == set(ids)
    assert {p["user_id"] for _, p in points} == {"wearer"}
    # one point per sampled frame in the image–text model's own collection, and tags with scores for each clip
    sampled = {
        e["capture_id"]: e["times"]
        for n, e in decode_all(served.settings, read_topic(served.settings, "enrichments"))
        if n == "FramesSampled"
    }
    frames = snap["points"][collection_name(vision.CAPTION_MODEL)]
    assert sorted((p["capture_id"], p["t"]) for _, p in frames) == sorted(
        (c, t) for c, times in sampled.items() for t in times
    )
    assert {(p["kind"], p["model"], p["user_id"]) for _, p in frames} == {("frame", vision.CAPTION_MODEL, "wearer")}
    assert {row[1] for row in snap["frame_tags"]} == set(ids)
