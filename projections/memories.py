"""The memories side of the read model: one row per stage of each memory, and the cache of rendered ones."""

from __future__ import annotations

import json
from typing import Any

from projections.connection import Connection, version_of


class MemoryTables(Connection):
    def upsert_memory_stage(self, stage: str, event: dict[str, Any]) -> None:
        self._insert(
            "memories",
            {
                "user_id": event["user_id"],
                "memory_id": event["memory_id"],
                "stage": stage,
                "event_id": event["event_id"],
                "occurred_at": event["occurred_at"],
                "text": event.get("text", ""),
                "target_seconds": event.get("target_seconds"),
                "planned_seconds": event.get("planned_seconds"),
                "place": event.get("place"),
                "segments": json.dumps(event.get("segments", []), default=str),
                "object_key": event.get("object_key"),
                "duration_s": event.get("duration_s"),
                "size_bytes": event.get("size_bytes"),
                "render_seconds": event.get("render_seconds"),
                "reason": event.get("reason"),
                "cache_key": event.get("cache_key") or "",
                "query": event.get("query") or "",
                "playlist_key": event.get("playlist_key"),
                "poster_key": event.get("poster_key"),
                "version": version_of(event["occurred_at"]),
            },
        )

    def record_cache_hit(self, event: dict[str, Any]) -> None:
        self._insert(
            "memory_cache_hits",
            {
                "user_id": event["user_id"],
                "event_id": event["event_id"],
                "memory_id": event["memory_id"],
                "text": event["text"],
                "cache_key": event.get("cache_key") or "",
                "served_at": event["occurred_at"],
                "version": version_of(event["occurred_at"]),
            },
        )

    def memory(self, user_id: str, memory_id: str) -> list[dict[str, Any]]:
        """Every stage row of one memory, oldest first."""
        rows = self._rows(
            "SELECT * FROM memories FINAL WHERE user_id = {u:String} AND memory_id = {m:String} ORDER BY occurred_at",
            u=user_id,
            m=memory_id,
        )
        for row in rows:
            row["segments"] = json.loads(row["segments"] or "[]")
        return rows

    def recent_memories(self, user_id: str, limit: int) -> list[list[dict[str, Any]]]:
        """The stage rows of the user's ``limit`` newest memories (by when each was asked for), newest first."""
        rows = self._rows(
            "SELECT * FROM memories FINAL WHERE user_id = {u:String} AND memory_id IN ("
            " SELECT memory_id FROM memories FINAL WHERE user_id = {u:String}"
            " GROUP BY memory_id ORDER BY min(occurred_at) DESC, memory_id LIMIT {n:UInt32})"
            " ORDER BY occurred_at",
            u=user_id,
            n=limit,
        )
        by_memory: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            row["segments"] = json.loads(row["segments"] or "[]")
            by_memory.setdefault(row["memory_id"], []).append(row)
        return sorted(by_memory.values(), key=lambda stages: (stages[0]["occurred_at"], stages[0]["memory_id"]),
                      reverse=True)  # fmt: skip

    def cached_memory(self, user_id: str, cache_key: str) -> dict[str, Any] | None:
        """A memory already rendered for the same query on the same album version."""
        return self._row(
            "SELECT memory_id FROM memories FINAL WHERE user_id = {u:String} AND stage = 'rendered'"
            " AND cache_key = {k:String} ORDER BY occurred_at LIMIT 1",
            u=user_id,
            k=cache_key,
        )
