"""What agents and the gateway share in one process: settings, stores, blobs, and a way to emit events."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core import metrics
from core.ids import stable_id
from core.settings import Settings
from projections.clickhouse import MetadataStore
from projections.generations import open_generations
from projections.vector_host import opener
from projections.vectors import VectorStore, collection_name, open_collections, open_vectors
from projections.versions import open_store
from schemas.codec import Registry, registry
from schemas.envelope import new_event
from streams.models import factory
from streams.runtime.changes import Changes
from streams.storage import sealing
from streams.storage.blobs import BlobStore
from streams.storage.master_keys import MasterKeys
from streams.storage.sealing import Keyring
from streams.video.media import SIGNATURE_MODEL, SIGNATURE_SIZE

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
    "MemoryServedFromCache": "memories",
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
    "DeviceRegistered": "people",
    "DeviceRevoked": "people",
    "CaptureDeleted": "captures",
    "UserForgotten": "people",
    "DeadLettered": "dead-letter",
    "EntityState": "entity-state",  # compacted: streams/runtime/entity_state.py
}
TOPICS = tuple(dict.fromkeys(EVENT_TOPICS.values()))
PROJECTED_TOPICS = ("captures", "media", "enrichments", "people", "memories")  # what the projector reads

# (topic name without prefix, key, value) → acknowledged by the broker
Send = Callable[[str, bytes | None, bytes | None], Awaitable[None]]  # a None value is a tombstone


@dataclass
class Services:
    settings: Settings
    store: MetadataStore
    vectors: VectorStore
    blobs: BlobStore
    registry: Registry
    send: Send
    collections: dict[str, VectorStore] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)  # memories projected here, for the gateway's live status
    version: int = 0  # the projection version read and written (projections/versions.py)
    keyring: Keyring | None = None

    @property
    def keys(self) -> Keyring:
        if self.keyring is None:
            self.keyring = Keyring(self.blobs, MasterKeys.of(self.settings))
        return self.keyring

    @classmethod
    def open(cls, settings: Settings, send: Send, version: int | None = None) -> Services:
        """Services on the live projection version (or on ``version``)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        blobs = BlobStore(settings)
        blobs.ensure_bucket()
        generations = open_generations(settings.cache_url)
        store, version = open_store(settings.clickhouse, version, generations, settings.cached_albums)
        log.info("projection version %d", version)
        return cls(
            settings=settings,
            store=store,
            vectors=open_vectors(settings.qdrant, SIGNATURE_MODEL, SIGNATURE_SIZE, version, opener(settings)),
            blobs=blobs,
            registry=registry(),
            send=send,
            version=version,
        )

    def switch(self, other: Services) -> None:
        """Read and write the stores of another projection version from now on (a finished replay hands over
        its own: qdrant-edge allows one shard object per folder). The old ones stay open for requests in flight."""
        self.store, self.vectors, self.collections = other.store, other.vectors, dict(other.collections)
        self.version = other.version

    @property
    def face_vectors(self) -> VectorStore:
        """The configured face model's collection: the known faces that new faces are compared with."""
        model = factory.faces(self.settings.face_model_dir or None)
        return self.collection(model.model_id, model.size)

    def collection(self, model: str, size: int) -> VectorStore:
        """The vector collection of one model (opened on first use): frames and text of the image–text and text
        models, whichever model wrote the event being projected."""
        name = collection_name(model)
        store = self.collections.get(name)
        if store is None:
            found = open_vectors(self.settings.qdrant, model, size, self.version, opener(self.settings))
            store = self.collections[name] = self._opened(found)
        # every_collection() opens a collection knowing only its folder's name; point ids derive from the model's
        store.model = model
        return store

    def every_collection(self) -> list[VectorStore]:
        """Every vector collection there is, whichever model wrote it: deletions reach them all."""
        opened = frozenset({self.vectors.name, *self.collections})
        for name, found in open_collections(self.settings.qdrant, opened, self.version, opener(self.settings)).items():
            self.collections[name] = self._opened(found)
        return [self.vectors, *(s for s in self.collections.values() if s is not self.vectors)]

    def optimize_vectors(self) -> int:
        """Index every collection's unindexed points (see EdgeVectors.optimize); how many collections did work."""
        indexed = 0
        for vectors in self.every_collection():
            started = time.monotonic()
            if vectors.optimize():
                indexed += 1
                log.info("indexed the new points of %s in %.1f s", vectors.name, time.monotonic() - started)
        return indexed

    def _opened(self, store: VectorStore) -> VectorStore:
        """A collection as this process uses it (a replay holds its writes: streams/replay.py)."""
        return store

    def close(self) -> None:
        for store in {id(s): s for s in (self.vectors, *self.collections.values())}.values():
            store.close()
        self.store.close()

    def erased(self, event_name: str, event: dict[str, Any]) -> bool:
        """Whether the event is about something deleted (a capture, a memory, a forgotten user's past): every
        agent drops such events, late or replayed, so that deletions are final."""
        if event_name in ("CaptureDeleted", "UserForgotten"):
            return False
        subjects = [event["capture_id"]] if event.get("capture_id") else []
        subjects += [f"memory/{event['memory_id']}"] if event.get("memory_id") else []
        return self.store.tombstoned(event["user_id"], subjects, event["occurred_at"])

    def encode(self, event_name: str, event: dict[str, Any]) -> bytes:
        """The event's bytes on the wire: Avro, sealed with its user's key (streams/storage/sealing.py)."""
        return sealing.encode(self.registry, self.keys, event_name, event)

    def decode(self, value: bytes) -> tuple[str, dict[str, Any]]:
        return sealing.decode(self.registry, self.keys, value)

    def _sealed_unless_erased(self, event_name: str, event: dict[str, Any]) -> bytes | None:
        """The event's bytes, or None when it is about something erased meanwhile (an agent finishing a forgotten
        user's capture): such an event is dropped rather than sealed under a new key."""
        return None if self.erased(event_name, event) else self.encode(event_name, event)

    async def emit(self, event_name: str, event: dict[str, Any]) -> dict[str, Any]:
        value = await asyncio.to_thread(self._sealed_unless_erased, event_name, event)
        if value is None:
            log.info("%s %s user=%s not sent: about something erased", event_name, event["event_id"], event["user_id"])
            return event
        await self.send(EVENT_TOPICS[event_name], event["user_id"].encode(), value)
        # The emitted event's id beside the handled one's (core/logs.py): how a reader follows a chain of events.
        log.info(
            "%s %s user=%s",
            event_name,
            event["event_id"],
            event["user_id"],
            extra={"emitted": event_name, "emitted_id": event["event_id"]},
        )
        metrics.count_event(event_name, event)
        return event

    async def emit_new(self, event_name: str, user_id: str, **fields: Any) -> dict[str, Any]:
        return await self.emit(event_name, new_event(user_id, **fields))

    async def emit_derived(self, event_name: str, cause: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """An event caused by another: its id derives from the cause, so reprocessing after a crash repeats it."""
        event = new_event(cause["user_id"], causation_id=cause["event_id"], **fields)
        event["event_id"] = stable_id(event_name, cause["event_id"])
        return await self.emit(event_name, event)
