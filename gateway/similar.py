"""More like this: the user's captures whose frames look most like one frame of a capture.

Every sampled frame carries an image embedding from the tagger's own pass (MobileNetV2's pooled features,
streams/models/tags.py), projected into that model's vector collection; the nearest frames of other captures, best
per capture, answer. Every read is scoped by the token's user.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.errors import ApiError
from gateway.search import limit_param
from streams.models.tags import IMAGE_MODEL, IMAGE_SIZE
from streams.runtime.services import Services

DEFAULT_LIMIT = 10
FRAMES_PER_CAPTURE = 8  # frames fetched per capture wanted; more are fetched while a few captures fill the top
MAX_FETCH = 4096


def time_param(raw: str | None) -> float | None:
    """``t`` in seconds (≥ 0), or None when not given, or a 422."""
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(422, "t must be a number of seconds, e.g. 4.5") from None
    if not math.isfinite(value) or value < 0:
        raise ApiError(422, "t must be a number of seconds, 0 or more")
    return value


def more_like(services: Services, user: str, capture_id: str, t: float | None, limit: int) -> dict[str, Any]:
    """The frame of ``capture_id`` nearest ``t`` (its first sampled frame without one), and the user's other
    captures ranked by their frame most like it."""
    if services.store.capture(user, capture_id) is None:
        raise ApiError(404, "no such capture")
    images = services.collection(IMAGE_MODEL, IMAGE_SIZE)
    frames = images.vectors_of(user, capture_id)
    if not frames:
        raise ApiError(
            409,
            "the capture is not described yet (its frames have no image embedding): try again in a few seconds",
            headers={"Retry-After": "5"},
        )
    payload, vector = min(frames, key=lambda f: (abs(f[0]["t"] - t) if t is not None else f[0]["t"], f[0]["t"]))
    best: dict[str, tuple[float, float]] = {}  # capture → (score, t) of its frame most like this one
    fetch = limit * FRAMES_PER_CAPTURE
    while True:
        hits = images.search(user, vector, fetch, exclude=[capture_id])
        for _, score, found in hits:
            if found["capture_id"] not in best:  # hits come best first
                best[found["capture_id"]] = (score, float(found["t"]))
        if len(best) >= limit or len(hits) < fetch or fetch >= MAX_FETCH:
            break
        best.clear()
        fetch = min(fetch * 4, MAX_FETCH)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return {
        "capture_id": capture_id,
        "t": float(payload["t"]),
        "model": IMAGE_MODEL,
        "similar": [
            {"capture_id": other, "t": at, "score": round(score, 4), "status_url": f"/v1/captures/{other}"}
            for other, (score, at) in ranked
        ],
    }


async def similar(request: Request) -> JSONResponse:
    """Captures that look like one of yours.
    ---
    summary: "More like this: your captures whose frames look most like one frame of this capture, best first"
    description: "Frames are compared by their image embeddings (MobileNetV2's pooled features, from the same pass
      as their tags). The frame is the capture's sampled frame nearest t (its first without t); the capture itself
      is left out; each other capture is scored by its frame most like it (cosine similarity)."
    security: [{bearer: []}]
    parameters:
      - {name: capture_id, in: path, required: true, schema: {type: string}}
      - name: t
        in: query
        required: false
        description: "Seconds into the capture: the sampled frame nearest it is the one compared."
        schema: {type: number, minimum: 0}
      - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 100, default: 10}}
    responses:
      200:
        description: "The frame compared (capture_id, t, model) and similar: capture_id, t, score, best first."
        json:
          type: object
          required: [capture_id, t, model, similar]
          properties:
            capture_id: {type: string}
            t: {type: number}
            model: {type: string}
            similar:
              type: array
              items:
                type: object
                required: [capture_id, t, score, status_url]
                properties:
                  capture_id: {type: string}
                  t: {type: number}
                  score: {type: number, description: cosine similarity}
                  status_url: {type: string}
      401: {description: Missing or invalid token.}
      404: {description: No such capture for this user.}
      409: {description: "The capture is not described yet (no image embedding for its frames); Retry-After says
        when to ask again."}
      422: {description: A bad t or limit.}
    """
    services: Services = request.app.state.services
    t = time_param(request.query_params.get("t"))
    limit = limit_param(request.query_params.get("limit"), DEFAULT_LIMIT)
    answer = await asyncio.to_thread(
        more_like, services, request.state.user_id, request.path_params["capture_id"], t, limit
    )
    return JSONResponse(answer)
