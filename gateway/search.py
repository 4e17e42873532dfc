"""Search: the moments of your album that match words, with the same understanding and ranking as memories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.clock import utcnow
from gateway import reads
from gateway.errors import ApiError
from gateway.memories import said_at
from streams.runtime.services import Services
from streams.understanding import planning, retrieval, selection

MAX_QUERY = 500
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def limit_param(raw: str | None, default: int = DEFAULT_LIMIT) -> int:
    """A page size from the query string, 1 to MAX_LIMIT, or a 422."""
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(422, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def _moment(clip: selection.Clip) -> dict[str, Any]:
    best = max(clip.frames, key=lambda f: f.score, default=None)
    return {
        "capture_id": clip.capture_id,
        "t": best.t if best else 0.0,
        "score": round(best.score, 4) if best else 0.0,
        "captured_at": clip.captured_at.isoformat(),
        "place": clip.place,
        "why": clip.matched,
        "status_url": f"/v1/captures/{clip.capture_id}",
    }


async def search(request: Request) -> JSONResponse:
    """Search your album.
    ---
    summary: Moments that match words ("the beach in Lisbon", "Anna last summer"), best first
    description: The words are understood as memory requests are (people, place, time, search words).
    security: [{bearer: []}]
    parameters:
      - {name: q, in: query, required: true, schema: {type: string, maxLength: 500}}
      - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 100}}
      - name: at
        in: query
        required: false
        description: "The device's clock and zone (ISO 8601 with offset): 'yesterday' is the user's yesterday."
        schema: {type: string, format: date-time}
    responses:
      200:
        description: "The understood query and the results: capture, best moment (t), score, time, place, why."
        json:
          type: object
          required: [query, results]
          properties:
            query: {$ref: '#/components/schemas/Query'}
            results: {type: array, items: {$ref: '#/components/schemas/Moment'}}
      422: {description: "No q, a bad limit, or a name nobody in your album has."}
    """
    services: Services = request.app.state.services
    user = request.state.user_id
    text = (request.query_params.get("q") or "").strip()
    if not text or len(text) > MAX_QUERY:
        raise ApiError(422, f"q must be 1 to {MAX_QUERY} characters")
    limit = limit_param(request.query_params.get("limit"))
    said = said_at(request.query_params.get("at")) or utcnow()
    status, answer = await reads.answer(request, find_moments, services, user, text, limit, said)
    return JSONResponse(answer, status)


def find_moments(services: Services, user: str, text: str, limit: int, said: datetime) -> tuple[int, dict[str, Any]]:
    """The understood query and the best moments (200), or who is unknown (422): for GET and for voice. Blocking:
    call it on the read pool (gateway/reads.py), in one hand-over (two cost a tenth of the CPU under load)."""
    query = planning.understand(services, user, text, said, None)
    if query.unknown:
        return 422, {"error": " ".join(query.unknown), "query": query.as_dict()}
    query, clips, ranked = planning.retrieve(services, user, query, retrieval.SEARCH, False)
    by_id = {c.capture_id: c for c in clips}
    results = [_moment(by_id[c]) for c in ranked if c in by_id][:limit]
    return 200, {"query": query.as_dict(), "results": results}
