"""Reading partitions of the log in bulk, from chosen offsets to their ends: librdkafka through confluent-kafka.

A replay reads every projected event once, as fast as the stores take them. librdkafka fetches in its own threads
and hands over thousands of messages in one call, where aiokafka builds each record in Python on the event loop;
the live agents stay on Faust (aiokafka), which owns their consumer group and commits.

No consumer group is joined and nothing is committed: the caller assigns partitions and keeps its own checkpoints.
"""

from __future__ import annotations

from typing import NamedTuple

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from core.settings import Settings

Partition = tuple[str, int]  # (full topic name, partition)
TIMEOUT_S = 15.0


class Record(NamedTuple):
    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None = None


class LogReader:
    def __init__(self, settings: Settings, client_id: str = "replay") -> None:
        config = {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": f"{settings.app_id}-{client_id}",  # required by librdkafka; never joined (assign only)
            "client.id": f"{settings.app_id}-{client_id}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
        }
        self.consumer = Consumer(
            {
                **config,
                "fetch.max.bytes": 64 * 1024 * 1024,
                "max.partition.fetch.bytes": 16 * 1024 * 1024,
                "queued.max.messages.kbytes": 256 * 1024,
            }
        )
        # Offsets are asked of a consumer that fetches nothing: behind the reading one's fetches each answer waited
        # for fetch.wait.max.ms, 10 s for the ends of 20 partitions.
        self._offsets = Consumer(config)

    def partitions(self, topics: list[str]) -> list[Partition]:
        """Every partition of these (full) topic names that exist."""
        listed = self._offsets.list_topics(timeout=TIMEOUT_S).topics
        return [(t, p) for t in topics if t in listed for p in sorted(listed[t].partitions)]

    def bounds(self, parts: list[Partition]) -> dict[Partition, tuple[int, int]]:
        """(first offset, offset after the last) of each partition."""
        found = {}
        for topic, partition in parts:
            low, high = self._offsets.get_watermark_offsets(TopicPartition(topic, partition), timeout=TIMEOUT_S)
            found[(topic, partition)] = (int(low), int(high))
        return found

    def offsets_at(self, parts: list[Partition], at_ms: int) -> dict[Partition, int | None]:
        """The first offset at or after ``at_ms`` in each partition (None: nothing that late)."""
        asked = [TopicPartition(t, p, at_ms) for t, p in parts]
        found = self._offsets.offsets_for_times(asked, timeout=TIMEOUT_S)
        return {(tp.topic, tp.partition): (tp.offset if tp.offset >= 0 else None) for tp in found}

    def assign(self, starts: dict[Partition, int]) -> None:
        self.consumer.assign([TopicPartition(t, p, offset) for (t, p), offset in starts.items()])

    def read(self, most: int, timeout_s: float = 0.5) -> list[Record]:
        """Up to ``most`` messages of the assigned partitions (fewer when that is all there is before the timeout).
        Blocking: librdkafka waits without holding the GIL, so call it from a thread."""
        records = []
        for message in self.consumer.consume(most, timeout_s):
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:  # noqa: SLF001 - librdkafka's name for it
                    continue
                raise KafkaException(error)
            records.append(
                Record(
                    str(message.topic()),
                    int(message.partition() or 0),
                    int(message.offset() or 0),
                    message.value(),
                    message.key(),
                )
            )
        return records

    def close(self) -> None:
        self.consumer.close()
        self._offsets.close()
