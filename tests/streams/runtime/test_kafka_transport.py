"""The agents' and the gateway's producer is idempotent and waits for every in-sync copy, on one broker or many."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from streams.app import StreamApp
from streams.runtime import kafka_transport


def test_the_faust_producer_is_idempotent_with_acks_all(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, kafka_bootstrap="127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094")
    app = StreamApp(settings).app
    producer = app.producer
    assert isinstance(producer, kafka_transport.Producer)
    options = {**producer._settings_default(), **producer._settings_extra()}
    assert options["acks"] == "all" and options["enable_idempotence"] is True
    assert options["bootstrap_servers"] == ["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"]
    assert app.conf.topic_replication_factor == settings.kafka_replication
