"""Browsing your album: captures newest first, filtered by person, place and time, a page at a time."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.captures import parse_time
from gateway.errors import ApiError
from gateway.search import limit_param
from projections.album import Browse
from streams.runtime.services import Services


def encode_cursor(captured_at: datetime, capture_id: str) -> str:
    raw = json.dumps([captured_at.isoformat(), capture_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The page's starting point, or a 422: a cursor is opaque, and one made up is refused."""
    try:
        at, capture_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), str(capture_id)
    except (ValueError, TypeError):
        raise ApiError(422, "cursor must be the next_cursor of a previous page") from None


def _item(services: Services, row: dict[str, Any]) -> dict[str, Any]:
    poster = row["poster_key"]
    return {
        "capture_id": row["capture_id"],
        "kind": row["kind"],
        "captured_at": row["captured_at"].isoformat(),
        "duration_s": row["duration_s"],
        "place": {"city": row["city"], "country": row["country"]} if row["city"] else None,
        "people": row["people"],
        "poster_url": services.blobs.presigned_url(poster) if poster else None,
        "status_url": f"/v1/captures/{row['capture_id']}",
    }


async def list_captures(request: Request) -> JSONResponse:
    """Browse your album.
    ---
    summary: Your captures, newest first, optionally of one person, at one place, in a time range
    security: [{bearer: []}]
    parameters:
      - {name: person, in: query, required: false, schema: {type: string, maxLength: 64}, description: a person id}
      - {name: place, in: query, required: false, schema: {type: string, maxLength: 100},
         description: "a city, region or country, or an ISO country code"}
      - {name: from, in: query, required: false, schema: {type: string, format: date-time}}
      - {name: to, in: query, required: false, schema: {type: string, format: date-time}}
      - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 100}}
      - {name: cursor, in: query, required: false, schema: {type: string, maxLength: 300}}
    responses:
      200:
        description: "A page of captures with poster URLs; next_cursor is null on the last page."
        json:
          type: object
          required: [captures, next_cursor]
          properties:
            captures: {type: array, items: {$ref: '#/components/schemas/AlbumItem'}}
            next_cursor: {type: string, nullable: true}
      422: {description: A bad filter, limit or cursor.}
    """
    services: Services = request.app.state.services
    params = request.query_params
    person, place, cursor = params.get("person") or None, params.get("place") or None, params.get("cursor")
    if (person and len(person) > 64) or (place and len(place) > 100) or (cursor and len(cursor) > 300):
        raise ApiError(422, "person is at most 64 characters, place 100, cursor 300")
    query = Browse(
        person_id=person,
        place=place,
        since=parse_time(params.get("from"), "from"),
        until=parse_time(params.get("to"), "to"),
        after=decode_cursor(cursor) if cursor else None,
        limit=limit_param(params.get("limit"), default=50) + 1,  # one more tells whether a next page exists
    )
    rows = await asyncio.to_thread(services.store.browse, request.state.user_id, query)
    page = rows[: query.limit - 1]
    items = await asyncio.to_thread(lambda: [_item(services, r) for r in page])
    more = len(rows) == query.limit
    next_cursor = encode_cursor(page[-1]["captured_at"], page[-1]["capture_id"]) if more else None
    return JSONResponse({"captures": items, "next_cursor": next_cursor})
