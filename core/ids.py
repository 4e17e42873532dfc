"""Deterministic ids: derived entities (Qdrant points, derived events) get the same id every time they are derived,
so a replay or a retry writes over what it wrote before instead of beside it."""

from __future__ import annotations

import hashlib
import uuid

_NAMESPACE = uuid.NAMESPACE_URL.bytes


def stable_id(*parts: str) -> str:
    """A UUID that depends only on ``parts``: uuid5 in the URL namespace of ``reverie:<parts joined by />``.

    Made from the SHA-1 directly rather than through uuid.uuid5 and its UUID object (4.4 → 1.4 µs): every vector
    point of a replay needs one."""
    digest = bytearray(
        hashlib.sha1(_NAMESPACE + ("reverie:" + "/".join(parts)).encode(), usedforsecurity=False).digest()
    )
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
