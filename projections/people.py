"""The people side of the read model: faces and who they belong to, names, the face-recognition choice, and
the user's own named places."""

from __future__ import annotations

from typing import Any

from projections.connection import Connection, version_of


class PeopleTables(Connection):
    def upsert_faces(self, event: dict[str, Any]) -> None:
        version = version_of(event["occurred_at"])
        self._insert_rows(
            "faces",
            [
                {
                    "user_id": event["user_id"],
                    "capture_id": event["capture_id"],
                    "face_id": a["face_id"],
                    "event_id": event["event_id"],
                    "person_id": a["person_id"],
                    "t": a["t"],
                    "x": a["x"],
                    "y": a["y"],
                    "w": a["w"],
                    "h": a["h"],
                    "similarity": a["similarity"],
                    "model": event["model"],
                    "found_at": event["occurred_at"],
                    "version": version,
                }
                for a in event["assignments"]
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
                "version": version_of(event["occurred_at"]),
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
                "version": version_of(event["occurred_at"]),
            },
        )
        if not event["enabled"]:
            self._command("DELETE FROM faces WHERE user_id = {u:String}", u=event["user_id"])

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
        self._move_faces(rows, event["into_person_id"], event)

    def split_person(self, event: dict[str, Any]) -> None:
        """Move the named faces of one person to a new person (idempotent like a merge)."""
        rows = self._rows(
            "SELECT * FROM faces FINAL WHERE user_id = {u:String} AND person_id = {p:String}"
            " AND face_id IN {f:Array(String)}",
            u=event["user_id"],
            p=event["person_id"],
            f=list(event["face_ids"]),
        )
        self._move_faces(rows, event["new_person_id"], event)

    def _move_faces(self, rows: list[dict[str, Any]], person_id: str, event: dict[str, Any]) -> None:
        # A newer version than the row's own, so the move wins over the assignment it corrects, even on replay.
        version = version_of(event["occurred_at"])
        self._insert_rows(
            "faces", [{**row, "person_id": person_id, "version": max(row["version"] + 1, version)} for row in rows]
        )

    def faces_of(self, user_id: str, person_id: str) -> list[dict[str, Any]]:
        """One person's faces, biggest first: where each was seen, for choosing faces to split off."""
        return self._rows(
            "SELECT face_id, capture_id, t, x, y, w, h, similarity FROM faces FINAL"
            " WHERE user_id = {u:String} AND person_id = {p:String} ORDER BY w * h DESC, face_id",
            u=user_id,
            p=person_id,
        )

    def upsert_enrolment(self, event: dict[str, Any], status: str) -> None:
        self._insert(
            "enrolments",
            {
                "user_id": event["user_id"],
                "enrolment_id": event["enrolment_id"],
                "event_id": event["event_id"],
                "status": status,
                "person_id": event.get("person_id"),
                "reason": event.get("reason"),
                "at": event["occurred_at"],
                "version": version_of(event["occurred_at"]),
            },
        )

    def enrolment(self, user_id: str, enrolment_id: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT enrolment_id, status, person_id, reason FROM enrolments FINAL"
            " WHERE user_id = {u:String} AND enrolment_id = {e:String}",
            u=user_id,
            e=enrolment_id,
        )

    def named_people(self, user_id: str) -> list[dict[str, Any]]:
        """Every person the user named, by id (whether or not a face of them is still on record)."""
        return self._rows(
            "SELECT person_id, name, relationship FROM people FINAL WHERE user_id = {u:String} ORDER BY person_id",
            u=user_id,
        )

    def name_of(self, user_id: str, person_id: str) -> dict[str, Any] | None:
        return self._row(
            "SELECT name, relationship FROM people FINAL WHERE user_id = {u:String} AND person_id = {p:String}",
            u=user_id,
            p=person_id,
        )

    def upsert_user_place(self, event: dict[str, Any]) -> None:
        self._insert(
            "user_places",
            {
                "user_id": event["user_id"],
                "name": event["name"],
                "event_id": event["event_id"],
                "lat": event["lat"],
                "lon": event["lon"],
                "radius_m": event["radius_m"],
                "named_at": event["occurred_at"],
                "version": version_of(event["occurred_at"]),
            },
        )

    def user_places(self, user_id: str) -> list[dict[str, Any]]:
        """The user's own named places (a radius of 0 means forgotten)."""
        return self._rows(
            "SELECT name, lat, lon, radius_m FROM user_places FINAL"
            " WHERE user_id = {u:String} AND radius_m > 0 ORDER BY name",
            u=user_id,
        )

    def known_people(self, user_id: str, person_ids: list[str]) -> set[str]:
        """Which of these person ids have faces in the user's album."""
        rows = self._rows(
            "SELECT DISTINCT person_id FROM faces FINAL WHERE user_id = {u:String} AND person_id IN {p:Array(String)}",
            u=user_id,
            p=person_ids,
        )
        return {r["person_id"] for r in rows}

    def people_in_view(self, user_id: str, device_id: str | None) -> tuple[str, list[str]] | None:
        """The latest capture with faces (from the device, when known) and the people in it, largest face first:
        whom "this is my wife Anna" is about."""
        rows = self._rows(
            "SELECT f.capture_id AS capture_id, arrayReverseSort(groupArray((f.w * f.h, f.person_id))) AS seen"
            " FROM (SELECT * FROM faces FINAL WHERE user_id = {u:String} AND person_id != '') AS f"
            " INNER JOIN (SELECT capture_id, uploaded_at, device_id FROM captures FINAL WHERE user_id = {u:String}"
            "   AND ({d:String} = '' OR device_id = {d:String})) AS c USING (capture_id)"
            " GROUP BY capture_id ORDER BY any(c.uploaded_at) DESC, capture_id LIMIT 1",
            u=user_id,
            d=device_id or "",
        )
        if not rows:
            return None
        people = list(dict.fromkeys(person for _, person in rows[0]["seen"]))
        return rows[0]["capture_id"], people

    def people_on(self, user_id: str, capture_id: str) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT person_id FROM faces FINAL WHERE user_id = {u:String}"
            " AND capture_id = {c:String} ORDER BY person_id",
            u=user_id,
            c=capture_id,
        )
        return [r["person_id"] for r in rows]
