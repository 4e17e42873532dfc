"""The render agent: MemoryPlanned → an HLS playlist that plays at once (MemoryPlayable) → one MP4 and a poster in
S3 → MemoryRendered (or MemoryFailed with the reason).

Segments cut from mezzanines are joined with crossfades; others by plain stream copy. The playlist grows in S3 as
the montage goes, so the device can start playing while the rest is rendered: over mezzanines it points at byte
ranges of them and only the crossfades are stored (streams/video/hls.py). The MP4 streams to S3 as a multipart upload
completed, moov first, only when the file is whole (streams/video/faststart.py), so a half-written MP4 is never served.
The local files go once everything is stored.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from core.metrics import MEMORY_SECONDS
from projections.connection import utc
from streams.runtime.services import Services
from streams.storage.blobs import memory_key
from streams.video import faststart, hls, montage

log = logging.getLogger("reverie.render")
T = TypeVar("T")


def poster_key(user_id: str, memory_id: str) -> str:
    return memory_key(user_id, memory_id).removesuffix(".mp4") + ".jpg"


def render(services: Services, event: dict[str, Any], playable: Callable[[float], None]) -> tuple[float, int]:
    """Fetch the segments' sources and join them, sending the playlist and the MP4 to S3 as they are written,
    and store a poster; returns the duration and the size of the stored (faststart) MP4."""
    cuts = [
        montage.Cut(services.blobs.fetch(s["object_key"]), float(s["start_s"]), float(s["end_s"]))
        for s in event["segments"]
    ]
    crossfade = float(event["crossfade_s"]) if all(s["mezzanine"] for s in event["segments"]) else 0.0
    folder = services.settings.cache_dir / "memories" / event["user_id"] / event["memory_id"]
    try:
        with _progressive(services, event, cuts, crossfade, folder / "hls", playable) as progressive:
            return _join_and_store(services, event, cuts, folder / "memory.mp4", crossfade, progressive)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # everything is in S3 now (~100 MB a 2-minute memory)


def _progressive(
    services: Services,
    event: dict[str, Any],
    cuts: list[montage.Cut],
    crossfade: float,
    folder: Path,
    playable: Callable[[float], None],
) -> hls.Progressive:
    """Byte ranges of the mezzanines when every body is cut from one; else segments the muxer writes."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = hls.playlist_prefix(event["user_id"], event["memory_id"])
    keys = [s["object_key"] for s in event["segments"]]
    bodies = hls.body_pieces(keys, montage.bodies(cuts, crossfade)) if crossfade else None
    if bodies:
        return hls.Ranges(services.blobs, folder, prefix, bodies, playable, cuts[0].path)
    return hls.Files(services.blobs, folder, prefix, playable)


def _join_and_store(
    services: Services,
    event: dict[str, Any],
    cuts: list[montage.Cut],
    out: Path,
    crossfade: float,
    progressive: hls.Progressive,
) -> tuple[float, int]:
    mp4 = faststart.Upload(services.blobs, memory_key(event["user_id"], event["memory_id"]), montage.partial(out))

    def progress(seconds: float) -> None:
        progressive.written(seconds)
        mp4.grow()

    started = time.perf_counter()
    try:
        progressive.start()
        duration = montage.join(
            cuts,
            out,
            crossfade,
            progressive.muxed,
            progress=progress,
            faststart=False,
            transitions=progressive.transition,
        )
    except BaseException:
        mp4.abort()
        raise
    joined = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="render-finish") as pool:
        # the last crossfades or segments and the playlist with its end tag; the poster
        playlist = pool.submit(_timed, progressive.finish, duration)
        picture = pool.submit(_timed, _store_poster, services, out, min(duration / 2, 5.0), event)
        size, mp4_s = _timed(mp4.finish, out)
        playlist_s, poster_s = playlist.result()[1], picture.result()[1]
    # Each part's own time: now and then one of them takes ~1 s more, and the log should say which.
    log.info(
        "memory %s joined in %.3f s, then stored in %.3f s (the MP4's end %.3f s, the playlist's %.3f s, the poster"
        " %.3f s)",
        event["memory_id"],
        joined - started,
        time.perf_counter() - joined,
        mp4_s,
        playlist_s,
        poster_s,
    )
    return duration, size


def _timed(call: Callable[..., T], *args: Any) -> tuple[T, float]:
    started = time.perf_counter()
    return call(*args), time.perf_counter() - started


def _store_poster(services: Services, video: Path, at_s: float, event: dict[str, Any]) -> None:
    picture = poster(video, at_s)
    services.blobs.put_file(poster_key(event["user_id"], event["memory_id"]), picture, "image/jpeg")


def poster(path: Path, at_s: float) -> Path:
    """A 640 px JPEG of the frame at ``at_s``."""
    import av  # noqa: PLC0415

    target = path.with_suffix(".jpg")
    with av.open(str(path)) as clip:
        video = clip.streams.video[0]
        clip.seek(round(at_s / (video.time_base or Fraction(1, 90000))), stream=video, backward=True)
        frame = next(clip.decode(video))
        image = frame.to_image()
    image.thumbnail((640, 640))
    image.save(target, "JPEG", quality=85)
    return target


async def on_memory_planned(services: Services, event: dict[str, Any]) -> None:
    rows = await asyncio.to_thread(services.store.memory, event["user_id"], event["memory_id"])
    if any(row["stage"] == "rendered" for row in rows):
        return  # delivered again after a restart: the memory is already in S3 and its event in the log
    started = time.perf_counter()
    asked = next((r["occurred_at"] for r in rows if r["stage"] == "requested"), event["occurred_at"])
    loop = asyncio.get_running_loop()
    prefix = hls.playlist_prefix(event["user_id"], event["memory_id"])

    def playable(seconds: float) -> None:
        log.info("memory %s playable after %.3f s of rendering", event["memory_id"], time.perf_counter() - started)
        MEMORY_SECONDS.labels("playable").observe(_since(asked))
        emitted = services.emit_derived(
            "MemoryPlayable",
            event,
            memory_id=event["memory_id"],
            playlist_key=prefix + "index.m3u8",
            seconds_ready=round(seconds, 3),
        )
        asyncio.run_coroutine_threadsafe(emitted, loop).result()

    try:
        duration, size = await asyncio.to_thread(render, services, event, playable)
    except (montage.MontageError, ValueError) as exc:
        # clips that cannot be joined (two formats) fail the memory with the reason, rather than being retried
        await services.emit_derived(
            "MemoryFailed", event, memory_id=event["memory_id"], stage="render", reason=str(exc)
        )
        return
    key = memory_key(event["user_id"], event["memory_id"])
    MEMORY_SECONDS.labels("finished").observe(_since(asked))
    log.info(
        "memory %s rendered: %.1f s of video, %d segments, in %.3f s",
        event["memory_id"],
        duration,
        len(event["segments"]),
        time.perf_counter() - started,
    )
    await services.emit_derived(
        "MemoryRendered",
        event,
        memory_id=event["memory_id"],
        object_key=key,
        duration_s=round(duration, 3),
        size_bytes=size,
        segment_count=len(event["segments"]),
        render_seconds=round(time.perf_counter() - started, 3),
        playlist_key=prefix + "index.m3u8",
        poster_key=poster_key(event["user_id"], event["memory_id"]),
        cache_key=event["cache_key"],
    )


def _since(at: datetime) -> float:
    return (datetime.now(UTC) - utc(at)).total_seconds()
