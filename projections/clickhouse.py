"""ClickHouse read models through clickhouse-connect: chDB in-process (``chdb:///path``) or a server (``http://``).

Every table is a ReplacingMergeTree keyed by user first, so each write is an idempotent upsert (the same event
twice leaves one row) and every read filters by user. Reads use FINAL so that duplicates never show.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import clickhouse_connect

from projections.tables import DDL, TABLES, VOLATILE


def _version(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class MetadataStore:
    """The ClickHouse side of the read model. Thread-safe: chDB is one session per process."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._lock = threading.Lock()
        self.client = clickhouse_connect.get_client(dsn=dsn)
        for statement in DDL:
            self.client.command(statement)

    def close(self) -> None:
        with self._lock:
            self.client.close()

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        with self._lock:
            self.client.insert(table, [list(row.values())], column_names=list(row))

    def _rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        with self._lock:
            result = self.client.query(sql, parameters=params)
        return [dict(zip(result.column_names, row, strict=False)) for row in result.result_rows]

    # writes: one per event type, keyed by the entity and the event's time

    def upsert_capture(self, event: dict[str, Any]) -> None:
        self._insert(
            "captures",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "event_id": event["event_id"],
                "object_key": event["object_key"],
                "content_type": event["content_type"],
                "size_bytes": event["size_bytes"],
                "sha256": event["sha256"],
                "filename": event["filename"],
                "device_id": event["device_id"],
                "kind": event["kind"],
                "recording_id": event["recording_id"],
                "uploaded_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def upsert_clip(self, event: dict[str, Any]) -> None:
        self._insert(
            "clips",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "event_id": event["event_id"],
                "object_key": event["object_key"],
                "duration_s": event["duration_s"],
                "width": event["width"],
                "height": event["height"],
                "fps": event["fps"],
                "video_codec": event["video_codec"],
                "audio_codec": event["audio_codec"],
                "keyframes": event["keyframes"],
                "captured_at": event["captured_at"],
                "time_source": event["time_source"],
                "lat": event["lat"],
                "lon": event["lon"],
                "location_source": event["location_source"],
                "signature_model": event["signature_model"],
                "kind": event["kind"],
                "rotation": event["rotation"],
                "probed_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def upsert_asset(
        self,
        event: dict[str, Any],
        kind: str,
        key: str,
        keyframes: list[float] | None = None,
        times: list[float] | None = None,
    ) -> None:
        """A derived object of a capture: its mezzanine copy (with keyframe index), poster or thumbnail strip."""
        self._insert(
            "assets",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "kind": kind,
                "event_id": event["event_id"],
                "object_key": key,
                "keyframes": keyframes or [],
                "times": times or [],
                "made_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def assets(self, user_id: str, capture_id: str) -> dict[str, dict[str, Any]]:
        rows = self._rows(
            "SELECT * FROM assets FINAL WHERE user_id = {u:String} AND capture_id = {c:String}", u=user_id, c=capture_id
        )
        return {row["kind"]: row for row in rows}

    def upsert_place(self, event: dict[str, Any]) -> None:
        self._insert(
            "places",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "event_id": event["event_id"],
                "city": event["city"],
                "region": event["region"],
                "subregion": event["subregion"],
                "country_code": event["country_code"],
                "country": event["country"],
                "distance_km": event["distance_km"],
                "gazetteer": event["gazetteer"],
                "resolved_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def place(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT city, region, country_code, country FROM places FINAL"
            " WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )
        return rows[0] if rows else None

    def upsert_faces(self, event: dict[str, Any]) -> None:
        rows = [
            [
                event["user_id"],
                event["capture_id"],
                a["face_id"],
                event["event_id"],
                a["person_id"],
                a["t"],
                a["x"],
                a["y"],
                a["w"],
                a["h"],
                a["similarity"],
                event["model"],
                event["occurred_at"],
                _version(event["occurred_at"]),
            ]
            for a in event["assignments"]
        ]
        if rows:
            with self._lock:
                self.client.insert(
                    "faces",
                    rows,
                    column_names=[
                        "user_id",
                        "capture_id",
                        "face_id",
                        "event_id",
                        "person_id",
                        "t",
                        "x",
                        "y",
                        "w",
                        "h",
                        "similarity",
                        "model",
                        "found_at",
                        "version",
                    ],
                )

    def upsert_person(self, event: dict[str, Any]) -> None:
        self._insert(
            "people",
            {
                "user_id": event["user_id"],
                "person_id": event["person_id"],
                "event_id": event["event_id"],
                "name": event["name"],
                "relationship": event["relationship"],
                "named_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def people(self, user_id: str) -> list[dict[str, Any]]:
        """The user's people, most seen first: name and relationship if given, how often seen, one sample face."""
        return self._rows(
            "SELECT f.person_id AS person_id, any(p.name) AS name, any(p.relationship) AS relationship,"
            " count() AS faces, uniqExact(f.capture_id) AS captures,"
            " argMax(tuple(f.capture_id, f.t, f.x, f.y, f.w, f.h), f.w * f.h) AS sample"
            " FROM (SELECT * FROM faces FINAL WHERE user_id = {u:String}) AS f"
            " LEFT JOIN (SELECT * FROM people FINAL WHERE user_id = {u:String}) AS p USING (person_id)"
            " GROUP BY f.person_id ORDER BY faces DESC, person_id",
            u=user_id,
        )

    def set_face_recognition(self, event: dict[str, Any]) -> None:
        """Record the choice; turning it off also drops every face row of the user (the vectors go elsewhere)."""
        self._insert(
            "user_settings",
            {
                "user_id": event["user_id"],
                "event_id": event["event_id"],
                "face_recognition": int(event["enabled"]),
                "changed_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )
        if not event["enabled"]:
            with self._lock:
                self.client.command("DELETE FROM faces WHERE user_id = {u:String}", parameters={"u": event["user_id"]})

    def face_recognition(self, user_id: str) -> bool:
        rows = self._rows("SELECT face_recognition FROM user_settings FINAL WHERE user_id = {u:String}", u=user_id)
        return bool(rows and rows[0]["face_recognition"])

    def merge_person(self, event: dict[str, Any]) -> None:
        """Move every face row of one person to another (newer row versions, so replays land the same)."""
        rows = self._rows(
            "SELECT * FROM faces FINAL WHERE user_id = {u:String} AND person_id = {p:String}",
            u=event["user_id"],
            p=event["person_id"],
        )
        if not rows:
            return
        version = _version(event["occurred_at"])
        moved = [
            {**row, "person_id": event["into_person_id"], "version": max(row["version"] + 1, version)} for row in rows
        ]
        with self._lock:
            self.client.insert("faces", [list(r.values()) for r in moved], column_names=list(moved[0]))

    def upsert_shots(self, event: dict[str, Any]) -> None:
        rows = [
            [
                event["user_id"],
                event["capture_id"],
                i,
                event["event_id"],
                shot["start_s"],
                shot["end_s"],
                event["occurred_at"],
                _version(event["occurred_at"]),
            ]
            for i, shot in enumerate(event["shots"])
        ]
        with self._lock:
            self.client.insert(
                "shots",
                rows,
                column_names=["user_id", "capture_id", "shot", "event_id", "start_s", "end_s", "sampled_at", "version"],
            )

    def upsert_transcript(self, event: dict[str, Any]) -> None:
        words = event["words"]
        self._insert(
            "transcripts",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "event_id": event["event_id"],
                "model": event["model"],
                "text": event["text"],
                "words": [w["word"] for w in words],
                "starts": [w["start_s"] for w in words],
                "ends": [w["end_s"] for w in words],
                "heard_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def segments(self, user_id: str) -> list[dict[str, Any]]:
        """The read model for search: one row per shot, with its clip's place and the people on screen in it."""
        return self._rows(
            "SELECT s.capture_id AS capture_id, s.shot AS shot, s.start_s AS start_s, s.end_s AS end_s,"
            " c.captured_at AS captured_at, p.city AS city, p.country AS country,"
            " arraySort(groupUniqArrayIf(f.person_id, f.person_id != '')) AS people,"
            " any(arrayStringConcat(arrayFilter((w, t) -> t >= s.start_s AND t < s.end_s, tr.words, tr.starts), ' '))"
            " AS transcript"
            " FROM (SELECT * FROM shots FINAL WHERE user_id = {u:String}) AS s"
            " INNER JOIN (SELECT * FROM clips FINAL WHERE user_id = {u:String}) AS c USING (capture_id)"
            " LEFT JOIN (SELECT * FROM places FINAL WHERE user_id = {u:String}) AS p USING (capture_id)"
            " LEFT JOIN (SELECT * FROM transcripts FINAL WHERE user_id = {u:String}) AS tr USING (capture_id)"
            " LEFT JOIN (SELECT * FROM faces FINAL WHERE user_id = {u:String}) AS f"
            "   ON f.capture_id = s.capture_id AND f.t >= s.start_s AND f.t < s.end_s"
            " GROUP BY capture_id, shot, start_s, end_s, captured_at, city, country"
            " ORDER BY captured_at, capture_id, shot",
            u=user_id,
        )

    def understanding(self, user_id: str, capture_id: str) -> dict[str, Any]:
        """What the enrichers found so far: shots, and the transcript (None until the speech agent has run)."""
        shots = self._rows(
            "SELECT count() AS n FROM shots FINAL WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )
        said = self._rows(
            "SELECT text FROM transcripts FINAL WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )
        return {"shots": int(shots[0]["n"]), "transcript": said[0]["text"] if said else None}

    def known_people(self, user_id: str, person_ids: list[str]) -> set[str]:
        """Which of these person ids have faces in the user's album."""
        rows = self._rows(
            "SELECT DISTINCT person_id FROM faces FINAL WHERE user_id = {u:String} AND person_id IN {p:Array(String)}",
            u=user_id,
            p=person_ids,
        )
        return {r["person_id"] for r in rows}

    def people_on(self, user_id: str, capture_id: str) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT person_id FROM faces FINAL WHERE user_id = {u:String}"
            " AND capture_id = {c:String} ORDER BY person_id",
            u=user_id,
            c=capture_id,
        )
        return [r["person_id"] for r in rows]

    def upsert_recording(
        self, event: dict[str, Any], stage: str, device_id: str, kind: str, capture_id: str | None = None
    ) -> None:
        self._insert(
            "recordings",
            {
                "user_id": event["user_id"],
                "recording_id": event["recording_id"],
                "stage": stage,
                "event_id": event["event_id"],
                "device_id": device_id,
                "kind": kind,
                "capture_id": capture_id,
                "at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def recordings(self, user_id: str, device_id: str) -> list[dict[str, Any]]:
        """A device's recordings, newest first: started, stopped (if so) and the capture that came of it."""
        return self._rows(
            "SELECT recording_id, anyIf(kind, stage = 'started') AS kind, minIf(at, stage = 'started') AS started_at,"
            " countIf(stage = 'stopped') > 0 AS stopped, countIf(stage = 'uploaded') > 0 AS uploaded,"
            " anyIf(capture_id, stage = 'uploaded') AS capture_id"
            " FROM recordings FINAL WHERE user_id = {u:String} AND recording_id IN ("
            "   SELECT recording_id FROM recordings FINAL"
            "   WHERE user_id = {u:String} AND stage = 'started' AND device_id = {d:String})"
            " GROUP BY recording_id ORDER BY started_at DESC",
            u=user_id,
            d=device_id,
        )

    def reject_capture(self, event: dict[str, Any]) -> None:
        """A refused capture leaves no capture or clip row, only the record of why (idempotent)."""
        params = {"u": event["user_id"], "c": event["capture_id"]}
        with self._lock:
            for table in ("captures", "clips", "assets", "places", "faces", "shots", "transcripts"):
                self.client.command(
                    f"DELETE FROM {table} WHERE user_id = {{u:String}} AND capture_id = {{c:String}}", parameters=params
                )
        self._insert(
            "rejections",
            {
                "user_id": event["user_id"],
                "capture_id": event["capture_id"],
                "event_id": event["event_id"],
                "object_key": event["object_key"],
                "stage": event["stage"],
                "reason": event["reason"],
                "rejected_at": event["occurred_at"],
                "version": _version(event["occurred_at"]),
            },
        )

    def rejection(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT * FROM rejections FINAL WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )
        return rows[0] if rows else None

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
                "version": _version(event["occurred_at"]),
            },
        )

    # reads: always for one user

    def capture(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT c.*, k.capture_id != '' AS probed, k.captured_at, k.lat, k.lon, k.duration_s "
            "FROM (SELECT * FROM captures FINAL WHERE user_id = {u:String} AND capture_id = {c:String}) AS c "
            "LEFT JOIN (SELECT * FROM clips FINAL WHERE user_id = {u:String} AND capture_id = {c:String}) AS k "
            "USING (user_id, capture_id)",
            u=user_id,
            c=capture_id,
        )
        return rows[0] if rows else None

    def usage(self, user_id: str) -> tuple[int, int]:
        """(captures, bytes) stored for a user, for quotas."""
        rows = self._rows(
            "SELECT count() AS n, sum(size_bytes) AS bytes FROM captures FINAL WHERE user_id = {u:String}", u=user_id
        )
        return int(rows[0]["n"]), int(rows[0]["bytes"] or 0)

    def capture_by_sha(self, user_id: str, sha256: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT * FROM captures FINAL WHERE user_id = {u:String} AND sha256 = {s:String} "
            "ORDER BY uploaded_at LIMIT 1",
            u=user_id,
            s=sha256,
        )
        return rows[0] if rows else None

    def clips_near(
        self,
        user_id: str,
        lat: float | None,
        lon: float | None,
        radius_km: float,
        start: datetime | None,
        end: datetime | None,
    ) -> list[dict[str, Any]]:
        """The user's probed clips within ``radius_km`` of a place and inside [start, end), oldest first."""
        where = ["user_id = {u:String}", "kind = 'video'"]  # stills cannot be cut into a video by stream copy
        params: dict[str, Any] = {"u": user_id}
        if lat is not None and lon is not None:
            where.append("lat IS NOT NULL AND geoDistance(lon, lat, {lon:Float64}, {lat:Float64}) <= {r:Float64}")
            params.update(lat=lat, lon=lon, r=radius_km * 1000.0)
        if start is not None:
            where.append("captured_at >= {start:DateTime64(3, 'UTC')}")
            params["start"] = start
        if end is not None:
            where.append("captured_at < {end:DateTime64(3, 'UTC')}")
            params["end"] = end
        return self._rows(
            f"SELECT * FROM clips FINAL WHERE {' AND '.join(where)} ORDER BY captured_at, capture_id", **params
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

    def snapshot(self, table: str) -> list[tuple[Any, ...]]:
        """All rows of a table, deduplicated and sorted, for comparing projections (operators and tests)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._lock:
            result = self.client.query(
                f"SELECT * EXCEPT ({', '.join(VOLATILE[table])}) FROM {table} FINAL ORDER BY ALL"
            )
        return [tuple(row) for row in result.result_rows]
