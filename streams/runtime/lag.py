"""Consumer lag: how many events of each topic the agents have not yet committed as processed."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from core.settings import Settings
from streams.runtime import topics

CONSUMED = ("captures", "media", "enrichments", "people", "memories")


async def consumer_lag(settings: Settings) -> dict[str, int]:
    """Per consumed topic: end offsets minus the app's committed offsets, summed over partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(settings.app_id)
        parts = await topics.partitions(consumer, [settings.topic(name) for name in CONSUMED])
        ends = await consumer.end_offsets(parts) if parts else {}
        lag = dict.fromkeys(CONSUMED, 0)
        for part in parts:
            done = committed.get(part)
            lag[part.topic.removeprefix(f"{settings.topic_prefix}.")] += ends[part] - (done.offset if done else 0)
        return lag
    finally:
        await consumer.stop()
        await admin.close()
