"""Captures: a device uploads a clip with its metadata; the gateway validates, stores and announces it."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.errors import ApiError
from streams import media
from streams.blobs import raw_key
from streams.events import utcnow
from streams.services import Services

CHUNK = 1024 * 1024


def _optional_float(form: Any, name: str, low: float, high: float) -> float | None:
    raw = form.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ApiError(422, f"{name} must be a number") from None
    if not low <= value <= high:
        raise ApiError(422, f"{name} must be between {low} and {high}")
    return value


def _optional_time(form: Any, name: str) -> datetime | None:
    raw = form.get(name)
    if raw in (None, ""):
        return None
    value = media.parse_time(str(raw))
    if value is None:
        raise ApiError(422, f"{name} must be an ISO 8601 time, e.g. 2025-06-12T09:15:00Z")
    return value


async def _spool(upload: UploadFile, folder: Path, limit: int) -> tuple[Path, str, int]:
    """Copy the upload to a local file, hashing as it goes; refuse it past ``limit`` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=".mp4")
    sha, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"the upload is larger than {limit} bytes")
                sha.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    if size == 0:
        os.unlink(name)
        raise ApiError(422, "the upload is empty")
    return Path(name), sha.hexdigest(), size


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
    responses:
      201:
        description: Stored; CaptureUploaded was emitted.
        content: {application/json: {schema: {$ref: '#/components/schemas/Capture'}}}
      200: {description: "The same clip (same sha256) was already uploaded by this user; nothing new is stored."}
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
    lat = _optional_float(form, "lat", -90.0, 90.0)
    lon = _optional_float(form, "lon", -180.0, 180.0)
    captured_at = _optional_time(form, "captured_at")
    device_id = str(form.get("device_id") or "")[:128] or None
    path, sha256, size = await _spool(upload, services.settings.cache_dir / "uploads", limit)
    try:
        try:
            await asyncio.to_thread(media.probe, path)
        except media.MediaError as exc:
            raise ApiError(422, f"not a usable video: {exc}") from None
        known = await asyncio.to_thread(services.store.capture_by_sha, user_id, sha256)
        if known is not None:
            return JSONResponse(_capture_json(known["capture_id"], known["object_key"], sha256, size), 200)
        capture_id = str(uuid.uuid4())
        key = raw_key(user_id, capture_id, utcnow())
        try:
            await asyncio.to_thread(services.blobs.put_file, key, path, "video/mp4")
        except Exception as exc:
            raise ApiError(
                503, f"storage is unavailable ({exc.__class__.__name__}); retry later", {"Retry-After": "5"}
            ) from exc
        try:
            await services.emit_new(
                "CaptureUploaded",
                user_id,
                capture_id=capture_id,
                object_key=key,
                content_type="video/mp4",
                size_bytes=size,
                sha256=sha256,
                filename=(upload.filename or "clip.mp4")[:255],
                device_id=device_id,
                client_captured_at=captured_at,
                client_lat=lat if lon is not None else None,
                client_lon=lon if lat is not None else None,
            )
        except Exception as exc:
            # No event, no capture: remove the blob rather than leave an orphan nobody knows about.
            await asyncio.to_thread(services.blobs.remove, key)
            raise ApiError(
                503, f"the event log is unavailable ({exc.__class__.__name__}); retry later", {"Retry-After": "5"}
            ) from exc
        await asyncio.to_thread(services.blobs.adopt, key, path)
    finally:
        path.unlink(missing_ok=True)
    return JSONResponse(_capture_json(capture_id, key, sha256, size), 201)


def _capture_json(capture_id: str, key: str, sha256: str, size: int) -> dict[str, Any]:
    return {
        "capture_id": capture_id,
        "object_key": key,
        "sha256": sha256,
        "size_bytes": size,
        "status_url": f"/v1/captures/{capture_id}",
    }


async def get_capture(request: Request) -> JSONResponse:
    """Read one of your captures.
    ---
    summary: Status of an upload (uploaded, then probed)
    security: [{bearer: []}]
    parameters:
      - {name: capture_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The capture.}
      401: {description: Missing or invalid token.}
      404: {description: No such capture for this user.}
    """
    services: Services = request.app.state.services
    row = await asyncio.to_thread(services.store.capture, request.state.user_id, request.path_params["capture_id"])
    if row is None:
        raise ApiError(404, "no such capture")
    probed = bool(row["probed"])
    return JSONResponse(
        {
            "capture_id": row["capture_id"],
            "status": "probed" if probed else "uploaded",
            "sha256": row["sha256"],
            "size_bytes": row["size_bytes"],
            "captured_at": row["captured_at"].isoformat() if probed else None,
            "lat": row["lat"] if probed else None,
            "lon": row["lon"] if probed else None,
            "duration_s": row["duration_s"] if probed else None,
        }
    )
