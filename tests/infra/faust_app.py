"""A tiny Faust app that uses what the Kafka pin must support: a table with a changelog topic, a consumer
group, and exactly-once transactions. tests/infra/test_kafka.py runs it as `faust worker` against the broker."""

import os

import faust

prefix = os.environ["FAUST_TEST_PREFIX"]
app = faust.App(
    prefix,
    broker=f"kafka://{os.environ['FAUST_TEST_BROKER']}",
    store="memory://",
    web_enabled=False,
    datadir=os.environ["FAUST_TEST_DATADIR"],
    processing_guarantee="exactly_once",
    topic_partitions=2,
    topic_replication_factor=1,
)
source = app.topic(f"{prefix}.in", key_serializer="raw", value_serializer="raw", partitions=2)
sink = app.topic(f"{prefix}.out", key_serializer="raw", value_serializer="raw", partitions=2)
counts = app.Table("counts", default=int, partitions=2)


@app.agent(source)
async def count(stream):
    async for event in stream.events():
        counts[event.key] += 1
        await sink.send(key=event.key, value=b"%s:%d" % (event.value, counts[event.key]))
