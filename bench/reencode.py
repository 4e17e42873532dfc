"""The baseline every render figure is compared with: decode every frame of every segment and encode it again."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from infra import album
from streams.video import montage


def reencode(cuts: list[montage.Cut], out_path: Path) -> None:
    """The baseline: decode every frame of every segment and encode it again (x264 ultrafast, AAC)."""
    with av.open(str(cuts[0].path)) as first:
        v0 = first.streams.video[0].codec_context
        width, height, rate = v0.width, v0.height, int(first.streams.video[0].average_rate or album.FPS)
    with av.open(str(out_path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=rate, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=album.SAMPLE_RATE, layout="stereo")
        written = {"video": 0, "audio": 0}
        for cut in cuts:
            with av.open(str(cut.path)) as clip:
                for kind, stream, step in (("video", video, None), ("audio", audio, "samples")):
                    clip.seek(round(cut.start_s * 1_000_000))
                    frame: Any
                    for frame in clip.decode(**{kind: 0}):
                        t = float(frame.time or 0.0)
                        if t >= cut.end_s - 1e-3:
                            break
                        if t < cut.start_s - 1e-3:
                            continue
                        frame.pts = written[kind]
                        frame.time_base = Fraction(1, rate) if step is None else Fraction(1, album.SAMPLE_RATE)
                        written[kind] += 1 if step is None else frame.samples
                        for packet in stream.encode(frame):
                            out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode(None):
                out.mux(packet)
