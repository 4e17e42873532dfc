"""Request bodies: one JSON object, or a 422 that says what was expected."""

from __future__ import annotations

import json
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
