"""Joining keyframe-aligned segments of clips into one MP4 (and, as it goes, an HLS playlist) by stream copy.

Each segment starts on a keyframe of its clip and ends on the next chosen keyframe (or the clip's end), so the
copied packets form closed GOPs that play on their own. Timestamps are shifted so that the segments follow each
other; audio packets inside the same time range come along. With ``crossfade_s`` (mezzanine segments only: their
GOP is exactly that long) the last GOP of each segment and the first of the next are replaced by a blend of the
two, encoded with the mezzanine's own settings (streams/video/crossfade.py): everything else is copied bit for bit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from streams.video.crossfade import FAST_OPEN, Crossfader, Transition, fade_seconds
from streams.video.mezzanine import AUDIO_RATE, FPS, FRAGMENTED

EPS = 1e-3
TRANSITION_THREADS = 2
HLS_SECONDS = 2


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
    """The MP4 (and optionally an HLS playlist) with the running end of each stream, so every piece continues
    where the last one stopped."""

    def __init__(
        self, path: Path, template: av.container.InputContainer, playlist: Path | None, options: dict[str, str]
    ) -> None:
        self.video_in = template.streams.video[0]
        self.audio_in = template.streams.audio[0] if template.streams.audio else None
        self.signature = [_codec_signature(s) for s in (self.video_in, self.audio_in) if s is not None]
        self.time_bases: dict[str, Fraction] = {
            s.type: s.time_base or Fraction(1, 90000) for s in (self.video_in, self.audio_in) if s
        }
        self.targets = [self._open(str(path), "mp4", options)]
        if playlist is not None:
            options = {
                "hls_time": str(HLS_SECONDS),
                "hls_segment_type": "fmp4",
                "hls_playlist_type": "event",
                "hls_flags": "independent_segments+temp_file",
                "hls_fmp4_init_filename": "init.mp4",
                "hls_segment_filename": str(playlist.parent / "seg-%04d.m4s"),
            }
            self.targets.append(self._open(str(playlist), "hls", options))
        self.last_dts: dict[str, int] = {}
        self.offset_s = 0.0
        self.has_audio = self.audio_in is not None

    def _open(self, path: str, fmt: str, options: dict[str, str]) -> tuple[Any, Any, Any]:
        container = av.open(path, "w", format=fmt, options=options)
        video = container.add_stream_from_template(self.video_in)
        audio = container.add_stream_from_template(self.audio_in) if self.audio_in is not None else None
        return container, video, audio

    def check_compatible(self, clip: av.container.InputContainer, cut: Cut) -> None:
        streams = [clip.streams.video[0]] + ([clip.streams.audio[0]] if self.has_audio and clip.streams.audio else [])
        if [_codec_signature(s) for s in streams] != self.signature[: len(streams)]:
            raise MontageError(
                f"{cut.path.name} was encoded with other parameters than the first segment; "
                "stream copy needs identical codec settings"
            )

    def mux(self, packet: av.Packet, kind: str, start_s: float) -> None:
        """Place a packet whose source time ``start_s`` maps to the output's current offset."""
        source: Fraction = packet.time_base
        tb = self.time_bases[kind]
        raw_pts: int = packet.pts  # type: ignore[assignment]  # packets without pts were skipped by the caller
        raw_dts = packet.dts if packet.dts is not None else raw_pts
        # One time base per kind (the first clip's), so that copied and freshly encoded packets compare.
        pts, dts = round(raw_pts * source / tb), round(raw_dts * source / tb)
        shift = round((self.offset_s - start_s) / tb)
        dts += shift
        # The muxer needs strictly rising dts per stream; reordering delay can touch the previous segment's end.
        last = self.last_dts.get(kind)
        if last is not None and dts <= last:
            dts = last + 1
        self.last_dts[kind] = dts
        data, keyframe = bytes(packet), packet.is_keyframe
        for container, video, audio in self.targets:
            copy = av.Packet(data)
            copy.pts, copy.dts, copy.time_base, copy.is_keyframe = pts + shift, dts, tb, keyframe
            copy.stream = video if kind == "video" else audio
            container.mux(copy)

    def close(self) -> None:
        for container, _, _ in self.targets:
            container.close()


def partial(out_path: Path) -> Path:
    """Where ``join`` writes before the finished file is moved to ``out_path``."""
    return out_path.with_name(f".{out_path.name}.part")


def bodies(cuts: list[Cut], crossfade_s: float) -> list[Cut]:
    """What is copied of each cut: all of it but the GOPs a crossfade replaces at either end."""
    d = fade_seconds(crossfade_s)
    last = len(cuts) - 1
    return [
        Cut(c.path, c.start_s + (d if i > 0 else 0.0), c.end_s - (d if i < last else 0.0)) for i, c in enumerate(cuts)
    ]


