"""The render agent: MemoryPlanned → one MP4 in S3 → MemoryRendered (or MemoryFailed with the reason)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from streams import montage
from streams.blobs import memory_key
from streams.services import Services


def render(services: Services, event: dict[str, Any]) -> tuple[Path, float]:
    """Fetch the segments' clips and join them into a local MP4; returns its path and duration."""
    cuts = [
        montage.Cut(services.blobs.fetch(s["object_key"]), float(s["start_s"]), float(s["end_s"]))
        for s in event["segments"]
    ]
    out = services.settings.cache_dir / "memories" / event["user_id"] / f"{event['memory_id']}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    return out, montage.join(cuts, out)


async def on_memory_planned(services: Services, event: dict[str, Any]) -> None:
    started = time.perf_counter()
    try:
        path, duration = await asyncio.to_thread(render, services, event)
    except montage.MontageError as exc:
        await services.emit_derived(
            "MemoryFailed", event, memory_id=event["memory_id"], stage="render", reason=str(exc)
        )
        return
    key = memory_key(event["user_id"], event["memory_id"])
    await asyncio.to_thread(services.blobs.put_file, key, path, "video/mp4")
    await services.emit_derived(
        "MemoryRendered",
        event,
        memory_id=event["memory_id"],
        object_key=key,
        duration_s=round(duration, 3),
        size_bytes=path.stat().st_size,
        segment_count=len(event["segments"]),
        render_seconds=round(time.perf_counter() - started, 3),
    )
