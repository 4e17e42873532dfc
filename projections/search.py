"""The read side of memories: the material a query may use (clips with place, mezzanine, frames and faces), the
user's vocabulary, and the album version that memory caching keys on. Every query is for one user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from projections.connection import Connection

# Tables whose rows change what a memory of the user would show: any new row moves the album version.
ALBUM_TABLES = ("clips", "assets", "places", "faces", "people", "frames", "transcripts", "user_places", "tombstones")


class SearchTables(Connection):
    def load(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Many rows at once (operators' bulk loads, benchmarks); the same rows twice leave one."""
        self._insert_rows(table, rows)

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
        are read for the few that rank best (``material``)."""
        where = ["user_id = {u:String}", "kind IN {kinds:Array(String)}"]
        params = dict[str, Any](u=user_id, kinds=list(kinds))
        if "photo" in kinds and needs_cut:
            # a photo goes into a memory as its prepared still: only once that is made
            where.append(
                "(kind != 'photo' OR capture_id IN (SELECT capture_id FROM assets FINAL WHERE user_id = {u:String}"
                " AND kind = 'mezzanine'))"
            )
        if captures is not None:
            where.append("capture_id IN {ids:Array(String)}")
            params["ids"] = captures
        if start is not None and end is not None:
            where.append("captured_at >= {start:DateTime64(3, 'UTC')} AND captured_at < {end:DateTime64(3, 'UTC')}")
            params.update(start=start, end=end)
        if place is not None:
            where.append(_place_filter(place, params))
        if people:
            where.append(
                "capture_id IN (SELECT capture_id FROM faces FINAL WHERE user_id = {u:String}"
                " AND person_id IN {people:Array(String)} GROUP BY capture_id"
                " HAVING uniqExact(person_id) = {n:UInt32})"
            )
            params.update(people=people, n=len(people))
        rows = self._rows(
            f"SELECT capture_id FROM clips FINAL WHERE {' AND '.join(where)} ORDER BY captured_at, capture_id",
            **params,
        )
        return [r["capture_id"] for r in rows]

    def material(self, user_id: str, captures: list[str]) -> list[dict[str, Any]]:
        """These clips with what cutting them needs: place, mezzanine, keyframes, signature; oldest first."""
        # Three primary-key lookups joined here: on 10,000 clips they took 7 ms, the same join in SQL 11 ms.
        where = "WHERE user_id = {u:String} AND capture_id IN {c:Array(String)}"
        clips = self._rows(
            "SELECT capture_id, kind, object_key, duration_s, keyframes, captured_at, width, height, signature"
            f" FROM clips FINAL {where} ORDER BY captured_at, capture_id",
            u=user_id,
            c=captures,
        )
        places = self._rows(f"SELECT capture_id, city, country FROM places FINAL {where}", u=user_id, c=captures)
        mezzanines = self._rows(
            f"SELECT capture_id, object_key, keyframes FROM assets FINAL {where} AND kind = 'mezzanine'",
            u=user_id,
            c=captures,
        )
        place = {p["capture_id"]: p for p in places}
        mezzanine = {m["capture_id"]: m for m in mezzanines}
        for clip in clips:
            found, cut = place.get(clip["capture_id"], {}), mezzanine.get(clip["capture_id"], {})
            clip.update(city=found.get("city", ""), country=found.get("country", ""))
            clip.update(mezzanine_key=cut.get("object_key", ""), mezzanine_keyframes=cut.get("keyframes", []))
        return clips

    def tagged(self, user_id: str, labels: list[str], captures: list[str] | None = None) -> list[dict[str, Any]]:
        """The frames tagged with any of ``labels`` (among ``captures`` if given): capture, time, label, score."""
        where = "user_id = {u:String} AND label IN {l:Array(String)}"
        params: dict[str, Any] = {"u": user_id, "l": labels}
        if captures is not None:
            where += " AND capture_id IN {c:Array(String)}"
            params["c"] = captures
        return self._rows(f"SELECT capture_id, t, label, score FROM frame_tags FINAL WHERE {where}", **params)

    def people_seen(self, user_id: str, captures: list[str], people: list[str]) -> dict[str, int]:
        """How many face sightings of these people each capture has."""
        rows = self._rows(
            "SELECT capture_id, count() AS n FROM faces FINAL WHERE user_id = {u:String}"
            " AND capture_id IN {c:Array(String)} AND person_id IN {p:Array(String)} GROUP BY capture_id",
            u=user_id,
            c=captures,
            p=people,
        )
        return {r["capture_id"]: int(r["n"]) for r in rows}

    def frames_and_faces(self, user_id: str, captures: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The sampled frames (sharpness, motion) and the faces of these captures, in one round trip."""
        rows = self._rows(
            "SELECT 'frame' AS kind, capture_id, t, sharpness, motion, '' AS person_id, 0 AS w, 0 AS h FROM frames"
            " FINAL WHERE user_id = {u:String} AND capture_id IN {c:Array(String)}"
            " UNION ALL SELECT 'face', capture_id, t, 0, 0, person_id, w, h FROM faces FINAL"
            " WHERE user_id = {u:String} AND capture_id IN {c:Array(String)}",
            u=user_id,
            c=captures,
        )
        frames = sorted((r for r in rows if r["kind"] == "frame"), key=lambda r: (r["capture_id"], r["t"]))
        return frames, [r for r in rows if r["kind"] == "face"]

    def vocabulary(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """The names the user's requests may use: people, own places, the regions and cities they have been to."""
        people = self._rows(
            "SELECT person_id, name, relationship FROM people FINAL WHERE user_id = {u:String} ORDER BY person_id",
            u=user_id,
        )
        regions = self._rows(
            "SELECT DISTINCT region, country_code FROM places FINAL WHERE user_id = {u:String} AND region != ''"
            " ORDER BY region",
            u=user_id,
        )
        cities = self._rows(
            "SELECT city, any(country_code) AS country_code FROM places FINAL WHERE user_id = {u:String} AND city != ''"
            " GROUP BY city ORDER BY city",
            u=user_id,
        )
        places = self._rows(
            "SELECT name, lat, lon, radius_m FROM user_places FINAL"
            " WHERE user_id = {u:String} AND radius_m > 0 ORDER BY name",
            u=user_id,
        )
        return {"people": people, "regions": regions, "cities": cities, "places": places}

    def album_version(self, user_id: str) -> str:
        """Moves with any new capture, enrichment or naming of the user: the newest row version and the row count."""
        parts = " UNION ALL ".join(
            f"SELECT max(version) AS v, count() AS n FROM {t} WHERE user_id = {{u:String}}" for t in ALBUM_TABLES
        )
        rows = self._rows(f"SELECT max(v) AS v, sum(n) AS n FROM ({parts})", u=user_id)
        return f"{rows[0]['v']}.{rows[0]['n']}"


def _place_filter(place: dict[str, Any], params: dict[str, Any]) -> str:
    kind = place["kind"]
    params.update(place_name=place["name"], cc=place.get("country_code") or "")
    resolved = "capture_id IN (SELECT capture_id FROM places FINAL WHERE user_id = {u:String} AND "
    if kind == "country":
        return resolved + "country_code = {cc:String})"
    if kind == "region":
        return resolved + "region = {place_name:String})"
    params.update(lat=place["lat"], lon=place["lon"], r=float(place["radius_km"]) * 1000.0)
    near = "(lat IS NOT NULL AND geoDistance(lon, lat, {lon:Float64}, {lat:Float64}) <= {r:Float64})"
    if kind == "city":  # resolved to that city by the places enricher, or simply near its centre
        return f"({resolved}city = {{place_name:String}} AND country_code = {{cc:String}}) OR {near})"
    return near
