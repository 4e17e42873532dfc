"""Deleting: one capture (with the memories cut from it), or everything of a user (the right to erasure).

The gateway only emits the deletion event; the projector removes rows and vectors and leaves tombstones, the
erase agents remove blobs and cached files (streams/agents/erase.py). Reads stop showing the data once projected.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services


async def delete_capture(request: Request) -> JSONResponse:
    """Delete one of your captures.
    ---
    summary: Delete a capture, everything derived from it, and the memories that used it
    security: [{bearer: []}]
    parameters:
      - {name: capture_id, in: path, required: true, schema: {type: string}}
    responses:
      202:
        description: CaptureDeleted was emitted; memory_ids lists the memories deleted with it.
        json:
          type: object
          required: [capture_id, deleted, memory_ids]
          properties:
            capture_id: {type: string}
            deleted: {type: boolean, enum: [true]}
            memory_ids: {type: array, items: {type: string}}
      404: {description: No such capture for this user.}
    """
    services: Services = request.app.state.services
    user_id, capture_id = request.state.user_id, str(request.path_params["capture_id"])
    row = await asyncio.to_thread(services.store.capture, user_id, capture_id)
    row = row or await asyncio.to_thread(services.store.rejection, user_id, capture_id)
    if row is None:
        raise ApiError(404, "no such capture")
    memory_ids = await asyncio.to_thread(services.store.memories_using, user_id, capture_id)
    await services.emit_new(
        "CaptureDeleted", user_id, capture_id=capture_id, object_key=row["object_key"], memory_ids=memory_ids
    )
    return JSONResponse({"capture_id": capture_id, "deleted": True, "memory_ids": memory_ids}, 202)


async def forget_me(request: Request) -> JSONResponse:
    """Erase your account's data.
    ---
    summary: Right to erasure — every capture, memory, person, place, device and setting of yours goes
    description: 'Send {"confirm": "forget me"}. Only your own token can do this, not a device''s.'
    security: [{bearer: []}]
    jsonBody:
      type: object
      required: [confirm]
      properties:
        confirm: {type: string, enum: [forget me]}
    responses:
      202:
        description: UserForgotten was emitted.
        json:
          type: object
          required: [user_id, forgotten, captures]
          properties:
            user_id: {type: string}
            forgotten: {type: boolean, enum: [true]}
            captures: {type: integer, description: how many captures go}
      403: {description: A device's token cannot erase the account.}
      422: {description: The confirmation is missing.}
    """
    services: Services = request.app.state.services
    if request.state.device_id is not None:
        raise ApiError(403, "only the user's own token can erase the account, not a device's")
    body = await json_object(request, '{"confirm": "forget me"}')
    if body.get("confirm") != "forget me":
        raise ApiError(422, 'to erase everything, send {"confirm": "forget me"}')
    user_id = request.state.user_id
    capture_ids = await asyncio.to_thread(services.store.capture_ids, user_id)
    await services.emit_new("UserForgotten", user_id, capture_ids=capture_ids)
    return JSONResponse({"user_id": user_id, "forgotten": True, "captures": len(capture_ids)}, 202)
