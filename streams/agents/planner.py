"""The planner: MemoryRequested → MemoryPlanned (or MemoryFailed with a reason the user can act on).

What to plan is streams/understanding/planning.py's; this agent runs it off the event loop and says what came out.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from streams.runtime.services import Services
from streams.understanding.planning import cache_key, plan, understand
from streams.understanding.request import Query


def _place_label(query: Query) -> str | None:
    if query.place is None:
        return None
    return f"{query.place.name}, {query.place.country_code}" if query.place.country_code else query.place.name


def said_at(event: dict[str, Any]) -> datetime:
    """The clock the words were said by: the device's, with its zone, when it gave one; else the event's time."""
    said = event.get("said_at")
    return datetime.fromisoformat(said) if said else event["occurred_at"]


async def on_memory_requested(services: Services, event: dict[str, Any]) -> None:
    user = event["user_id"]
    query = await asyncio.to_thread(understand, services, user, event["text"], said_at(event), event["target_seconds"])
    said = json.dumps(query.as_dict())
    if query.unknown:
        await services.emit_derived(
            "MemoryFailed",
            event,
            memory_id=event["memory_id"],
            stage="understand",
            reason=" ".join(query.unknown),
            query=said,
        )
        return
    query, picks, crossfade = await asyncio.to_thread(plan, services, user, query)
    said = json.dumps(query.as_dict())  # with the year chosen, if the words said none
    if not picks:
        await services.emit_derived(
            "MemoryFailed",
            event,
            memory_id=event["memory_id"],
            stage="plan",
            reason=f"no clips found for {query.explain()}",
            query=said,
        )
        return
    key = event["cache_key"] or await asyncio.to_thread(cache_key, services, user, query)
    planned = sum(p.seconds for p in picks) - crossfade * (len(picks) - 1)
    await services.emit_derived(
        "MemoryPlanned",
        event,
        memory_id=event["memory_id"],
        text=event["text"],
        target_seconds=query.target_seconds,
        planned_seconds=round(planned, 3),
        place=_place_label(query),
        segments=[
            {
                "capture_id": p.clip.capture_id,
                "object_key": p.clip.object_key,
                "start_s": p.start_s,
                "end_s": p.end_s,
                "captured_at": p.clip.captured_at,
                "why": p.why,
                "mezzanine": p.clip.mezzanine,
            }
            for p in picks
        ],
        query=said,
        cache_key=key,
        crossfade_s=crossfade,
    )
