"""Partial uploads on the gateway's disk: a ``.part`` file of the bytes so far and a ``.json`` of what it is.

The file's size is the upload's offset, so whatever reached the disk before a connection dropped counts, and the
device resumes from there. In the distributed topology, route a user's uploads to one gateway (or put this folder
on a shared volume).

An upload expires ``expiry_s`` after it was created (tus's expiration extension: ``Upload-Expires``); ``sweep``
removes expired ones, which the gateway runs in the background. An expired upload leaves a small ``.gone`` note
for one more expiry period, so that its device hears "expired" (410), not "no such upload". Until it expires, an
unfinished upload holds its declared length (and one capture) against its user's quota: ``reserved``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from starlette.requests import ClientDisconnect

log = logging.getLogger("reverie.uploads")


class OffsetMismatch(ValueError):
    pass


class TooLong(ValueError):
    pass


@dataclass
class PartialUpload:
    upload_id: str
    user_id: str
    length: int
    metadata: dict[str, str] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def _plain(upload_id: str) -> bool:
    """An id as ``create`` makes them (URL-safe base64): never a path out of the folder."""
    return upload_id.replace("-", "").replace("_", "").isalnum()


class Expired(LookupError):
    def __init__(self, upload_id: str, expired_at: float) -> None:
        super().__init__(f"upload {upload_id} expired")
        self.upload_id, self.expired_at = upload_id, expired_at


class PartialUploads:
    def __init__(self, folder: Path, expiry_s: float = 24 * 3600.0) -> None:
        self.folder = folder
        self.expiry_s = expiry_s
        self._locks: dict[str, asyncio.Lock] = {}

    def expires_at(self, upload: PartialUpload) -> float:
        return upload.created_at + self.expiry_s

    def live(self, user_id: str, upload_id: str, now: float | None = None) -> PartialUpload | None:
        """``get``, but an expired upload is removed and raises Expired (the client is told, not left guessing)."""
        upload = self.get(user_id, upload_id)
        if upload is None:
            gone = self._gone(user_id, upload_id)  # swept already
            if gone is not None:
                raise Expired(upload_id, gone)
        elif self.expires_at(upload) <= (time.time() if now is None else now):
            self._bury(upload)
            raise Expired(upload_id, self.expires_at(upload))
        return upload

    def reserved(self, user_id: str, besides: str = "", now: float | None = None) -> tuple[int, int]:
        """(count, declared bytes) of the user's unfinished, unexpired uploads other than ``besides``."""
        now = time.time() if now is None else now
        count = size = 0
        for upload in self._all():
            if upload.user_id == user_id and upload.upload_id != besides and self.expires_at(upload) > now:
                count, size = count + 1, size + upload.length
        return count, size

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove every expired upload (its bytes and description) and any .part left without a description;
        an upload a request is writing to right now is left for the next sweep. The ids removed."""
        now = time.time() if now is None else now
        removed = []
        for upload in self._all():
            busy = self._locks.get(upload.upload_id)
            if self.expires_at(upload) <= now and not (busy is not None and busy.locked()):
                self._bury(upload)
                removed.append(upload.upload_id)
        if self.folder.is_dir():
            for note in self.folder.glob("*.gone"):
                try:
                    expired_at = float(json.loads(note.read_text())["expired_at"])
                except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, ValueError):
                    expired_at = 0.0
                if expired_at + self.expiry_s <= now:
                    note.unlink(missing_ok=True)
            for part in self.folder.glob("*.part"):
                orphan = not part.with_suffix(".json").exists()
                if orphan and part.stat().st_mtime + self.expiry_s <= now:
                    part.unlink(missing_ok=True)
                    removed.append(part.stem)
        return removed

    def _bury(self, upload: PartialUpload) -> None:
        note = {"user_id": upload.user_id, "expired_at": self.expires_at(upload)}
        (self.folder / f"{upload.upload_id}.gone").write_text(json.dumps(note))
        self.remove(upload)

    def _gone(self, user_id: str, upload_id: str) -> float | None:
        """When the user's upload expired, if it did lately (another user's id looks like a missing one)."""
        if not _plain(upload_id):
            return None
        try:
            note = json.loads((self.folder / f"{upload_id}.gone").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return float(note["expired_at"]) if note.get("user_id") == user_id else None

    def _all(self) -> list[PartialUpload]:
        if not self.folder.is_dir():
            return []
        found = []
        for meta in self.folder.glob("*.json"):
            try:
                found.append(PartialUpload(**json.loads(meta.read_text())))
            except (FileNotFoundError, json.JSONDecodeError, TypeError):
                continue  # removed meanwhile, or damaged: get() treats it as missing too
        return found

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        return self.folder / f"{upload_id}.json", self.folder / f"{upload_id}.part"

    def create(self, user_id: str, length: int, metadata: dict[str, str]) -> PartialUpload:
        self.folder.mkdir(parents=True, exist_ok=True)
        upload = PartialUpload(secrets.token_urlsafe(18), user_id, length, metadata)
        meta, part = self._paths(upload.upload_id)
        part.touch()
        meta.write_text(upload.to_json())
        return upload

    def get(self, user_id: str, upload_id: str) -> PartialUpload | None:
        """The upload if it exists and belongs to this user (another user's id looks like a missing one)."""
        if not _plain(upload_id):
            return None
        meta, _ = self._paths(upload_id)
        try:
            upload = PartialUpload(**json.loads(meta.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None
        return upload if upload.user_id == user_id else None

    def offset(self, upload: PartialUpload) -> int:
        return self._paths(upload.upload_id)[1].stat().st_size

    def path(self, upload: PartialUpload) -> Path:
        return self._paths(upload.upload_id)[1]

    def lock(self, upload: PartialUpload) -> asyncio.Lock:
        return self._locks.setdefault(upload.upload_id, asyncio.Lock())

    async def append(self, upload: PartialUpload, offset: int, chunks: AsyncIterator[bytes]) -> int:
        """Append a request body at ``offset``; keeps what arrived even if the client goes away. New offset."""
        part = self.path(upload)
        if part.stat().st_size != offset:
            raise OffsetMismatch(f"Upload-Offset {offset} does not match the {part.stat().st_size} bytes received")
        written = offset
        with open(part, "ab") as out:
            try:
                async for chunk in chunks:
                    if written + len(chunk) > upload.length:
                        raise TooLong(f"more bytes than the declared Upload-Length {upload.length}")
                    out.write(chunk)
                    written += len(chunk)
            except ClientDisconnect:
                pass  # the connection dropped: what reached the file stays, the device resumes from it
            finally:
                out.flush()
                os.fsync(out.fileno())
        return written

    def remove(self, upload: PartialUpload) -> None:
        for path in self._paths(upload.upload_id):
            path.unlink(missing_ok=True)
        self._locks.pop(upload.upload_id, None)


def sweep_interval(expiry_s: float) -> float:
    """How often to sweep: a quarter of the expiry (an upload outlives its expiry by at most that), at most every
    10 minutes, at least every second."""
    return max(1.0, min(600.0, expiry_s / 4))


async def sweep_forever(uploads: PartialUploads) -> None:
    """Remove expired uploads now and then, for as long as the gateway runs."""
    while True:
        try:
            removed = await asyncio.to_thread(uploads.sweep)
        except OSError as exc:  # a disk hiccup must not end the sweeping for good
            log.warning("sweeping expired uploads failed: %s", exc)
        else:
            if removed:
                log.info("removed %d expired uploads: %s", len(removed), ", ".join(removed))
        await asyncio.sleep(sweep_interval(uploads.expiry_s))
