"""The sample album: 1080p H.264 + AAC clips made with PyAV from real photos that ship in scikit-image.

Each clip pans slowly across a photo (so the video is not trivially compressible) over a tone, and carries its
capture time (``creation_time``) and place (ISO 6709 ``location``) in the MP4 metadata as phones write them.
One Paris clip has no metadata at all: its time and place travel with the upload, to exercise the fallback.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
from PIL import Image

from streams.geo.gazetteer import format_iso6709
from streams.video import montage

WIDTH, HEIGHT, FPS, SECONDS, GOP = 1920, 1080, 30, 8, 30
SAMPLE_RATE = 44100


@dataclass(frozen=True)
class SampleClip:
    name: str
    photo: str
    city: str
    lat: float
    lon: float
    captured_at: str  # ISO 8601 UTC
    embedded: bool = True  # False: no metadata in the file; the upload carries time and place

    @property
    def filename(self) -> str:
        return f"{self.name}.mp4"


ALBUM: tuple[SampleClip, ...] = (
    SampleClip("paris-eiffel", "astronaut", "Paris", 48.8584, 2.2945, "2025-06-12T09:15:00Z"),
    SampleClip("paris-cafe", "coffee", "Paris", 48.8530, 2.3499, "2025-06-12T16:40:00Z"),
    SampleClip("paris-louvre", "chelsea", "Paris", 48.8606, 2.3376, "2025-06-13T11:05:00Z"),
    SampleClip("paris-montmartre", "motorcycle_left", "Paris", 48.8867, 2.3431, "2025-06-13T19:20:00Z"),
    SampleClip("paris-seine", "rocket", "Paris", 48.8566, 2.3522, "2025-06-14T10:30:00Z", embedded=False),
    SampleClip("tokyo-shibuya", "hubble_deep_field", "Tokyo", 35.6595, 139.7005, "2025-09-02T03:10:00Z"),
    SampleClip("tokyo-sushi", "coffee", "Tokyo", 35.6655, 139.7707, "2025-09-02T10:45:00Z"),
    SampleClip("tokyo-temple", "astronaut", "Tokyo", 35.7148, 139.7967, "2025-09-03T02:00:00Z"),
    SampleClip("tokyo-tower", "rocket", "Tokyo", 35.6586, 139.7454, "2025-09-04T11:30:00Z"),
    SampleClip("nyc-park", "chelsea", "New York", 40.7829, -73.9654, "2025-12-20T15:00:00Z"),
    SampleClip("nyc-bridge", "motorcycle_left", "New York", 40.7061, -73.9969, "2025-12-21T17:45:00Z"),
    SampleClip("nyc-museum", "hubble_deep_field", "New York", 40.7794, -73.9632, "2025-12-22T19:10:00Z"),
    SampleClip("nyc-times-square", "astronaut", "New York", 40.7580, -73.9855, "2025-12-22T23:30:00Z"),
)


def photo(name: str) -> np.ndarray:
    """A photo file from scikit-image's data folder (shipped in its wheel, not downloaded)."""
    import skimage.data  # noqa: PLC0415

    folder = Path(skimage.data.__file__).parent
    path = next(p for p in (folder / f"{name}.png", folder / f"{name}.jpg") if p.exists())
    return np.asarray(Image.open(path).convert("RGB"))


