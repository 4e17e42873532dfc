"""A synthetic event log: users whose captures went through every enrichment, as many events as asked.

For replay benchmarks and tests that need volume, not media: the events are what the agents would have emitted
(valid against the schemas, vectors of the real sizes), with ids and times drawn from a seeded generator.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.models.minilm import MODEL as TEXT_MODEL
from streams.models.minilm import SIZE as TEXT_SIZE
from streams.models.vision import CAPTION_MODEL
from streams.video.media import SIGNATURE_MODEL, SIGNATURE_SIZE

Event = tuple[str, dict[str, Any]]
CITIES = [  # (city, region, country code, country, lat, lon)
    ("Paris", "Île-de-France", "FR", "France", 48.8566, 2.3522),
    ("Rome", "Lazio", "IT", "Italy", 41.9028, 12.4964),
    ("Lisbon", "Lisbon", "PT", "Portugal", 38.7223, -9.1393),
    ("Kyoto", "Kyoto", "JP", "Japan", 35.0116, 135.7681),
]
TAGS = ["beach", "tower", "dog", "bicycle", "cake", "mountain", "street", "boat"]
EVENTS_PER_CAPTURE = 9


class Log:
    """Deterministic synthetic events; each capture yields EVENTS_PER_CAPTURE of them."""

    def __init__(self, seed: int = 7, users: int = 200, start: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.users = [f"user-{i:04d}" for i in range(users)]
        self.clock = start or datetime(2026, 1, 1, tzinfo=UTC)

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _vector(self, size: int) -> list[float]:
        return [self.rng.random() - 0.5 for _ in range(size)]

    def tick(self) -> datetime:
        """The log's clock, one millisecond on: every event happens after the one before."""
        self.clock += timedelta(milliseconds=1)
        return self.clock

    def _event(self, user: str, **fields: Any) -> dict[str, Any]:
        return {"event_id": self._id(), "user_id": user, "occurred_at": self.tick(), "causation_id": None, **fields}

    def events(self, count: int) -> Iterator[Event]:
        """At least ``count`` events, whole captures at a time."""
        made = 0
        while made < count:
            yield from self.capture(self.rng.choice(self.users))
            made += EVENTS_PER_CAPTURE

    def capture(self, user: str) -> list[Event]:
        """One capture's events, from the upload to the last enrichment."""
        capture = self._id()
        city, region, code, country, lat, lon = self.rng.choice(CITIES)
        taken = self.clock - timedelta(days=self.rng.randrange(1, 900))
        key = f"raw/{user}/{capture}.mp4"
        duration = round(self.rng.uniform(3, 60), 2)
        keyframes = [float(t) for t in range(0, int(duration), 2)]
        common = {"capture_id": capture}
        return [
            ("CaptureUploaded", self._event(user, **common, object_key=key, content_type="video/mp4",
                size_bytes=self.rng.randrange(10**6, 10**8), sha256=self._id().replace("-", "") * 2,
                filename=f"{capture[:8]}.mp4", device_id="glasses-1", client_captured_at=None, client_lat=None,
                client_lon=None, kind="video", recording_id=None)),
            ("MediaProbed", self._event(user, **common, object_key=key, duration_s=duration, width=1920,
                height=1080, fps=30.0, video_codec="h264", audio_codec="aac", keyframes=keyframes,
                captured_at=taken, time_source="container", lat=lat, lon=lon, location_source="container",
                signature_model=SIGNATURE_MODEL, signature=self._vector(SIGNATURE_SIZE), kind="video",
                rotation=0)),
            ("ThumbnailsReady", self._event(user, **common, poster_key=f"processed/{user}/{capture}/poster.jpg",
                strip_key=f"processed/{user}/{capture}/strip.jpg", strip_times=keyframes[:8])),
            ("MezzanineReady", self._event(user, **common, object_key=f"processed/{user}/{capture}/mezz.mp4",
                width=1920, height=1080, fps=30.0, duration_s=duration, keyframes=keyframes, prepare_seconds=1.5)),
            ("PlaceResolved", self._event(user, **common, lat=lat, lon=lon, city=city, region=region,
                subregion="", country_code=code, country=country, distance_km=1.2, gazetteer="geonames-15000")),
            ("FramesSampled", self._event(user, **common, times=[0.5, duration / 2],
                shots=[{"start_s": 0.0, "end_s": duration}], duration_s=duration)),
            ("TranscriptExtracted", self._event(user, **common, model="tiny.en", language="en",
                text=f"look at the {self.rng.choice(TAGS)}", words=[], embedding_model=TEXT_MODEL,
                embedding=self._vector(TEXT_SIZE))),
            ("FramesDescribed", self._event(user, **common, model=CAPTION_MODEL, tagger="mobilenet_v2",
                frames=[self._frame(t) for t in (0.5, duration / 2)])),
            ("PeopleAssigned", self._event(user, **common, model="sface/1", assignments=[
                {"face_id": self._id(), "person_id": self._id(), "t": 0.5, "x": 100, "y": 80, "w": 120, "h": 120,
                 "similarity": 0.9}])),
        ]  # fmt: skip

    def _frame(self, t: float) -> dict[str, Any]:
        tag = self.rng.choice(TAGS)
        return {
            "t": t,
            "caption": f"a photo of a {tag}",
            "sharpness": 120.0,
            "motion": 3.0,
            "tags": [{"label": tag, "score": 0.8, "kind": "object"}],
            "embedding": self._vector(TEXT_SIZE),
        }
