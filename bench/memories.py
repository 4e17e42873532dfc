"""Memories and search at the sizes the product promises.

- memories: a 2-minute memory from 16 clips of 1080p (10 s each, mezzanines prepared by the real stack): p50 and
  p95 from MemoryRequested to the first playable playlist and to the finished MP4 (events' own timestamps),
  against a full decode + re-encode of the same segments measured in the same run; and a cached repeat.
- search: the retrieval of a memory request (understanding aside) on a synthetic album of 10,000 clips with four
  sampled frames each (metadata in chDB, vectors in qdrant-edge; no media), p50 and p95 per kind of request.
"""

from __future__ import annotations

import asyncio
import random
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
from tqdm import tqdm

from bench import load
from bench.measure import summary, timed
from bench.reencode import reencode
from core.settings import Settings
from gateway import auth
from gateway.client import Client
from infra import album, server
from projections.clickhouse import MetadataStore
from projections.vectors import collection_name, open_vectors
from schemas.codec import registry
from streams.geo.gazetteer import format_iso6709
from streams.models import factory
from streams.runtime.services import Services
from streams.storage.blobs import BlobStore
from streams.understanding import retrieval
from streams.understanding.request import Vocabulary, parse

PHOTOS = ("astronaut", "coffee", "chelsea", "motorcycle_left", "rocket", "hubble_deep_field", "camera", "coins")
CITIES = [
    ("Paris", "FR", 48.8566, 2.3522), ("Tokyo", "JP", 35.6762, 139.6503), ("New York City", "US", 40.7128, -74.006),
    ("Rome", "IT", 41.9028, 12.4964), ("London", "GB", 51.5072, -0.1276), ("Berlin", "DE", 52.52, 13.405),
    ("Madrid", "ES", 40.4168, -3.7038), ("Lisbon", "PT", 38.7223, -9.1393), ("Sydney", "AU", -33.8688, 151.2093),
    ("Cairo", "EG", 30.0444, 31.2357),
]  # fmt: skip


