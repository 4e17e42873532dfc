"""Browsing the album: one user's clips newest first, filtered by person, place and time, in keyset pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.connection import Connection


@dataclass(frozen=True)
class Browse:
    person_id: str | None = None
    place: str | None = None  # a city, region or country name, or an ISO country code
    since: datetime | None = None
    until: datetime | None = None
    after: tuple[datetime, str] | None = None  # the last (captured_at, capture_id) of the previous page
    limit: int = 50


class AlbumTables(Connection):
    def browse(self, user_id: str, q: Browse) -> list[dict[str, Any]]:
        """At most ``q.limit`` clips, newest first, with place, poster and the people seen in each."""
        where, params = ["1"], {"u": user_id, "n": q.limit}
        if q.person_id is not None:
            where.append(
                "c.capture_id IN (SELECT capture_id FROM faces FINAL WHERE user_id = {u:String}"
                " AND person_id = {person:String})"
            )
            params["person"] = q.person_id
        if q.place is not None:
            where.append(
                "(lower(p.city) = lower({place:String}) OR lower(p.region) = lower({place:String})"
                " OR lower(p.country) = lower({place:String}) OR p.country_code = upper({place:String}))"
            )
            params["place"] = q.place
        if q.since is not None:
            where.append("c.captured_at >= {since:DateTime64(3, 'UTC')}")
            params["since"] = q.since
        if q.until is not None:
            where.append("c.captured_at < {until:DateTime64(3, 'UTC')}")
            params["until"] = q.until
        if q.after is not None:
            where.append("(c.captured_at, c.capture_id) < ({at:DateTime64(3, 'UTC')}, {id:String})")
            params["at"], params["id"] = q.after
        return self._rows(
            "SELECT c.capture_id AS capture_id, c.captured_at AS captured_at, c.duration_s AS duration_s,"
            " c.kind AS kind, c.lat AS lat, c.lon AS lon, p.city AS city, p.country AS country,"
            " a.object_key AS poster_key,"
            " arraySort(groupUniqArrayIf(f.person_id, f.person_id != '')) AS people"
            " FROM (SELECT * FROM clips FINAL WHERE user_id = {u:String}) AS c"
            " LEFT JOIN (SELECT * FROM places FINAL WHERE user_id = {u:String}) AS p USING (capture_id)"
            " LEFT JOIN (SELECT capture_id, object_key FROM assets FINAL"
            "   WHERE user_id = {u:String} AND kind = 'poster') AS a USING (capture_id)"
            " LEFT JOIN (SELECT capture_id, person_id FROM faces FINAL WHERE user_id = {u:String}) AS f"
            "   USING (capture_id)"
            f" WHERE {' AND '.join(where)}"
            " GROUP BY capture_id, captured_at, duration_s, kind, lat, lon, city, country, poster_key"
            " ORDER BY captured_at DESC, capture_id DESC LIMIT {n:UInt32}",
            **params,
        )
