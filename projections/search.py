"""The read side of memories: the material a query may use (clips with place, mezzanine, frames and faces), the
user's vocabulary, and the album version that memory caching keys on. Every query is for one user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from projections.connection import Connection
from projections.generations import ALBUM_TABLES
from projections.snapshot import AlbumSnapshot


class SearchTables(Connection):
    def load(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Many rows at once (operators' bulk loads, benchmarks); the same rows twice leave one."""
        self._insert_rows(table, rows)

    def album(self, user_id: str) -> AlbumSnapshot:
        """The user's album in memory, read again after any write to it (projections/snapshot.py)."""
        return self.snapshots.get(
            user_id, lambda: self.generations.of(user_id), lambda: AlbumSnapshot.read(self._rows, user_id)
        )

    def candidates(
        self,
        user_id: str,
        start: datetime | None = None,
        end: datetime | None = None,
        place: dict[str, Any] | None = None,
        people: list[str] | None = None,
        captures: list[str] | None = None,
        kinds: tuple[str, ...] = ("video",),
        needs_cut: bool = False,
    ) -> list[str]:
        """Ids of the captures of these kinds (videos for memories; photos too for search) that pass the hard
        filters (time, place, all the people; among ``captures`` if given), oldest first. Only ids: the details
        are read for the few that rank best (``material``). A place is a country, a region, a city (resolved to
        it by the places enricher, or near its centre) or a named place (near it)."""
        return self.album(user_id).candidates(start, end, place, people, captures, kinds, needs_cut)

    def material(self, user_id: str, captures: list[str]) -> list[dict[str, Any]]:
        """These clips with what cutting them needs: place, mezzanine, keyframes, signature; oldest first."""
        return self.album(user_id).material(captures)

    def tagged(self, user_id: str, labels: list[str], captures: list[str] | None = None) -> list[dict[str, Any]]:
        """The frames tagged with any of ``labels`` (among ``captures`` if given): capture, time, label, score."""
        return self.album(user_id).tagged(labels, captures)

    def people_seen(self, user_id: str, captures: list[str], people: list[str]) -> dict[str, int]:
        """How many face sightings of these people each capture has."""
        return self.album(user_id).people_seen(captures, people)

    def frames_and_faces(self, user_id: str, captures: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The sampled frames (sharpness, motion) and the faces of these captures."""
        return self.album(user_id).frames_and_faces(captures)

    def vocabulary(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """The names the user's requests may use: people, own places, the regions and cities they have been to."""
        return self.album(user_id).vocabulary

    def album_version(self, user_id: str) -> str:
        """Moves with any new capture, enrichment or naming of the user: the newest row version and the row count."""
        parts = " UNION ALL ".join(
            f"SELECT max(version) AS v, count() AS n FROM {t} WHERE user_id = {{u:String}}" for t in ALBUM_TABLES
        )
        rows = self._rows(f"SELECT max(v) AS v, sum(n) AS n FROM ({parts})", u=user_id)
        return f"{rows[0]['v']}.{rows[0]['n']}"
