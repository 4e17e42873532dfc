"""Change counters of the read model: which users' rows changed since a reader last looked.

Every write of the read model moves the counter of the users it touched (projections/connection.py); a read-side
cache (projections/snapshot.py) keeps what it built together with the counter it built it at, and builds again once
the counter has moved. So a cache is never stale by more than the write that moved the counter, whatever process
wrote it:

- ``LocalGenerations`` (the embedded topology, the default): the projector and the gateway share one process, so the
  counters are a dictionary.
- ``RedisGenerations`` (the distributed topology, ``REVERIE_CACHE_URL=redis://…``): projectors in workers and readers
  in many gateways share them through Redis; a read costs one round trip (MGET of the user's and the global counter).

A write that cannot name its users (a DELETE by statement, a switch of projection version) moves the global
counter, which every user's generation includes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Protocol

EVERYONE = "*"  # the global counter's name
# Tables whose rows change what a search or a memory of the user would read: a write to any moves the counter.
ALBUM_TABLES = (
    "clips", "assets", "places", "faces", "people", "frames", "frame_tags", "transcripts", "user_places", "tombstones",
)  # fmt: skip


class Generations(Protocol):
    def of(self, user_id: str) -> tuple[int, int]:
        """(global, this user's) counters: a cache built at another pair is stale."""
        ...

    def moved(self, user_ids: Iterable[str]) -> None:
        """The rows of these users (or of everyone, EVERYONE) changed."""
        ...


class LocalGenerations:
    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def of(self, user_id: str) -> tuple[int, int]:
        return self._counts.get(EVERYONE, 0), self._counts.get(user_id, 0)

    def moved(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user in set(user_ids):
                self._counts[user] = self._counts.get(user, 0) + 1


class RedisGenerations:
    PREFIX = "reverie:generation:"

    def __init__(self, url: str) -> None:
        import redis  # only the distributed topology needs a Redis client

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def of(self, user_id: str) -> tuple[int, int]:
        everyone, user = self.client.mget([self.PREFIX + EVERYONE, self.PREFIX + user_id])
        return int(everyone or 0), int(user or 0)

    def moved(self, user_ids: Iterable[str]) -> None:
        users = set(user_ids)
        if users:
            with self.client.pipeline(transaction=False) as pipe:
                for user in users:
                    pipe.incr(self.PREFIX + user)
                pipe.execute()

    def close(self) -> None:
        self.client.close()


_LOCAL = LocalGenerations()


def local_generations() -> LocalGenerations:
    """The process's counters: every store object of the process (the projector's, the gateway's, a test's) moves
    and reads the same ones."""
    return _LOCAL


def open_generations(url: str) -> Generations:
    """Counters in this process (``""``) or shared through Redis (``redis://host:port/db``)."""
    if not url:
        return _LOCAL
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisGenerations(url)
    raise ValueError(f"REVERIE_CACHE_URL must be empty (in the process) or a redis:// URL, not {url!r}")
