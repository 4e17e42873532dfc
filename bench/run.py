"""`python -m bench run` (`just bench`): measured figures as JSON, each against a baseline measured in the same run.

- render: the stream-copy montage against a full decode + x264 re-encode of the same segments;
- probe: seconds of PyAV probing per second of 1080p video;
- memory and search: see bench/memories.py.

Beside the JSON, bench/reporting.py writes the report: one Markdown table of the headline figures and PNG plots.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import av

from bench import (
    concurrent_search,
    install,
    load,
    memories,
    profile,
    relevance_album,
    replay_rate,
    scale_out,
    understanding,
)
from bench.measure import cpu_seconds as _cpu
from bench.measure import summary as _summary
from bench.measure import timed as _timed
from bench.reencode import reencode
from bench.reporting import remember_before, write_report
from core.settings import Settings
from gateway import auth
from gateway.client import Client
from infra import album, server, stack
from streams.geo import geocode
from streams.models import factory, vision
from streams.models.speech import Speech
from streams.storage.blobs import BlobStore
from streams.understanding import selection
from streams.video import media, mezzanine, montage

log = logging.getLogger("reverie.bench")


def _cuts(clips: list[tuple[album.SampleClip, Path]], target: float) -> list[montage.Cut]:
    rows = []
    for clip, path in clips:
        facts = media.probe(path)
        rows.append(selection.Clip(str(path), str(path), facts.duration_s, facts.keyframes, album.captured_at(clip)))
    return [montage.Cut(Path(p.clip.object_key), p.start_s, p.end_s) for p in selection.pick(rows, target, 0.0)]


def bench_render(clips: list[tuple[album.SampleClip, Path]], out_dir: Path, repeat: int) -> dict[str, Any]:
    cuts = _cuts(clips, 120.0)
    seconds = sum(c.end_s - c.start_s for c in cuts)
    copy = _timed(lambda: montage.join(cuts, out_dir / "copy.mp4"), repeat)
    full = _timed(lambda: reencode(cuts, out_dir / "reencode.mp4"), max(1, repeat // 3))
    return {
        "clips": len(clips),
        "segments": len(cuts),
        "output_seconds": round(seconds, 2),
        "resolution": f"{album.WIDTH}x{album.HEIGHT}",
        "stream_copy": _summary(copy),
        "full_reencode_baseline": _summary(full),
        "speedup_vs_reencode": round(min(full) / min(copy), 1),
    }


def bench_probe(clips: list[tuple[album.SampleClip, Path]], repeat: int) -> dict[str, Any]:
    times = [t for _, path in clips for t in _timed(partial(media.probe, path), repeat)]
    per_clip = statistics.median(times)
    return {
        "per_clip": _summary(times),
        "clip_seconds": album.SECONDS,
        "realtime_multiple": round(album.SECONDS / per_clip, 1),
    }


def bench_prepare(clips: list[tuple[album.SampleClip, Path]], work: Path, repeat: int) -> dict[str, Any]:
    """Probe + mezzanine + thumbnails of a 32 s 1080p clip, as a multiple of real time (goal: ≥ 1)."""
    source = album.long_clip(clips, 32.0, work / "long-32s.mp4")
    seconds = media.probe(source).duration_s

    def once() -> None:
        media.probe(source)
        mezzanine.prepare(source, work / "prepared", 1080)

    times = _timed(once, max(1, repeat // 2))
    return {
        "clip_seconds": seconds,
        "resolution": "1920x1080",
        "prepare": _summary(times),
        "realtime_multiple": round(seconds / min(times), 2),
        "note": "probe + mezzanine (x264 ultrafast, 30 fps, keyframe every 0.5 s, fMP4) + poster + strip",
    }


def bench_enrichment(clips: list[tuple[album.SampleClip, Path]], work: Path) -> dict[str, Any]:
    """Per stage, seconds of 1080p video handled per CPU-second (process time, all threads counted)."""
    source = album.long_clip(clips, 32.0, work / "long-32s.mp4")
    seconds = media.probe(source).duration_s

    def every_frame() -> None:
        with av.open(str(source)) as container:
            for _ in container.decode(video=0):
                pass

    keyframes_cpu = _cpu(lambda: media.sample_frames(source))
    every_cpu = _cpu(every_frame)
    frames = media.sample_frames(source)
    model = factory.faces()
    model.load()  # loading weights is not throughput
    faces_cpu = _cpu(lambda: [model.predict(bgr) for _, bgr in frames])
    gazetteer = geocode.gazetteer()
    points = [(c.lat, c.lon) for c, _ in clips] * 50
    places_cpu = _cpu(lambda: [gazetteer.nearest(lat, lon) for lat, lon in points])
    factory.tags().load()  # loading weights is not throughput
    factory.visual_images().load()
    visual_cpu = _cpu(lambda: _describe(source))
    spoken = album.spoken_clip(work / "spoken.mp4", SPEECH)
    spoken_seconds = media.probe(spoken).duration_s
    whisper = factory.speech()
    whisper.predict(Speech(spoken))  # the first call loads the model
    speech_cpu = _cpu(lambda: whisper.predict(Speech(spoken)))
    return {
        "clip_seconds": seconds,
        "sampled_frames": len(frames),
        "frames_keyframes_only_video_s_per_cpu_s": round(seconds / keyframes_cpu, 1),
        "frames_every_frame_video_s_per_cpu_s": round(seconds / every_cpu, 1),
        "keyframes_vs_every_frame_ratio": round(every_cpu / keyframes_cpu, 1),
        "faces_video_s_per_cpu_s": round(seconds / (keyframes_cpu + faces_cpu), 1),
        "places_lookups_per_cpu_s": round(len(points) / places_cpu),
        "visual_video_s_per_cpu_s": round(seconds / visual_cpu, 1),
        "speech_video_s_per_cpu_s": round(spoken_seconds / speech_cpu, 1),
        "speech_clip_seconds": round(spoken_seconds, 1),
        "note": "faces = keyframe sampling + YuNet + SFace; places = one lookup per clip; visual = keyframes at"
        " 320 px + MobileNetV2 tags + MiniLM caption vectors; speech = Whisper tiny.en with VAD and word times on"
        " espeak-ng speech filling the whole clip (it reads only the sound, so the picture size does not matter)",
    }


SPEECH = (
    "We walked along the river in the morning and had coffee near the cathedral. "
    "In the afternoon we took the train to the coast, swam in the sea and watched the sunset from the old harbour. "
    "Then we had dinner with friends and talked about the trip until late at night."
)


def _describe(source: Path) -> None:
    frames = [bgr for _, bgr in media.sample_frames(source, max_width=320)]
    seen = factory.tags().predict(frames)  # tags and image embeddings, one pass
    factory.visual_images().predict(vision.Frames(frames, [s.tags for s in seen]))


def bench_upload(
    settings: Settings, clips: list[tuple[album.SampleClip, Path]], work: Path, repeat: int
) -> dict[str, Any]:
    """MB/s of a ≥ 50 MB clip through the gateway (tus and one-shot) against a direct S3 put, same run. Each
    upload is new to the server (a user of its own in each run: a clip the user already has is not stored again,
    so it would time only the checksum) and starts once the agents are idle (each upload starts the enrichment and
    the mezzanine of a 144 s clip, which would otherwise share the cores with the next one)."""
    source = album.long_clip(clips, 144.0, work / "long-144s.mp4")
    size_mb = source.stat().st_size / 1e6
    blobs = BlobStore(settings)
    direct = _timed(lambda: blobs.put_file("bench/direct.mp4", source, "video/mp4"), repeat)
    runs: dict[str, list[float]] = {"tus": [], "multipart": []}
    tag = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
    for i in range(repeat):
        for mode, times in runs.items():
            client = Client(server.base_url(settings), auth.issue(settings, f"bench-{mode}-{tag}-{i}"))
            asyncio.run(load.settled(settings))
            started = time.perf_counter()
            client.upload_resumable(source) if mode == "tus" else client.upload(source)
            times.append(time.perf_counter() - started)
            client.close()
    best = {mode: size_mb / min(times) for mode, times in runs.items()}
    direct_mb_s = size_mb / min(direct)
    return {
        "size_mb": round(size_mb, 1),
        "direct_s3_mb_s": round(direct_mb_s, 1),
        "gateway_tus_mb_s": round(best["tus"], 1),
        "gateway_multipart_mb_s": round(best["multipart"], 1),
        "tus_vs_direct_ratio": round(best["tus"] / direct_mb_s, 2),
        "multipart_vs_direct_ratio": round(best["multipart"] / direct_mb_s, 2),
        "note": "gateway figures include validation (PyAV probe), sha256, the S3 put and the Kafka ack; each upload"
        " is new to the server and starts with the agents idle",
    }


SECTIONS = (
    "install", "understanding", "render", "probe", "prepare", "enrichment", "memory", "gateway_search", "search",
    "relevance", "upload", "load", "startup", "replay", "scale", "profile",
)  # fmt: skip
SERVED = {"memory", "gateway_search", "search", "relevance", "upload", "load"}  # need `reverie serve` running


def run(
    settings: Settings,
    out: Path,
    repeat: int = 3,
    requests: int = 10,
    only: set[str] | None = None,
    merge: Path | None = None,
) -> dict[str, Any]:
    """Every section (or ``only`` these); with ``merge``, the sections measured now replace theirs in that earlier
    run's JSON, and the JSON says which sections were measured when."""
    chosen = set(SECTIONS) if only is None else only
    unknown = chosen - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown bench sections: {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})")
    clips = album.build(settings.data_dir / "album")
    work = settings.data_dir / "bench"
    work.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    report: dict[str, Any] = json.loads(merge.read_text()) if merge is not None and merge.exists() else {}
    report.setdefault("sections_measured_at", {s: report.get("measured_at") for s in SECTIONS if s in report})
    report.update(machine={"cpus": os.cpu_count(), "python": platform.python_version(), "pyav": av.__version__})
    report["measured_at"] = now
    remember_before(report, chosen)
    out.parent.mkdir(parents=True, exist_ok=True)

    def record(name: str, measure: Callable[[], Any]) -> None:
        # written after every section: a step failing late (the replay comes last) keeps what was measured before it
        report[name] = measure()
        report["sections_measured_at"][name] = now
        out.write_text(json.dumps(report, indent=2))

    steps: dict[str, Any] = {
        "install": install.bench_install,
        "understanding": understanding.bench_understanding,
        "render": lambda: bench_render(clips, work, repeat),
        "probe": lambda: bench_probe(clips, repeat),
        "prepare": lambda: bench_prepare(clips, work, repeat),
        "enrichment": lambda: bench_enrichment(clips, work),
        "profile": lambda: profile.bench_profile(settings, work),
    }
    for name, step in steps.items():
        if name in chosen:
            record(name, step)
    if chosen & SERVED:
        stack.up(settings)
        stack.wait_ready(settings)
        # rate limits off for the bench (its clients are one user hammering on purpose): a server already running
        # with limits is restarted, and the limitless one is stopped at the end
        server.stop(settings)
        settings = settings.with_(rate_per_user=1e6, burst_per_user=1_000_000)
        server.start(settings)
        served: dict[str, Any] = {
            "memory": lambda: memories.bench_memories(settings, work, requests),
            "gateway_search": lambda: {
                **concurrent_search.bench_gateway_search(
                    server.base_url(settings), auth.issue(settings, report["memory"]["user"])
                ),
                "album_10k": concurrent_search.bench_served_album(settings, work),
            },
            "search": lambda: memories.bench_search(settings, work),
            "relevance": lambda: relevance_album.bench_relevance(settings, work),
            "upload": lambda: bench_upload(settings, clips, work, repeat),
            "load": lambda: load.load(settings, work, users=8, clips=3, memories=2),
        }
        for name, step in served.items():
            if name in chosen:
                record(name, step)
        server.stop(settings)
    if "startup" in chosen:
        record("startup", lambda: install.bench_startup(settings))
    if "replay" in chosen:
        record("replay", lambda: replay_rate.bench_replay(settings, work))
    if "scale" in chosen:
        record("scale", lambda: scale_out.bench_scale(settings, clips, work))
    out.write_text(json.dumps(report, indent=2))
    try:
        written = write_report(report, out.parent)
        log.info("report: %s", ", ".join(str(p) for p in written))
    except Exception:
        # the JSON is on disk already: a plotting failure must not cost a run of measurements that took most of an
        # hour, and the report is rebuilt from the JSON alone
        log.exception("the report failed; rebuild it with python -m bench.reporting %s <folder>", out)
    return report
