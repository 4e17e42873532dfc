"""The projector: events → ClickHouse rows and Qdrant points. Idempotent: replaying an event changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from streams.runtime.services import Services

Event = dict[str, Any]


def _capture_uploaded(services: Services, event: Event) -> None:
    services.store.upsert_capture(event)
    if event["recording_id"]:
        services.store.upsert_recording(event, "uploaded", event["device_id"] or "", event["kind"], event["capture_id"])


def _capture_rejected(services: Services, event: Event) -> None:
    services.store.reject_capture(event)
    services.vectors.delete(event["user_id"], event["capture_id"])


def _media_probed(services: Services, event: Event) -> None:
    services.store.upsert_clip(event)
    payload = {
        "capture_id": event["capture_id"],
        "captured_at": event["captured_at"].isoformat(),
        "lat": event["lat"],
        "lon": event["lon"],
    }
    services.vectors.upsert(event["user_id"], event["capture_id"], event["signature"], payload)


def _thumbnails_ready(services: Services, event: Event) -> None:
    services.store.upsert_asset(event, "poster", event["poster_key"])
    services.store.upsert_asset(event, "strip", event["strip_key"], times=event["strip_times"])


def _face_recognition_toggled(services: Services, event: Event) -> None:
    services.store.set_face_recognition(event)
    if not event["enabled"]:
        services.face_vectors.delete_user(event["user_id"])


def _person_merged(services: Services, event: Event) -> None:
    services.store.merge_person(event)
    services.face_vectors.relabel(event["user_id"], "person_id", event["person_id"], event["into_person_id"])


def _person_split(services: Services, event: Event) -> None:
    services.store.split_person(event)
    moved = {"person_id": event["new_person_id"]}
    services.face_vectors.set_payload(event["user_id"], list(event["face_ids"]), moved)


def _transcript_extracted(services: Services, event: Event) -> None:
    services.store.upsert_transcript(event)
    if event["embedding"]:
        text = services.collection(event["embedding_model"], len(event["embedding"]))
        payload = {"capture_id": event["capture_id"], "kind": "transcript", "text": event["text"]}
        text.upsert(event["user_id"], f"{event['capture_id']}#transcript", event["embedding"], payload)


def _frames_described(services: Services, event: Event) -> None:
    """Tags as rows; one point per sampled frame in the model's own collection (a replaced model keeps its own), and
    one per frame's image embedding (v2 events) in the image model's collection, for "more like this"."""
    services.store.upsert_frame_tags(event)
    if not event["frames"]:
        return
    frames = services.collection(event["model"], len(event["frames"][0]["embedding"]))
    points = [
        (
            f"{event['capture_id']}@{frame['t']:.3f}",
            frame["embedding"],
            {"capture_id": event["capture_id"], "kind": "frame", "t": frame["t"], "caption": frame["caption"]},
        )
        for frame in event["frames"]
    ]
    frames.upsert_many(event["user_id"], points)
    seen = [frame for frame in event["frames"] if frame.get("image_embedding")]
    if not seen or not event.get("image_model"):
        return
    images = services.collection(event["image_model"], len(seen[0]["image_embedding"]))
    looks = [
        (
            f"{event['capture_id']}@{frame['t']:.3f}",
            frame["image_embedding"],
            {"capture_id": event["capture_id"], "kind": "frame", "t": frame["t"]},
        )
        for frame in seen
    ]
    images.upsert_many(event["user_id"], looks)


def _memory_stage(stage: str) -> Callable[[Services, Event], None]:
    return lambda services, event: services.store.upsert_memory_stage(stage, event)


PROJECTIONS: dict[str, Callable[[Services, Event], None]] = {
    "CaptureUploaded": _capture_uploaded,
    "CaptureStarted": lambda s, e: s.store.upsert_recording(e, "started", e["device_id"], e["kind"]),
    "CaptureStopped": lambda s, e: s.store.upsert_recording(e, "stopped", e["device_id"], "video"),
    "CaptureRejected": _capture_rejected,
    "MediaProbed": _media_probed,
    "MezzanineReady": lambda s, e: s.store.upsert_asset(e, "mezzanine", e["object_key"], keyframes=e["keyframes"]),
    "ThumbnailsReady": _thumbnails_ready,
    "PeopleAssigned": lambda s, e: s.store.upsert_faces(e),
    "FaceRecognitionToggled": _face_recognition_toggled,
    "PersonMerged": _person_merged,
    "PersonSplit": _person_split,
    "PersonNamed": lambda s, e: s.store.upsert_person(e),
    "EnrolmentSubmitted": lambda s, e: s.store.upsert_enrolment(e, "pending"),
    "EnrolmentDone": lambda s, e: s.store.upsert_enrolment(e, "done" if e["person_id"] else "rejected"),
    "PlaceNamed": lambda s, e: s.store.upsert_user_place(e),
    "DeviceRegistered": lambda s, e: s.store.upsert_device(e, revoked=False),
    "DeviceRevoked": lambda s, e: s.store.upsert_device(e, revoked=True),
    "TranscriptExtracted": _transcript_extracted,
    "FramesSampled": lambda s, e: s.store.upsert_shots(e),
    "FramesDescribed": _frames_described,
    "PlaceResolved": lambda s, e: s.store.upsert_place(e),
    "MemoryRequested": _memory_stage("requested"),
    "MemoryPlanned": _memory_stage("planned"),
    "MemoryPlayable": _memory_stage("playable"),
    "MemoryRendered": _memory_stage("rendered"),
    "MemoryFailed": _memory_stage("failed"),
    "MemoryServedFromCache": lambda s, e: s.store.record_cache_hit(e),
}


def _capture_deleted(services: Services, event: Event) -> None:
    user, memories = event["user_id"], event["memory_ids"]
    services.store.record_tombstones(event, [event["capture_id"], *(f"memory/{m}" for m in memories)])
    services.store.purge_captures(user, [event["capture_id"]])
    services.store.purge_memories(user, memories)
    for vectors in services.every_collection():
        vectors.delete_user(user, [event["capture_id"]])


def forget(services: Services, event: Event) -> None:
    """The tombstones of a forgotten user: all of the user before the event, and each capture for ever."""
    services.store.record_tombstones(event, ["", *event["capture_ids"]])


def _user_forgotten(services: Services, event: Event) -> None:
    forget(services, event)
    services.store.purge_user(event["user_id"])
    for vectors in services.every_collection():
        vectors.delete_user(event["user_id"])


ERASURES: dict[str, Callable[[Services, Event], None]] = {
    "CaptureDeleted": _capture_deleted,
    "UserForgotten": _user_forgotten,
}


def project(services: Services, event_name: str, event: Event) -> bool:
    """Write one event into the read models; False if this projector has nothing to do with it."""
    erase = ERASURES.get(event_name)
    if erase is not None:
        erase(services, event)
        return True
    write = PROJECTIONS.get(event_name)
    if write is None:
        return False
    write(services, event)
    return True


async def on_event(services: Services, event_name: str, event: Event) -> None:
    await asyncio.to_thread(project, services, event_name, event)
    if event_name.startswith("Memory") and "memory_id" in event:
        services.changes.changed(event["memory_id"])
