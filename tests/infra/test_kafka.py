"""The pinned Apache Kafka broker: started from Maven Central jars, stopped by pid, and good enough for Faust."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from core.settings import REPO_ROOT, Settings
from infra import kafka
from infra.process import port_open
from tests.conftest import free_port, produce, read_topic

pytestmark = pytest.mark.integration


def test_up_twice_is_harmless(stack_settings: Settings):
    assert kafka.start(stack_settings) is False
    assert kafka.is_running(stack_settings)


def test_a_second_broker_starts_from_its_own_folder_and_stops_by_pid(stack_settings: Settings, tmp_path: Path):
    port, ctl = free_port(), free_port()
    settings = stack_settings.with_(data_dir=tmp_path, kafka_bootstrap=f"127.0.0.1:{port}", kafka_controller_port=ctl)
    assert kafka.start(settings) is True
    try:
        assert port_open("127.0.0.1", port)
        assert "listeners=PLAINTEXT://127.0.0.1:" in (tmp_path / "kafka" / "server.properties").read_text()
    finally:
        assert kafka.stop(settings) is True
    assert not kafka.is_running(settings)
    assert not port_open("127.0.0.1", port)
    assert kafka.stop(settings) is False  # down twice is harmless too


def test_faust_tables_consumer_groups_and_transactions_work(stack_settings: Settings, tmp_path: Path):
    """Why the pin is safe: Faust's internal topics, changelogs and exactly-once all work on this broker."""
    prefix = f"faust-{uuid.uuid4().hex[:8]}"
    settings = stack_settings.with_(topic_prefix=prefix)

    async def topics() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        await admin.create_topics([NewTopic(f"{prefix}.{n}", 2, 1) for n in ("in", "out")])
        await admin.close()

    asyncio.run(topics())
    produce(settings, "in", [(b"k%d" % (i % 3), b"v%d" % i) for i in range(30)])
    env = {
        **os.environ,
        "FAUST_TEST_PREFIX": prefix,
        "FAUST_TEST_BROKER": settings.kafka_bootstrap,
        "FAUST_TEST_DATADIR": str(tmp_path / "faust-data"),
    }
    log = tmp_path / "faust.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "faust", "-A", "tests.infra.faust_app", "worker", "--without-web", "-l", "info"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        out_messages = read_topic(settings, "out", expect=30, timeout=90)
    finally:
        worker.terminate()
        worker.wait(30)
    text = log.read_text(errors="replace")
    assert len(out_messages) == 30, text[-3000:]
    assert sorted(v for _, v in out_messages if v.startswith(b"v0:")) == [b"v0:1"]
    assert "transactional id" in text  # the exactly-once producers were set up
    assert f"{prefix}-counts-changelog" in asyncio.run(list_topics(settings))


async def list_topics(settings: Settings) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        return list(await admin.list_topics())
    finally:
        await admin.close()
