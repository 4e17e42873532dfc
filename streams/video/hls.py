"""The memory as HLS (fMP4) in S3, playable while the MP4 is still being rendered. Two ways to get there:

- ``Ranges``, when every segment is cut from a mezzanine (fragmented at each keyframe, already in S3): the
  playlist points at byte ranges of the mezzanines for the bodies, and only the crossfades are stored, each as a
  small fMP4 of its own. The bodies are not stored a second time: for a 2-minute 1080p memory that is ~90 MB less
  to send and for S3 to hash, most of what the render spent beside its encoding.
- ``Files``, for other sources (originals whose mezzanine is not ready yet): FFmpeg's HLS muxer writes fMP4
  segments beside the MP4, and they are sent as they appear.

Playlist lines hold object keys; the gateway turns them into presigned URLs (gateway/memories.py). A key with no
``/`` is the name of a file beside the playlist. Pieces from different files follow each other across
``EXT-X-DISCONTINUITY``, each with its own ``EXT-X-MAP`` (its file's init), as HLS asks when timestamps restart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from streams.storage.blobs import BlobStore
from streams.video import montage
from streams.video.crossfade import Transition
from streams.video.fragments import Fragment, Layout, layout

SEGMENT_SECONDS = 2.0  # fragments (0.5 s GOPs) are grouped into segments of about this length
TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".mp4": "video/mp4", ".m4s": "video/iso.segment"}


def playlist_prefix(user_id: str, memory_id: str) -> str:
    return f"memories/{user_id}/{memory_id}/hls/"


@dataclass(frozen=True)
class Piece:
    """A stretch of one fragmented MP4: its init, then whole fragments."""

    key: str
    init_size: int
    fragments: list[Fragment]

    @property
    def seconds(self) -> float:
        return sum(f.duration_s for f in self.fragments)

    def segments(self) -> list[tuple[int, int, float]]:
        """(offset, size, seconds) of consecutive fragments grouped up to ``SEGMENT_SECONDS``."""
        out: list[tuple[int, int, float]] = []
        for f in self.fragments:
            if out and out[-1][0] + out[-1][1] == f.offset and out[-1][2] + f.duration_s <= SEGMENT_SECONDS + 1e-6:
                offset, size, seconds = out[-1]
                out[-1] = (offset, size + f.size, seconds + f.duration_s)
            else:
                out.append((f.offset, f.size, f.duration_s))
        return out


def text(pieces: list[Piece], ended: bool) -> str:
    """An HLS v7 media playlist of the pieces in order; ``ended`` closes it (VOD from then on)."""
    segments = [(piece, segment) for piece in pieces for segment in piece.segments()]
    target = max([math.ceil(s[2] - 1e-6) for _, s in segments] + [math.ceil(SEGMENT_SECONDS)])
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0"]
    lines += ["#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for n, piece in enumerate(pieces):
        if n:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f'#EXT-X-MAP:URI="{piece.key}",BYTERANGE="{piece.init_size}@0"')
        for offset, size, seconds in piece.segments():
            lines += [f"#EXTINF:{seconds:.6f},", f"#EXT-X-BYTERANGE:{size}@{offset}", piece.key]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def body_pieces(keys: list[str], bodies: list[montage.Cut]) -> list[Piece] | None:
    """Each body as whole fragments of its mezzanine (fetched to ``body.path``, stored at its key), or None if a
    file is not fragmented where the body starts."""
    pieces = []
    for key, body in zip(keys, bodies, strict=True):
        found: Layout = layout(body.path)
        fragments = found.between(body.start_s, body.end_s)
        if not fragments or abs(fragments[0].start_s - body.start_s) > 1e-3:
            return None
        pieces.append(Piece(key, found.init_size, fragments))
    return pieces


class Progressive:
    """What the render tells a progressive playlist as it goes: it starts, has written ``seconds`` of the MP4,
    has placed a crossfade, has finished. Sending happens on one thread, in order, so a playlist never names an
    object that is not there yet."""

    muxed: Path | None = None  # where FFmpeg's HLS muxer is to write the playlist, if it writes one

    def __init__(self, blobs: BlobStore, folder: Path, prefix: str, first: Callable[[float], None]) -> None:
        """Files are written in ``folder`` and stored under ``prefix``; ``first`` hears when it is playable."""
        self.blobs, self.folder, self.prefix, self.first = blobs, folder, prefix, first
        self.queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hls-upload")
        self.pending: list[Future[None]] = []

    def start(self) -> None:
        """Before the first piece is written."""

    def written(self, seconds: float) -> None:
        """After each body."""

    def transition(self, index: int, transition: Transition, seconds: float) -> None:
        """After crossfade ``index`` (``seconds`` long, packets from ``montage.timed``) is in the MP4."""

    def finish(self, seconds: float) -> None:
        """Everything is in S3, the playlist with its end tag, or the first error is raised."""
        self.wait()

    def close(self) -> None:
        """Done, or given up: nothing more is sent."""
        self.queue.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Progressive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put_playlist(self, playlist: str) -> None:
        self.blobs.put_bytes(self.prefix + "index.m3u8", playlist.encode(), TYPES[".m3u8"])

    def submit(self, call: Callable[..., None], *args: object) -> None:
        self.pending.append(self.queue.submit(call, *args))

    def wait(self) -> None:
        """Everything submitted is sent, or the first error is raised."""
        self.queue.shutdown(wait=True)
        for done in self.pending:
            done.result()


class Ranges(Progressive):
    """The byte-range playlist: playable as soon as it names the first body, which is already in S3."""

    def __init__(
        self,
        blobs: BlobStore,
        folder: Path,
        prefix: str,
        bodies: list[Piece],
        first: Callable[[float], None],
        template: Path,
    ) -> None:
        super().__init__(blobs, folder, prefix, first)
        self.listed, self.waiting = bodies[:1], bodies[1:]
        self.writer = montage.TransitionWriter(template)  # crossfades shaped like this mezzanine

    def start(self) -> None:
        self.put_playlist(text(self.listed, ended=False))
        self.first(self.listed[0].seconds)

    def transition(self, index: int, transition: Transition, seconds: float) -> None:
        # stored as an fMP4 of its own, listed with the body after it
        name = f"x-{index:03d}.mp4"
        path = self.folder / name
        self.writer.write(transition, seconds, path)
        found = layout(path)
        self.listed += [Piece(self.prefix + name, found.init_size, found.fragments), self.waiting.pop(0)]
        self.submit(self._send, path, text(self.listed, ended=False))

    def finish(self, seconds: float) -> None:
        self.submit(self.put_playlist, text(self.listed, ended=True))
        self.wait()

    def close(self) -> None:
        super().close()
        self.writer.close()

    def _send(self, path: Path, playlist: str) -> None:
        self.blobs.put_file(self.prefix + path.name, path, TYPES[".mp4"])
        self.put_playlist(playlist)


class Files(Progressive):
    """Sends the muxer's finished files to S3 as they appear, the playlist itself last. The first segment goes at
    once (the memory is then playable); the rest on the sender's thread, so rendering does not wait."""

    def __init__(self, blobs: BlobStore, folder: Path, prefix: str, first: Callable[[float], None]) -> None:
        super().__init__(blobs, folder, prefix, first)
        self.sent: set[str] = set()
        self.muxed = folder / "index.m3u8"

    def written(self, seconds: float) -> None:
        if self.sent:
            self.submit(self.update, seconds)
        else:
            self.update(seconds)

    def finish(self, seconds: float) -> None:
        self.written(seconds)
        self.wait()

    def update(self, seconds: float) -> None:
        playlist = self.folder / "index.m3u8"
        if not playlist.exists():
            return
        lines = playlist.read_text().splitlines()
        segments = [line for line in lines if line and not line.startswith("#")]
        if not segments:
            return
        fresh = [n for n in ["init.mp4", *segments] if n not in self.sent and (self.folder / n).exists()]
        if not fresh:
            return
        first = not self.sent
        if first:
            # Playable as soon as one segment is out: the others follow with the next update of the playlist.
            fresh = fresh[:2]
            lines = lines[: lines.index(segments[0]) + 1]
        for name in fresh:
            path = self.folder / name
            self.blobs.put_file(self.prefix + name, path, TYPES[path.suffix])
            self.sent.add(name)
        self.put_playlist("\n".join(lines) + "\n")
        if first:
            self.first(seconds)
