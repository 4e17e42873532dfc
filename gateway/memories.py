"""Memories: ask for one in words, then follow it until its video is ready."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.services import Services

MAX_TEXT = 500
STATUS_ORDER = ("requested", "planned", "rendered", "failed")


async def create_memory(request: Request) -> JSONResponse:
    """Ask for a memory video.
    ---
    summary: Request a memory video from a natural-language text
    security: [{bearer: []}]
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [text]
            properties:
              text: {type: string, maxLength: 500, example: "a memory video of our days in Paris"}
              target_seconds: {type: number, minimum: 5, maximum: 600}
    responses:
      202: {description: "Accepted; MemoryRequested was emitted. Follow status_url."}
      401: {description: Missing or invalid token.}
      422: {description: The request body is not valid.}
    """
    services: Services = request.app.state.services
    body = await json_object(request, '{"text": "..."}')
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        raise ApiError(422, "the body must be JSON with a non-empty string 'text'")
    text = body["text"].strip()
    if len(text) > MAX_TEXT:
        raise ApiError(422, f"text is longer than {MAX_TEXT} characters")
    target = body.get("target_seconds")
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, (int, float)) or not 5 <= target <= 600
    ):
        raise ApiError(422, "target_seconds must be a number from 5 to 600")
    memory_id = str(uuid.uuid4())
    await services.emit_new(
        "MemoryRequested",
        request.state.user_id,
        memory_id=memory_id,
        text=text,
        target_seconds=float(target) if target is not None else None,
    )
    return JSONResponse({"memory_id": memory_id, "status": "requested", "status_url": f"/v1/memories/{memory_id}"}, 202)


async def get_memory(request: Request) -> JSONResponse:
    """Read one of your memories.
    ---
    summary: Status of a memory; when rendered, a presigned URL of the MP4
    security: [{bearer: []}]
    parameters:
      - {name: memory_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: "The memory: status (requested, planned, rendered, failed), segments, video_url."}
      401: {description: Missing or invalid token.}
      404: {description: No such memory for this user (yet).}
    """
    services: Services = request.app.state.services
    rows = await asyncio.to_thread(services.store.memory, request.state.user_id, request.path_params["memory_id"])
    if not rows:
        raise ApiError(404, "no such memory")
    view = memory_view(rows)
    if view["status"] == "rendered":
        view["video_url"] = await asyncio.to_thread(services.blobs.presigned_url, view["object_key"])
    return JSONResponse(view)


def memory_view(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold a memory's stage rows into one view; the furthest stage gives the status."""
    by_stage = {row["stage"]: row for row in rows}
    status = max(by_stage, key=STATUS_ORDER.index)
    requested = by_stage.get("requested", {})
    planned = by_stage.get("planned", {})
    rendered = by_stage.get("rendered", {})
    failed = by_stage.get("failed", {})
    return {
        "memory_id": rows[0]["memory_id"],
        "status": status,
        "text": requested.get("text") or planned.get("text", ""),
        "place": planned.get("place"),
        "target_seconds": planned.get("target_seconds") or requested.get("target_seconds"),
        "planned_seconds": planned.get("planned_seconds"),
        "segments": planned.get("segments", []),
        "object_key": rendered.get("object_key"),
        "duration_s": rendered.get("duration_s"),
        "size_bytes": rendered.get("size_bytes"),
        "render_seconds": rendered.get("render_seconds"),
        "reason": failed.get("reason"),
        "requested_at": requested["occurred_at"].isoformat() if requested else None,
        "finished_at": (rendered or failed)["occurred_at"].isoformat() if (rendered or failed) else None,
    }
