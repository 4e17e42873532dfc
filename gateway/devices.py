"""Capture commands from the glasses: take a picture, record a video, stop recording.

Each command is an event (CaptureStarted, CaptureStopped) with the device's id, so the server knows which
recordings are in progress and pairs each with the upload that ends it (the upload names its ``recording_id``).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.services import Services

DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
COMMANDS = ("take_picture", "record_video", "stop_recording")


def _device(request: Request) -> str:
    device_id = str(request.path_params["device_id"])
    if not DEVICE_ID.match(device_id):
        raise ApiError(422, "device ids are 1-128 characters of letters, digits, '_', '.', ':' and '-'")
    return device_id


def _state(row: dict[str, Any]) -> str:
    if row["uploaded"]:
        return "uploaded"
    return "stopped" if row["stopped"] or row["kind"] == "photo" else "recording"


async def _recordings(services: Services, user_id: str, device_id: str) -> list[dict[str, Any]]:
    rows = await asyncio.to_thread(services.store.recordings, user_id, device_id)
    return [
        {
            "recording_id": r["recording_id"],
            "kind": r["kind"],
            "state": _state(r),
            "started_at": r["started_at"].isoformat(),
            "capture_id": r["capture_id"],
        }
        for r in rows
    ]


async def command(request: Request) -> JSONResponse:
    """A voice command from the glasses.
    ---
    summary: take_picture, record_video or stop_recording on a device
    security: [{bearer: []}]
    parameters:
      - {name: device_id, in: path, required: true, schema: {type: string}}
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [command]
            properties:
              command: {type: string, enum: [take_picture, record_video, stop_recording]}
    responses:
      202: {description: "The command's event was emitted; recording_id goes with the upload that follows."}
      409: {description: "Already recording, or nothing to stop."}
      422: {description: Unknown command or bad device id.}
    """
    services: Services = request.app.state.services
    user_id, device_id = request.state.user_id, _device(request)
    name = (await json_object(request, '{"command": "take_picture"}')).get("command")
    if name not in COMMANDS:
        raise ApiError(422, f"command must be one of {', '.join(COMMANDS)}")
    active = [
        r for r in await _recordings(services, user_id, device_id) if r["kind"] == "video" and r["state"] == "recording"
    ]
    if name == "stop_recording":
        if not active:
            raise ApiError(409, "no recording in progress on this device")
        recording_id = active[0]["recording_id"]
        await services.emit_new("CaptureStopped", user_id, recording_id=recording_id, device_id=device_id)
        return JSONResponse({"command": name, "recording_id": recording_id, "state": "stopped"}, 202)
    if name == "record_video" and active:
        raise ApiError(409, f"already recording on this device (recording {active[0]['recording_id']})")
    recording_id = str(uuid.uuid4())
    kind = "photo" if name == "take_picture" else "video"
    await services.emit_new("CaptureStarted", user_id, recording_id=recording_id, device_id=device_id, kind=kind)
    return JSONResponse({"command": name, "recording_id": recording_id, "state": "started", "kind": kind}, 202)


async def recordings(request: Request) -> JSONResponse:
    """A device's recordings.
    ---
    summary: Recordings of one device, newest first (recording, stopped, uploaded)
    security: [{bearer: []}]
    parameters:
      - {name: device_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The recordings.}
    """
    services: Services = request.app.state.services
    return JSONResponse({"recordings": await _recordings(services, request.state.user_id, _device(request))})
