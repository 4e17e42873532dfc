"""The probe agent: CaptureUploaded → MediaProbed, with time and place from the clip's own metadata.

Fallbacks, in order: the container's ``creation_time`` / ISO 6709 ``location``; the fields sent with the upload;
for time only, the moment of upload.
"""

from __future__ import annotations

import asyncio
from typing import Any

from streams.runtime.services import Services
from streams.storage.blobs import MissingBlob
from streams.video import media


async def on_capture_uploaded(services: Services, event: dict[str, Any]) -> None:
    key = event["object_key"]
    try:
        path = await asyncio.to_thread(services.blobs.fetch, key)
        read = media.probe_photo if event["kind"] == "photo" else media.probe
        facts = await asyncio.to_thread(read, path)
    except (media.MediaError, MissingBlob) as exc:
        # Refused for good: drop the blob so nothing half-ingested remains, and say why.
        await asyncio.to_thread(services.blobs.discard, key)
        await services.emit_derived(
            "CaptureRejected", event, capture_id=event["capture_id"], object_key=key, stage="probe", reason=str(exc)
        )
        return
    await services.emit_derived("MediaProbed", event, **probed_fields(event, facts))


def probed_fields(event: dict[str, Any], facts: media.Probe) -> dict[str, Any]:
    if facts.captured_at is not None:
        captured_at, time_source = facts.captured_at, "container"
    elif event["client_captured_at"] is not None:
        captured_at, time_source = event["client_captured_at"], "upload"
    else:
        captured_at, time_source = event["occurred_at"], "received"
    if facts.location is not None:
        (lat, lon), location_source = facts.location, "container"
    elif event["client_lat"] is not None and event["client_lon"] is not None:
        lat, lon, location_source = event["client_lat"], event["client_lon"], "upload"
    else:
        lat, lon, location_source = None, None, "none"
    return {
        "capture_id": event["capture_id"],
        "object_key": event["object_key"],
        "duration_s": facts.duration_s,
        "width": facts.width,
        "height": facts.height,
        "fps": facts.fps,
        "video_codec": facts.video_codec,
        "audio_codec": facts.audio_codec,
        "keyframes": facts.keyframes,
        "captured_at": captured_at,
        "time_source": time_source,
        "lat": lat,
        "lon": lon,
        "location_source": location_source,
        "signature_model": media.SIGNATURE_MODEL,
        "signature": facts.signature,
        "kind": facts.kind,
        "rotation": facts.rotation,
    }
