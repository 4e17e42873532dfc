"""Partial uploads on the gateway's disk: a ``.part`` file of the bytes so far and a ``.json`` of what it is.

The file's size is the upload's offset, so whatever reached the disk before a connection dropped counts, and the
device resumes from there. In the distributed topology, route a user's uploads to one gateway (or put this folder
on a shared volume).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from starlette.requests import ClientDisconnect


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


class PartialUploads:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._locks: dict[str, asyncio.Lock] = {}

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
        if not upload_id.replace("-", "").replace("_", "").isalnum():
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
