"""Reading clips with PyAV: streams, keyframes, capture time and place, and a small visual signature.

Everything here blocks on decoding: call it from a worker thread, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np

from streams.geo.gazetteer import parse_iso6709

SIGNATURE_MODEL = "rgb-histogram-4x4x4/1"
SIGNATURE_SIZE = 64

# Keys that phones and cameras use for the capture place (ISO 6709) in MP4/MOV metadata.
LOCATION_KEYS = ("location", "location-eng", "com.apple.quicktime.location.ISO6709", "com.android.location")
TIME_KEYS = ("creation_time", "com.apple.quicktime.creationdate", "date")


class MediaError(ValueError):
    """The file is not a clip Reverie can use; the message is the reason given to the user."""


@dataclass
class Probe:
    duration_s: float
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    keyframes: list[float]
    captured_at: datetime | None
    location: tuple[float, float] | None
    signature: list[float] = field(default_factory=list)
    kind: str = "video"
    rotation: int = 0  # counter-clockwise degrees to turn the picture for display


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 capture time as cameras write it ("2025-06-12T10:00:00.000000Z"), always in UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # 1970 is what a camera writes when its clock was never set.
    return value.astimezone(UTC) if value.year > 1970 else None


def _first(metadata: dict[str, str], keys: tuple[str, ...], parse):  # type: ignore[no-untyped-def]
    for key in keys:
        if key in metadata and (value := parse(metadata[key])) is not None:
            return value
    return None


def probe(path: Path) -> Probe:
    """Read a clip's facts; raise MediaError with a reason if it is not a usable video."""
    try:
        return _probe(path)
    except MediaError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged files reach FFmpeg's corners; every one is a refusal
        raise MediaError(f"the file cannot be read ({exc.__class__.__name__}: {exc})") from exc


def _probe(path: Path) -> Probe:
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError(f"not a readable media file ({exc.__class__.__name__})") from exc
    with container:
        if not container.streams.video:
            raise MediaError("the file has no video stream")
        video = container.streams.video[0]
        if video.codec_context is None:
            raise MediaError("the video stream has no codec FFmpeg can decode")
        if video.codec_context.name not in ("h264", "hevc"):
            raise MediaError(f"video codec {video.codec_context.name!r} is not supported (H.264 or HEVC)")
        metadata = {**video.metadata, **container.metadata}
        audio = container.streams.audio[0] if container.streams.audio else None
        keyframes, last_end = _scan_packets(container, video)
        if not keyframes or last_end <= 0:
            raise MediaError("the video stream has no frames")
        declared = (container.duration or 0) / 1_000_000
        if declared > 0 and last_end < declared * 0.9 - 0.1:
            raise MediaError(f"the file is truncated: {last_end:.2f}s of video of {declared:.2f}s declared")
        signature, rotation = _first_frame(container, video)
        fps = float(video.average_rate) if video.average_rate else 0.0
        return Probe(
            duration_s=round(last_end, 3),
            width=video.codec_context.width,
            height=video.codec_context.height,
            fps=round(fps, 3),
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name if audio is not None else None,
            keyframes=keyframes,
            captured_at=_first(metadata, TIME_KEYS, parse_time),
            location=_first(metadata, LOCATION_KEYS, parse_iso6709),
            signature=signature,
            rotation=rotation,
        )


def _scan_packets(container: av.container.InputContainer, video: av.VideoStream) -> tuple[list[float], float]:
    """Keyframe times and the video's end time from the packet index alone (no decoding)."""
    keyframes: list[float] = []
    end = 0.0
    tb = float(video.time_base or 0)
    try:
        for packet in container.demux(video):
            if packet.pts is None:
                continue
            start = packet.pts * tb
            end = max(end, start + (packet.duration or 0) * tb)
            if packet.is_keyframe:
                keyframes.append(round(start, 6))
    except av.error.FFmpegError as exc:
        raise MediaError(f"the video stream is damaged ({exc.__class__.__name__})") from exc
    return sorted(keyframes), end


