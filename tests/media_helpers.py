"""Small real clips for unit tests, made with the same encoder as the sample album."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np

from infra.album import encode_clip, photo
from streams.geo.gazetteer import format_iso6709


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


def photo_with_exif(
    path: Path,
    lat: float | None = None,
    lon: float | None = None,
    when: str | None = None,
    orientation: int = 1,
    image: str = "coffee",
) -> Path:
    """A JPEG as a phone writes it: EXIF DateTimeOriginal with its offset, GPS in degrees/minutes/seconds."""
    from PIL import Image

    img = Image.fromarray(photo(image))
    exif = img.getexif()
    exif[0x0112] = orientation
    if when is not None:
        details = exif.get_ifd(0x8769)
        details[0x9003] = when  # "2025:06:12 11:15:00"
        details[0x9011] = "+02:00"
    if lat is not None and lon is not None:

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            d, rest = int(value), (value - int(value)) * 60
            return (float(d), float(int(rest)), round((rest - int(rest)) * 60, 4))

        gps = exif.get_ifd(0x8825)
        gps.update({1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)})
    img.save(path, "JPEG", exif=exif, quality=90)
    return path


def rotated_clip(path: Path, degrees: int, upright: np.ndarray | None = None) -> Path:
    """A short clip whose display matrix says: turn me ``degrees`` counter-clockwise (a phone held upright).
    With ``upright`` (an RGB picture), the stored frames are that picture turned the other way, as a sensor
    records it, so that only a player (or enricher) that honours the matrix sees it upright."""
    stored = None if upright is None else np.ascontiguousarray(np.rot90(upright, k=-degrees // 90))
    height, width = (180, 320) if stored is None else stored.shape[:2]
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=30, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.set_display_rotation(degrees)
        for i in range(30):
            picture = np.full((180, 320, 3), i * 8, np.uint8) if stored is None else stored
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
    return path


def playlist_frames(text: str, fetch: Callable[[str, int, int], bytes], folder: Path) -> int:
    """The video frames a player decodes from an HLS fMP4 playlist with byte ranges: each run between
    discontinuities is its init (EXT-X-MAP) and its segments, decoded as one file. ``fetch(uri, offset, size)``
    reads a range of whatever the playlist names."""
    from infra.demo import verify_mp4  # noqa: PLC0415

    runs: list[bytearray] = []
    byterange: tuple[int, int] | None = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP:"):
            uri, size, offset = re.fullmatch(r'#EXT-X-MAP:URI="([^"]+)",BYTERANGE="(\d+)@(\d+)"', line).groups()  # type: ignore[union-attr]
            runs.append(bytearray(fetch(uri, int(offset), int(size))))
        elif line.startswith("#EXT-X-BYTERANGE:"):
            size, offset = line.split(":", 1)[1].split("@")
            byterange = (int(offset), int(size))
        elif line and not line.startswith("#"):
            assert byterange is not None, "every segment of the playlist is a byte range"
            runs[-1] += fetch(line, *byterange)
            byterange = None
    frames = 0
    for n, run in enumerate(runs):
        path = folder / f"run-{n}.mp4"
        path.write_bytes(bytes(run))
        frames += verify_mp4(path)
    return frames
