"""Captures: a device uploads a clip with its metadata; the gateway validates, stores and announces it."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.errors import ApiError
from gateway.ingest import Received, ingest
from streams.runtime.services import Services
from streams.video import media

CHUNK = 1024 * 1024
RECORDING_ID = re.compile(r"^[0-9a-f-]{36}$")


def parse_float(raw: object, name: str, low: float, high: float) -> float | None:
    """An optional number sent by a device, in range, or a 422 that says what is wrong."""
    if raw in (None, ""):
        return None
    try:
        value = float(str(raw))
    except ValueError:
        raise ApiError(422, f"{name} must be a number") from None
    if not low <= value <= high:
        raise ApiError(422, f"{name} must be between {low} and {high}")
    return value


def parse_time(raw: object, name: str) -> datetime | None:
    if raw in (None, ""):
        return None
    value = media.parse_time(str(raw))
    if value is None:
        raise ApiError(422, f"{name} must be an ISO 8601 time, e.g. 2025-06-12T09:15:00Z")
    return value


async def _spool(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Copy the upload to a local file; refuse it past ``limit`` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=".mp4")
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"the upload is larger than {limit} bytes")
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


async def create_capture(request: Request) -> JSONResponse:
    """Upload a video clip.
    ---
    summary: Upload a clip with its metadata
    security: [{bearer: []}]
    requestBody:
      required: true
      content:
        multipart/form-data:
          schema:
            type: object
            required: [file]
            properties:
              file: {type: string, format: binary, description: "An MP4/MOV clip (H.264 or HEVC)."}
              captured_at: {type: string, format: date-time, description: "Used when the file has no creation_time."}
              lat: {type: number, description: "Used when the file has no ISO 6709 location."}
              lon: {type: number}
              device_id: {type: string}
              sha256: {type: string, description: "The device's digest of the file, checked end to end."}
              recording_id: {type: string, description: "From the record_video / take_picture command."}
    responses:
      201: {description: Stored; CaptureUploaded was emitted., json: {$ref: '#/components/schemas/Capture'}}
      200:
        description: "The same clip (same sha256) was already uploaded by this user; nothing new is stored."
        json: {$ref: '#/components/schemas/Capture'}
      401: {description: Missing or invalid token.}
      413: {description: The upload is too large.}
      422: {description: "Not a usable video; the reason says why. Nothing is stored and no event is emitted."}
    """
    services: Services = request.app.state.services
    user_id: str = request.state.user_id
    limit = services.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise ApiError(413, f"the upload is larger than {limit} bytes")
    form = await request.form(max_files=1, max_fields=16)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(422, "send the clip as the multipart field 'file'")
    lat = parse_float(form.get("lat"), "lat", -90.0, 90.0)
    lon = parse_float(form.get("lon"), "lon", -180.0, 180.0)
    captured_at = parse_time(form.get("captured_at"), "captured_at")
    device_id = str(form.get("device_id") or "")[:128] or None
    path = await _spool(upload, services.settings.cache_dir / "uploads", limit)
    try:
        capture, created = await ingest(
            services,
            user_id,
            Received(
                path,
                upload.filename or "clip.mp4",
                device_id,
                captured_at,
                lat,
                lon,
                form_sha256(form),
                recording_id(form.get("recording_id")),
            ),
        )
    finally:
        path.unlink(missing_ok=True)
    return JSONResponse(capture, 201 if created else 200)


def recording_id(raw: object) -> str | None:
    text = str(raw or "").strip()
    if text and not RECORDING_ID.match(text):
        raise ApiError(422, "recording_id must be the id a record_video or take_picture command returned")
    return text or None


def form_sha256(form: Any) -> str | None:
    raw = str(form.get("sha256") or "").strip().lower()
    if raw and (len(raw) != 64 or any(c not in "0123456789abcdef" for c in raw)):
        raise ApiError(422, "sha256 must be 64 hexadecimal characters")
    return raw or None


async def get_capture(request: Request) -> JSONResponse:
    """Read one of your captures.
    ---
    summary: Status of an upload (uploaded, then probed)
    security: [{bearer: []}]
    parameters:
      - {name: capture_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: "The capture: status, place, people, what it shows, and expiring URLs of its poster and file;
          or, for an upload refused after it was stored, why."
        json: {$ref: '#/components/schemas/CaptureView'}
      401: {description: Missing or invalid token.}
      404: {description: No such capture for this user.}
    """
    services: Services = request.app.state.services
    row = await asyncio.to_thread(services.store.capture, request.state.user_id, request.path_params["capture_id"])
    if row is None:
        rejected = await asyncio.to_thread(
            services.store.rejection, request.state.user_id, request.path_params["capture_id"]
        )
        if rejected is None:
            raise ApiError(404, "no such capture")
        return JSONResponse(
            {
                "capture_id": rejected["capture_id"],
                "status": "rejected",
                "reason": rejected["reason"],
                "stage": rejected["stage"],
            }
        )
    probed = bool(row["probed"])
    assets = await asyncio.to_thread(services.store.assets, request.state.user_id, row["capture_id"])
    poster = assets.get("poster")
    poster_url = await asyncio.to_thread(services.blobs.presigned_url, poster["object_key"]) if poster else None
    # the file itself, to play from a moment a search found (a presigned S3 URL: a <video> cannot send the token)
    media_url = await asyncio.to_thread(services.blobs.presigned_url, row["object_key"])
    return JSONResponse(
        {
            "capture_id": row["capture_id"],
            "prepared": "mezzanine" in assets,
            "people": await asyncio.to_thread(services.store.people_on, request.state.user_id, row["capture_id"]),
            **await asyncio.to_thread(services.store.understanding, request.state.user_id, row["capture_id"]),
            "place": await asyncio.to_thread(services.store.place, request.state.user_id, row["capture_id"]),
            "poster_url": poster_url,
            "media_url": media_url,
            "status": "probed" if probed else "uploaded",
            "sha256": row["sha256"],
            "size_bytes": row["size_bytes"],
            "captured_at": row["captured_at"].isoformat() if probed else None,
            "lat": row["lat"] if probed else None,
            "lon": row["lon"] if probed else None,
            "duration_s": row["duration_s"] if probed else None,
        }
    )
