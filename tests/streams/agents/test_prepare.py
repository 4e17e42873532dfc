"""The prepare agent on the real stack: mezzanine copies and thumbnails in S3, announced as events."""

from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.settings import Settings
from streams.storage.blobs import BlobStore
from tests.conftest import Served, decode_all, read_topic
from tests.media_helpers import photo_with_exif, small_clip

pytestmark = pytest.mark.integration


def test_every_probed_clip_gets_a_mezzanine_poster_and_strip(settings: Settings, tmp_path: Path):
    served = Served(settings.with_(prepare_media=True, mezzanine_height=360))
    served.start()
    try:
        client = served.client("alice")
        capture = client.upload(small_clip(tmp_path / "c.mp4", seconds=2, width=640, height=360))
        client.wait_probed(capture["capture_id"])
        deadline = time.monotonic() + 60
        # MezzanineReady and ThumbnailsReady are two events, projected one after the other: wait for both
        while not ((state := client.capture(capture["capture_id"])).get("prepared") and state.get("poster_url")):
            assert time.monotonic() < deadline, "the clip was never prepared"
            time.sleep(0.2)
        poster = Image.open(io.BytesIO(httpx.get(state["poster_url"], timeout=10).content))
        assert poster.size == (320, 180)
        blobs = BlobStore(served.settings)
        prefix = f"processed/alice/{capture['capture_id']}/"
        names = sorted(o.object_name for o in blobs.client.list_objects(blobs.bucket, prefix=prefix, recursive=True))
        assert names == [prefix + "mezzanine-360p.mp4", prefix + "poster.jpg", prefix + "strip.jpg"]
        assert {blobs.tier(n) for n in names} == {"hot"}
        assert blobs.tier(capture["object_key"]) == "hot"
        events = {name: e for name, e in decode_all(served.settings, read_topic(served.settings, "media", expect=3))}
        assert set(events) == {"MediaProbed", "MezzanineReady", "ThumbnailsReady"}
        probed = events["MediaProbed"]
        assert events["MezzanineReady"]["causation_id"] == probed["event_id"]
        assert events["MezzanineReady"]["height"] == 360
        assert events["MezzanineReady"]["keyframes"][:3] == pytest.approx([0.0, 0.5, 1.0], abs=0.05)
        assert len(events["ThumbnailsReady"]["strip_times"]) == 10
    finally:
        served.close()


def test_a_photo_gets_a_still_to_be_cut_into_memories(settings: Settings, tmp_path: Path):
    served = Served(settings.with_(prepare_media=True, mezzanine_height=360))
    served.start()
    try:
        client = served.client("alice")
        capture = client.upload(photo_with_exif(tmp_path / "p.jpg", 38.7, -9.1, "2025:06:10 12:00:00"))
        client.wait_probed(capture["capture_id"])
        deadline = time.monotonic() + 60
        while not client.capture(capture["capture_id"]).get("prepared"):
            assert time.monotonic() < deadline, "the photo was never prepared"
            time.sleep(0.2)
        events = {name: e for name, e in decode_all(served.settings, read_topic(served.settings, "media", expect=3))}
        assert events["MezzanineReady"]["duration_s"] == pytest.approx(4.0, abs=0.05)
        assert events["MezzanineReady"]["keyframes"] == pytest.approx([i * 0.5 for i in range(8)], abs=0.05)
        assert (events["MezzanineReady"]["width"], events["MezzanineReady"]["height"]) == (640, 360)
    finally:
        served.close()
