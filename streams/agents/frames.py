"""The frames enricher: MediaProbed (video) → FramesSampled: keyframes about once a second, and shots."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.runtime.services import Services
from streams.video import media
from streams.video.shots import shots


def sample(services: Services, event: dict[str, Any]) -> tuple[list[float], list[tuple[float, float]]]:
    frames = media.sample_frames(services.blobs.fetch(event["object_key"]), max_width=320)
    return [t for t, _ in frames], shots(frames, float(event["duration_s"]))


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if event["kind"] != "video":
        return
    times, cuts = await asyncio.to_thread(sample, services, event)
    await services.emit_derived(
        "FramesSampled",
        event,
        capture_id=event["capture_id"],
        times=times,
        shots=[{"start_s": s, "end_s": e} for s, e in cuts],
        duration_s=float(event["duration_s"]),
    )
