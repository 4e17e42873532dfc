"""The envelope every event carries: a fresh id, its user, its time and what caused it."""

from __future__ import annotations

import uuid
from typing import Any

from core.clock import utcnow


def new_event(user_id: str, causation_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "user_id": user_id,
        "occurred_at": utcnow(),
        "causation_id": causation_id,
        **fields,
    }
