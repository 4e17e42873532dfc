"""Per-user keys in the real S3 server (SeaweedFS): sealing, opening, and what destroying a key does."""

from __future__ import annotations

import pytest

from core.settings import Settings
from schemas.codec import DecodeError, registry
from schemas.envelope import new_event
from streams.storage import sealing
from streams.storage.blobs import BlobStore
from streams.storage.sealing import KeyDestroyed, Keyring, SealError


@pytest.fixture
def keys(settings: Settings) -> Keyring:
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    return Keyring(blobs)


def placed(user: str) -> dict:
    return new_event(user, place="Paris", memory_id="m1", text="my wife and me in Paris", target_seconds=None)


def test_events_are_sealed_per_user_and_open_again(keys: Keyring):
    event = placed("alice")
    value = sealing.encode(registry(), keys, "MemoryRequested", event)
    assert sealing.is_sealed(value) and b"Paris" not in value
    name, record = sealing.decode(registry(), keys, value)
    assert name == "MemoryRequested" and record["text"] == event["text"]
    # a fresh process (empty cache) opens it with the key from S3
    assert sealing.decode(registry(), Keyring(keys.blobs), value)[1]["event_id"] == event["event_id"]
    # unsealed events written before sealing existed are still read
    plain = registry().encode("MemoryRequested", event)
    assert sealing.decode(registry(), keys, plain)[1]["text"] == event["text"]


def test_forgetting_destroys_the_key_and_every_event_it_sealed(keys: Keyring):
    alice = [sealing.encode(registry(), keys, "MemoryRequested", placed("alice")) for _ in range(3)]
    bob = sealing.encode(registry(), keys, "MemoryRequested", placed("bob"))
    assert keys.destroy("alice") == 1
    assert keys.blobs.names("keys/alice/") == []
    for value in alice:
        with pytest.raises(KeyDestroyed):
            sealing.decode(registry(), keys, value)
        with pytest.raises(KeyDestroyed):  # in another process too
            sealing.decode(registry(), Keyring(keys.blobs), value)
    assert sealing.decode(registry(), keys, bob)[1]["user_id"] == "bob"
    # the same user id starting afresh gets a new key; the old events stay unreadable
    again = sealing.encode(registry(), keys, "MemoryRequested", placed("alice"))
    assert sealing.decode(registry(), keys, again)[1]["user_id"] == "alice"
    with pytest.raises(KeyDestroyed):
        sealing.decode(registry(), keys, alice[0])


def test_forgotten_is_not_sealed_so_a_replay_can_still_erase(keys: Keyring):
    event = new_event("alice", capture_ids=["c1"])
    value = sealing.encode(registry(), keys, "UserForgotten", event)
    assert not sealing.is_sealed(value) and keys.blobs.names("keys/alice/") == []


def test_altered_or_misattributed_events_are_refused(keys: Keyring):
    value = bytearray(sealing.encode(registry(), keys, "MemoryRequested", placed("alice")))
    value[-1] ^= 1
    with pytest.raises(SealError):
        sealing.decode(registry(), keys, bytes(value))
    # bob's event relabelled as alice's: the user id is authenticated data, so it does not open
    bob = sealing.encode(registry(), keys, "MemoryRequested", placed("bob"))
    sealing.encode(registry(), keys, "MemoryRequested", placed("bib"))
    forged = bob.replace(b"bob", b"bib", 1)
    with pytest.raises((SealError, KeyDestroyed)):
        sealing.decode(registry(), keys, forged)
    # a record naming another user than the one it is sealed for
    inside = keys.seal("alice", registry().encode("MemoryRequested", placed("bob")))
    with pytest.raises(DecodeError, match="names another user"):
        sealing.decode(registry(), keys, inside)
