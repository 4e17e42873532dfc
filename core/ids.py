"""Deterministic ids: derived entities (Qdrant points, derived events) get the same id every time they are derived,
so a replay or a retry writes over what it wrote before instead of beside it."""

from __future__ import annotations

import uuid


def stable_id(*parts: str) -> str:
    """A UUID that depends only on ``parts``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "reverie:" + "/".join(parts)))
