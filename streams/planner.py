"""The planner: MemoryRequested → MemoryPlanned (or MemoryFailed with a reason the user can act on).

The simplest honest plan: the user's clips at the named place and time, in time order, each contributing an equal
share of the target duration from its middle, cut on keyframes so the renderer can copy without re-encoding.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from streams import request as memory_request
from streams.services import Services

MIN_SEGMENT_S = 1.0


@dataclass(frozen=True)
class Segment:
    capture_id: str
    object_key: str
    start_s: float
    end_s: float
    captured_at: datetime

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


def allot(durations: list[float], target: float) -> list[float]:
    """Split ``target`` seconds over clips as evenly as their lengths allow (water filling)."""
    shares = [0.0] * len(durations)
    open_ = [i for i, d in enumerate(durations) if d > 0]
    left = target
    while open_ and left > 1e-9:
        each = left / len(open_)
        still_open = []
        for i in open_:
            give = min(each, durations[i] - shares[i])
            shares[i] += give
            left -= give
            if durations[i] - shares[i] > 1e-9:
                still_open.append(i)
        open_ = still_open
    return shares


def _nearest(points: list[float], value: float) -> float:
    return min(points, key=lambda p: (abs(p - value), p))


def cut(keyframes: list[float], duration: float, share: float) -> tuple[float, float]:
    """A keyframe-aligned window of about ``share`` seconds around the middle of the clip."""
    starts = [k for k in keyframes if k < duration - 1e-6] or [0.0]
    start = _nearest(starts, max(0.0, (duration - share) / 2))
    ends = [k for k in keyframes if k > start + 1e-6] + [duration]
    end = _nearest(ends, start + share)
    return start, end


def plan(clips: list[dict[str, Any]], target: float) -> list[Segment]:
    """Segments in time order whose total is as close to ``target`` as keyframes allow."""
    ordered = sorted(clips, key=lambda c: (c["captured_at"], c["capture_id"]))
    shares = allot([float(c["duration_s"]) for c in ordered], target)
    segments = []
    for clip, share in zip(ordered, shares, strict=False):
        if share < MIN_SEGMENT_S / 2:
            continue
        start, end = cut(list(clip["keyframes"]), float(clip["duration_s"]), share)
        if end - start >= MIN_SEGMENT_S / 2:
            segments.append(Segment(clip["capture_id"], clip["object_key"], start, end, clip["captured_at"]))
    return segments


async def on_memory_requested(services: Services, event: dict[str, Any]) -> None:
    settings = services.settings
    query = memory_request.parse(event["text"], settings.default_target_seconds, event["target_seconds"])
    city = query.city
    clips = await asyncio.to_thread(
        services.store.clips_near,
        event["user_id"],
        city.lat if city else None,
        city.lon if city else None,
        settings.place_radius_km,
        query.start,
        query.end,
    )
    if not clips:
        where = f" in {city.name}" if city else ""
        when = f" between {query.start:%Y-%m-%d} and {query.end:%Y-%m-%d}" if query.start and query.end else ""
        await services.emit_derived(
            "MemoryFailed",
            event,
            memory_id=event["memory_id"],
            stage="plan",
            reason=f"no clips found{where}{when} ({query.explain()})",
        )
        return
    segments = plan(clips, query.target_seconds)
    await services.emit_derived(
        "MemoryPlanned",
        event,
        memory_id=event["memory_id"],
        text=event["text"],
        target_seconds=query.target_seconds,
        planned_seconds=round(sum(s.seconds for s in segments), 3),
        place=f"{city.name}, {city.country}" if city else None,
        segments=[
            {
                "capture_id": s.capture_id,
                "object_key": s.object_key,
                "start_s": s.start_s,
                "end_s": s.end_s,
                "captured_at": s.captured_at,
            }
            for s in segments
        ],
    )