def join(
    cuts: list[Cut],
    out_path: Path,
    crossfade_s: float = 0.0,
    playlist: Path | None = None,
    progress: Callable[[float], None] | None = None,
    faststart: bool = True,
    transitions: Callable[[int, Transition, float], None] | None = None,
) -> float:
    """Write the cuts one after the other into ``out_path`` (atomically, by way of ``partial(out_path)``),
    crossfading between them when asked, and into an HLS playlist as they go; ``progress`` hears the seconds
    written after each piece, ``transitions`` each crossfade (its index, packets and length) once it is in the file.
    Without ``faststart`` the moov goes last (streams/video/faststart.py moves it while uploading). Returns the output
    duration in seconds."""
    if not cuts:
        raise MontageError("nothing to join")
    tmp = partial(out_path)
    with av.open(str(cuts[0].path)) as first:
        out = _Output(tmp, first, playlist, {"movflags": "+faststart"} if faststart else {})
        fader = Crossfader(first.streams.video[0].codec_context, crossfade_s) if crossfade_s > 0 else None
    d = fader.seconds if fader is not None else 0.0
    # Transitions are encoded on other threads (PyAV's codecs release the GIL) while the bodies are copied. They
    # start at once: the first piece still plays within ~0.2 s, and the render's end comes ~0.1 s sooner.
    pending = _encode_transitions(fader, cuts, out.has_audio) if fader is not None else []
    try:
        for i, (cut, body) in enumerate(zip(cuts, bodies(cuts, d), strict=True)):
            with av.open(str(cut.path), options=FAST_OPEN) as clip:
                out.check_compatible(clip, cut)
                _copy_segment(clip, body, out)
            out.offset_s += body.end_s - body.start_s
            if progress is not None:
                progress(out.offset_s)
            if i < len(pending):
                transition = timed(pending[i].result(), d)
                _place_transition(transition, d, out)
                if transitions is not None:
                    transitions(i, transition, d)
        out.close()
    except BaseException:
        out.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out_path)
    return out.offset_s


class TransitionWriter:
    """Writes crossfades (from ``timed``) as fragmented MP4s of their own, with the stream layout of ``template``
    (a mezzanine): each its init, then one fragment. The template stays open: opening a long fragmented file
    costs FFmpeg ~10 ms, and a memory has a crossfade per cut."""

    def __init__(self, template: Path) -> None:
        self.source = av.open(str(template), options=FAST_OPEN)

    def write(self, transition: Transition, seconds: float, path: Path) -> None:
        out = _Output(path, self.source, None, FRAGMENTED)
        try:
            _place_transition(transition, seconds, out)
        finally:
            out.close()

    def close(self) -> None:
        self.source.close()


def _encode_transitions(fader: Crossfader, cuts: list[Cut], audio: bool) -> list[Future[Transition]]:
    pool = ThreadPoolExecutor(max_workers=TRANSITION_THREADS, thread_name_prefix="crossfade")
    futures = [
        pool.submit(fader.transition, tail.path, tail.end_s - fader.seconds, head.path, head.start_s, audio)
        for tail, head in zip(cuts, cuts[1:], strict=False)
    ]
    pool.shutdown(wait=False)
    return futures


def timed(transition: Transition, seconds: float) -> Transition:
    """The crossfade's packets with timestamps from 0 in their own time bases, its sound cut to its length."""
    video, sound = transition
    for packet in video:
        packet.time_base = packet.time_base or Fraction(1, FPS)
    frame = 1024
    sound = sound[: int(seconds * AUDIO_RATE // frame) + 1]
    for n, packet in enumerate(sound):
        packet.pts = packet.dts = n * frame
        packet.time_base = Fraction(1, AUDIO_RATE)
    return video, sound


def _place_transition(transition: Transition, seconds: float, out: _Output) -> None:
    video, sound = transition
    for packet in video:
        out.mux(packet, "video", 0.0)
    for packet in sound:
        out.mux(packet, "audio", 0.0)
    out.offset_s += seconds


def _copy_segment(clip: av.container.InputContainer, cut: Cut, out: _Output) -> None:
    video = clip.streams.video[0]
    audio = clip.streams.audio[0] if (out.has_audio and clip.streams.audio) else None
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
                out.mux(packet, "video", cut.start_s)
        elif t >= cut.end_s - EPS:
            audio_done = True
        elif t >= cut.start_s - EPS and not audio_done:
            out.mux(packet, "audio", cut.start_s)
        if video_done and audio_done:
            break
