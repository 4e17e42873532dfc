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


def understand(services: Services, user: str, text: str, now: Any, target: float | None) -> Query:
    known = services.store.vocabulary(user)
    vocabulary = Vocabulary(known["people"], known["places"], known["regions"], [c["city"] for c in known["cities"]])
    return parse(text, now, vocabulary, services.settings.default_target_seconds, target)


def cache_key(services: Services, user: str, query: Query) -> str:
    """User + normalised query + album version: any new capture or enrichment of the user changes it."""
    version = services.store.album_version(user)
    return hashlib.sha256(f"{user}\n{query.normalised()}\n{version}".encode()).hexdigest()[:32]


def plan(services: Services, user: str, query: Query) -> tuple[list[selection.Pick], float]:
    clips, ranked = retrieval.retrieve(services, user, query)
    if not clips:
        return [], 0.0
    crossfade = CROSSFADE_S if all(c.mezzanine for c in clips) else 0.0
    chosen = selection.choose(clips, ranked, query.target_seconds, crossfade)
    return selection.pick(chosen, query.target_seconds, crossfade), crossfade
