"""Planning a memory: understand the words against the user's own vocabulary, retrieve the candidate clips, choose
clips and their best seconds. The planner agent and the gateway (search, the cache key of a request) both call it.

Understand the request (streams/understanding/request.py) against the request's own time, so a replay plans the
same; retrieve (streams/understanding/retrieval.py); choose (streams/understanding/selection.py). Crossfades only
when every chosen clip has its mezzanine (one GOP = one transition).
"""

from __future__ import annotations

import hashlib
from typing import Any

from streams.runtime.services import Services
from streams.understanding import retrieval, selection
from streams.understanding.request import Query, Vocabulary, parse

CROSSFADE_S = 0.5  # the mezzanine's GOP
MAX_YEARS_BACK = 10


def understand(services: Services, user: str, text: str, now: Any, target: float | None) -> Query:
    known = services.store.vocabulary(user)
    cities: list[str | dict[str, Any]] = [
        {"name": c["city"], "country_code": c.get("country_code")} for c in known["cities"]
    ]
    vocabulary = Vocabulary(known["people"], known["places"], known["regions"], cities)
    return parse(text, now, vocabulary, services.settings.default_target_seconds, target)


def cache_key(services: Services, user: str, query: Query) -> str:
    """User + normalised query + album version: any new capture or enrichment of the user changes it."""
    version = services.store.album_version(user)
    return hashlib.sha256(f"{user}\n{query.normalised()}\n{version}".encode()).hexdigest()[:32]


def retrieve(
    services: Services, user: str, query: Query, kinds: tuple[str, ...] = retrieval.MEMORY, cut: bool = True
) -> tuple[Query, list[selection.Clip], list[str]]:
    """Retrieval, with the year a time said without one stands for: the latest in which the rest of the request
    (place, people, words) finds the user's captures ("our spring in Japan" is 2025 if 2026 has no Japan)."""
    clips, ranked = retrieval.retrieve(services, user, query, kinds, cut)
    for years in range(1, MAX_YEARS_BACK + 1 if query.yearless and not clips else 1):
        earlier = query.years_back(years)
        clips, ranked = retrieval.retrieve(services, user, earlier, kinds, cut)
        if clips:
            return earlier, clips, ranked
    return query, clips, ranked


def plan(services: Services, user: str, query: Query) -> tuple[Query, list[selection.Pick], float]:
    """The query as planned (its year chosen), the picks, and the crossfade."""
    query, clips, ranked = retrieve(services, user, query)
    if not clips:
        return query, [], 0.0
    crossfade = CROSSFADE_S if all(c.mezzanine for c in clips) else 0.0
    chosen = selection.choose(clips, ranked, query.target_seconds, crossfade)
    return query, selection.pick(chosen, query.target_seconds, crossfade), crossfade
