"""Projection versions: a rebuild writes a new version beside the live one, and reads switch to it at once.

Version 0 is ClickHouse's ``default`` database and the Qdrant collections as first named; version n lives in the
database ``reverie_v<n>`` and in collections suffixed ``_v<n>`` (with qdrant-edge: the sibling folder
``qdrant-v<n>``). Which version is live and which is being built is kept in ``default.projection_versions``, so
that every process (and the next start) reads the same one.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from projections.clickhouse import MetadataStore
from projections.generations import Generations

LIVE, BUILDING, RETIRED = "live", "building", "retired"

DDL = """CREATE TABLE IF NOT EXISTS default.projection_versions (
    version UInt32, state LowCardinality(String), source String, changed_at DateTime64(3, 'UTC'), revision UInt64
) ENGINE = ReplacingMergeTree(revision) ORDER BY version"""


def database(version: int) -> str:
    return "default" if version == 0 else f"reverie_v{version}"


class Versions:
    """The record of projection versions, read and written through any client of the ClickHouse store."""

    def __init__(self, client: Any) -> None:
        self.client = client
        client.command(DDL)

    def _states(self) -> list[tuple[int, str, str]]:
        result = self.client.query(
            "SELECT version, state, source FROM default.projection_versions FINAL ORDER BY version"
        )
        return [(int(v), str(s), str(src)) for v, s, src in result.result_rows]

    def live(self) -> int:
        """The version reads go to: the newest switched to, or 0 before any replay."""
        return max((v for v, state, _ in self._states() if state == LIVE), default=0)

    def building(self) -> tuple[int, str] | None:
        """An unfinished rebuild (interrupted, or running elsewhere) and where it started."""
        live = self.live()
        found = [(v, src) for v, state, src in self._states() if state == BUILDING and v > live]
        return found[-1] if found else None

    def begin(self, source: str) -> int:
        """A new version number, recorded as being built from ``source`` (how the replay started)."""
        version = max((v for v, _, _ in self._states()), default=0) + 1
        self._mark(version, BUILDING, source)
        return version

    def switch(self, version: int) -> None:
        """Make ``version`` the live one; the previous live version is kept (retired) for a rollback."""
        previous = self.live()
        self._mark(version, LIVE, "")
        if previous != version:
            self._mark(previous, RETIRED, "")

    def _mark(self, version: int, state: str, source: str) -> None:
        row = [version, state, source, datetime.now(UTC), time.time_ns()]
        self.client.insert(
            "default.projection_versions", [row], column_names=["version", "state", "source", "changed_at", "revision"]
        )


def open_store(
    dsn: str, version: int | None = None, generations: Generations | None = None, cached_albums: int = 64
) -> tuple[MetadataStore, int]:
    """The ClickHouse read model of ``version``, or of the live one, and which version that is."""
    store = MetadataStore(dsn, generations=generations, cached_users=cached_albums)
    if version is None:
        version = Versions(store.client).live()
    if version != 0:
        store.close()  # chDB serves one path per process and lets go of it only when every client is closed
        store = MetadataStore(dsn, database(version), generations, cached_albums)
    return store, version