def _cover(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale so the photo covers width×height, keeping its aspect ratio."""
    h, w = image.shape[:2]
    scale = max(width / w, height / h)
    size = (max(width, round(w * scale)), max(height, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))


def write_clip(
    clip: SampleClip, path: Path, index: int, width: int = WIDTH, height: int = HEIGHT, seconds: int = SECONDS
) -> None:
    metadata = {}
    if clip.embedded:
        metadata = {
            "creation_time": clip.captured_at.replace("Z", ".000000Z"),
            "location": format_iso6709(clip.lat, clip.lon),
        }
    encode_clip(
        path,
        photo(clip.photo),
        metadata,
        width,
        height,
        seconds,
        pan=1 if index % 2 == 0 else -1,
        tone_hz=220.0 * (1 + index % 7 / 4),
    )


def encode_clip(
    path: Path,
    image: np.ndarray,
    metadata: dict[str, str],
    width: int,
    height: int,
    seconds: int,
    pan: int = 1,
    tone_hz: float = 220.0,
    fps: int = FPS,
    gop: int = GOP,
) -> None:
    """An H.264 + AAC MP4 panning across ``image``, written atomically."""
    canvas = _cover(image, int(width * 1.15), int(height * 1.15))
    travel_y, travel_x = canvas.shape[0] - height, canvas.shape[1] - width
    frames = fps * seconds
    tmp = path.with_suffix(".part")
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        out.metadata.update(metadata)
        video = out.add_stream(
            "libx264",
            rate=fps,
            options={
                "preset": "ultrafast",
                "crf": "26",
                "g": str(gop),
                "keyint_min": str(gop),
                "bframes": "0",
                "sc_threshold": "0",
            },
        )
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        for i in range(frames):
            p = i / max(1, frames - 1)
            x = round(travel_x * (p if pan > 0 else 1 - p))
            y = round(travel_y * 0.5 * (1 + np.sin(np.pi * p * pan)) / 2)
            window = np.ascontiguousarray(canvas[y : y + height, x : x + width])
            for packet in video.encode(av.VideoFrame.from_ndarray(window, format="rgb24")):
                out.mux(packet)
        _write_tone(out, audio, tone_hz, seconds)
        for stream in (video, audio):
            for packet in stream.encode(None):
                out.mux(packet)
    tmp.rename(path)


def _write_tone(out: av.container.OutputContainer, audio: av.AudioStream, hz: float, seconds: int) -> None:
    block = 1024
    for start in range(0, SAMPLE_RATE * seconds, block):
        t = (np.arange(block) + start) / SAMPLE_RATE
        wave = (0.15 * np.sin(2 * np.pi * hz * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        for packet in audio.encode(frame):
            out.mux(packet)


def build(folder: Path, progress: bool = True) -> list[tuple[SampleClip, Path]]:
    """Write the album into ``folder`` once; files already there are kept. Returns clips with their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "album.json"
    missing = [c for c in ALBUM if not (folder / c.filename).exists()]
    if missing:
        from tqdm import tqdm  # noqa: PLC0415

        for clip in tqdm(missing, desc="sample album", unit="clip", disable=not progress):
            write_clip(clip, folder / clip.filename, ALBUM.index(clip))
    manifest.write_text(json.dumps([asdict(c) for c in ALBUM], indent=2))
    return [(c, folder / c.filename) for c in ALBUM]


def long_clip(clips: list[tuple[SampleClip, Path]], seconds: float, out: Path) -> Path:
    """A real 1080p clip of about ``seconds``: album clips joined end to end by stream copy (made once)."""
    if not out.exists():
        paths = [p for _, p in clips]
        count = max(1, round(seconds / SECONDS))
        montage.join([montage.Cut(paths[i % len(paths)], 0.0, float(SECONDS)) for i in range(count)], out)
    return out


def captured_at(clip: SampleClip) -> datetime:
    return datetime.fromisoformat(clip.captured_at.replace("Z", "+00:00")).astimezone(UTC)


def spoken_clip(path: Path, words: str, image: str = "astronaut", width: int = 320, height: int = 180) -> Path:
    """A clip whose sound is ``words`` spoken by espeak-ng (a real voice synthesiser from Debian)."""
    import subprocess  # noqa: PLC0415

    wav = path.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-w", str(wav), words], check=True)
    with av.open(str(wav)) as source:
        audio_frames = list(source.decode(audio=0))
    seconds = int(sum(f.samples / f.sample_rate for f in audio_frames)) + 1
    encode_clip(path, photo(image), {}, width, height, seconds, tone_hz=0.0)
    # replace the (silent) tone track with the speech
    out_path = path.with_name("spoken-" + path.name)
    with av.open(str(path)) as clip, av.open(str(out_path), "w", format="mp4") as out:
        video = out.add_stream_from_template(clip.streams.video[0])
        audio = out.add_stream("aac", rate=44100, layout="stereo")
        for packet in clip.demux(clip.streams.video[0]):
            if packet.dts is not None:
                packet.stream = video
                out.mux(packet)
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=44100)
        for frame in audio_frames:
            frame.pts = None
            for chunk in resampler.resample(frame):
                for packet in audio.encode(chunk):
                    out.mux(packet)
        for packet in audio.encode(None):
            out.mux(packet)
    out_path.replace(path)
    return path
