"""An MP4 sent to S3 while the muxer writes it, arriving there with its index (the moov box) ahead of the media.

FFmpeg's ``+faststart`` writes the whole file with the moov at the end, then rewrites it with the moov moved to the
front: an upload can only start after both, and for a 2-minute 1080p memory (~90 MB) that upload took 0.5–1.4 s
after the render. Here the muxer writes the moov at the end as usual, while a thread sends the media to S3 in
multipart parts as soon as they are written, holding back the file's first part (its ``mdat`` header is patched
last). At the end the moov, its chunk offsets moved by its own size, goes into that first part right after the
``ftyp`` box, where FFmpeg's faststart puts it, and S3 joins the parts: the object is the file ``+faststart``
would have written, byte for byte.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from streams.storage.blobs import BlobStore, MultipartUpload
from streams.video.boxes import BoxError, children, top_level

PART = 8 << 20  # S3 wants every part but the last to be at least 5 MiB
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}  # the path from moov down to the chunk offset tables


class FaststartError(BoxError):
    """The written file is not laid out as ftyp … moov, so its moov cannot be moved ahead."""


def _tables(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, list[int]]]:
    """(type, offset, entries) of every chunk offset table under the boxes in ``data[start:end]``."""
    for kind, at, header, size in children(data, start, end):
        if kind in CONTAINERS:
            yield from _tables(data, at + header, at + size)
        elif kind in (b"stco", b"co64"):
            yield kind, at, _entries(data, kind, at + header)


def _entries(data: bytes, kind: bytes, body: int) -> list[int]:
    """The chunk offsets of the stco or co64 table whose body (version and flags first) starts at ``body``."""
    (count,) = struct.unpack_from(">I", data, body + 4)
    return list(struct.unpack_from(f">{count}{'Q' if kind == b'co64' else 'I'}", data, body + 8))


def moov_ahead(moov: bytes) -> bytes:
    """The moov box to place before the media: every chunk offset moved by the moov's own size (32-bit tables
    become 64-bit if the moved offsets no longer fit, which makes the moov, and so the move, longer)."""
    tables = list(_tables(moov, 0, len(moov)))
    narrow = sum(len(entries) for kind, _, entries in tables if kind == b"stco")
    largest = max((max(entries, default=0) for _, _, entries in tables), default=0)
    wide = largest + len(moov) + 4 * narrow >= 1 << 32
    return _rewrite(moov, 0, len(moov), len(moov) + (4 * narrow if wide else 0), wide)


def _rewrite(data: bytes, start: int, end: int, shift: int, wide: bool) -> bytes:
    out = bytearray()
    for kind, at, header, size in children(data, start, end):
        if kind in CONTAINERS:
            out += _box(kind, _rewrite(data, at + header, at + size, shift, wide))
        elif kind in (b"stco", b"co64"):
            offsets = [o + shift for o in _entries(data, kind, at + header)]
            target = "Q" if wide or kind == b"co64" else "I"
            version_flags = data[at + header : at + header + 4]
            table = version_flags + struct.pack(f">I{len(offsets)}{target}", len(offsets), *offsets)
            out += _box(b"co64" if target == "Q" else b"stco", table)
        else:
            out += data[at : at + size]
    return bytes(out)


def _box(kind: bytes, body: bytes) -> bytes:
    if 8 + len(body) < 1 << 32:
        return struct.pack(">I4s", 8 + len(body), kind) + body
    return struct.pack(">I4sQ", 1, kind, 16 + len(body)) + body


class Upload:
    """Follows an MP4 the muxer is writing at ``path`` (moov last) into the object ``key``, moov first."""

    def __init__(
        self, blobs: BlobStore, key: str, path: Path, content_type: str = "video/mp4", part: int = PART
    ) -> None:
        self.blobs, self.key, self.path, self.content_type, self.part = blobs, key, path, content_type, part
        self.multipart: MultipartUpload | None = None
        self.sent_to = part  # parts 2, 3, … hold [part, sent_to) of the file; part 1 is sent last
        self.file: BinaryIO | None = None
        self.queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mp4-upload")
        self.pending: list[Future[None]] = []

    def grow(self) -> None:
        """Send what the muxer has written so far, on the upload's own thread. Called before the muxer writes its
        moov: the size seen now bounds what is sent, so the moov never slips into a media part."""
        if self.file is None:
            if not self.path.exists():
                return
            self.file = self.path.open("rb")  # held open: the finished file is renamed into place
        written = os.fstat(self.file.fileno()).st_size
        self.pending.append(self.queue.submit(self._send_parts, written))

    def _send_parts(self, written: int) -> None:
        while self.sent_to + self.part <= written:
            self._send(self.sent_to, self.part)

    def _send(self, start: int, length: int) -> None:
        assert self.file is not None
        if self.multipart is None:
            self.multipart = self.blobs.begin_multipart(self.key, self.content_type)
        self.file.seek(start)
        self.multipart.send(1 + start // self.part, self.file.read(length))
        self.sent_to = start + length

    def finish(self, final: Path) -> int:
        """Send the rest and the moov-first head, and join the parts into the object; returns its size."""
        try:
            self.queue.shutdown(wait=True)
            for done in self.pending:
                done.result()
            if self.file is None:
                self.file = final.open("rb")
            return self._close_up(self.file)
        except BaseException:
            self.abort()
            raise
        finally:
            if self.file is not None:
                self.file.close()

    def _close_up(self, file: BinaryIO) -> int:
        boxes = top_level(file)
        kinds = [box[0] for box in boxes]
        if not kinds or kinds[0] != b"ftyp" or kinds[-1] != b"moov" or kinds.count(b"moov") != 1:
            raise FaststartError(f"{self.path.name} is laid out as {kinds}, not ftyp … moov")
        if any(kind == b"mdat" and at + header > self.part for kind, at, header, _ in boxes):
            raise FaststartError("the mdat header, patched last by the muxer, is not in the held-back first part")
        ftyp_end = boxes[0][1] + boxes[0][3]
        moov_at, moov_size = boxes[-1][1], boxes[-1][3]
        if moov_at > self.sent_to:
            self._send(self.sent_to, moov_at - self.sent_to)  # the last media part may be short
        file.seek(moov_at)
        moov = moov_ahead(file.read(moov_size))
        file.seek(0)
        head = file.read(min(self.part, moov_at))
        first = head[:ftyp_end] + moov + head[ftyp_end:]
        if self.multipart is None:  # small enough for one request
            self.blobs.put_bytes(self.key, first, self.content_type)
        else:
            self.multipart.send(1, first)
            self.multipart.complete()
        return moov_at + len(moov)

    def abort(self) -> None:
        """Drop what was sent: a failed render leaves no object, and no parts behind."""
        self.queue.shutdown(wait=True, cancel_futures=True)
        if self.file is not None:
            self.file.close()
        if self.multipart is not None:
            self.multipart.abort()
            self.multipart = None
