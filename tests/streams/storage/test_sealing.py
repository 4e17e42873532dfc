"""Per-user keys in the real S3 server (SeaweedFS): sealing, opening, and what destroying a key does."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.settings import Settings
from schemas.codec import DecodeError, registry
from schemas.envelope import new_event
from streams.storage import sealing
from streams.storage.blobs import BlobStore
from streams.storage.master_keys import MasterKeyError, MasterKeys, is_wrapped, new_key_line
from streams.storage.sealing import KeyDestroyed, Keyring, SealError


@pytest.fixture
def keys(settings: Settings) -> Keyring:
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    return Keyring(blobs, MasterKeys.of(settings))


def placed(user: str) -> dict:
    return new_event(user, place="Paris", memory_id="m1", text="my wife and me in Paris", target_seconds=None)


def test_events_are_sealed_per_user_and_open_again(keys: Keyring):
    event = placed("alice")
    value = sealing.encode(registry(), keys, "MemoryRequested", event)
    assert sealing.is_sealed(value) and b"Paris" not in value
    name, record = sealing.decode(registry(), keys, value)
    assert name == "MemoryRequested" and record["text"] == event["text"]
    # a fresh process (empty cache) opens it with the key from S3
    assert sealing.decode(registry(), Keyring(keys.blobs, keys.masters), value)[1]["event_id"] == event["event_id"]
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
            sealing.decode(registry(), Keyring(keys.blobs, keys.masters), value)
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


def _opens_with(value: bytes, aes_key: bytes) -> bool:
    """Whether ``aes_key`` opens a sealed event as the keyring would (the layout of streams/storage/sealing.py)."""
    at = len(sealing.MAGIC)
    size = int.from_bytes(value[at : at + 2], "big")
    user, at = value[at + 2 : at + 2 + size], at + 2 + size
    nonce = value[at + sealing.KEY_ID_LEN : at + sealing.KEY_ID_LEN + sealing.NONCE_LEN]
    try:
        AESGCM(aes_key).decrypt(nonce, value[at + sealing.KEY_ID_LEN + sealing.NONCE_LEN :], user)
    except (InvalidTag, ValueError):
        return False
    return True


def test_the_buckets_contents_alone_open_no_event(keys: Keyring, settings: Settings):
    values = [sealing.encode(registry(), keys, "MemoryRequested", placed(user)) for user in ("alice", "bob")]
    stored = [keys.blobs.read(name) for name in keys.blobs.names("keys/alice/") + keys.blobs.names("keys/bob/")]
    assert len(stored) == 2 and all(is_wrapped(blob) for blob in stored)
    # no 32 bytes anywhere in a stored key blob open either event (a raw key stored in plain would)
    for blob in stored:
        for start in range(len(blob) - 31):
            assert not any(_opens_with(value, blob[start : start + 32]) for value in values)
    # the right master key opens them; a keyring with another master key (a copy of the bucket elsewhere) does not
    assert sealing.decode(registry(), Keyring(keys.blobs, MasterKeys.of(settings)), values[0])[0] == "MemoryRequested"
    stranger = Keyring(keys.blobs, MasterKeys.parse(new_key_line("elsewhere")))
    with pytest.raises(MasterKeyError, match="master key"):
        sealing.decode(registry(), stranger, values[0])


def test_the_check_above_would_see_a_key_stored_in_plain(keys: Keyring):
    """The bucket check can fail: a user key stored raw (as before wrapping existed) opens the user's events."""
    value = sealing.encode(registry(), keys, "MemoryRequested", placed("carol"))
    [name] = keys.blobs.names("keys/carol/")
    kid = bytes.fromhex(name.rsplit("/", 1)[1])
    raw = keys.masters.unwrap("carol", kid, keys.blobs.read(name))
    assert _opens_with(value, raw)


def test_a_new_master_key_rewraps_every_user_key_without_touching_an_event(keys: Keyring, settings: Settings):
    before = [sealing.encode(registry(), keys, "MemoryRequested", placed(user)) for user in ("dan", "erin")]
    # a key stored before wrapping existed is read, and wrapped by the rotation too
    legacy_kid, legacy_key = bytes(16), AESGCM.generate_key(256)
    keys.blobs.put_bytes(f"keys/frank/{legacy_kid.hex()}", legacy_key)
    legacy_event = sealing.encode(registry(), Keyring(keys.blobs, keys.masters), "MemoryRequested", placed("frank"))
    new = MasterKeys.parse(new_key_line("next") + "," + settings.data_dir.joinpath("master.key").read_text())
    rotated = Keyring(keys.blobs, new)
    done, current = rotated.rewrap()
    assert done >= 3 and current == 0
    assert rotated.rewrap() == (0, done)  # a second run finds every key current
    only_new = Keyring(keys.blobs, MasterKeys([("next", new.keys["next"])]))  # the old master key dropped
    for value in [*before, legacy_event]:
        assert sealing.decode(registry(), only_new, value)[0] == "MemoryRequested"
    with pytest.raises(MasterKeyError, match="which these settings do not hold"):
        sealing.decode(registry(), Keyring(keys.blobs, MasterKeys.of(settings)), before[0])
    # forgetting a user still makes every one of their events unreadable after the rotation
    only_new.destroy("dan")
    with pytest.raises(KeyDestroyed):
        sealing.decode(registry(), only_new, before[0])
