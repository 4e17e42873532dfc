"""Topics made with their partitions and retention: the configs as pure data, then created on the real broker."""

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from core.settings import Settings
from streams.runtime import topics
from streams.runtime.services import EVENT_TOPICS, TOPICS
from tests.conftest import produce, purge_test_data

THIRTY_DAYS_MS = str(30 * 24 * 3600 * 1000)


def configs(settings: Settings) -> dict[str, dict]:
    return {t.name: vars(t) for t in topics.topic_configs(settings)}


def test_one_topic_per_name_every_event_has_a_topic():
    found = configs(Settings(topic_prefix="p", kafka_partitions=3))
    assert sorted(found) == sorted(f"p.{name}" for name in TOPICS)
    assert len(found) == len(TOPICS) == len(set(EVENT_TOPICS.values()))
    assert {f"p.{t}" for t in EVENT_TOPICS.values()} == set(found)


def test_partitions_and_replication_come_from_the_settings():
    for settings in (Settings(kafka_partitions=1), Settings(kafka_partitions=12)):
        for topic in topics.topic_configs(settings):
            assert topic.num_partitions == settings.kafka_partitions
            assert topic.replication_factor == 1
    for topic in topics.topic_configs(Settings(kafka_replication=3, kafka_min_insync=2)):
        assert topic.replication_factor == 3 and topic.topic_configs["min.insync.replicas"] == "2"


def test_event_topics_keep_every_event_forever():
    found = configs(Settings(topic_prefix="r"))
    forever = [n for n in TOPICS if n not in ("dead-letter", "entity-state")]
    assert {"captures", "media", "memories", "enrichments", "people"} <= set(forever)
    for name in forever:
        assert found[f"r.{name}"]["topic_configs"] == {"retention.ms": "-1"}, name


def test_the_dead_letter_topic_keeps_thirty_days():
    assert configs(Settings(topic_prefix="r"))["r.dead-letter"]["topic_configs"] == {"retention.ms": THIRTY_DAYS_MS}


def test_entity_state_is_compacted_not_deleted_by_time():
    cfg = configs(Settings(topic_prefix="r"))["r.entity-state"]["topic_configs"]
    assert cfg["cleanup.policy"] == "compact"
    assert "retention.ms" not in cfg
    assert cfg["segment.ms"] == str(3600 * 1000)
    assert float(cfg["min.cleanable.dirty.ratio"]) == pytest.approx(0.1)
    assert cfg["delete.retention.ms"] == str(24 * 3600 * 1000)


def test_the_prefix_names_every_topic():
    names = [t.name for t in topics.topic_configs(Settings(topic_prefix="tenant-a"))]
    assert all(n.startswith("tenant-a.") for n in names)
    assert "tenant-a.captures" in names


def describe(settings: Settings, names: list[str]) -> dict[str, dict[str, str]]:
    async def go() -> dict[str, dict[str, str]]:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        try:
            resources = [ConfigResource(ConfigResourceType.TOPIC, settings.topic(n)) for n in names]
            described = await admin.describe_configs(resources)
        finally:
            await admin.close()
        return {r[3]: {name: value for name, value, *_ in r[4]} for d in described for r in d.resources}

    return asyncio.run(go())


@pytest.fixture
def broker_settings(settings: Settings):
    yield settings
    purge_test_data(settings)


@pytest.mark.integration
def test_ensure_topics_creates_them_once_with_their_configs(broker_settings: Settings):
    settings = broker_settings
    created = topics.ensure_topics_sync(settings)
    assert sorted(created) == sorted(settings.topic(n) for n in TOPICS)
    assert topics.ensure_topics_sync(settings) == []  # a second worker finds them made

    found = describe(settings, ["captures", "dead-letter", "entity-state"])
    assert found[settings.topic("captures")]["retention.ms"] == "-1"
    assert found[settings.topic("dead-letter")]["retention.ms"] == THIRTY_DAYS_MS
    assert found[settings.topic("entity-state")]["cleanup.policy"] == "compact"

    async def partitions() -> list:
        from aiokafka import AIOKafkaConsumer

        consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
        await consumer.start()
        try:
            return await topics.partitions(consumer, [settings.topic("media"), settings.topic("no-such-topic")])
        finally:
            await consumer.stop()

    parts = asyncio.run(partitions())
    assert [(p.topic, p.partition) for p in parts] == [(settings.topic("media"), i) for i in range(2)]


@pytest.mark.integration
def test_read_all_reads_every_message_of_the_topics_up_to_now(broker_settings: Settings):
    settings = broker_settings
    produce(settings, "captures", [(b"u%d" % (i % 3), b"c%d" % i) for i in range(7)])
    produce(settings, "media", [(b"u", b"m0")])

    async def collect(names: list[str]) -> list[tuple[str, bytes | None, bytes | None]]:
        return [(m.topic, m.key, m.value) async for m in topics.read_all(settings, names)]

    messages = asyncio.run(collect(["captures", "media", "people"]))  # people is empty
    captured = sorted((k, v) for t, k, v in messages if t == settings.topic("captures"))
    assert captured == sorted((b"u%d" % (i % 3), b"c%d" % i) for i in range(7))
    assert [(k, v) for t, k, v in messages if t == settings.topic("media")] == [(b"u", b"m0")]
    assert len(messages) == 8
    assert asyncio.run(collect(["people"])) == []
    # what comes after the read began is not part of it: a second read sees it
    produce(settings, "media", [(b"u", b"m1")])
    assert [v for t, _, v in asyncio.run(collect(["media"]))] == [b"m0", b"m1"]