def _trip(work: Path, count: int = 16, seconds: int = 10) -> list[Path]:
    """16 clips of 1080p over four days in Paris, written once."""
    folder = work / "trip-1080p"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in tqdm(range(count), desc="trip clips", unit="clip"):
        path = folder / f"trip-{i:02d}.mp4"
        if not path.exists():
            at = datetime(2025, 6, 10, 9, tzinfo=UTC) + timedelta(days=i // 4, hours=2 * (i % 4))
            meta = {"creation_time": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "location": format_iso6709(48.85, 2.35)}
            image = album.photo(PHOTOS[i % len(PHOTOS)])
            album.encode_clip(path, image, meta, album.WIDTH, album.HEIGHT, seconds, pan=1 if i % 2 else -1)
        paths.append(path)
    return paths


def bench_memories(settings: Settings, work: Path, requests: int = 10) -> dict[str, Any]:
    paths = _trip(work)
    # a user of its own each run: an earlier run's memories would (rightly) come back from the cache
    user = f"bench-trip-{datetime.now(UTC):%Y%m%d%H%M%S}"
    client = Client(server.base_url(settings), auth.issue(settings, user))
    try:
        ids = [client.upload(p)["capture_id"] for p in tqdm(paths, desc="upload trip", unit="clip")]
        for capture_id in tqdm(ids, desc="prepare trip", unit="clip"):
            client._wait(lambda c=capture_id: client.capture(c), lambda s: s.get("prepared") and s["tags"], 600)
        # the rest of the album's enrichment (faces, speech) would otherwise share the 2 cores with the renders
        asyncio.run(load.settled(settings))
        playable, finished, durations, memories = [], [], [], []
        for i in tqdm(range(requests), desc="2-minute memories", unit="memory"):
            # a slightly different target each time: the same request would (rightly) come from the cache
            memory = client.wait_memory(client.request_memory("a memory video of our trip", 120.0 - i)["memory_id"])
            if memory["status"] != "rendered":
                raise RuntimeError(f"bench memory failed: {memory['reason']}")
            asked = datetime.fromisoformat(memory["requested_at"])
            playable.append((datetime.fromisoformat(memory["playable_at"]) - asked).total_seconds())
            finished.append((datetime.fromisoformat(memory["finished_at"]) - asked).total_seconds())
            durations.append(abs(memory["duration_s"] - memory["target_seconds"]) / memory["target_seconds"])
            memories.append(memory)
        # the album may have moved on since the first request (a late enrichment): render once for this version
        client.wait_memory(client.request_memory("a memory video of our trip", 120.0)["memory_id"])
        cached = timed(lambda: _cached(client), 5)
    finally:
        client.close()
    baseline = _reencode_baseline(settings, memories[0], work)
    return {
        "user": user,
        "source_clips": len(paths),
        "resolution": f"{album.WIDTH}x{album.HEIGHT}",
        "target_seconds": 120,
        "segments": len(memories[0]["segments"]),
        "crossfades": len(memories[0]["segments"]) - 1,
        "worst_length_error_percent": round(100 * max(durations), 2),
        "requested_to_first_playable": summary(playable),
        "requested_to_finished_mp4": summary(finished),
        "full_reencode_baseline": summary(baseline),
        "finished_vs_reencode_ratio": round(sorted(baseline)[0] / sorted(finished)[len(finished) // 2], 1),
        "cached_request_post": summary(cached),
        "goals": {"first_playable_p95_s": 0.5, "finished_p95_s": 3.0},
        "note": "once every agent has caught up with the album; events' timestamps: MemoryRequested → "
        "MemoryPlayable (HLS playlist with its first segments in S3) → MemoryRendered (faststart MP4 and poster "
        "in S3); baseline: decode every frame of the same segments and "
        "encode them again (x264 ultrafast, no crossfades, so the baseline is cheaper than a real one)",
    }


def _cached(client: Client) -> None:
    answer = client.http.post("/v1/memories", json={"text": "a memory video of our trip", "target_seconds": 120.0})
    if answer.status_code != 200 or not answer.json().get("cached"):
        raise RuntimeError(f"the repeated request was not answered from the cache: {answer.status_code}")


def _reencode_baseline(settings: Settings, memory: dict[str, Any], work: Path) -> list[float]:
    from streams.video.montage import Cut  # noqa: PLC0415

    blobs = BlobStore(settings)
    cuts = [Cut(blobs.fetch(s["object_key"]), s["start_s"], s["end_s"]) for s in memory["segments"]]
    return timed(lambda: reencode(cuts, work / "reencode-2min.mp4"), 1)


def synthetic_album(folder: Path, user: str, clips: int, frames: int) -> tuple[MetadataStore, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    store = MetadataStore(f"chdb://{folder / 'clickhouse'}")
    caption = factory.visual_images()
    vectors = open_vectors(f"edge://{folder / 'qdrant'}", caption.model_id, caption.size)
    rng, pick = np.random.default_rng(1), random.Random(1)
    start, now = datetime(2023, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    captions = [f"a photo of {w}" for w in ("beach", "sunset", "dog", "cake", "mountains", "street", "food", "car")]
    caption_vectors = factory.text().predict(captions)
    rows: dict[str, list[dict[str, Any]]] = {"clips": [], "places": [], "frames": []}
    points = []
    for i in tqdm(range(clips), desc="synthetic album", unit="clip"):
        capture = f"s{i:05d}"
        city, cc, lat, lon = pick.choice(CITIES)
        at = start + timedelta(seconds=pick.randrange(int((now - start).total_seconds())))
        rows["clips"].append(
            {"user_id": user, "capture_id": capture, "event_id": capture, "object_key": f"raw/{capture}.mp4",
             "duration_s": 8.0, "width": 1920, "height": 1080, "fps": 30.0, "video_codec": "h264",
             "audio_codec": "aac", "keyframes": [0.5 * k for k in range(16)], "captured_at": at,
             "time_source": "container", "lat": lat, "lon": lon, "location_source": "container",
             "signature_model": "bench", "kind": "video", "rotation": 0, "signature": [], "probed_at": at,
             "version": 1}
        )  # fmt: skip
        rows["places"].append(
            {"user_id": user, "capture_id": capture, "event_id": capture, "city": city, "region": "",
             "subregion": "", "country_code": cc, "country": cc, "distance_km": 0.0, "gazetteer": "bench",
             "resolved_at": at, "version": 1}
        )  # fmt: skip
        for f in range(frames):
            t = 2.0 * f
            base = np.asarray(caption_vectors[pick.randrange(len(captions))])
            vector = base + rng.normal(0, 0.05, base.shape)
            points.append(
                (f"{capture}@{t:.3f}", list(vector / np.linalg.norm(vector)), {"capture_id": capture, "t": t})
            )
            rows["frames"].append(
                {"user_id": user, "capture_id": capture, "t": t, "caption": "", "sharpness": 100.0, "motion": 5.0,
                 "model": caption.model_id, "event_id": capture, "described_at": at, "version": 1}
            )  # fmt: skip
    for table, batch in rows.items():
        for n in range(0, len(batch), 5000):
            store.load(table, batch[n : n + 5000])
    for n in range(0, len(points), 1000):
        vectors.upsert_many(user, points[n : n + 1000])
    return store, vectors


SEARCH_USER = "bench-search"


def search_services(settings: Settings, folder: Path, clips: int, frames: int) -> Services:
    """Services over a fresh synthetic album of ``clips`` clips (for SEARCH_USER), as the search code reads them."""
    store, vectors = synthetic_album(folder, SEARCH_USER, clips, frames)
    services = Services(
        settings=settings,
        store=store,
        vectors=vectors,
        blobs=cast(Any, None),  # retrieval reads no media
        registry=registry(),
        send=cast(Any, None),
    )
    embedder = factory.text()
    services.collections[collection_name(factory.visual_images().model_id)] = vectors
    services.collections[collection_name(embedder.model_id)] = open_vectors(
        f"edge://{folder / 'qdrant'}", embedder.model_id, embedder.size
    )
    return services


def bench_search(
    settings: Settings, work: Path, clips: int = 10_000, frames: int = 4, runs: int = 60
) -> dict[str, Any]:
    user = SEARCH_USER
    services = search_services(settings, work / "search-10k", clips, frames)
    now = datetime(2026, 1, 15, tzinfo=UTC)
    vocabulary = Vocabulary(cities=[c[0] for c in CITIES])
    kinds = {
        "place_and_words": "the beach in Lisbon",
        "place_and_time": "Tokyo in 2024",
        "words_only": "sunset",
        "time_and_words": "food last summer",
    }
    report: dict[str, Any] = {"clips": clips, "frames": clips * frames}
    try:
        for kind, text in kinds.items():
            query = parse(text, now, vocabulary)
            retrieval.retrieve(services, user, query)  # warm caches and models
            times = timed(partial(retrieval.retrieve, services, user, query), runs)
            found = len(retrieval.retrieve(services, user, query)[0])
            report[kind] = {"text": text, "candidates": found, **summary(times)}
    finally:
        services.close()
    report["goal_p95_s"] = 0.05
    report["note"] = (
        "one user's album; each run embeds the words with MiniLM, filters in chDB, ranks frames in qdrant-edge "
        "and fuses the rankings (the same code as the planner)"
    )
    return report
