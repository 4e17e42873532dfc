"""The prepare agent: MediaProbed → MezzanineReady + ThumbnailsReady, in the background, so that memory requests
find clips already cut-friendly; a photo becomes a few seconds drifting across it, so memories can show it too.
Objects go under ``processed/{user}/{capture}/``."""

from __future__ import annotations

import asyncio
import shutil
import time
from typing import Any

from streams.runtime.services import Services
from streams.storage.blobs import processed_key
from streams.video import mezzanine


def _prepare(services: Services, event: dict[str, Any]) -> tuple[mezzanine.Prepared, float]:
    started = time.perf_counter()
    source = services.blobs.fetch(event["object_key"])
    work = services.settings.cache_dir / "prepare" / event["user_id"] / event["capture_id"]
    try:
        height = services.settings.mezzanine_height
        if event["kind"] == "photo":
            prepared = mezzanine.prepare_still(source, work, height)
        else:
            prepared = mezzanine.prepare(source, work, height)
        user, capture = event["user_id"], event["capture_id"]
        for path, content_type in (
            (prepared.mezzanine, "video/mp4"),
            (prepared.poster, "image/jpeg"),
            (prepared.strip, "image/jpeg"),
        ):
            key = processed_key(user, capture, path.name)
            services.blobs.put_file(key, path, content_type)
            services.blobs.adopt(key, path)  # the renderer cuts from it next: keep the local copy
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return prepared, time.perf_counter() - started


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    prepared, seconds = await asyncio.to_thread(_prepare, services, event)
    user, capture = event["user_id"], event["capture_id"]
    await services.emit_derived(
        "MezzanineReady",
        event,
        capture_id=capture,
        object_key=processed_key(user, capture, prepared.mezzanine.name),
        width=prepared.width,
        height=prepared.height,
        fps=float(mezzanine.FPS),
        duration_s=prepared.duration_s,
        keyframes=prepared.keyframes,
        prepare_seconds=round(seconds, 3),
    )
    await services.emit_derived(
        "ThumbnailsReady",
        event,
        capture_id=capture,
        poster_key=processed_key(user, capture, prepared.poster.name),
        strip_key=processed_key(user, capture, prepared.strip.name),
        strip_times=prepared.strip_times,
    )
