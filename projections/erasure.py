"""Deletion in the read model: a deleted capture's rows, a forgotten user's rows, and the tombstones that keep
late or replayed events from bringing them back.

A tombstone names a subject that never comes back (a capture id, or ``memory/<id>``) or, with the subject '',
a whole user up to a time (events that happened before the erasure are ignored; the same user id may start
afresh afterwards). Tombstones carry no personal data.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from projections.connection import Connection, utc, version_of

# Tables whose rows belong to one capture, and the rest of a user's tables.
CAPTURE_TABLES = (
    "captures", "clips", "places", "faces", "rejections", "frames", "frame_tags", "shots", "transcripts", "assets",
    "recordings",
)  # fmt: skip
USER_TABLES = ("people", "user_settings", "enrolments", "user_places", "devices", "memories", "memory_cache_hits")
MEMORY_TABLES = ("memories", "memory_cache_hits")
TOMBSTONE_CACHE_S = 10.0  # another process's erasure is seen within this (see docs of the erasure test)


class ErasureTables(Connection):
    _tombstones: dict[str, tuple[float, set[str], datetime | None]]

    def record_tombstones(self, event: dict[str, Any], subjects: list[str]) -> None:
        """The subject '' stands for the whole user, up to the event's time."""
        row = {"user_id": event["user_id"], "event_id": event["event_id"], "erased_at": event["occurred_at"]}
        version = version_of(event["occurred_at"])
        self._insert_rows("tombstones", [{**row, "subject": s, "version": version} for s in subjects])
        self._tombstone_cache().pop(event["user_id"], None)

    def tombstoned(self, user_id: str, subjects: list[str], occurred_at: datetime) -> bool:
        """Whether an event of the user (about these subjects) refers to something erased."""
        erased, user_at = self.erasures(user_id)
        if any(s in erased for s in subjects):
            return True
        return user_at is not None and utc(occurred_at) <= utc(user_at)

    def erasures(self, user_id: str) -> tuple[set[str], datetime | None]:
        """The user's erased subjects, and the time before which all of the user was erased (if ever)."""
        cache = self._tombstone_cache()
        entry = cache.get(user_id)
        if entry is None or time.monotonic() - entry[0] > TOMBSTONE_CACHE_S:
            rows = self._rows("SELECT subject, erased_at FROM tombstones FINAL WHERE user_id = {u:String}", u=user_id)
            user_at = max((r["erased_at"] for r in rows if r["subject"] == ""), default=None)
            entry = (time.monotonic(), {r["subject"] for r in rows if r["subject"]}, user_at)
            if len(cache) > 10_000:
                cache.clear()
            cache[user_id] = entry
        return entry[1], entry[2]

    def purge_captures(self, user_id: str, capture_ids: list[str]) -> None:
        for table in CAPTURE_TABLES:
            self._command(
                f"DELETE FROM {table} WHERE user_id = {{u:String}} AND capture_id IN {{c:Array(String)}}",
                u=user_id,
                c=capture_ids,
            )

    def purge_memories(self, user_id: str, memory_ids: list[str]) -> None:
        for table in MEMORY_TABLES:
            self._command(
                f"DELETE FROM {table} WHERE user_id = {{u:String}} AND memory_id IN {{m:Array(String)}}",
                u=user_id,
                m=memory_ids,
            )

    def purge_user(self, user_id: str) -> None:
        for table in (*CAPTURE_TABLES, *USER_TABLES):
            self._command(f"DELETE FROM {table} WHERE user_id = {{u:String}}", u=user_id)

    def capture_ids(self, user_id: str) -> list[str]:
        """Every capture of the user, rejected ones too."""
        rows = self._rows(
            "SELECT capture_id FROM captures FINAL WHERE user_id = {u:String}"
            " UNION DISTINCT SELECT capture_id FROM rejections FINAL WHERE user_id = {u:String}",
            u=user_id,
        )
        return sorted(r["capture_id"] for r in rows)

    def memories_using(self, user_id: str, capture_id: str) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT memory_id FROM memories FINAL WHERE user_id = {u:String}"
            " AND position(segments, {c:String}) > 0",
            u=user_id,
            c=f'"capture_id": "{capture_id}"',
        )
        return [r["memory_id"] for r in rows]

    def _tombstone_cache(self) -> dict[str, tuple[float, set[str], datetime | None]]:
        if not hasattr(self, "_tombstones"):
            self._tombstones = {}
        return self._tombstones
