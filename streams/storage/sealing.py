"""Crypto-shredding: every event about a user is sealed with that user's own key, so that destroying the key
erases the user's events from the append-only log (Kafka keeps the bytes; nobody can read them any more).

Sealed event: ``RVS1`` + the user id (length-prefixed) + key id (16 bytes) + nonce (12 bytes) +
AES-256-GCM(the single-object Avro bytes), with the user id as associated data, so a sealed event cannot be passed
off as another user's. Keys are the objects ``keys/<user>/<key id>`` in the blob store, never in Kafka or in a
projection (both are replayed or rebuilt; a key must be gone for good), each wrapped by a master key that is never
in the bucket (streams/storage/master_keys.py): the bucket alone opens no event. A user may have several keys — two
processes that met a new user at once each made one — and forgetting the user removes them all.

Unsealed on purpose: UserForgotten (a replay must still read it to erase) and DeadLettered (it carries the
original bytes, which stay sealed). Unsealed events written before sealing existed are still read.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.settings import Settings
from schemas.codec import DecodeError, Registry
from streams.storage.blobs import BlobStore
from streams.storage.master_keys import MasterKeys

MAGIC = b"RVS1"
KEY_ID_LEN, NONCE_LEN = 16, 12
UNSEALED = frozenset({"UserForgotten", "DeadLettered"})
# Another process's destruction of a key is seen within this (embedded mode: at once, same process)
KEY_CACHE_S = 60.0


class KeyDestroyed(LookupError):
    """The event was sealed with a key that no longer exists: its user was forgotten. Unreadable for ever."""


class SealError(ValueError):
    """The sealed bytes are damaged or were altered: they do not open with the key they name."""


class KeyBlobs(Protocol):
    def put_bytes(self, key: str, data: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...
    def names(self, prefix: str) -> list[str]: ...
    def remove_prefix(self, prefix: str) -> int: ...


def is_sealed(value: bytes) -> bool:
    return value[: len(MAGIC)] == MAGIC


def encode(registry: Registry, keyring: Keyring, event_name: str, event: dict[str, Any]) -> bytes:
    """The event's bytes on the wire: single-object Avro, sealed with its user's key."""
    plain = registry.encode(event_name, event)
    return plain if event_name in UNSEALED else keyring.seal(event["user_id"], plain)


def decode(registry: Registry, keyring: Keyring, value: bytes) -> tuple[str, dict[str, Any]]:
    """Event name and record of a message, sealed or not. Raises KeyDestroyed for a forgotten user's events."""
    if not is_sealed(value):
        return registry.decode(value)
    user_id, plain = keyring.open(value)
    name, record = registry.decode(plain)
    if record.get("user_id") != user_id:
        raise DecodeError(f"a {name} sealed for user {user_id} names another user")
    return name, record


def keyring(settings: Settings) -> Keyring:
    """The keyring of these settings: user keys in their bucket, wrapped by their master keys."""
    return Keyring(BlobStore(settings), MasterKeys.of(settings))


def _prefix(user_id: str) -> str:
    return f"keys/{user_id}/"


class Keyring:
    """Per-user AES keys in the blob store, wrapped by the master keys, cached (unwrapped) in this process."""

    def __init__(self, blobs: KeyBlobs, masters: MasterKeys) -> None:
        self.blobs = blobs
        self.masters = masters
        self._lock = threading.Lock()
        self._current: dict[str, tuple[float, bytes]] = {}  # user → (when looked up, key id)
        self._keys: dict[tuple[str, bytes], tuple[float, AESGCM | None]] = {}  # None: known to be destroyed

    def seal(self, user_id: str, plain: bytes) -> bytes:
        kid = self._current_key(user_id)
        aead = self._key(user_id, kid)
        if aead is None:  # destroyed since we looked: the user was forgotten; start afresh
            self._current.pop(user_id, None)
            kid = self._current_key(user_id)
            aead = self._key(user_id, kid)
            assert aead is not None
        user = user_id.encode()
        nonce = os.urandom(NONCE_LEN)
        head = MAGIC + len(user).to_bytes(2, "big") + user + kid + nonce
        return head + aead.encrypt(nonce, plain, user)

    def open(self, value: bytes) -> tuple[str, bytes]:
        """The user id and the plain bytes of a sealed event."""
        at = len(MAGIC)
        size = int.from_bytes(value[at : at + 2], "big")
        user = value[at + 2 : at + 2 + size]
        at += 2 + size
        kid, nonce = value[at : at + KEY_ID_LEN], value[at + KEY_ID_LEN : at + KEY_ID_LEN + NONCE_LEN]
        user_id = user.decode("utf-8", "replace")
        aead = self._key(user_id, kid)
        if aead is None:
            raise KeyDestroyed(f"the key of this event of user {user_id} was destroyed (the user was forgotten)")
        try:
            return user_id, aead.decrypt(nonce, value[at + KEY_ID_LEN + NONCE_LEN :], user)
        except InvalidTag as exc:
            raise SealError("a sealed event does not open: damaged or altered") from exc

    def destroy(self, user_id: str) -> int:
        """Remove every key of the user: each event ever sealed for them becomes unreadable. Returns how many."""
        removed = self.blobs.remove_prefix(_prefix(user_id))
        with self._lock:
            self._current.pop(user_id, None)
            for entry in [k for k in self._keys if k[0] == user_id]:
                self._keys[entry] = (time.monotonic(), None)
        return removed

    def _current_key(self, user_id: str) -> bytes:
        with self._lock:
            entry = self._current.get(user_id)
        if entry is not None and time.monotonic() - entry[0] < KEY_CACHE_S:
            return entry[1]
        names = self.blobs.names(_prefix(user_id))
        if not names:
            kid = os.urandom(KEY_ID_LEN)
            wrapped = self.masters.wrap(user_id, kid, AESGCM.generate_key(256))
            self.blobs.put_bytes(_prefix(user_id) + kid.hex(), wrapped)
            # Another process may have made one at the same moment: both keep the first by name.
            names = self.blobs.names(_prefix(user_id))
        kid = bytes.fromhex(names[0].rsplit("/", 1)[1])
        with self._lock:
            self._current[user_id] = (time.monotonic(), kid)
        return kid

    def _key(self, user_id: str, kid: bytes) -> AESGCM | None:
        with self._lock:
            entry = self._keys.get((user_id, kid))
        if entry is not None and time.monotonic() - entry[0] < KEY_CACHE_S:
            return entry[1]
        name = _prefix(user_id) + kid.hex()
        found = name in self.blobs.names(_prefix(user_id))
        aead = AESGCM(self.masters.unwrap(user_id, kid, self.blobs.read(name))) if found else None
        with self._lock:
            if len(self._keys) > 100_000:
                self._keys.clear()
            self._keys[(user_id, kid)] = (time.monotonic(), aead)
        return aead

    def rewrap(self) -> tuple[int, int]:
        """Wrap every stored user key under the current master key (rotation; also wraps keys stored before
        wrapping existed). No event changes. Returns (keys rewrapped, keys already current)."""
        done = current = 0
        for name in self.blobs.names("keys/"):
            user_id, _, kid_hex = name.removeprefix("keys/").rpartition("/")
            blob = self.blobs.read(name)
            if self.masters.wrapped_by_current(blob):
                current += 1
                continue
            kid = bytes.fromhex(kid_hex)
            self.blobs.put_bytes(name, self.masters.wrap(user_id, kid, self.masters.unwrap(user_id, kid, blob)))
            done += 1
        return done, current
