"""Memories: ask for one in words, follow it live, play it before it is finished, fetch the MP4 when it is."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from core.clock import utcnow
from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services
from streams.understanding import planning

MAX_TEXT = 500
STATUS_ORDER = ("requested", "planned", "playable", "rendered", "failed")
FINAL = ("rendered", "failed")
EVENTS_TIMEOUT_S = 600.0
POLL_S = 0.1
LOCAL_POLL_S = 2.0  # with the projector in this process a change wakes the stream; asking is only a safety net
PROJECTION_GRACE_S = 3.0


def said_at(value: Any) -> datetime | None:
    """The device's clock when the words were said (ISO 8601 with its offset): times resolve in the user's day.
    Taken as the device gives it: the answer's explanation shows the dates it led to."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiError(422, "said_at must be an ISO 8601 time with its UTC offset, e.g. 2026-06-17T15:00:00+02:00")
    return moment


def _target(body: dict[str, Any]) -> float | None:
    target = body.get("target_seconds")
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, (int, float)) or not 5 <= target <= 600
    ):
        raise ApiError(422, "target_seconds must be a number from 5 to 600")
    return float(target) if target is not None else None


async def create_memory(request: Request) -> JSONResponse:
    """Ask for a memory video.
    ---
    summary: Request a memory video in words; the answer says what was understood
    description: >
      The text is understood at once (people, place, time, duration, search words) and the understanding comes
      back in `query`. A name nobody in your album has gets 422 with what to do. The same request on an unchanged
      album returns the memory already made (200, `cached`: true).
    security: [{bearer: []}]
    jsonBody:
      type: object
      required: [text]
      properties:
        text: {type: string, maxLength: 500, example: "a memory video of my wife and me in Paris"}
        target_seconds: {type: number, minimum: 5, maximum: 600}
        said_at:
          type: string
          format: date-time
          description: "The device's clock and zone when the words were said (default: the server's, in UTC)."
    responses:
      200:
        description: "The same request was already rendered for this album: that memory."
        json: {$ref: '#/components/schemas/MemoryRequest'}
      202:
        description: "Accepted; MemoryRequested was emitted. Follow status_url or events_url."
        json: {$ref: '#/components/schemas/MemoryRequest'}
      401: {description: Missing or invalid token.}
      422: {description: "The body is not valid, or the request names someone unknown (see query.unknown)."}
    """
    services: Services = request.app.state.services
    user = request.state.user_id
    body = await json_object(request, '{"text": "..."}')
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        raise ApiError(422, "the body must be JSON with a non-empty string 'text'")
    text = body["text"].strip()
    if len(text) > MAX_TEXT:
        raise ApiError(422, f"text is longer than {MAX_TEXT} characters")
    status, answer = await ask_for_memory(services, user, text, _target(body), said_at(body.get("said_at")))
    return JSONResponse(answer, status)


async def ask_for_memory(
    services: Services, user: str, text: str, target: float | None, said: datetime | None = None
) -> tuple[int, dict[str, Any]]:
    """Understand a request and emit MemoryRequested (202), or answer from the cache (200), or say who is
    unknown (422); the gateway's POST and voice commands both come here."""
    query = await asyncio.to_thread(planning.understand, services, user, text, said or utcnow(), target)
    understood = query.as_dict()
    if query.unknown:
        return 422, {"error": " ".join(query.unknown), "query": understood}
    key = await asyncio.to_thread(planning.cache_key, services, user, query)
    cached = await asyncio.to_thread(services.store.cached_memory, user, key)
    if cached is not None:
        memory_id = cached["memory_id"]
        # recorded so analysts see the cache hit ratio; the memory itself is not touched
        await services.emit_new(
            "MemoryServedFromCache", user, memory_id=memory_id, text=text, query=json.dumps(understood), cache_key=key
        )
        return 200, {
            "memory_id": memory_id,
            "status": "rendered",
            "cached": True,
            "query": understood,
            **_links(memory_id),
        }
    memory_id = str(uuid.uuid4())
    await services.emit_new(
        "MemoryRequested",
        user,
        memory_id=memory_id,
        text=text,
        target_seconds=target,
        query=json.dumps(understood),
        cache_key=key,
        said_at=said.isoformat() if said is not None else None,
    )
    return 202, {"memory_id": memory_id, "status": "requested", "query": understood, **_links(memory_id)}


