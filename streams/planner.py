"""The planner: MemoryRequested → MemoryPlanned (or MemoryFailed with a reason the user can act on).

Understand the request (streams/understand.py) against the user's vocabulary and the request's own time, so a
replay plans the same; retrieve the candidate clips (streams/retrieve.py); choose clips and their best seconds
(streams/select.py). Crossfades only when every chosen clip has its mezzanine (one GOP = one transition).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from streams import retrieve, select
from streams.services import Services
from streams.understand import Query, Vocabulary, parse

CROSSFADE_S = 0.5  # the mezzanine's GOP


def understand(services: Services, user: str, text: str, now: Any, target: float | None) -> Query:
    known = services.store.vocabulary(user)
    vocabulary = Vocabulary(known["people"], known["places"], known["regions"], [c["city"] for c in known["cities"]])
    return parse(text, now, vocabulary, services.settings.default_target_seconds, target)


def cache_key(services: Services, user: str, query: Query) -> str:
    """User + normalised query + album version: any new capture or enrichment of the user changes it."""
    version = services.store.album_version(user)
    return hashlib.sha256(f"{user}\n{query.normalised()}\n{version}".encode()).hexdigest()[:32]


def plan(services: Services, user: str, query: Query) -> tuple[list[select.Pick], float]:
    clips, ranked = retrieve.retrieve(services, user, query)
    if not clips:
        return [], 0.0
    crossfade = CROSSFADE_S if all(c.mezzanine for c in clips) else 0.0
    chosen = select.choose(clips, ranked, query.target_seconds, crossfade)
    return select.pick(chosen, query.target_seconds, crossfade), crossfade


def _place_label(query: Query) -> str | None:
    if query.place is None:
        return None
    return f"{query.place.name}, {query.place.country_code}" if query.place.country_code else query.place.name


async def on_memory_requested(services: Services, event: dict[str, Any]) -> None:
    user = event["user_id"]
    query = await asyncio.to_thread(
        understand, services, user, event["text"], event["occurred_at"], event["target_seconds"]
    )
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
    picks, crossfade = await asyncio.to_thread(plan, services, user, query)
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
