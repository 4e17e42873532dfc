"""Request bodies: one JSON object, or a 422 that says what was expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.requests import Request

from gateway.errors import ApiError


async def json_object(request: Request, expected: str) -> dict[str, Any]:
    """The body as a JSON object; ``expected`` describes it for the error, e.g. '{"text": "..."}'."""
    try:
        body = json.loads(await request.body() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(422, f"the body must be a JSON object: {expected}")
    return body


async def body_to_file(request: Request, path: Path, limit: int, too_big: str, empty: str) -> None:
    """Stream the raw body to ``path``: a 413 saying ``too_big`` past ``limit`` bytes, a 422 saying ``empty`` if
    there is no body at all."""
    size = 0
    with open(path, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, too_big)
            out.write(chunk)
    if size == 0:
        raise ApiError(422, empty)
