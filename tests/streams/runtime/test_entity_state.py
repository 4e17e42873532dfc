"""The compacted entity-state topic (streams/runtime/entity_state.py), against the real broker via `reverie serve`."""

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from core.settings import Settings
from streams.runtime import entity_state
from streams.storage.sealing import keyring
from tests.conftest import Served, read_topic, settle, wait_for

pytestmark = pytest.mark.integration


def latest(settings: Settings) -> dict[str, dict]:
    return asyncio.run(entity_state.latest(settings, keyring(settings)))


def topic_config(settings: Settings) -> dict[str, str]:
    async def go() -> dict[str, str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        try:
            resource = ConfigResource(ConfigResourceType.TOPIC, settings.topic(entity_state.TOPIC))
            described = await admin.describe_configs([resource])
        finally:
            await admin.close()
        return {name: value for name, value, *_ in described[0].resources[0][4]}

    return asyncio.run(go())


def test_each_users_newest_state_is_kept_and_a_forgotten_user_is_tombstoned(served: Served):
    ana, bo = served.client("ana"), served.client("bo")
    assert ana.http.put("/v1/places/home", json={"lat": 48.85, "lon": 2.35}).status_code == 202
    assert ana.http.put("/v1/places/work", json={"lat": 48.80, "lon": 2.30}).status_code == 202
    assert ana.http.put("/v1/settings/face-recognition", json={"enabled": True}).status_code == 202
    assert ana.http.post("/v1/devices", json={"device_id": "glasses-1", "name": "frames"}).status_code == 201
    assert bo.http.put("/v1/places/gym", json={"lat": 52.52, "lon": 13.40}).status_code == 202
    wait_for(lambda: ana.http.get("/v1/places").json()["places"], lambda p: len(p) == 2)
    assert ana.http.delete("/v1/places/work").status_code == 202
    settle(served)

    states = latest(served.settings)
    assert [p["name"] for p in states["ana"]["places"]] == ["home"]
    assert states["ana"]["face_recognition"] is True
    assert states["ana"]["devices"] == [{"device_id": "glasses-1", "name": "frames", "revoked": False}]
    assert [p["name"] for p in states["bo"]["places"]] == ["gym"] and states["bo"]["face_recognition"] is False
    assert topic_config(served.settings)["cleanup.policy"] == "compact"

    assert ana.http.request("DELETE", "/v1/me", json={"confirm": "forget me"}).status_code == 202
    settle(served)
    assert set(latest(served.settings)) == {"bo"}
    messages = read_topic(served.settings, entity_state.TOPIC)
    assert [value for key, value in messages if key == b"ana"][-1] is None  # the tombstone compaction acts on
    assert all(value is not None for key, value in messages if key == b"bo")
