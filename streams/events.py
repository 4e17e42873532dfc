"""Building events: every event gets a fresh id, its user, its time and what caused it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_event(user_id: str, causation_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "user_id": user_id,
        "occurred_at": utcnow(),
        "causation_id": causation_id,
        **fields,
    }


def stable_id(*parts: str) -> str:
    """A deterministic UUID for derived entities (Qdrant point ids), so replays write the same ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "reverie:" + "/".join(parts)))
