"""Enrichment on odd clips, and enrichment run twice over the same events (it must change nothing)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from infra.album import encode_clip, photo
from tests.conftest import Served, decode_all, produce, read_topic, settle, snapshot, wait_for
from tests.media_helpers import rotated_clip, small_clip

pytestmark = pytest.mark.integration
PARIS = "+48.8584+002.2945/"


def test_odd_clips_are_enriched_and_enriching_twice_changes_nothing(served: Served, tmp_path: Path):
    client = served.client("olga")
    assert client.http.put("/v1/settings/face-recognition", json={"enabled": True}).status_code == 202
    wait_for(lambda: client.http.get("/v1/settings").json(), lambda s: s["face_recognition"])
    portrait = np.ascontiguousarray(np.pad(photo("astronaut"), ((0, 0), (128, 128), (0, 0))))
    upside_down = rotated_clip(tmp_path / "upside-down.mp4", 180, portrait)  # and no sound, no GPS
    dark = tmp_path / "dark.mp4"  # a night shot: 4 % of the light
    encode_clip(dark, (photo("astronaut") * 0.04).astype(np.uint8), {"location": PARIS}, 640, 360, 2)
    coffee = small_clip(tmp_path / "coffee.mp4", seconds=2, image="coffee")  # no face, no GPS
    ids = {client.upload(p)["capture_id"]: name for name, p in [("up", upside_down), ("dark", dark), ("cup", coffee)]}

    expected = {
        "up": {"FramesSampled", "FramesDescribed", "FacesDetected", "PeopleAssigned"},
        "dark": {
            "FramesSampled",
            "FramesDescribed",
            "FacesDetected",
            "PeopleAssigned",
            "TranscriptExtracted",
            "PlaceResolved",
        },
        "cup": {"FramesSampled", "FramesDescribed", "FacesDetected", "PeopleAssigned", "TranscriptExtracted"},
    }
    events = decode_all(served.settings, read_topic(served.settings, "enrichments", expect=15, timeout=180))
    seen: dict[str, set[str]] = {name: set() for name in expected}
    for name, e in events:
        seen[ids[e["capture_id"]]].add(name)
    assert seen == expected
    by = {(ids[e["capture_id"]], n): e for n, e in events}
    assert len(by["up", "FacesDetected"]["faces"]) == 1  # found only because the frames were turned upright
    assert by["cup", "FacesDetected"]["faces"] == [] and by["cup", "PeopleAssigned"]["assignments"] == []
    assert by["cup", "FramesDescribed"]["frames"][0]["tags"][0]["label"] == "espresso"
    assert by["dark", "PlaceResolved"]["city"] == "Paris"
    assert by["dark", "TranscriptExtracted"]["text"] == "" and by["dark", "TranscriptExtracted"]["embedding"] is None
    assert all(f["caption"].startswith("a photo") for f in by["dark", "FramesDescribed"]["frames"])
    assert read_topic(served.settings, "dead-letter") == []

    settle(served)
    served.stop()
    before = snapshot(served.settings)
    served.start()
    # the same MediaProbed events once more: every enricher runs again and derives the same events
    produce(served.settings, "media", read_topic(served.settings, "media"))
    again = decode_all(served.settings, read_topic(served.settings, "enrichments", expect=30, timeout=180))
    assert Counter(n for n, _ in again) == Counter(n for n, _ in events) + Counter(n for n, _ in events)
    assert {e["event_id"] for _, e in again} == {e["event_id"] for _, e in events}  # same ids: the same facts
    settle(served)
    served.stop()
    after = snapshot(served.settings)
    served.start()
    assert after == before
    assert before["frame_tags"] and before["faces"] and before["places"]
