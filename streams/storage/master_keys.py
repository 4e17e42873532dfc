"""Key-encryption keys: each user's event key is stored wrapped by a master key that never enters the bucket.

Without them, whoever could read the bucket (a leaked S3 credential, a backup) could read every event of every user:
the per-user keys lay beside the media in plain. Now a key blob is ``RVK1`` + the master key's id (length-prefixed)
+ nonce (12 bytes) + AES-256-GCM(the user's key), with ``<user>/<key id>`` as associated data, so a wrapped key
cannot be moved to another user or key id.

Master keys come from the settings: ``REVERIE_MASTER_KEYS`` ("id:base64 of 32 bytes", comma-separated; the first
wraps, every one unwraps), else the file ``REVERIE_MASTER_KEY_FILE`` (same format), else ``<data dir>/master.key``,
made on first use with a fresh random key (embedded topology: one machine, one file, never in the bucket). Rotation:
put a new key first, run ``reverie keys rewrap`` (each user key is unwrapped and wrapped again under the new one;
no event is touched), then drop the old key.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.settings import Settings

log = logging.getLogger("reverie.keys")

MAGIC = b"RVK1"
NONCE_LEN = 12
KEY_BYTES = 32  # AES-256: a master key is exactly this long, so a typo cannot weaken it
LEGACY_KEY_BYTES = 32  # a user key stored before wrapping existed: the raw AES-256 key


class MasterKeyError(ValueError):
    """The master keys are missing, malformed, or none of them opens a wrapped key."""


class MasterKeys:
    """Master keys by id, in order: the first wraps, every one unwraps."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise MasterKeyError("no master key")
        for kid, key in keys:
            if not kid or ":" in kid or "," in kid or len(kid.encode()) > 255:
                raise MasterKeyError(f"master key id {kid!r}: 1–255 bytes, no ':' or ','")
            if len(key) != KEY_BYTES:
                raise MasterKeyError(f"master key {kid!r} is {len(key)} bytes; it must be {KEY_BYTES}")
        self.keys = dict(keys)
        self.current = keys[0][0]

    @classmethod
    def parse(cls, spec: str) -> MasterKeys:
        """ "id:base64,id:base64" (standard or URL-safe base64 of 32 random bytes)."""
        pairs = []
        for item in filter(None, (part.strip() for part in spec.split(","))):
            kid, sep, encoded = item.partition(":")
            if not sep:
                raise MasterKeyError(f"master key {item[:8]}…: expected id:base64")
            try:
                key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=False)
            except ValueError as exc:
                raise MasterKeyError(f"master key {kid!r} is not base64") from exc
            pairs.append((kid.strip(), key))
        return cls(pairs)

    @classmethod
    def of(cls, settings: Settings) -> MasterKeys:
        if settings.master_keys:
            return cls.parse(settings.master_keys)
        path = Path(settings.master_key_file) if settings.master_key_file else settings.data_dir / "master.key"
        if not path.exists() and not settings.master_key_file:
            _create(path)
        try:
            return cls.parse(path.read_text())
        except OSError as exc:
            raise MasterKeyError(f"cannot read the master key file {path}: {exc}") from exc

    def wrap(self, user_id: str, key_id: bytes, user_key: bytes) -> bytes:
        kid = self.current.encode()
        nonce = os.urandom(NONCE_LEN)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, user_key, _context(user_id, key_id))
        return MAGIC + len(kid).to_bytes(1, "big") + kid + nonce + sealed

    def unwrap(self, user_id: str, key_id: bytes, blob: bytes) -> bytes:
        """The user's key out of its stored blob (a key stored before wrapping is returned as it is)."""
        if not is_wrapped(blob):
            if len(blob) == LEGACY_KEY_BYTES:
                return blob
            raise MasterKeyError(f"the key blob of user {user_id} is neither wrapped nor a key")
        kid, nonce, sealed = _parts(blob)
        if kid not in self.keys:
            raise MasterKeyError(
                f"the key of user {user_id} is wrapped by master key {kid!r}, which these settings do not hold "
                "(REVERIE_MASTER_KEYS or the master key file)"
            )
        try:
            return AESGCM(self.keys[kid]).decrypt(nonce, sealed, _context(user_id, key_id))
        except InvalidTag as exc:
            raise MasterKeyError(f"the wrapped key of user {user_id} does not open: damaged or moved") from exc

    def wrapped_by_current(self, blob: bytes) -> bool:
        return is_wrapped(blob) and _parts(blob)[0] == self.current


def is_wrapped(blob: bytes) -> bool:
    return blob[: len(MAGIC)] == MAGIC


def new_key_line(kid: str | None = None) -> str:
    """A fresh master key as one "id:base64" entry, e.g. for REVERIE_MASTER_KEYS."""
    kid = kid or "mk-" + datetime.now(UTC).strftime("%Y%m%d") + "-" + secrets.token_hex(3)
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _parts(blob: bytes) -> tuple[str, bytes, bytes]:
    size = blob[len(MAGIC)]
    at = len(MAGIC) + 1
    kid = blob[at : at + size].decode("utf-8", "replace")
    return kid, blob[at + size : at + size + NONCE_LEN], blob[at + size + NONCE_LEN :]


def _context(user_id: str, key_id: bytes) -> bytes:
    return f"{user_id}/{key_id.hex()}".encode()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole aside, then linked into place (link fails if the name exists): two processes starting together
    # end with one file, and neither ever reads it half written.
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(new_key_line() + "\n")
    try:
        os.link(part, path)
    except FileExistsError:
        return
    finally:
        part.unlink()
    log.warning("made a master key in %s: it opens every user's event key; back it up apart from the bucket", path)
