"""Crossfades between two mezzanine segments: the only frames of a memory that are encoded at request time.

The tail of one segment (its last half second, one GOP) and the head of the next are decoded side by side, blended
linearly plane by plane into the frame the encoder takes, and encoded with the mezzanine's encoder settings, so
the new packets share the copied bodies' parameter sets and join them in one H.264 stream. Audio is mixed with the
same ramp and encoded as AAC with the mezzanine's parameters. Decoding starts at a keyframe: with the mezzanine's
0.5 s GOP, a transition decodes 30 frames and encodes 15.

Cost, measured per 1080p transition on this machine: ~30 ms decoding, ~10 ms blending, ~125 ms encoding, ~15 ms
for the sound. Each side is opened once for both its picture and its sound, decoded frames are blended without
copies, and transitions use a constant quantiser: x264's CRF mode runs a low-resolution lookahead that cost a
third of the encoding time, for the same parameter sets and about the same size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from fractions import Fraction
from itertools import zip_longest
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from streams.video.mezzanine import AUDIO_RATE, FPS, X264

# The stream layout is in the moov box; probing frames would only cost time (~5 ms per open).
FAST_OPEN = {"probesize": "32"}
# On 1080p footage qp 25 gave about the bytes of the bodies' CRF 23, qp 26 ~15 % fewer (a blend hides that) and
# ~5 % less encoding time.
TRANSITION_X264 = {**X264, "qp": "26"}

Transition = tuple[list[av.Packet], list[av.Packet]]


class _Side:
    """One end of a transition: a mezzanine opened once for its pictures and its sound from ``start_s``."""

    def __init__(self, path: Path, start_s: float) -> None:
        self.clip = av.open(str(path), options=FAST_OPEN)
        self.start_s = start_s

    def close(self) -> None:
        self.clip.close()

    def pictures(self, count: int) -> Iterator[av.VideoFrame]:
        """Exactly ``count`` frames from ``start_s`` (a clip that ends early holds its last one), or none."""
        video = self.clip.streams.video[0]
        self.clip.seek(round(self.start_s / (video.time_base or Fraction(1, 90000))), stream=video, backward=True)
        last, given = None, 0
        for frame in self.clip.decode(video):
            if float(frame.time or 0.0) < self.start_s - 0.5 / FPS:
                continue
            last = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
            yield last
            given += 1
            if given == count:
                return
        while last is not None and given < count:
            yield last
            given += 1

    def sound(self, seconds: float) -> np.ndarray:
        """Stereo float samples at the mezzanine's rate, exactly ``seconds`` long (silence where there is none)."""
        want = round(seconds * AUDIO_RATE)
        out = np.zeros((2, want), np.float32)
        if not self.clip.streams.audio:
            return out
        audio = self.clip.streams.audio[0]
        self.clip.seek(round(self.start_s / (audio.time_base or Fraction(1, AUDIO_RATE))), stream=audio, backward=True)
        filled = 0
        for frame in self.clip.decode(audio):
            t = float(frame.time or 0.0)
            raw = frame.to_ndarray()
            data = raw.reshape(2, -1) if frame.format.is_planar else raw.reshape(-1, 2).T
            chunk = data[:, max(0, round((self.start_s - t) * AUDIO_RATE)) :]
            take = min(chunk.shape[1], want - filled)
            out[:, filled : filled + take] = chunk[:, :take]
            filled += take
            if filled >= want:
                break
        return out


def _plane(plane: Any) -> np.ndarray:
    """A writable view of one picture plane without its row padding."""
    rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
    return rows[: plane.height, : plane.width]


def _blend(a: av.VideoFrame, b: av.VideoFrame, weight: float) -> av.VideoFrame:
    if (a.width, a.height) != (b.width, b.height):
        raise ValueError(f"cannot crossfade {a.width}x{a.height} into {b.width}x{b.height}: mezzanines of two formats")
    out = av.VideoFrame(a.width, a.height, "yuv420p")
    for pa, pb, po in zip(a.planes, b.planes, out.planes, strict=True):
        # OpenCV blends 8-bit planes with SIMD, ~10× faster than numpy in float
        cv2.addWeighted(_plane(pa), 1 - weight, _plane(pb), weight, 0.0, dst=_plane(po))
    return out


