"""Accepting a complete upload: check it, store it once, announce it — or refuse it and keep nothing.

Both upload paths end here: the one-shot multipart POST and the resumable (tus) upload once its last byte arrived.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core import metrics
from core.clock import utcnow
from gateway.errors import ApiError
from streams.runtime.services import Services
from streams.storage.blobs import raw_key
from streams.video import media

RETRY = {"Retry-After": "5"}
# How long an upload waits for the event log to acknowledge its event. The producer keeps retrying after that
# (until the broker is back); the device is told to retry, and its retry joins the event still on its way.
EVENT_WAIT_S = 20.0
KEEP_DELIVERED_S = 60.0  # a delivered upload is remembered until its capture is surely projected
# (user, sha256) → the upload's event on its way to the log, and the capture it announces
_in_flight: dict[tuple[str, str], tuple[asyncio.Future[Any], dict[str, Any]]] = {}


@dataclass(frozen=True)
class Received:
    """A complete file on local disk and what the device said about it."""

    path: Path
    filename: str
    device_id: str | None = None
    captured_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    sha256: str | None = None  # the device's own digest, checked end to end when given
    recording_id: str | None = None  # the CaptureStarted this upload ends, if the device said
    # (count, bytes) the user's other unfinished uploads hold against the quota (gateway/resumable.py)
    reserved: tuple[int, int] = (0, 0)


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


async def check_quota(
    services: Services, user_id: str, incoming_bytes: int, reserved: tuple[int, int] = (0, 0)
) -> None:
    """413 unless one more capture of ``incoming_bytes`` fits the user's quota beside what is stored and what their
    unfinished uploads hold (``reserved``: count, declared bytes)."""
    settings = services.settings
    stored, used = await asyncio.to_thread(services.store.usage, user_id)
    pending, held = reserved
    unfinished = f"; {pending} unfinished uploads hold {held} bytes" if pending else ""
    if stored + pending + 1 > settings.quota_count:
        raise ApiError(413, f"capture quota reached: {stored} of {settings.quota_count} captures stored{unfinished}")
    if used + held + incoming_bytes > settings.quota_bytes:
        raise ApiError(
            413,
            f"storage quota exceeded: {used + held + incoming_bytes} bytes would pass the "
            f"{settings.quota_bytes} bytes allowed ({used} used{unfinished})",
        )


async def ingest(services: Services, user_id: str, received: Received) -> tuple[dict[str, Any], bool]:
    """Store and announce a capture. Returns (capture, created); created is False for a clip already stored."""
    try:
        capture, created = await _ingest(services, user_id, received)
    except ApiError as exc:
        if exc.status < 500:  # the file or the user's quota, not the server: a rejection
            metrics.REJECTIONS.labels("gateway").inc()
        raise
    metrics.UPLOADS.labels("stored" if created else "duplicate").inc()
    return capture, created


async def _ingest(services: Services, user_id: str, received: Received) -> tuple[dict[str, Any], bool]:
    sha256, size = await asyncio.to_thread(sha256_of, received.path)
    if size == 0:
        raise ApiError(422, "the upload is empty")
    if received.sha256 is not None and received.sha256.lower() != sha256:
        raise ApiError(422, f"checksum mismatch: the device said sha256 {received.sha256}, the server got {sha256}")
    earlier = _in_flight.get((user_id, sha256))
    if earlier is not None:  # a retry of an upload whose event is still on its way: the same capture, once
        await _delivered(earlier[0])
        return earlier[1], False
    # The same bytes were already checked and stored for this user: no need to probe them again.
    known = await asyncio.to_thread(services.store.capture_by_sha, user_id, sha256)
    if known is not None:
        return capture_json(known["capture_id"], known["object_key"], sha256, size), False
    kind = "photo" if is_jpeg(received.path) else "video"
    try:
        facts = await asyncio.to_thread(media.probe_photo if kind == "photo" else media.probe, received.path)
    except media.MediaError as exc:
        raise ApiError(422, f"not a usable {kind}: {exc}") from None
    if facts.duration_s > services.settings.max_clip_seconds:
        raise ApiError(
            422,
            f"the clip lasts {facts.duration_s:.0f} s; clips may last at most "
            f"{services.settings.max_clip_seconds:.0f} s",
        )
    await check_quota(services, user_id, size, received.reserved)
    capture_id = str(uuid.uuid4())
    key = raw_key(user_id, capture_id, utcnow(), ".jpg" if kind == "photo" else ".mp4")
    content_type = "image/jpeg" if kind == "photo" else "video/mp4"
    try:
        await asyncio.to_thread(services.blobs.put_file, key, received.path, content_type)
    except Exception as exc:
        raise ApiError(503, f"storage is unavailable ({exc.__class__.__name__}); retry later", RETRY) from exc
    sending = asyncio.ensure_future(
        services.emit_new(
            "CaptureUploaded",
            user_id,
            capture_id=capture_id,
            object_key=key,
            content_type=content_type,
            kind=kind,
            recording_id=received.recording_id,
            size_bytes=size,
            sha256=sha256,
            filename=received.filename[:255] or "clip.mp4",
            device_id=received.device_id,
            client_captured_at=received.captured_at,
            client_lat=received.lat if received.lon is not None else None,
            client_lon=received.lon if received.lat is not None else None,
        )
    )
    capture = capture_json(capture_id, key, sha256, size)
    _in_flight[(user_id, sha256)] = (sending, capture)
    sending.add_done_callback(lambda done: _settled(services, (user_id, sha256), key, done))
    await _delivered(sending)
    await asyncio.to_thread(services.blobs.adopt, key, received.path)
    return capture, True


async def _delivered(sending: asyncio.Future[Any]) -> None:
    """Wait a while for the event log's acknowledgement; 503 with Retry-After if it does not come."""
    try:
        await asyncio.wait_for(asyncio.shield(sending), EVENT_WAIT_S)
    except TimeoutError:
        raise ApiError(503, "the event log is unavailable; the upload is kept: retry later", RETRY) from None
    except Exception as exc:
        raise ApiError(503, f"the event log is unavailable ({exc.__class__.__name__}); retry later", RETRY) from exc


def _settled(services: Services, upload: tuple[str, str], key: str, sending: asyncio.Future[Any]) -> None:
    if sending.cancelled() or sending.exception() is not None:
        # No event, no capture: remove the blob rather than leave an orphan nobody knows about.
        _in_flight.pop(upload, None)
        asyncio.get_running_loop().run_in_executor(None, services.blobs.remove, key)
    else:
        asyncio.get_running_loop().call_later(KEEP_DELIVERED_S, _in_flight.pop, upload, None)


def is_jpeg(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == b"\xff\xd8\xff"


def capture_json(capture_id: str, key: str, sha256: str, size: int) -> dict[str, Any]:
    return {
        "capture_id": capture_id,
        "object_key": key,
        "sha256": sha256,
        "size_bytes": size,
        "status_url": f"/v1/captures/{capture_id}",
    }
