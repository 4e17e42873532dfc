"""Reading ISO BMFF (MP4) boxes from their headers: what the faststart upload and the byte-range playlist need to
know about a file's layout without a demuxer."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

Box = tuple[bytes, int, int, int]  # type, offset, header size, size


class BoxError(ValueError):
    """The bytes are not laid out as MP4 boxes."""


def header(data: bytes, at: int, end: int) -> Box:
    """The box starting at ``data[at]``, in a parent that ends at ``end``."""
    size, kind = struct.unpack_from(">I4s", data, at)
    length = 8
    if size == 1:
        if at + 16 > min(end, len(data)):
            raise BoxError(f"the {kind!r} box at byte {at} is cut short in its 64-bit size")
        (size,) = struct.unpack_from(">Q", data, at + 8)
        length = 16
    elif size == 0:
        size = end - at
    if size < length:
        raise BoxError(f"a malformed {kind!r} box at byte {at}")
    return kind, at, length, size


def children(data: bytes, start: int, end: int) -> Iterator[Box]:
    """The boxes one after the other in ``data[start:end]``."""
    at = start
    while at + 8 <= end:
        box = header(data, at, end)
        if at + box[3] > end:
            raise BoxError(f"the {box[0]!r} box at byte {at} runs past its parent")
        yield box
        at += box[3]


def child(data: bytes, parent: Box, kind: bytes) -> Box | None:
    """The first box of type ``kind`` directly inside ``parent``."""
    return next((box for box in children(data, parent[1] + parent[2], parent[1] + parent[3]) if box[0] == kind), None)


def top_level(file: BinaryIO) -> list[Box]:
    """The file's top-level boxes, read from their headers alone."""
    found, at = [], 0
    length = file.seek(0, os.SEEK_END)
    while at + 8 <= length:
        file.seek(at)
        box = header(file.read(16).ljust(16, b"\0"), 0, length - at)
        found.append((box[0], at, box[2], box[3]))
        at += box[3]
    return found
