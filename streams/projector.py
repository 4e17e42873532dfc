"""The projector: events → ClickHouse rows and Qdrant points. Idempotent: replaying an event changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.services import Services

MEMORY_STAGES = {
    "MemoryRequested": "requested",
    "MemoryPlanned": "planned",
    "MemoryRendered": "rendered",
    "MemoryFailed": "failed",
}


def project(services: Services, event_name: str, event: dict[str, Any]) -> bool:
    """Write one event into the read models; False if this projector has nothing to do with it."""
    if event_name == "CaptureUploaded":
        services.store.upsert_capture(event)
        if event["recording_id"]:
            services.store.upsert_recording(
                event, "uploaded", event["device_id"] or "", event["kind"], event["capture_id"]
            )
    elif event_name == "CaptureStarted":
        services.store.upsert_recording(event, "started", event["device_id"], event["kind"])
    elif event_name == "CaptureStopped":
        services.store.upsert_recording(event, "stopped", event["device_id"], "video")
    elif event_name == "CaptureRejected":
        services.store.reject_capture(event)
        services.vectors.delete(event["user_id"], event["capture_id"])
    elif event_name == "MediaProbed":
        services.store.upsert_clip(event)
        services.vectors.upsert(
            event["user_id"],
            event["capture_id"],
            list(event["signature"]),
            {
                "capture_id": event["capture_id"],
                "captured_at": event["captured_at"].isoformat(),
                "lat": event["lat"],
                "lon": event["lon"],
            },
        )
    elif event_name == "MezzanineReady":
        services.store.upsert_asset(event, "mezzanine", event["object_key"], keyframes=event["keyframes"])
    elif event_name == "ThumbnailsReady":
        services.store.upsert_asset(event, "poster", event["poster_key"])
        services.store.upsert_asset(event, "strip", event["strip_key"], times=event["strip_times"])
    elif event_name == "PeopleAssigned":
        services.store.upsert_faces(event)
    elif event_name == "FaceRecognitionToggled":
        services.store.set_face_recognition(event)
        if not event["enabled"]:
            services.face_vectors.delete_user(event["user_id"])
    elif event_name == "PersonMerged":
        services.store.merge_person(event)
        services.face_vectors.relabel(event["user_id"], "person_id", event["person_id"], event["into_person_id"])
    elif event_name == "PersonNamed":
        services.store.upsert_person(event)
    elif event_name == "TranscriptExtracted":
        services.store.upsert_transcript(event)
    elif event_name == "FramesSampled":
        services.store.upsert_shots(event)
    elif event_name == "PlaceResolved":
        services.store.upsert_place(event)
    elif event_name in MEMORY_STAGES:
        services.store.upsert_memory_stage(MEMORY_STAGES[event_name], event)
    else:
        return False
    return True


async def on_event(services: Services, event_name: str, event: dict[str, Any]) -> None:
    await asyncio.to_thread(project, services, event_name, event)
