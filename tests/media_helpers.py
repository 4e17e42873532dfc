"""Small real clips for unit tests, made with the same encoder as the sample album."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from infra.album import encode_clip, photo
from streams.places import format_iso6709


def small_clip(
    path: Path,
    seconds: int = 3,
    width: int = 320,
    height: int = 180,
    lat: float | None = None,
    lon: float | None = None,
    when: str | None = None,
    image: str = "astronaut",
    gop: int = 30,
) -> Path:
    metadata = {}
    if when is not None:
        metadata["creation_time"] = when
    if lat is not None and lon is not None:
        metadata["location"] = format_iso6709(lat, lon)
    encode_clip(path, photo(image), metadata, width, height, seconds, gop=gop)
    return path


def audio_only(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=44100, layout="stereo")
        for _ in range(20):
            frame = av.AudioFrame.from_ndarray(np.zeros((2, 1024), np.float32), format="fltp", layout="stereo")
            frame.sample_rate = 44100
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def decoded_pts(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [f.pts for f in container.decode(container.streams.video[0])]


def damaged(data: bytes, kind: str, where: float, flips: list[int]) -> bytes:
    """A real clip spoiled the ways uploads get spoiled: cut short, bytes flipped, or replaced by noise."""
    if kind == "truncated":
        return data[: int(len(data) * where)]
    if kind == "flipped":
        spoiled = bytearray(data)
        for position in flips:
            spoiled[position % len(spoiled)] ^= 0xFF
        return bytes(spoiled)
    return bytes(flips[i % len(flips)] % 256 for i in range(int(where * 4000))) if flips else b""
