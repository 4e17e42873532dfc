"""A user's album as searches and memory plans read it, held in memory until the user's rows change.

A search used to ask ClickHouse ten questions (the vocabulary, the candidates, their places, mezzanines, frames and
faces), each 2-5 ms in chDB whatever its size, serialised on one session: 45 ms of a 50 ms search on the
10,000-clip album, and the reason 50 clients got 25 searches a second out of two cores. The same answers come from
this snapshot in well under a millisecond. It is read in a handful of bulk queries when first needed and again
after any write to the user's album tables (projections/generations.py says when); memory requests and searches of
a user who is not uploading, the common case, never wait for it.

The frame tags come along (a few per frame, grouped by label): under fifty clients their one remaining query was
the largest share of a search's time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from cachetools import LRUCache

Rows = Callable[..., list[dict[str, Any]]]
EARTH_RADIUS_M = 6_371_008.8  # the mean radius; ClickHouse's geoDistance differs from it by under 0.5 %


def _ms(at: datetime) -> int:
    """Epoch milliseconds of an aware or a naive-UTC datetime (chDB hands back the latter)."""
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


@dataclass
class AlbumSnapshot:
    """One user's clips (oldest first) with places, mezzanines, frames and faces, and the names requests use."""

    clips: list[dict[str, Any]]
    places: dict[str, dict[str, Any]]
    mezzanines: dict[str, dict[str, Any]]
    frames: dict[str, list[dict[str, Any]]]
    faces: dict[str, list[dict[str, Any]]]
    tags: dict[str, list[dict[str, Any]]]  # by label
    vocabulary: dict[str, list[dict[str, Any]]]
    _index: dict[str, int] = field(init=False)
    _times: np.ndarray = field(init=False)
    _columns: dict[str, np.ndarray] = field(init=False)
    _masks: dict[tuple[Any, ...], np.ndarray] = field(init=False)
    _seen_in: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        self._index = {c["capture_id"]: i for i, c in enumerate(self.clips)}
        self._times = np.array([_ms(c["captured_at"]) for c in self.clips], dtype=np.int64)
        where = [self.places.get(c["capture_id"], {}) for c in self.clips]
        self._columns = {
            "id": np.array([c["capture_id"] for c in self.clips], dtype=object),
            "kind": np.array([c["kind"] for c in self.clips], dtype=object),
            "cut": np.array([c["capture_id"] in self.mezzanines for c in self.clips], dtype=bool),
            "lat": np.array([math.nan if c["lat"] is None else c["lat"] for c in self.clips], dtype=np.float64),
            "lon": np.array([math.nan if c["lon"] is None else c["lon"] for c in self.clips], dtype=np.float64),
            **{
                name: np.array([w.get(name, "") for w in where], dtype=object)
                for name in ("city", "country_code", "region")
            },
        }
        self._masks = {}
        self._seen_in = {}
        for capture, faces in self.faces.items():
            for face in faces:
                self._seen_in.setdefault(face["person_id"], set()).add(capture)

    @classmethod
    def read(cls, rows: Rows, user_id: str) -> AlbumSnapshot:
        """The user's album in eight queries, whatever its size (the same rows the single reads gave)."""
        u = {"u": user_id}
        clips = rows(
            "SELECT capture_id, kind, object_key, duration_s, keyframes, captured_at, width, height, signature, lat,"
            " lon FROM clips FINAL WHERE user_id = {u:String} ORDER BY captured_at, capture_id",
            **u,
        )
        places = rows(
            "SELECT capture_id, city, country, country_code, region FROM places FINAL WHERE user_id = {u:String}", **u
        )
        mezzanines = rows(
            "SELECT capture_id, object_key, keyframes FROM assets FINAL WHERE user_id = {u:String}"
            " AND kind = 'mezzanine'",
            **u,
        )
        sampled = rows(
            "SELECT 'frame' AS kind, capture_id, t, sharpness, motion, '' AS person_id, 0 AS w, 0 AS h FROM frames"
            " FINAL WHERE user_id = {u:String} ORDER BY capture_id, t",
            **u,
        )
        faces = rows(
            "SELECT 'face' AS kind, capture_id, t, 0 AS sharpness, 0 AS motion, person_id, w, h FROM faces FINAL"
            " WHERE user_id = {u:String}",
            **u,
        )
        tags = rows("SELECT capture_id, t, label, score FROM frame_tags FINAL WHERE user_id = {u:String}", **u)
        people = rows(
            "SELECT person_id, name, relationship FROM people FINAL WHERE user_id = {u:String} ORDER BY person_id", **u
        )
        own_places = rows(
            "SELECT name, lat, lon, radius_m FROM user_places FINAL WHERE user_id = {u:String} AND radius_m > 0"
            " ORDER BY name",
            **u,
        )
        regions = sorted({(p["region"], p["country_code"]) for p in places if p["region"]})
        cities: dict[str, str] = {}
        for p in sorted(places, key=lambda p: p["capture_id"]):
            if p["city"]:
                cities.setdefault(p["city"], p["country_code"])
        return cls(
            clips=clips,
            places={p["capture_id"]: p for p in places},
            mezzanines={m["capture_id"]: m for m in mezzanines},
            frames=_grouped(sampled),
            faces=_grouped(faces),
            tags=_grouped(tags, "label"),
            vocabulary={
                "people": people,
                "regions": [{"region": r, "country_code": cc} for r, cc in regions],
                "cities": [{"city": c, "country_code": cities[c]} for c in sorted(cities)],
                "places": own_places,
            },
        )

    def candidates(
        self,
        start: datetime | None,
        end: datetime | None,
        place: dict[str, Any] | None,
        people: list[str] | None,
        captures: list[str] | None,
        kinds: tuple[str, ...],
        needs_cut: bool,
    ) -> list[str]:
        """What SearchTables.candidates promises, oldest first. Column masks: a Python loop over 10,000 clips
        took 12 ms, these take well under one."""
        lo, hi = 0, len(self.clips)
        if start is not None and end is not None:
            lo, hi = (int(i) for i in np.searchsorted(self._times, [_ms(start), _ms(end)], side="left"))
        if hi <= lo:
            return []
        column = self._columns
        keep = self._mask(("kinds", kinds, needs_cut), lambda: self._of_kinds(kinds, needs_cut))[lo:hi]
        if captures is not None:
            keep = keep & self._among(captures, lo, hi)
        if people:
            keep = keep & self._among(set.intersection(*(self._seen_in.get(p, set()) for p in people)), lo, hi)
        if place is not None:
            where = tuple(sorted(place.items()))
            keep = keep & self._mask(("place", where), lambda: self._near(place) | self._resolved(place))[lo:hi]
        return [str(c) for c in column["id"][lo:hi][keep]]

    def _mask(self, key: tuple[Any, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        """A filter's mask over the whole album, made once per snapshot: fifty clients asking for Paris compute
        the distances of 10,000 clips to Paris once, not fifty times (it was a tenth of the time under load)."""
        mask = self._masks.get(key)
        if mask is None:
            if len(self._masks) > 256:
                self._masks.clear()
            mask = self._masks[key] = make()
        return mask

    def _of_kinds(self, kinds: tuple[str, ...], needs_cut: bool) -> np.ndarray:
        kind = self._columns["kind"]
        keep = np.isin(kind, kinds)
        if needs_cut and "photo" in kinds:  # a photo goes into a memory as its prepared still: only once it is made
            keep &= (kind != "photo") | self._columns["cut"]
        return np.asarray(keep)

    def _among(self, captures: Iterable[str], lo: int, hi: int) -> np.ndarray:
        """These captures, by position (np.isin on strings sorts them all: 40 ms on 10,000 clips)."""
        among = np.zeros(len(self.clips), dtype=bool)
        among[[i for i in (self._index.get(c) for c in captures) if i is not None]] = True
        return among[lo:hi]

    def _near(self, place: dict[str, Any]) -> np.ndarray:
        """Within the place's radius, for the places that have one (a city, a named place)."""
        if place["kind"] in ("country", "region"):
            return np.zeros(len(self.clips), dtype=bool)
        lat, lon = np.radians(self._columns["lat"]), np.radians(self._columns["lon"])
        lat0, lon0 = math.radians(place["lat"]), math.radians(place["lon"])
        a = np.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        with np.errstate(invalid="ignore"):
            return np.asarray(metres <= float(place["radius_km"]) * 1000.0)  # NaN (no location) is never near

    def _resolved(self, place: dict[str, Any]) -> np.ndarray:
        """Resolved to the place by the places enricher (a country, a region, a city)."""
        column, kind, cc = self._columns, place["kind"], place.get("country_code") or ""
        if kind == "country":
            return np.asarray(column["country_code"] == cc)
        if kind == "region":
            return np.asarray(column["region"] == place["name"])
        if kind == "city":
            return np.asarray((column["city"] == place["name"]) & (column["country_code"] == cc))
        return np.zeros(len(self.clips), dtype=bool)

    def material(self, captures: list[str]) -> list[dict[str, Any]]:
        """What SearchTables.material promises: these clips with place and mezzanine, oldest first."""
        found = []
        for i in sorted(self._index[c] for c in set(captures) if c in self._index):
            clip, capture = dict(self.clips[i]), self.clips[i]["capture_id"]
            where, cut = self.places.get(capture, {}), self.mezzanines.get(capture, {})
            del clip["lat"], clip["lon"]
            clip.update(city=where.get("city", ""), country=where.get("country", ""))
            clip.update(mezzanine_key=cut.get("object_key", ""), mezzanine_keyframes=cut.get("keyframes", []))
            found.append(clip)
        return found

    def frames_and_faces(self, captures: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        chosen = sorted(set(captures))
        frames = [f for c in chosen for f in self.frames.get(c, [])]
        return frames, [f for c in chosen for f in self.faces.get(c, [])]

    def tagged(self, labels: list[str], captures: list[str] | None) -> list[dict[str, Any]]:
        wanted = set(captures) if captures is not None else None
        return [
            row
            for label in set(labels)
            for row in self.tags.get(label, [])
            if wanted is None or row["capture_id"] in wanted
        ]

    def people_seen(self, captures: list[str], people: list[str]) -> dict[str, int]:
        wanted = set(people)
        counts = {c: sum(f["person_id"] in wanted for f in self.faces.get(c, [])) for c in set(captures)}
        return {c: n for c, n in counts.items() if n}


def _grouped(rows: list[dict[str, Any]], by: str = "capture_id") -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[by], []).append(row)
    return grouped


class Snapshots:
    """The snapshots of the users read lately (at most ``size``), each with the generation it was read at."""

    def __init__(self, size: int) -> None:
        self._held: LRUCache[str, tuple[tuple[int, int], AlbumSnapshot]] = LRUCache(size)
        self._lock = threading.Lock()
        self._reading = [threading.Lock() for _ in range(64)]  # by the user's hash: a bounded set of locks
        self.reads = self.hits = 0

    def get(
        self, user_id: str, generation: Callable[[], tuple[int, int]], read: Callable[[], AlbumSnapshot]
    ) -> AlbumSnapshot:
        """The user's snapshot, read again if their generation moved; one reader per user at a time, so fifty
        requests arriving after an upload read the album once."""
        now = generation()
        with self._lock:
            held = self._held.get(user_id)
            if held is not None and held[0] == now:
                self.hits += 1
                return held[1]
        with self._reading[hash(user_id) % len(self._reading)]:
            now = generation()  # the generation is read before the rows: a write during the read moves it again
            with self._lock:
                held = self._held.get(user_id)
                if held is not None and held[0] == now:
                    self.hits += 1
                    return held[1]
            snapshot = read()
            with self._lock:
                self.reads += 1
                self._held[user_id] = (now, snapshot)
            return snapshot