def signature_of(rgb: np.ndarray) -> list[float]:
    """A 4×4×4 RGB colour histogram: cheap, and enough to tell scenes apart."""
    bins = (rgb // 64).reshape(-1, 3).astype(np.int64)
    hist = np.bincount(bins[:, 0] * 16 + bins[:, 1] * 4 + bins[:, 2], minlength=SIGNATURE_SIZE)
    vec = hist.astype(np.float64)
    return [float(x) for x in vec / (np.linalg.norm(vec) or 1.0)]


def _first_frame(container: av.container.InputContainer, video: av.VideoStream) -> tuple[list[float], int]:
    """The signature and display rotation (from the display matrix, as phones write it) of the first frame."""
    container.seek(0)
    try:
        for frame in container.decode(video):
            rgb = frame.to_ndarray(width=64, height=36, format="rgb24")
            return signature_of(rgb), int(frame.rotation) % 360
    except av.error.FFmpegError as exc:
        raise MediaError(f"the video does not decode ({exc.__class__.__name__})") from exc
    raise MediaError("no video frame decodes")


def sample_frames(path: Path, per_second: float = 1.0, max_width: int = 960) -> list[tuple[float, np.ndarray]]:
    """Keyframes only (no other frame is decoded), at most ``per_second`` of them, as BGR arrays no wider than
    ``max_width``: ~10× cheaper than decoding every frame, and what the enrichers look at."""
    frames: list[tuple[float, np.ndarray]] = []
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        video.codec_context.skip_frame = "NONKEY"
        ctx = video.codec_context
        scale = min(1.0, max_width / max(1, ctx.width))
        width, height = max(2, int(ctx.width * scale) // 2 * 2), max(2, int(ctx.height * scale) // 2 * 2)
        next_t = 0.0
        for frame in container.decode(video):
            t = float(frame.time or 0.0)
            if t + 1e-6 >= next_t:
                frames.append(
                    (round(t, 3), _upright(frame, frame.to_ndarray(format="bgr24", width=width, height=height)))
                )
                next_t = t + 1.0 / per_second
    return frames


def _upright(frame: av.VideoFrame, picture: np.ndarray) -> np.ndarray:
    # Phones store the sensor's picture and a display matrix that says how to turn it: models want it upright.
    turns = (int(frame.rotation) % 360) // 90
    return np.ascontiguousarray(np.rot90(picture, k=turns)) if turns else picture


def photo_frame(path: Path, max_width: int = 960) -> np.ndarray:
    """A photo as one BGR frame, turned upright by its EXIF orientation."""
    from PIL import Image, ImageOps  # noqa: PLC0415

    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((max_width, max_width * 4))
        return np.asarray(upright)[:, :, ::-1].copy()


# EXIF tags (Pillow's numbering): when, where, and which way up.
EXIF_DATETIME_ORIGINAL, EXIF_OFFSET_TIME_ORIGINAL, EXIF_ORIENTATION, EXIF_GPS = 0x9003, 0x9011, 0x0112, 0x8825
# EXIF orientation → counter-clockwise degrees (mirrored orientations keep their rotation part).
ORIENTATION_DEGREES = {1: 0, 2: 0, 3: 180, 4: 180, 5: 270, 6: 270, 7: 90, 8: 90}


def probe_photo(path: Path) -> Probe:
    """A JPEG still ("take a picture"): size, EXIF capture time, GPS and orientation."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with Image.open(path) as image:
            if image.format != "JPEG":
                raise MediaError(f"photos must be JPEG, not {image.format}")
            width, height = image.size
            exif = image.getexif()
            image.draft("RGB", (128, 128))  # decode a small version only: the signature needs no more
            rgb = np.asarray(image.convert("RGB").resize((64, 36)))
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise MediaError(f"not a readable photo ({exc.__class__.__name__})") from exc
    details = exif.get_ifd(0x8769)
    return Probe(
        duration_s=0.0,
        width=width,
        height=height,
        fps=0.0,
        video_codec="jpeg",
        audio_codec=None,
        keyframes=[],
        captured_at=_exif_time(details),
        location=_exif_gps(exif.get_ifd(EXIF_GPS)),
        signature=signature_of(rgb),
        kind="photo",
        rotation=ORIENTATION_DEGREES.get(int(exif.get(EXIF_ORIENTATION, 1) or 1), 0),
    )


def _exif_time(details: dict[int, object]) -> datetime | None:
    raw = details.get(EXIF_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    offset = details.get(EXIF_OFFSET_TIME_ORIGINAL)
    # EXIF writes "2025:06:12 09:15:00" in local time, with the offset (if any) in a tag of its own.
    text = raw.strip().replace(":", "-", 2).replace(" ", "T") + (offset if isinstance(offset, str) else "Z")
    return parse_time(text)


def _exif_gps(gps: dict[int, object]) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = _degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _degrees(dms: object) -> float:
    d, m, sec = (float(x) for x in dms)  # type: ignore[attr-defined]
    return d + m / 60 + sec / 3600


def face_frames(path: Path, kind: str, per_second: float) -> list[tuple[float, np.ndarray]]:
    """The frames faces are looked for in, and their boxes refer to: the photo itself, or keyframes."""
    if kind == "photo":
        return [(0.0, photo_frame(path))]
    return sample_frames(path, per_second=per_second)
