"""The ClickHouse read model: captures, clips and their assets, places, shots, transcripts, recordings and
memories (people live in projections/people.py). Every write is an idempotent upsert; every read is for one user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from projections.album import AlbumTables
from projections.connection import version_of
from projections.devices import DeviceTables
from projections.erasure import ErasureTables
from projections.memories import MemoryTables
from projections.people import PeopleTables
from projections.search import SearchTables


class MetadataStore(PeopleTables, SearchTables, MemoryTables, DeviceTables, AlbumTables, ErasureTables):
    """The ClickHouse side of the read model."""

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
                "version": version_of(event["occurred_at"]),
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
                "signature": event["signature"],
                "probed_at": event["occurred_at"],
                "version": version_of(event["occurred_at"]),
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
                "version": version_of(event["occurred_at"]),
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
                "version": version_of(event["occurred_at"]),
            },
        )

    def place(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT city, region, country_code, country FROM places FINAL"
            " WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )

    def upsert_frame_tags(self, event: dict[str, Any]) -> None:
        at, version = event["occurred_at"], version_of(event["occurred_at"])
        self._insert_rows(
            "frames",
            [
                {
                    "user_id": event["user_id"],
                    "capture_id": event["capture_id"],
                    "t": frame["t"],
                    "caption": frame["caption"],
                    "sharpness": frame["sharpness"],
                    "motion": frame["motion"],
                    "model": event["model"],
                    "event_id": event["event_id"],
                    "described_at": at,
                    "version": version,
                }
                for frame in event["frames"]
            ],
        )
        self._insert_rows(
            "frame_tags",
            [
                {
                    "user_id": event["user_id"],
                    "capture_id": event["capture_id"],
                    "t": frame["t"],
                    "label": tag["label"],
                    "kind": tag["kind"],
                    "score": tag["score"],
                    "tagger": event["tagger"],
                    "event_id": event["event_id"],
                    "described_at": at,
                    "version": version,
                }
                for frame in event["frames"]
                for tag in frame["tags"]
            ],
        )

    def upsert_shots(self, event: dict[str, Any]) -> None:
        self._insert_rows(
            "shots",
            [
                {
                    "user_id": event["user_id"],
                    "capture_id": event["capture_id"],
                    "shot": i,
                    "event_id": event["event_id"],
                    "start_s": shot["start_s"],
                    "end_s": shot["end_s"],
                    "sampled_at": event["occurred_at"],
                    "version": version_of(event["occurred_at"]),
                }
                for i, shot in enumerate(event["shots"])
            ],
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
                "version": version_of(event["occurred_at"]),
            },
        )

    def segments(self, user_id: str) -> list[dict[str, Any]]:
        """The read model for search: one row per shot, with its clip's place and the people on screen in it."""
        return self._rows(
            "SELECT s.capture_id AS capture_id, s.shot AS shot, s.start_s AS start_s, s.end_s AS end_s,"
            " c.captured_at AS captured_at, p.city AS city, p.country AS country,"
            " arraySort(groupUniqArrayIf(f.person_id, f.person_id != '')) AS people,"
            " arraySort(groupUniqArrayIf(g.label, g.label != '')) AS tags,"
            " any(arrayStringConcat(arrayFilter((w, t) -> t >= s.start_s AND t < s.end_s, tr.words, tr.starts), ' '))"
            " AS transcript"
            " FROM (SELECT * FROM shots FINAL WHERE user_id = {u:String}) AS s"
            " INNER JOIN (SELECT * FROM clips FINAL WHERE user_id = {u:String}) AS c USING (capture_id)"
            " LEFT JOIN (SELECT * FROM places FINAL WHERE user_id = {u:String}) AS p USING (capture_id)"
            " LEFT JOIN (SELECT * FROM transcripts FINAL WHERE user_id = {u:String}) AS tr USING (capture_id)"
            " LEFT JOIN (SELECT * FROM faces FINAL WHERE user_id = {u:String}) AS f"
            "   ON f.capture_id = s.capture_id AND f.t >= s.start_s AND f.t < s.end_s"
            " LEFT JOIN (SELECT * FROM frame_tags FINAL WHERE user_id = {u:String}) AS g"
            "   ON g.capture_id = s.capture_id AND g.t >= s.start_s AND g.t < s.end_s"
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
        tags = self._rows(
            "SELECT label, max(score) AS score FROM frame_tags FINAL"
            " WHERE user_id = {u:String} AND capture_id = {c:String}"
            " GROUP BY label ORDER BY score DESC, label LIMIT 10",
            u=user_id,
            c=capture_id,
        )
        return {
            "shots": int(shots[0]["n"]),
            "transcript": said[0]["text"] if said else None,
            "tags": [{"label": t["label"], "score": round(float(t["score"]), 3)} for t in tags],
        }

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
                "version": version_of(event["occurred_at"]),
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
        for table in ("captures", "clips", "assets", "places", "faces", "shots", "transcripts"):
            self._command(
                f"DELETE FROM {table} WHERE user_id = {{u:String}} AND capture_id = {{c:String}}",
                u=event["user_id"],
                c=event["capture_id"],
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
                "version": version_of(event["occurred_at"]),
            },
        )

    def rejection(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT * FROM rejections FINAL WHERE user_id = {u:String} AND capture_id = {c:String}",
            u=user_id,
            c=capture_id,
        )

    # reads: always for one user

    def capture(self, user_id: str, capture_id: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT c.*, k.capture_id != '' AS probed, k.captured_at, k.lat, k.lon, k.duration_s "
            "FROM (SELECT * FROM captures FINAL WHERE user_id = {u:String} AND capture_id = {c:String}) AS c "
            "LEFT JOIN (SELECT * FROM clips FINAL WHERE user_id = {u:String} AND capture_id = {c:String}) AS k "
            "USING (user_id, capture_id)",
            u=user_id,
            c=capture_id,
        )

    def usage(self, user_id: str) -> tuple[int, int]:
        """(captures, bytes) stored for a user, for quotas."""
        rows = self._rows(
            "SELECT count() AS n, sum(size_bytes) AS bytes FROM captures FINAL WHERE user_id = {u:String}", u=user_id
        )
        return int(rows[0]["n"]), int(rows[0]["bytes"] or 0)

    def capture_by_sha(self, user_id: str, sha256: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT * FROM captures FINAL WHERE user_id = {u:String} AND sha256 = {s:String} "
            "ORDER BY uploaded_at LIMIT 1",
            u=user_id,
            s=sha256,
        )

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
