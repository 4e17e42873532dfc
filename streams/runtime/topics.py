"""Creating the event topics with their intended partitions and retention before any agent starts.

The broker runs with ``auto.create.topics.enable=false``: a topic exists because this module made it, with the
partition count the Faust tables and consumer groups expect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from core.settings import Settings
from streams.runtime.log_reader import LogReader, Record
from streams.runtime.services import TOPICS

log = logging.getLogger("reverie.topics")

# Replay rebuilds projections from the log, so events are kept forever; the dead-letter topic for 30 days.
RETENTION = {"dead-letter": str(30 * 24 * 3600 * 1000)}
# Entity state (streams/runtime/entity_state.py) is a snapshot per user: only the newest one matters, and a forgotten
# user's tombstone must remove the rest from disk soon, so segments roll hourly and are cleaned at 10 % dirt.
COMPACTED = {
    "entity-state": {
        "cleanup.policy": "compact",
        "segment.ms": str(3600 * 1000),
        "min.cleanable.dirty.ratio": "0.1",
        "delete.retention.ms": str(24 * 3600 * 1000),
    }
}


def topic_configs(settings: Settings) -> list[NewTopic]:
    return [
        NewTopic(
            settings.topic(name),
            num_partitions=settings.kafka_partitions,
            replication_factor=settings.kafka_replication,
            topic_configs={
                **COMPACTED.get(name, {"retention.ms": RETENTION.get(name, "-1")}),
                # the broker's default is 1: said only where a cluster needs more
                **({"min.insync.replicas": str(settings.kafka_min_insync)} if settings.kafka_min_insync > 1 else {}),
            },
        )
        for name in TOPICS
    ]


async def read_all(settings: Settings, names: list[str]) -> AsyncIterator[Record]:
    """Every message of these topics (names without the prefix), from the start to their end as of now: a bulk
    read, so through librdkafka (log_reader.py), in a thread, a batch at a time."""
    reader = await asyncio.to_thread(LogReader, settings, "read-all")
    try:
        full = [settings.topic(n) for n in names]
        bounds = await asyncio.to_thread(lambda: reader.bounds(reader.partitions(full)))
        ends = {part: high for part, (low, high) in bounds.items() if high > low}
        reader.assign({part: bounds[part][0] for part in ends})
        while ends:  # done with a partition at its last offset, as a replay is (no transactions leave gaps)
            for record in await asyncio.to_thread(reader.read, 10_000):
                part = (record.topic, record.partition)
                if record.offset < ends.get(part, 0):  # what came after "now" is not part of the read
                    yield record
                    if record.offset + 1 >= ends[part]:
                        del ends[part]
    finally:
        await asyncio.to_thread(reader.close)


async def partitions(consumer: AIOKafkaConsumer, names: list[str]) -> list[TopicPartition]:
    """Every partition of these (full) topic names, for a consumer that assigns them itself."""
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka's only way to learn them
    cluster = consumer._client.cluster  # noqa: SLF001
    return [TopicPartition(t, p) for t in names for p in sorted(cluster.partitions_for_topic(t) or ())]


async def ensure_topics(settings: Settings) -> list[str]:
    """Create missing topics; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topic_configs(settings) if t.name not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another worker created them between our list and create
            log.info("created topics %s", ", ".join(t.name for t in missing))
        return [t.name for t in missing]
    finally:
        await admin.close()


def ensure_topics_sync(settings: Settings) -> list[str]:
    return asyncio.run(ensure_topics(settings))