def _links(memory_id: str) -> dict[str, str]:
    base = f"/v1/memories/{memory_id}"
    return {"status_url": base, "events_url": f"{base}/events", "playlist_url": f"{base}/playlist.m3u8"}


async def _view(services: Services, user: str, memory_id: str) -> dict[str, Any] | None:
    rows = await asyncio.to_thread(services.store.memory, user, memory_id)
    if not rows:
        return None
    view = memory_view(rows)
    if view["status"] == "rendered":
        view["video_url"] = await asyncio.to_thread(services.blobs.presigned_url, view.pop("object_key"))
        if view["poster_key"]:
            view["poster_url"] = await asyncio.to_thread(services.blobs.presigned_url, view["poster_key"])
    view.pop("object_key", None)
    view.pop("poster_key", None)
    if view.pop("playlist_key", None):
        view["playlist_url"] = f"/v1/memories/{memory_id}/playlist.m3u8"
    return view


LIST_LIMIT, LIST_MAX = 50, 200


async def list_memories(request: Request) -> JSONResponse:
    """Your past memories.
    ---
    summary: Your memories, newest first, each with its status and where to read or play it
    security: [{bearer: []}]
    parameters:
      - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 200, default: 50}}
    responses:
      200:
        description: "memories: newest first; each with status, text, place, times, duration and status_url."
        json:
          type: object
          required: [memories]
          properties: {memories: {type: array, items: {$ref: '#/components/schemas/MemorySummary'}}}
      400: {description: A limit that is not a whole number from 1 to 200.}
      401: {description: Missing or invalid token.}
    """
    services: Services = request.app.state.services
    raw = request.query_params.get("limit", str(LIST_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= LIST_MAX:
        raise ApiError(400, f"limit must be a whole number from 1 to {LIST_MAX}")
    found = await asyncio.to_thread(services.store.recent_memories, request.state.user_id, int(raw))
    memories = []
    for rows in found:
        view = memory_view(rows)
        summary = {key: view[key] for key in LISTED}
        summary["segments"] = len(view["segments"])
        memories.append({**summary, **_links(view["memory_id"])})
    return JSONResponse({"memories": memories})


LISTED = ("memory_id", "status", "text", "place", "target_seconds", "duration_s", "reason", "requested_at",
          "finished_at")  # fmt: skip


async def get_memory(request: Request) -> JSONResponse:
    """Read one of your memories.
    ---
    summary: Status, the understood query, the chosen segments and why, and expiring URLs of the video
    security: [{bearer: []}]
    parameters:
      - {name: memory_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: "status: requested, planned, playable (playlist_url), rendered (video_url, poster_url), failed."
        json: {$ref: '#/components/schemas/Memory'}
      401: {description: Missing or invalid token.}
      404: {description: No such memory for this user (yet).}
    """
    services: Services = request.app.state.services
    view = await _view(services, request.state.user_id, str(request.path_params["memory_id"]))
    if view is None:
        raise ApiError(404, "no such memory")
    return JSONResponse(view)


async def memory_events(request: Request) -> StreamingResponse:
    """Follow a memory live.
    ---
    summary: Server-Sent Events, one `status` event per stage (requested, planned, playable, rendered or failed)
    security: [{bearer: []}]
    parameters:
      - {name: memory_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: "One event per stage reached; the stream ends after rendered or failed."
        content: {text/event-stream: {schema: {$ref: '#/components/schemas/MemoryStatusEvent'}}}
      404: {description: No such memory for this user.}
    """
    services: Services = request.app.state.services
    user, memory_id = request.state.user_id, str(request.path_params["memory_id"])
    changes = services.changes
    woken = changes.mark(memory_id)
    first = await _view(services, user, memory_id)
    deadline = time.monotonic() + PROJECTION_GRACE_S
    while first is None and time.monotonic() < deadline:  # asked for a moment ago: not projected yet
        await changes.wait(woken, POLL_S)
        woken = changes.mark(memory_id)
        first = await _view(services, user, memory_id)
    if first is None:
        raise ApiError(404, "no such memory")

    async def stream() -> AsyncIterator[bytes]:
        view: dict[str, Any] | None = first
        sent: str | None = None
        watching = woken
        deadline = time.monotonic() + EVENTS_TIMEOUT_S
        while time.monotonic() < deadline:
            if view is not None and view["status"] != sent:
                sent = view["status"]
                yield f"event: status\ndata: {json.dumps(view)}\n\n".encode()
                if sent in FINAL:
                    return
            # woken by the projector when it runs in this process; else asking again is all there is
            await changes.wait(watching, LOCAL_POLL_S if changes.local else POLL_S)
            watching = changes.mark(memory_id)
            view = await _view(services, user, memory_id)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


_URI = re.compile(r'URI="([^"]+)"')


async def memory_playlist(request: Request) -> Response:
    """The memory as HLS, playable before the MP4 is finished.
    ---
    summary: HLS playlist (fMP4) of the memory; its segment addresses are expiring presigned URLs
    security: [{bearer: []}]
    parameters:
      - {name: memory_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The playlist., text: application/vnd.apple.mpegurl}
      404: {description: No such memory for this user, or nothing playable yet.}
    """
    services: Services = request.app.state.services
    rows = await asyncio.to_thread(services.store.memory, request.state.user_id, str(request.path_params["memory_id"]))
    key = next((r["playlist_key"] for r in reversed(rows) if r.get("playlist_key")), None)
    if key is None:
        raise ApiError(404, "nothing playable yet")
    text = (await asyncio.to_thread(services.blobs.read, key)).decode()
    signed = signed_playlist(text, key.rsplit("/", 1)[0] + "/", request.state.user_id, services.blobs.presigned_url)
    return Response(signed, media_type="application/vnd.apple.mpegurl")


def signed_playlist(text: str, prefix: str, user_id: str, sign: Callable[[str], str]) -> str:
    """The stored playlist with each object it names as a presigned URL. A name is a file beside the playlist
    (under ``prefix``) or a key of the user's own (a mezzanine the playlist points into); a key of anyone else's
    is refused, so a playlist can never hand out another user's media."""
    urls: dict[str, str] = {}  # a mezzanine is named once per segment: sign it once

    def signed(name: str) -> str:
        key = name if "/" in name else prefix + name
        if key.split("/")[1:2] != [user_id]:
            raise ApiError(500, "the playlist names an object that is not the user's")
        if key not in urls:
            urls[key] = sign(key)
        return urls[key]

    lines = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP"):
            lines.append(_URI.sub(lambda m: f'URI="{signed(m[1])}"', line))
        elif line and not line.startswith("#"):
            lines.append(signed(line))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def memory_view(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold a memory's stage rows into one view; the furthest stage gives the status."""
    by_stage = {row["stage"]: row for row in rows}
    status = max(by_stage, key=STATUS_ORDER.index)
    requested = by_stage.get("requested", {})
    planned = by_stage.get("planned", {})
    rendered = by_stage.get("rendered", {})
    failed = by_stage.get("failed", {})
    playable = by_stage.get("playable", {})
    said = planned.get("query") or failed.get("query") or requested.get("query") or ""
    return {
        "memory_id": rows[0]["memory_id"],
        "status": status,
        "text": requested.get("text") or planned.get("text", ""),
        "query": json.loads(said) if said else None,
        "place": planned.get("place"),
        "target_seconds": planned.get("target_seconds") or requested.get("target_seconds"),
        "planned_seconds": planned.get("planned_seconds"),
        "segments": planned.get("segments", []),
        "object_key": rendered.get("object_key"),
        "poster_key": rendered.get("poster_key"),
        "playlist_key": rendered.get("playlist_key") or playable.get("playlist_key"),
        "duration_s": rendered.get("duration_s"),
        "size_bytes": rendered.get("size_bytes"),
        "render_seconds": rendered.get("render_seconds"),
        "reason": failed.get("reason"),
        "requested_at": requested["occurred_at"].isoformat() if requested else None,
        "playable_at": playable["occurred_at"].isoformat() if playable else None,
        "finished_at": (rendered or failed)["occurred_at"].isoformat() if (rendered or failed) else None,
    }
