"""Consumer lag: how many events of each topic the agents have not yet committed as processed."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from infra.settings import Settings

CONSUMED = ("captures", "media", "enrichments", "people", "memories")


async def consumer_lag(settings: Settings) -> dict[str, int]:
    """Per consumed topic: end offsets minus the app's committed offsets, summed over partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(settings.app_id)
        parts = [
            TopicPartition(settings.topic(name), p)
            for name in CONSUMED
            for p in sorted(await _partitions(consumer, settings.topic(name)))
        ]
        ends = await consumer.end_offsets(parts) if parts else {}
        lag = dict.fromkeys(CONSUMED, 0)
        for part in parts:
            done = committed.get(part)
            lag[part.topic.removeprefix(f"{settings.topic_prefix}.")] += ends[part] - (done.offset if done else 0)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, name: str) -> set[int]:
    found = consumer.partitions_for_topic(name)
    if found is None:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public call for this
        found = consumer.partitions_for_topic(name)
    return found or set()
