"""The compacted entity-state topic: each user's current people names, face-recognition setting, named places and
devices, one message per user.

The event topics keep every event for ever, in order, because a replay needs the history (a name, then a merge).
A service that only needs the current state (a device syncing its people, a new process warming a cache) should
not read all of it: the projector publishes a snapshot here, keyed by user, after projecting each change, and the
topic is compacted (``cleanup.policy=compact``), so the broker keeps only the newest snapshot per user. When a user
is forgotten the projector writes a tombstone (a null value), and compaction removes the user's snapshots from the
topic's files altogether; until then they are sealed with the user's key, which is already destroyed.

The snapshot is read from the projection the projector has just written, so redelivered or replayed events
publish the same state again: compaction makes that harmless.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from core.settings import Settings
from schemas.codec import registry
from streams.runtime import topics
from streams.runtime.services import Services
from streams.storage.sealing import KeyDestroyed, Keyring
from streams.storage.sealing import decode as unseal

log = logging.getLogger("reverie.entity_state")

TOPIC = "entity-state"
CHANGES = frozenset({"PersonNamed", "FaceRecognitionToggled", "PlaceNamed", "DeviceRegistered", "DeviceRevoked"})


def snapshot(services: Services, user_id: str) -> dict[str, Any]:
    """The user's entity state as the projection holds it now."""
    store = services.store
    return {
        "people": [
            {"person_id": p["person_id"], "name": p["name"], "relationship": p["relationship"]}
            for p in store.named_people(user_id)
        ],
        "face_recognition": store.face_recognition(user_id),
        "places": store.user_places(user_id),
        "devices": [
            {"device_id": d["device_id"], "name": d["name"], "revoked": bool(d["revoked"])}
            for d in store.devices(user_id)
        ],
    }


async def publish(services: Services, event_name: str, event: dict[str, Any]) -> None:
    """After the projector wrote ``event``: the user's new snapshot, or a tombstone if the user was forgotten."""
    user = event["user_id"]
    if event_name == "UserForgotten":
        await services.send(TOPIC, user.encode(), None)
        log.info("entity state of user=%s tombstoned", user)
    elif event_name in CHANGES:
        state = await asyncio.to_thread(snapshot, services, user)
        # dated by the change, so a snapshot racing the user's erasure counts as erased and is never sealed anew
        await services.emit_derived("EntityState", event, occurred_at=event["occurred_at"], **state)


async def latest(settings: Settings, keyring: Keyring) -> dict[str, dict[str, Any]]:
    """Every user's current entity state, read from the start of the compacted topic to its end."""
    states: dict[str, dict[str, Any]] = {}
    async for message in topics.read_all(settings, [TOPIC]):
        if message.key is None:  # never written so (publish keys by user); nothing says whose it would be
            log.warning("entity state without a key at %s/%d@%d: skipped", TOPIC, message.partition, message.offset)
            continue
        _apply(states, keyring, message.key, message.value)
    return states


def _apply(states: dict[str, dict[str, Any]], keyring: Keyring, key: bytes, value: bytes | None) -> None:
    user = key.decode()
    if value is None:
        states.pop(user, None)
        return
    try:
        _, state = unseal(registry(), keyring, value)
    except KeyDestroyed:
        states.pop(user, None)  # forgotten; the tombstone follows
        return
    states[user] = state
