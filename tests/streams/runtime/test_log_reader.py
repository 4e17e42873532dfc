"""Bulk reading of the log through librdkafka (streams/runtime/log_reader.py), on the real broker: partitions and
their bounds, reading from a chosen offset to the end in order, and the offset of a time."""

from __future__ import annotations

import time
import uuid

import pytest

from core.settings import Settings
from streams.runtime.log_reader import LogReader
from tests.conftest import produce

pytestmark = pytest.mark.integration


def test_reads_every_partition_from_its_start_to_its_end_in_order(settings: Settings):
    run = settings.with_(topic_prefix=f"reader-{uuid.uuid4().hex[:8]}")
    sent = [(f"user-{i % 7}".encode(), f"event-{i}".encode()) for i in range(300)]
    produce(run, "captures", sent[:150])
    middle_ms = int(time.time() * 1000)
    time.sleep(0.05)
    produce(run, "captures", sent[150:])
    reader = LogReader(run)
    try:
        parts = reader.partitions([run.topic("captures"), run.topic("no-such-topic")])
        assert parts == [(run.topic("captures"), p) for p in range(run.kafka_partitions)]
        bounds = reader.bounds(parts)
        assert sum(high - low for low, high in bounds.values()) == 300
        later = reader.offsets_at(parts, middle_ms)  # the second half, partition by partition
        assert sum(bounds[tp][1] - (at if at is not None else bounds[tp][1]) for tp, at in later.items()) == 150
        assert reader.offsets_at(parts, int(time.time() * 1000) + 60_000) == dict.fromkeys(parts)

        starts = {tp: low for tp, (low, _) in bounds.items()}
        starts[parts[0]] = bounds[parts[0]][0] + 3  # three of the first partition skipped
        reader.assign(starts)
        got = []
        while len(got) < 297:
            batch = reader.read(50, timeout_s=5.0)
            assert batch, "the reader stopped before the end"
            got += batch
        assert len(got) == 297 and reader.read(10, timeout_s=0.5) == []
        for tp in parts:
            offsets = [r.offset for r in got if (r.topic, r.partition) == tp]
            assert offsets == list(range(starts[tp], bounds[tp][1]))  # in order, each once
        assert {r.value for r in got} <= {v for _, v in sent} and len({r.value for r in got}) == 297
    finally:
        reader.close()
