"""Resumable uploads with the tus 1.0 protocol (core, creation, termination, expiration), which device SDKs
already speak.

A device creates an upload (``POST /v1/uploads`` with ``Upload-Length``), sends the bytes in one or more
``PATCH`` requests, and after a dropped connection asks ``HEAD`` for the offset and continues from there. When the
last byte arrives the clip is checked and stored like any capture; the ``PATCH`` answer names the capture.
Every answer about an upload says when it expires (``Upload-Expires``); after that it is gone (410).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from email.utils import formatdate

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core import metrics
from gateway.captures import parse_float, parse_time, recording_id
from gateway.errors import ApiError
from gateway.ingest import Received, check_quota, ingest
from gateway.resumable import Expired, OffsetMismatch, PartialUpload, PartialUploads, TooLong
from streams.runtime.services import Services

TUS_VERSION = "1.0.0"
TUS = {"Tus-Resumable": TUS_VERSION}
OFFSET_TYPE = "application/offset+octet-stream"
LOCK_WAIT_S = 10.0


def _uploads(request: Request) -> PartialUploads:
    uploads: PartialUploads = request.app.state.uploads
    return uploads


def _tus_error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers={**TUS, **headers})


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata: key base64value,key2 base64value2`` → {key: value}."""
    found: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        try:
            found[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(400, f"Upload-Metadata value of {key!r} is not base64 UTF-8") from None
    return found


def _expires(upload: PartialUpload, uploads: PartialUploads) -> dict[str, str]:
    return {"Upload-Expires": formatdate(uploads.expires_at(upload), usegmt=True)}


def _received(upload: PartialUpload, uploads: PartialUploads) -> Received:
    meta = upload.metadata
    return Received(
        path=uploads.path(upload),
        filename=meta.get("filename", "clip.mp4"),
        device_id=(meta.get("device_id") or "")[:128] or None,
        captured_at=parse_time(meta.get("captured_at"), "captured_at"),
        lat=parse_float(meta.get("lat"), "lat", -90.0, 90.0),
        lon=parse_float(meta.get("lon"), "lon", -180.0, 180.0),
        sha256=(meta.get("sha256") or "").lower() or None,
        recording_id=recording_id(meta.get("recording_id")),
    )


async def options(request: Request) -> Response:
    """What this server speaks of tus.
    ---
    summary: tus discovery (no token needed)
    responses:
      204: {description: "Tus-Version, Tus-Extension and Tus-Max-Size headers."}
    """
    services: Services = request.app.state.services
    return Response(
        status_code=204,
        headers={
            **TUS,
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation,termination,expiration",
            "Tus-Max-Size": str(services.settings.max_upload_bytes),
        },
    )


async def create_upload(request: Request) -> Response:
    """Start a resumable upload.
    ---
    summary: Create a tus upload
    security: [{bearer: []}]
    parameters:
      - {name: Tus-Resumable, in: header, required: true, schema: {type: string, enum: ["1.0.0"]}}
      - {name: Upload-Length, in: header, required: true, schema: {type: integer, minimum: 1}}
      - name: Upload-Metadata
        in: header
        description: "tus metadata: filename, captured_at, lat, lon, device_id, sha256, recording_id (values base64)."
        schema: {type: string}
    responses:
      201: {description: "Created; the Location header is the upload's URL."}
      400: {description: Bad headers.}
      412: {description: Unsupported tus version.}
      413: {description: Larger than allowed, or over the user's quota.}
    """
    services: Services = request.app.state.services
    if request.headers.get("tus-resumable") != TUS_VERSION:
        return _tus_error(412, f"send Tus-Resumable: {TUS_VERSION}", **{"Tus-Version": TUS_VERSION})
    raw_length = request.headers.get("upload-length", "")
    if not raw_length.isdigit() or int(raw_length) <= 0:
        return _tus_error(400, "Upload-Length must be a positive integer (deferred lengths are not supported)")
    length = int(raw_length)
    if length > services.settings.max_upload_bytes:
        return _tus_error(413, f"Upload-Length {length} is over the {services.settings.max_upload_bytes} allowed")
    metadata = parse_metadata(request.headers.get("upload-metadata", ""))
    uploads = _uploads(request)
    try:
        await check_quota(services, request.state.user_id, length, uploads.reserved(request.state.user_id))
    except ApiError:
        metrics.REJECTIONS.labels("gateway").inc()
        raise
    upload = uploads.create(request.state.user_id, length, metadata)
    try:
        _received(upload, uploads)  # refuse bad metadata now, not after the last byte
    except ApiError:
        uploads.remove(upload)
        raise
    headers = {**TUS, "Location": f"/v1/uploads/{upload.upload_id}", "Upload-Offset": "0", **_expires(upload, uploads)}
    return Response(status_code=201, headers=headers)


def _find(request: Request) -> PartialUpload:
    try:
        upload = _uploads(request).live(request.state.user_id, request.path_params["upload_id"])
    except Expired as exc:
        when = formatdate(exc.expired_at, usegmt=True)
        raise ApiError(410, f"the upload expired at {when} and its bytes are gone: start a new one", TUS) from None
    if upload is None:
        raise ApiError(404, "no such upload", TUS)
    return upload


async def upload_offset(request: Request) -> Response:
    """Where to resume.
    ---
    summary: The offset of a tus upload
    security: [{bearer: []}]
    parameters:
      - {name: upload_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: "Upload-Offset and Upload-Length headers."}
      404: {description: No such upload for this user.}
      410: {description: The upload expired; its bytes are gone.}
    """
    upload = _find(request)
    uploads = _uploads(request)
    # A PATCH whose client vanished may still be draining bytes: answer with the offset after it settled.
    async with _exclusive(uploads, upload):
        offset = uploads.offset(upload)
    headers = {
        **TUS,
        "Upload-Offset": str(offset),
        "Upload-Length": str(upload.length),
        "Cache-Control": "no-store",
        **_expires(upload, uploads),
    }
    return Response(status_code=200, headers=headers)


@contextlib.asynccontextmanager
async def _exclusive(uploads: PartialUploads, upload: PartialUpload) -> AsyncIterator[None]:
    lock = uploads.lock(upload)
    try:
        await asyncio.wait_for(lock.acquire(), LOCK_WAIT_S)
    except TimeoutError:
        raise ApiError(423, "another request is still writing to this upload; retry shortly", TUS) from None
    try:
        yield
    finally:
        lock.release()


async def append(request: Request) -> Response:
    """Send bytes.
    ---
    summary: Append bytes to a tus upload; the last PATCH stores the capture
    security: [{bearer: []}]
    parameters:
      - {name: upload_id, in: path, required: true, schema: {type: string}}
      - {name: Upload-Offset, in: header, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/offset+octet-stream:
          schema: {type: string, format: binary}
    responses:
      204: {description: "Bytes kept at the new Upload-Offset; when complete, Reverie-Capture-Id names the capture."}
      409: {description: Upload-Offset does not match.}
      410: {description: The upload expired; its bytes are gone.}
      415: {description: "Content-Type must be application/offset+octet-stream."}
      422: {description: "The complete file is not a usable video; the upload is discarded and the reason given."}
    """
    upload = _find(request)
    uploads = _uploads(request)
    if request.headers.get("content-type") != OFFSET_TYPE:
        return _tus_error(415, f"Content-Type must be {OFFSET_TYPE}")
    raw_offset = request.headers.get("upload-offset", "")
    if not raw_offset.isdigit():
        return _tus_error(400, "Upload-Offset must be a non-negative integer")
    async with _exclusive(uploads, upload):
        try:
            offset = await uploads.append(upload, int(raw_offset), request.stream())
        except OffsetMismatch as exc:
            return _tus_error(409, str(exc), **{"Upload-Offset": str(uploads.offset(upload))})
        except TooLong as exc:
            return _tus_error(413, str(exc))
        headers = {**TUS, "Upload-Offset": str(offset), **_expires(upload, uploads)}
        if offset < upload.length:
            return Response(status_code=204, headers=headers)
        return await _complete(request, upload, headers)


async def _complete(request: Request, upload: PartialUpload, headers: dict[str, str]) -> Response:
    uploads = _uploads(request)
    try:
        # the quota counts the user's other unfinished uploads beside this one, now complete
        others = uploads.reserved(upload.user_id, besides=upload.upload_id)
        received = replace(_received(upload, uploads), reserved=others)
        capture, _ = await ingest(request.app.state.services, request.state.user_id, received)
    except ApiError as exc:
        if exc.status < 500:
            uploads.remove(upload)  # refused for good: keep nothing
        return JSONResponse({"error": exc.message}, exc.status, headers={**headers, **(exc.headers or {})})
    uploads.remove(upload)
    return Response(
        status_code=204,
        headers={**headers, "Reverie-Capture-Id": capture["capture_id"], "Reverie-Capture-Url": capture["status_url"]},
    )


async def terminate(request: Request) -> Response:
    """Abandon an upload.
    ---
    summary: Delete a tus upload and its bytes
    security: [{bearer: []}]
    parameters:
      - {name: upload_id, in: path, required: true, schema: {type: string}}
    responses:
      204: {description: Deleted.}
      404: {description: No such upload for this user.}
    """
    _uploads(request).remove(_find(request))
    return Response(status_code=204, headers=TUS)
