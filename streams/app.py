"""The Faust app: topics keyed by user id, and the agents that turn each event into the next.

| agent     | consumes                     | emits                                  |
|-----------|------------------------------|----------------------------------------|
| probe     | captures: CaptureUploaded    | media: MediaProbed                     |
| projector | captures, media, memories    | (ClickHouse rows, Qdrant points)       |
| planner   | memories: MemoryRequested    | memories: MemoryPlanned / MemoryFailed |
| render    | memories: MemoryPlanned      | memories: MemoryRendered / MemoryFailed|
| prepare   | media: MediaProbed           | media: MezzanineReady, ThumbnailsReady |
| places    | media: MediaProbed (GPS)     | enrichments: PlaceResolved             |
| frames    | media: MediaProbed (video)   | enrichments: FramesSampled (shots)     |
| speech    | media: MediaProbed (sound)   | enrichments: TranscriptExtracted       |
| faces     | media: MediaProbed           | enrichments: FacesDetected             |
| visual    | media: MediaProbed           | enrichments: FramesDescribed (tags)    |
| people    | enrichments: FacesDetected   | enrichments: PeopleAssigned            |
| enrol     | people: EnrolmentSubmitted   | people: PersonNamed "me", EnrolmentDone|
| erase-*   | captures: CaptureDeleted, people: UserForgotten | (blobs and caches removed)  |

Every agent runs the same loop (``streams.runtime.consume``): poison messages go to ``<prefix>.dead-letter``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import faust

from core.settings import Settings
from streams.agents import (
    enrol,
    erase,
    faces,
    frames,
    people,
    places,
    planner,
    prepare,
    probe,
    projector,
    render,
    speech,
    visual,
)
from streams.runtime import entity_state, kafka_transport
from streams.runtime.consume import consume
from streams.runtime.services import PROJECTED_TOPICS, TOPICS, Services

EventHandler = Callable[[Services, dict[str, Any]], Awaitable[None]]


def _only(event_name: str, handler: EventHandler, services_of: Callable[[], Services]):  # type: ignore[no-untyped-def]
    async def handle(name: str, record: dict[str, Any]) -> None:
        if name == event_name:
            await handler(services_of(), record)

    return handle


class StreamApp:
    """The Faust app with its topics and agents; services are attached before the worker starts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._services: Services | None = None
        (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)  # faust makes only the last folder
        self.app = faust.App(
            settings.app_id,
            broker=kafka_transport.broker_url(settings.kafka_bootstrap),
            store="memory://",
            # Faust keeps a small table-state folder; it belongs with the rest of the data, not in the cwd.
            datadir=str(settings.data_dir / "faust" / "{conf.name}-data"),
            web_enabled=False,
            processing_guarantee=settings.processing_guarantee,
            topic_partitions=settings.kafka_partitions,
            topic_replication_factor=settings.kafka_replication,
            topic_allow_declare=False,
            consumer_auto_offset_reset="earliest",
            producer_acks=-1,
        )
        self.topics = {
            name: self.app.topic(settings.topic(name), key_serializer="raw", value_serializer="raw") for name in TOPICS
        }
        # (agent, topic, event it acts on, handler, enabled)
        agents = [
            ("probe", "captures", "CaptureUploaded", probe.on_capture_uploaded, True),
            ("planner", "memories", "MemoryRequested", planner.on_memory_requested, True),
            ("render", "memories", "MemoryPlanned", render.on_memory_planned, True),
            ("prepare", "media", "MediaProbed", prepare.on_media_probed, settings.prepare_media),
            ("places", "media", "MediaProbed", places.on_media_probed, settings.enrich_places),
            ("frames", "media", "MediaProbed", frames.on_media_probed, settings.enrich_frames),
            ("speech", "media", "MediaProbed", speech.on_media_probed, settings.enrich_speech),
            ("faces", "media", "MediaProbed", faces.on_media_probed, settings.enrich_faces),
            ("visual", "media", "MediaProbed", visual.on_media_probed, settings.enrich_visual),
            ("people", "enrichments", "FacesDetected", people.on_faces_detected, settings.enrich_faces),
            ("enrol", "people", "EnrolmentSubmitted", enrol.on_enrolment_submitted, settings.enrich_faces),
            ("erase-capture", "captures", "CaptureDeleted", erase.on_capture_deleted, True),
            ("erase-user", "people", "UserForgotten", erase.on_user_forgotten, True),
        ]
        for name, topic, event_name, handler, enabled in agents:
            if enabled:
                self._agent(name, self.topics[topic], _only(event_name, handler, self.services))
        projected = self.app.topic(
            *(settings.topic(n) for n in PROJECTED_TOPICS),
            key_serializer="raw",
            value_serializer="raw",
        )
        self._agent("projector", projected, self._project)

    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are not attached; call StreamApp.attach() before starting the worker")
        return self._services

    def attach(self, services: Services) -> None:
        self._services = services

    async def send(self, topic: str, key: bytes | None, value: bytes | None) -> None:
        """Produce and wait for the broker's acknowledgement."""
        pending = await self.topics[topic].send(key=key, value=value)
        await pending

    async def _project(self, name: str, record: dict[str, Any]) -> None:
        await projector.on_event(self.services(), name, record)
        await entity_state.publish(self.services(), name, record)

    def _agent(self, name: str, channel: Any, handle: Callable[[str, dict[str, Any]], Awaitable[None]]) -> None:
        async def agent(stream: faust.StreamT) -> None:
            await consume(self.services(), name, stream.events(), handle)

        self.app.agent(channel, name=f"reverie.{name}")(agent)