def fade_seconds(seconds: float) -> float:
    """A crossfade's real length: a whole number of frames (at least one), or none at all."""
    return max(1, round(seconds * FPS)) / FPS if seconds > 0 else 0.0


class Crossfader:
    """Encoders for one thread: video with the mezzanine's x264 settings, AAC with its audio settings."""

    def __init__(self, template: Any, seconds: float) -> None:
        self.seconds = fade_seconds(seconds)
        self.count = round(self.seconds * FPS)
        self.width, self.height = template.width, template.height

    def transition(self, tail: Path, tail_start_s: float, head: Path, head_start_s: float, audio: bool) -> Transition:
        """Video packets (pts from 0 in 1/FPS, the first a keyframe) and AAC packets of the blend."""
        with ExitStack() as stack:
            a, b = _Side(tail, tail_start_s), _Side(head, head_start_s)
            stack.callback(a.close)
            stack.callback(b.close)
            video = self._video(a, b)
            sound = self._sound(a, b) if audio else []
        return video, sound

    def _video(self, a: _Side, b: _Side) -> list[av.Packet]:
        codec = _video_encoder(self.width, self.height)
        packets: list[av.Packet] = []
        for i, frame in enumerate(_pairs(a.pictures(self.count), b.pictures(self.count), self.count)):
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            frame.pict_type = av.video.frame.PictureType.I if i == 0 else av.video.frame.PictureType.NONE
            packets += codec.encode(frame)
        packets += codec.encode(None)
        return [_length_prefixed(p) for p in packets]

    def _sound(self, a: _Side, b: _Side) -> list[av.Packet]:
        tail, head = a.sound(self.seconds), b.sound(self.seconds)
        ramp = np.linspace(0.0, 1.0, tail.shape[1], dtype=np.float32)
        mixed = tail * (1 - ramp) + head * ramp
        codec = _audio_encoder()
        packets: list[av.Packet] = []
        for start in range(0, mixed.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(mixed[:, start : start + 1024]), format="fltp", layout="stereo"
            )
            frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, start, Fraction(1, AUDIO_RATE)
            packets += codec.encode(frame)
        packets += codec.encode(None)
        return packets


def _pairs(tail: Iterator[av.VideoFrame], head: Iterator[av.VideoFrame], count: int) -> Iterator[av.VideoFrame]:
    """The blended frames, decoded in step so each picture is freed once used; a side without any pictures
    leaves the other one alone."""
    for i, (a, b) in enumerate(zip_longest(tail, head)):
        yield _blend(a, b, (i + 0.5) / count) if a is not None and b is not None else a or b


def _video_encoder(width: int, height: int) -> Any:
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "yuv420p"
    codec.time_base, codec.framerate = Fraction(1, FPS), Fraction(FPS, 1)
    codec.flags |= av.codec.context.Flags.global_header  # parameter sets in extradata, as in the MP4
    codec.options = dict(TRANSITION_X264)
    codec.thread_count = 1  # transitions run side by side on threads of their own
    return codec


def _audio_encoder() -> Any:
    codec = av.CodecContext.create("aac", "w")
    codec.sample_rate, codec.layout, codec.format = AUDIO_RATE, "stereo", "fltp"
    codec.time_base = Fraction(1, AUDIO_RATE)
    codec.flags |= av.codec.context.Flags.global_header
    # the default two-loop search costs 4× as much (~22 ms per half second); it is half a second of a fade
    codec.options = {"aac_coder": "fast"}
    return codec


def _length_prefixed(packet: av.Packet) -> av.Packet:
    """x264 writes Annex B (start codes); MP4 and fMP4 tracks whose avcC came from a file hold 4-byte lengths."""
    data = bytes(packet)
    units = [u for u in re.split(b"\x00\x00\x01", data.replace(b"\x00\x00\x00\x01", b"\x00\x00\x01")) if u]
    body = b"".join(len(u.rstrip(b"\x00")).to_bytes(4, "big") + u.rstrip(b"\x00") for u in units)
    out = av.Packet(body)
    out.pts, out.dts, out.time_base, out.is_keyframe = packet.pts, packet.dts, packet.time_base, packet.is_keyframe
    return out
