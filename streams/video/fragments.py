"""Where a fragmented MP4's pieces lie: its init (ftyp and moov) and each movie fragment (moof and its mdat) with
the video time it covers, read from box headers alone. Mezzanines are fragmented at every keyframe, so a playlist
can point at byte ranges of them instead of storing their bodies a second time (streams/video/hls.py)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from streams.video.boxes import Box, BoxError, child, children, top_level


@dataclass(frozen=True)
class Fragment:
    offset: int
    size: int
    start_s: float  # the video's decode time at the fragment's first sample
    duration_s: float


@dataclass(frozen=True)
class Layout:
    init_size: int  # ftyp and moov, from byte 0
    fragments: list[Fragment]

    def between(self, start_s: float, end_s: float, slack: float = 1e-3) -> list[Fragment]:
        """The fragments whose video starts in [start_s, end_s): the whole GOPs a keyframe-aligned cut holds."""
        return [f for f in self.fragments if start_s - slack <= f.start_s < end_s - slack]


@dataclass(frozen=True)
class _Track:
    track_id: int
    timescale: int
    default_duration: int


def layout(path: Path) -> Layout:
    """The layout of the fragmented MP4 at ``path``; a file without fragments has none (``fragments == []``)."""
    with path.open("rb") as file:
        found = top_level(file)
        kinds = [box[0] for box in found]
        if b"moov" not in kinds:
            raise BoxError(f"{path.name} has no moov box")
        moov = found[kinds.index(b"moov")]
        file.seek(moov[1])
        video = _video_track(file.read(moov[3]))
        init_size = moov[1] + moov[3]
        fragments = []
        ends = [box for box in found if box[0] in (b"moof", b"mfra")] + [(b"", _media_end(found), 0, 0)]
        for box, following in zip(ends, ends[1:], strict=False):
            if box[0] != b"moof":
                continue
            file.seek(box[1])
            start, duration = _video_run(file.read(box[3]), video)
            if duration:
                fragments.append(
                    Fragment(box[1], following[1] - box[1], start / video.timescale, duration / video.timescale)
                )
    return Layout(init_size, fragments)


def _media_end(found: list[Box]) -> int:
    """Where the last fragment ends: the end of the last mdat (an mfra index may follow)."""
    return max((at + size for kind, at, _, size in found if kind == b"mdat"), default=0)


def _video_track(moov: bytes) -> _Track:
    root: Box = (b"moov", 0, 8, len(moov))
    defaults = {}
    mvex = child(moov, root, b"mvex")
    if mvex is not None:
        for kind, at, head, _ in children(moov, mvex[1] + mvex[2], mvex[1] + mvex[3]):
            if kind == b"trex":
                track_id, _, duration = struct.unpack_from(">III", moov, at + head + 4)
                defaults[track_id] = duration
    for trak in (box for box in children(moov, 8, len(moov)) if box[0] == b"trak"):
        tkhd, mdia = child(moov, trak, b"tkhd"), child(moov, trak, b"mdia")
        if tkhd is None or mdia is None:
            continue
        hdlr, mdhd = child(moov, mdia, b"hdlr"), child(moov, mdia, b"mdhd")
        if hdlr is None or mdhd is None or moov[hdlr[1] + hdlr[2] + 8 : hdlr[1] + hdlr[2] + 12] != b"vide":
            continue
        # after version, flags and two times (64-bit in version 1)
        track_id = _u32(moov, tkhd[1] + tkhd[2] + 4 + (16 if moov[tkhd[1] + tkhd[2]] else 8))
        timescale = _u32(moov, mdhd[1] + mdhd[2] + 4 + (16 if moov[mdhd[1] + mdhd[2]] else 8))
        return _Track(track_id, timescale, defaults.get(track_id, 0))
    raise BoxError("no video track")


def _video_run(moof: bytes, video: _Track) -> tuple[int, int]:
    """(decode time of the first video sample, summed video sample durations) of one moof, in the track's
    timescale; (0, 0) when the fragment holds no video."""
    for traf in (box for box in children(moof, 8, len(moof)) if box[0] == b"traf"):
        tfhd, tfdt = child(moof, traf, b"tfhd"), child(moof, traf, b"tfdt")
        if tfhd is None or tfdt is None:
            continue
        body = tfhd[1] + tfhd[2]
        flags, track_id = _u32(moof, body) & 0xFFFFFF, _u32(moof, body + 4)
        if track_id != video.track_id:
            continue
        default = video.default_duration
        if flags & 0x08:  # default-sample-duration-present, after the optional base offset and description index
            at = body + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            default = _u32(moof, at)
        when = tfdt[1] + tfdt[2]
        start = struct.unpack_from(">Q" if moof[when] else ">I", moof, when + 4)[0]
        runs = [box for box in children(moof, traf[1] + traf[2], traf[1] + traf[3]) if box[0] == b"trun"]
        return start, sum(_run_duration(moof, box, default) for box in runs)
    return 0, 0


def _run_duration(moof: bytes, trun: Box, default: int) -> int:
    body = trun[1] + trun[2]
    flags, count = _u32(moof, body) & 0xFFFFFF, _u32(moof, body + 4)
    if not flags & 0x100:
        return count * default
    at = body + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    stride = 4 * sum(1 for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit)
    return sum(_u32(moof, at + i * stride) for i in range(count))


def _u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", data, at)[0])
