"""Devices bound to users: which device ids may hold tokens of their own, and which were revoked."""

from __future__ import annotations

from typing import Any

from projections.connection import Connection, version_of


class DeviceTables(Connection):
    def upsert_device(self, event: dict[str, Any], revoked: bool) -> None:
        self._insert(
            "devices",
            {
                "user_id": event["user_id"],
                "device_id": event["device_id"],
                "event_id": event["event_id"],
                "name": event.get("name", ""),
                "revoked": int(revoked),
                "changed_at": event["occurred_at"],
                "version": version_of(event["occurred_at"]),
            },
        )

    def devices(self, user_id: str) -> list[dict[str, Any]]:
        """The user's registered devices (revoked ones too, marked), by id."""
        return self._rows(
            "SELECT device_id, name, revoked, changed_at FROM devices FINAL"
            " WHERE user_id = {u:String} ORDER BY device_id",
            u=user_id,
        )

    def device_registration(self, user_id: str, device_id: str) -> str | None:
        """The event id of the device's current registration; None if it was never registered or is revoked."""
        rows = self._rows(
            "SELECT event_id, revoked FROM devices FINAL WHERE user_id = {u:String} AND device_id = {d:String}",
            u=user_id,
            d=device_id,
        )
        return rows[0]["event_id"] if rows and not rows[0]["revoked"] else None
