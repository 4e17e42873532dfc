"""Joining keyframe-aligned segments of clips into one MP4 by stream copy: no decoding, no re-encoding.

Each segment starts on a keyframe of its clip and ends on the next chosen keyframe (or the clip's end), so the
copied packets form closed GOPs that play on their own. Timestamps are shifted so that the segments follow each
other; audio packets inside the same time range come along.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

EPS = 1e-3


@dataclass(frozen=True)
class Cut:
    path: Path
    start_s: float
    end_s: float


class MontageError(RuntimeError):
    pass


def _codec_signature(stream: av.stream.Stream) -> tuple[object, ...]:
    ctx: Any = stream.codec_context
    if stream.type == "video":
        return ("video", ctx.name, ctx.width, ctx.height, ctx.pix_fmt, bytes(ctx.extradata or b""))
    return ("audio", ctx.name, ctx.sample_rate, ctx.channels, bytes(ctx.extradata or b""))


class _Output:
    """Output streams plus the running end of each, so every segment continues where the last one stopped."""

    def __init__(self, path: Path, template: av.container.InputContainer) -> None:
        self.container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        self.video_in = template.streams.video[0]
        self.video = self.container.add_stream_from_template(self.video_in)
        self.audio_in = template.streams.audio[0] if template.streams.audio else None
        self.audio = self.container.add_stream_from_template(self.audio_in) if self.audio_in else None
        self.signature = [_codec_signature(s) for s in (self.video_in, self.audio_in) if s is not None]
        self.last_dts: dict[str, int] = {}
        self.offset_s = 0.0

    def check_compatible(self, clip: av.container.InputContainer, cut: Cut) -> None:
        streams = [clip.streams.video[0]] + ([clip.streams.audio[0]] if self.audio and clip.streams.audio else [])
        if [_codec_signature(s) for s in streams] != self.signature[: len(streams)]:
            raise MontageError(
                f"{cut.path.name} was encoded with other parameters than the first segment; "
                "stream copy needs identical codec settings"
            )

    def mux(self, packet: av.Packet, out_stream: av.stream.Stream, start_s: float) -> None:
        tb: Fraction = packet.time_base
        shift = round((self.offset_s - start_s) / tb)
        pts: int = packet.pts  # type: ignore[assignment]  # packets without pts were skipped by the caller
        packet.pts = pts + shift
        dts = (packet.dts if packet.dts is not None else pts) + shift
        # The muxer needs strictly rising dts per stream; reordering delay can touch the previous segment's end.
        last = self.last_dts.get(out_stream.type)
        if last is not None and dts <= last:
            dts = last + 1
        packet.dts = dts
        self.last_dts[out_stream.type] = packet.dts
        packet.stream = out_stream
        self.container.mux(packet)


def join(cuts: list[Cut], out_path: Path) -> float:
    """Write the cuts one after the other into ``out_path`` (atomically); return the output duration in seconds."""
    if not cuts:
        raise MontageError("nothing to join")
    tmp = out_path.with_name(f".{out_path.name}.part")
    first = av.open(str(cuts[0].path))
    try:
        out = _Output(tmp, first)
    finally:
        first.close()
    try:
        for cut in cuts:
            with av.open(str(cut.path), options={"probesize": "32768"}) as clip:
                out.check_compatible(clip, cut)
                _copy_segment(clip, cut, out)
            out.offset_s += cut.end_s - cut.start_s
        out.container.close()
    except BaseException:
        out.container.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out_path)
    return out.offset_s


def _copy_segment(clip: av.container.InputContainer, cut: Cut, out: _Output) -> None:
    video = clip.streams.video[0]
    audio = clip.streams.audio[0] if (out.audio is not None and clip.streams.audio) else None
    clip.seek(
        round(cut.start_s / (video.time_base or Fraction(1, 90000))), stream=video, backward=True, any_frame=False
    )
    video_done, audio_done = False, audio is None
    streams = [video] + ([audio] if audio is not None else [])
    for packet in clip.demux(*streams):
        if packet.pts is None:
            continue
        t = float(packet.pts * packet.time_base)
        if packet.stream is video:
            if video_done:
                continue
            if t < cut.start_s - EPS:
                continue  # before the segment's keyframe (the seek lands at or before it)
            if packet.is_keyframe and t >= cut.end_s - EPS:
                video_done = True
            else:
                out.mux(packet, out.video, cut.start_s)
        elif out.audio is not None:
            if t >= cut.end_s - EPS:
                audio_done = True
            elif t >= cut.start_s - EPS and not audio_done:
                out.mux(packet, out.audio, cut.start_s)
        if video_done and audio_done:
            break
