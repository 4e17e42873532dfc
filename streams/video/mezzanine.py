"""Preparing a clip for fast cutting, in one decoding pass: a normalised mezzanine copy plus thumbnails.

The mezzanine is what memories are cut from: H.264 (x264 ultrafast, yuv420p), a fixed frame rate, a keyframe every
half second, AAC 48 kHz stereo, fragmented MP4 — the same parameters for every clip of every device, so segments of
different clips can be joined by stream copy, and a cut lands within half a second of the chosen moment. While the
frames go by, a poster and a strip of thumbnails are kept, so preparation decodes the source once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from streams.video import media

FPS = 30
GOP = 15  # frames: one keyframe every 0.5 s at 30 fps
AUDIO_RATE = 48000
POSTER_SIZE = (320, 180)
STRIP_FRAME = (160, 90)
STRIP_COUNT = 10
X264 = {
    "preset": "ultrafast",
    "tune": "fastdecode",
    "g": str(GOP),
    "keyint_min": str(GOP),
    "sc_threshold": "0",
    "bframes": "0",
    # headers that do not depend on the content: crossfades encoded later join the copied bodies in one stream
    "x264-params": "stitchable=1",
}
# make_non_negative: without it the muxer shifts video by the AAC encoder's priming (21 ms) and the keyframes
# land at 0.521 s, 1.021 s… instead of on the half seconds the planner cuts at.
FRAGMENTED = {"movflags": "+frag_keyframe+empty_moov+default_base_moof", "avoid_negative_ts": "make_non_negative"}


@dataclass
class Prepared:
    mezzanine: Path
    poster: Path
    strip: Path
    width: int
    height: int
    duration_s: float
    keyframes: list[float]
    strip_times: list[float] = field(default_factory=list)


def _even(value: float) -> int:
    # Down to even, never up: the copy is never larger than its source.
    return max(2, int(value // 2) * 2)


def output_size(width: int, height: int, target_height: int) -> tuple[int, int]:
    """Scale to ``target_height`` (never up), keeping the aspect ratio, with even dimensions for yuv420p."""
    if height <= target_height:
        return _even(width), _even(height)
    return _even(width * target_height / height), _even(target_height)


def prepare(source: Path, folder: Path, target_height: int = 1080) -> Prepared:
    """Write ``mezzanine-<h>p.mp4``, ``poster.jpg`` and ``strip.jpg`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with av.open(str(source)) as clip:
        video = clip.streams.video[0]
        width, height = output_size(video.codec_context.width, video.codec_context.height, target_height)
        duration = float(clip.duration or 0) / 1_000_000
        mezzanine = folder / f"mezzanine-{height}p.mp4"
        tmp = folder / f".{mezzanine.name}.part"
        thumbs = _Thumbnails(duration)
        with av.open(str(tmp), "w", format="mp4", options=FRAGMENTED) as out:
            encoder = out.add_stream("libx264", rate=FPS, options=X264)
            encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
            audio_out = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo") if clip.streams.audio else None
            _transcode(clip, out, encoder, audio_out, thumbs)
        os.replace(tmp, mezzanine)
    poster, strip = folder / "poster.jpg", folder / "strip.jpg"
    thumbs.write(poster, strip)
    # The index as any reader will see it in the written file (the muxer may shift timestamps a little).
    index = media.probe(mezzanine)
    return Prepared(mezzanine, poster, strip, width, height, index.duration_s, index.keyframes, thumbs.times)


def _transcode(clip: Any, out: Any, encoder: Any, audio_out: Any, thumbs: _Thumbnails) -> None:
    """Decode once; re-time video to a fixed rate, resample audio; collect thumbnails on the way."""
    streams = [clip.streams.video[0]] + ([clip.streams.audio[0]] if audio_out is not None else [])
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE) if audio_out else None
    frame_index, samples = 0, 0
    for frame in clip.decode(*streams):
        if isinstance(frame, av.VideoFrame):
            t = float(frame.time or 0.0)
            # Fixed frame rate: emit as many output frames as the source time has reached (drops or repeats).
            while frame_index <= t * FPS + 1e-6:
                thumbs.offer(frame_index / FPS, frame)
                scaled = frame.reformat(width=encoder.width, height=encoder.height, format="yuv420p")
                scaled.pts, scaled.time_base = frame_index, Fraction(1, FPS)
                for packet in encoder.encode(scaled):
                    out.mux(packet)
                frame_index += 1
        elif resampler is not None:
            for chunk in resampler.resample(frame):
                chunk.pts, chunk.time_base = samples, Fraction(1, AUDIO_RATE)
                samples += chunk.samples
                for packet in audio_out.encode(chunk):
                    out.mux(packet)
    for stream in (encoder, audio_out):
        if stream is not None:
            for packet in stream.encode(None):
                out.mux(packet)


class _Thumbnails:
    """A poster at a third of the clip and ``STRIP_COUNT`` evenly spaced frames, picked as frames pass by."""

    def __init__(self, duration: float) -> None:
        span = max(duration, 1e-3)
        self.poster_at = span / 3
        self.wanted = [span * (i + 0.5) / STRIP_COUNT for i in range(STRIP_COUNT)]
        self.times: list[float] = []
        self.frames: list[Image.Image] = []
        self.poster: Image.Image | None = None

    def offer(self, t: float, frame: av.VideoFrame) -> None:
        if self.poster is None and t >= self.poster_at:
            self.poster = frame.to_image()
        if self.wanted and t >= self.wanted[0]:
            self.wanted.pop(0)
            self.times.append(round(t, 3))
            self.frames.append(frame.to_image())

    def write(self, poster: Path, strip: Path) -> None:
        first = self.poster or (self.frames[0] if self.frames else Image.new("RGB", POSTER_SIZE))
        _fit(first, POSTER_SIZE).save(poster, "JPEG", quality=85)
        tiles = [_fit(f, STRIP_FRAME) for f in self.frames] or [Image.new("RGB", STRIP_FRAME)]
        sheet = Image.new("RGB", (STRIP_FRAME[0] * len(tiles), STRIP_FRAME[1]))
        for i, tile in enumerate(tiles):
            sheet.paste(tile, (i * STRIP_FRAME[0], 0))
        sheet.save(strip, "JPEG", quality=80)


def _fit(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Letterbox into ``size`` so portrait and landscape clips make tiles of one size."""
    copy = image.copy()
    copy.thumbnail(size)
    canvas = Image.fromarray(np.zeros((size[1], size[0], 3), np.uint8))
    canvas.paste(copy, ((size[0] - copy.width) // 2, (size[1] - copy.height) // 2))
    return canvas


STILL_S = 4.0  # a photo's share of a memory: eight GOPs, long enough to look at, short enough to keep going
STILL_ZOOM = 1.08  # how much wider than the picture the photo is drawn, so that it can drift across it


def prepare_still(photo: Path, folder: Path, target_height: int = 1080) -> Prepared:
    """A photo as a mezzanine: ``STILL_S`` seconds drifting slowly across it (16:9, ``target_height``), with
    silence, in exactly the mezzanine's parameters, so that memories cut and join it like any clip."""
    from PIL import ImageOps  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(photo) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    height = _even(target_height)
    width = _even(height * 16 / 9)
    scale = max(width / image.width, height / image.height) * STILL_ZOOM
    drawn = image.resize((max(width, round(image.width * scale)), max(height, round(image.height * scale))))
    canvas = np.asarray(drawn)
    spare_x, spare_y = canvas.shape[1] - width, canvas.shape[0] - height
    frames = round(STILL_S * FPS)
    mezzanine = folder / f"mezzanine-{height}p.mp4"
    tmp = folder / f".{mezzanine.name}.part"
    thumbs = _Thumbnails(STILL_S)
    with av.open(str(tmp), "w", format="mp4", options=FRAGMENTED) as out:
        encoder = out.add_stream("libx264", rate=FPS, options=X264)
        encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
        for i in range(frames):
            share = i / max(1, frames - 1)
            x, y = round(spare_x * share), round(spare_y * (1 - share))
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(canvas[y : y + height, x : x + width]), "rgb24")
            thumbs.offer(i / FPS, frame)
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in encoder.encode(frame):
                out.mux(packet)
        _silence(out, audio, STILL_S)
        for stream in (encoder, audio):
            for packet in stream.encode(None):
                out.mux(packet)
    os.replace(tmp, mezzanine)
    poster, strip = folder / "poster.jpg", folder / "strip.jpg"
    thumbs.write(poster, strip)
    index = media.probe(mezzanine)
    return Prepared(mezzanine, poster, strip, width, height, index.duration_s, index.keyframes, thumbs.times)


def _silence(out: Any, audio: Any, seconds: float, chunk: int = 1024) -> None:
    """Silent stereo AAC: a still joins clips with sound without leaving the audio track short."""
    total = round(seconds * AUDIO_RATE)
    for start in range(0, total, chunk):
        frame = av.AudioFrame.from_ndarray(
            np.zeros((2, min(chunk, total - start)), np.float32), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, start, Fraction(1, AUDIO_RATE)
        for packet in audio.encode(frame):
            out.mux(packet)
