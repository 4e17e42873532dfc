"""Devices: registration (a device bound to a user, with tokens of its own), and capture commands from the
glasses: take a picture, record a video, stop recording.

Each command is an event (CaptureStarted, CaptureStopped) with the device's id, so the server knows which
recordings are in progress and pairs each with the upload that ends it (the upload names its ``recording_id``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway import auth
from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services

COMMANDS = ("take_picture", "record_video", "stop_recording")


def _device(request: Request) -> str:
    device_id = str(request.path_params["device_id"])
    if not auth.DEVICE_ID.match(device_id):
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
    jsonBody:
      type: object
      required: [command]
      properties:
        command: {type: string, enum: [take_picture, record_video, stop_recording]}
    responses:
      202:
        description: "The command's event was emitted; recording_id goes with the upload that follows."
        json: {$ref: '#/components/schemas/DeviceCommand'}
      409: {description: "Already recording, or nothing to stop."}
      422: {description: Unknown command or bad device id.}
    """
    services: Services = request.app.state.services
    user_id, device_id = request.state.user_id, _device(request)
    name = (await json_object(request, '{"command": "take_picture"}')).get("command")
    if name not in COMMANDS:
        raise ApiError(422, f"command must be one of {', '.join(COMMANDS)}")
    return JSONResponse(await run_command(services, user_id, device_id, name), 202)


async def run_command(services: Services, user_id: str, device_id: str, name: str) -> dict[str, Any]:
    """Emit the command's event (for the HTTP command and for voice); a 409 when it makes no sense now."""
    active = [
        r for r in await _recordings(services, user_id, device_id) if r["kind"] == "video" and r["state"] == "recording"
    ]
    if name == "stop_recording":
        if not active:
            raise ApiError(409, "no recording in progress on this device")
        recording_id = active[0]["recording_id"]
        await services.emit_new("CaptureStopped", user_id, recording_id=recording_id, device_id=device_id)
        return {"command": name, "recording_id": recording_id, "state": "stopped"}
    if name == "record_video" and active:
        raise ApiError(409, f"already recording on this device (recording {active[0]['recording_id']})")
    recording_id = str(uuid.uuid4())
    kind = "photo" if name == "take_picture" else "video"
    await services.emit_new("CaptureStarted", user_id, recording_id=recording_id, device_id=device_id, kind=kind)
    return {"command": name, "recording_id": recording_id, "state": "started", "kind": kind}


async def recordings(request: Request) -> JSONResponse:
    """A device's recordings.
    ---
    summary: Recordings of one device, newest first (recording, stopped, uploaded)
    security: [{bearer: []}]
    parameters:
      - {name: device_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: The recordings.
        json:
          type: object
          required: [recordings]
          properties: {recordings: {type: array, items: {$ref: '#/components/schemas/Recording'}}}
    """
    services: Services = request.app.state.services
    return JSONResponse({"recordings": await _recordings(services, request.state.user_id, _device(request))})


async def register(request: Request) -> JSONResponse:
    """Bind a device to your account.
    ---
    summary: Register a device (glasses, a phone) and get a token of its own, valid for that device only
    security: [{bearer: []}]
    jsonBody:
      type: object
      required: [device_id]
      properties:
        device_id: {type: string, pattern: "^[A-Za-z0-9_.:-]{1,128}$"}
        name: {type: string, maxLength: 200}
    responses:
      201:
        description: "DeviceRegistered was emitted; the answer carries the device's token."
        json:
          type: object
          required: [device_id, name, token, expires_at]
          properties:
            device_id: {type: string}
            name: {type: string}
            token: {type: string}
            expires_at: {type: string, format: date-time}
      403: {description: A device's token cannot register devices.}
      422: {description: Bad device id or name.}
    """
    services: Services = request.app.state.services
    if request.state.device_id is not None:
        raise ApiError(403, "devices are registered with the user's own token, not with a device's")
    body = await json_object(request, '{"device_id": "glasses-1", "name": "my glasses"}')
    device_id, name = body.get("device_id"), body.get("name", "")
    if not isinstance(device_id, str) or not auth.DEVICE_ID.match(device_id):
        raise ApiError(422, "device_id must be 1-128 characters of letters, digits, '_', '.', ':' and '-'")
    if not isinstance(name, str) or len(name) > 200:
        raise ApiError(422, "name must be a string of at most 200 characters")
    user_id = request.state.user_id
    event = await services.emit_new("DeviceRegistered", user_id, device_id=device_id, name=name)
    request.app.state.devices.remember(user_id, device_id, event["event_id"])
    ttl = services.settings.device_token_ttl_seconds
    token = auth.issue(services.settings, user_id, device_id, event["event_id"], ttl)
    expires = datetime.fromtimestamp(time.time() + ttl, UTC).isoformat()
    return JSONResponse({"device_id": device_id, "name": name, "token": token, "expires_at": expires}, 201)


async def list_devices(request: Request) -> JSONResponse:
    """Your devices.
    ---
    summary: Registered devices, revoked ones marked
    security: [{bearer: []}]
    responses:
      200:
        description: The devices.
        json:
          type: object
          required: [devices]
          properties: {devices: {type: array, items: {$ref: '#/components/schemas/Device'}}}
    """
    services: Services = request.app.state.services
    rows = await asyncio.to_thread(services.store.devices, request.state.user_id)
    devices = [
        {
            "device_id": r["device_id"],
            "name": r["name"],
            "revoked": bool(r["revoked"]),
            "since": r["changed_at"].isoformat(),
        }
        for r in rows
    ]
    return JSONResponse({"devices": devices})


async def revoke(request: Request) -> JSONResponse:
    """Unbind a device.
    ---
    summary: Revoke a device; its tokens are refused from then on
    security: [{bearer: []}]
    parameters:
      - {name: device_id, in: path, required: true, schema: {type: string}}
    responses:
      202:
        description: DeviceRevoked was emitted.
        json:
          type: object
          required: [device_id, revoked]
          properties:
            device_id: {type: string}
            revoked: {type: boolean, enum: [true]}
      404: {description: No such device.}
    """
    services: Services = request.app.state.services
    user_id, device_id = request.state.user_id, _device(request)
    if await asyncio.to_thread(services.store.device_registration, user_id, device_id) is None:
        raise ApiError(404, f"no registered device {device_id}")
    await services.emit_new("DeviceRevoked", user_id, device_id=device_id)
    request.app.state.devices.remember(user_id, device_id, None)
    return JSONResponse({"device_id": device_id, "revoked": True}, 202)
