"""What agents and the gateway share in one process: settings, stores, blobs, and a way to emit events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from infra.settings import Settings
from projections.clickhouse import MetadataStore
from projections.vectors import VectorStore, open_vectors
from schemas.codec import Registry, registry
from streams import faces
from streams.blobs import BlobStore
from streams.events import new_event, stable_id
from streams.media import SIGNATURE_MODEL, SIGNATURE_SIZE

log = logging.getLogger("reverie.events")

# Which topic carries which event. Every topic is keyed by user id.
EVENT_TOPICS = {
    "CaptureUploaded": "captures",
    "CaptureRejected": "captures",
    "CaptureStarted": "captures",
    "CaptureStopped": "captures",
    "MediaProbed": "media",
    "MezzanineReady": "media",
    "ThumbnailsReady": "media",
    "MemoryRequested": "memories",
    "MemoryPlanned": "memories",
    "MemoryPlayable": "memories",
    "MemoryRendered": "memories",
    "MemoryFailed": "memories",
    "PlaceResolved": "enrichments",
    "FramesSampled": "enrichments",
    "TranscriptExtracted": "enrichments",
    "FacesDetected": "enrichments",
    "FramesDescribed": "enrichments",
    "PeopleAssigned": "enrichments",
    "PersonNamed": "people",
    "PersonMerged": "people",
    "PersonSplit": "people",
    "FaceRecognitionToggled": "people",
    "EnrolmentSubmitted": "people",
    "EnrolmentDone": "people",
    "PlaceNamed": "people",
    "DeadLettered": "dead-letter",
}
TOPICS = tuple(dict.fromkeys(EVENT_TOPICS.values()))

# (topic name without prefix, key, value) → acknowledged by the broker
Send = Callable[[str, bytes | None, bytes], Awaitable[None]]


@dataclass
class Services:
    settings: Settings
    store: MetadataStore
    vectors: VectorStore
    blobs: BlobStore
    registry: Registry
    send: Send
    collections: dict[str, VectorStore] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings, send: Send) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        blobs = BlobStore(settings)
        blobs.ensure_bucket()
        return cls(
            settings=settings,
            store=MetadataStore(settings.clickhouse),
            vectors=open_vectors(settings.qdrant, SIGNATURE_MODEL, SIGNATURE_SIZE),
            blobs=blobs,
            registry=registry(),
            send=send,
        )

    @property
    def face_vectors(self) -> VectorStore:
        """The configured face model's collection: the known faces that new faces are compared with."""
        model = faces.load(self.settings.face_model_dir or None)
        return self.collection(model.name, model.size)

    def collection(self, model: str, size: int) -> VectorStore:
        """The vector collection of one model (opened on first use): frames and text of the image–text and text
        models, whichever model wrote the event being projected."""
        if model not in self.collections:
            self.collections[model] = open_vectors(self.settings.qdrant, model, size)
        return self.collections[model]

    def close(self) -> None:
        for store in {id(s): s for s in (self.vectors, *self.collections.values())}.values():
            store.close()
        self.store.close()

    async def emit(self, event_name: str, event: dict[str, Any]) -> dict[str, Any]:
        value = self.registry.encode(event_name, event)
        await self.send(EVENT_TOPICS[event_name], event["user_id"].encode(), value)
        log.info("%s %s user=%s", event_name, event["event_id"], event["user_id"])
        return event

    async def emit_new(self, event_name: str, user_id: str, **fields: Any) -> dict[str, Any]:
        return await self.emit(event_name, new_event(user_id, **fields))

    async def emit_derived(self, event_name: str, cause: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """An event caused by another: its id derives from the cause, so reprocessing after a crash repeats it."""
        event = new_event(cause["user_id"], causation_id=cause["event_id"], **fields)
        event["event_id"] = stable_id(event_name, cause["event_id"])
        return await self.emit(event_name, event)
