"""`reverie demo`: start the local stack, ingest the sample album, ask for a memory of Paris, print where it is."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
from tqdm import tqdm

from core.settings import Settings
from gateway import auth
from gateway.client import Client
from infra import album, server, stack

log = logging.getLogger("reverie.demo")

REQUEST = "a 30 second memory video of our days in Paris"
DEMO_USER = "demo"


@dataclass
class DemoResult:
    path: Path
    memory: dict[str, Any]
    latency_s: float
    frames: int


def verify_mp4(path: Path) -> int:
    """Decode every video frame; fail if any timestamp does not rise. Returns the frame count."""
    last: int | None = None
    frames = 0
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            if frame.pts is None or (last is not None and frame.pts <= last):
                raise RuntimeError(f"{path}: frame timestamps do not rise at frame {frames}")
            last = frame.pts
            frames += 1
    if frames == 0:
        raise RuntimeError(f"{path}: no frames decode")
    return frames


def ingest(client: Client, clips: list[tuple[album.SampleClip, Path]]) -> list[str]:
    ids = []
    for clip, path in tqdm(clips, desc="upload", unit="clip"):
        # The clip without metadata sends its time and place along, as a phone app would.
        fields = {} if clip.embedded else {"captured_at": clip.captured_at, "lat": clip.lat, "lon": clip.lon}
        ids.append(client.upload(path, device_id="demo-glasses", **fields)["capture_id"])
    for capture_id in tqdm(ids, desc="probe", unit="clip"):
        client.wait_probed(capture_id)
    for capture_id in tqdm(ids, desc="prepare (mezzanine for crossfades)", unit="clip"):
        client.wait_prepared(capture_id)
    return ids


def run(settings: Settings, text: str = REQUEST) -> DemoResult:
    print("starting Kafka and SeaweedFS …", flush=True)
    stack.up(settings)
    stack.wait_ready(settings)
    clips = album.build(settings.data_dir / "album")
    print("starting reverie serve (agents + gateway) …", flush=True)
    server.start(settings)
    client = Client(server.base_url(settings), auth.issue(settings, DEMO_USER))
    try:
        ingest(client, clips)
        started = time.perf_counter()
        memory_id = client.request_memory(text)["memory_id"]
        memory = client.wait_memory(memory_id)
        latency = time.perf_counter() - started
    finally:
        client.close()
    if memory["status"] != "rendered":
        raise RuntimeError(f"the memory failed: {memory.get('reason')}")
    out = settings.data_dir / "demo" / f"{memory_id}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    with httpx.stream("GET", str(memory["video_url"]), timeout=60.0) as response:
        response.raise_for_status()
        with open(out, "wb") as fh:
            for chunk in response.iter_bytes():
                fh.write(chunk)
    return DemoResult(out, memory, latency, verify_mp4(out))


def report(result: DemoResult) -> str:
    m = result.memory
    cuts = ", ".join(f"{s['capture_id'][:8]} {s['start_s']:.1f}-{s['end_s']:.1f}s" for s in m["segments"])
    fades = "crossfades" if all(s.get("mezzanine") for s in m["segments"]) else "hard cuts"
    lines = [
        f"request:   {m['text']!r}",
        f"understood: {m['query']['explanation'] if m.get('query') else '-'}",
        f"place:     {m['place']}   target {m['target_seconds']:.0f} s   planned {m['planned_seconds']:.1f} s",
        f"segments:  {len(m['segments'])} with {fades} ({cuts})",
        f"why:       {m['segments'][0]['why'] if m['segments'] else '-'} (first segment)",
        f"latency:   {result.latency_s:.2f} s from POST /v1/memories to a rendered MP4 "
        f"(render {m['render_seconds']:.2f} s; playable as HLS at {m.get('playable_at') or '-'})",
        f"checked:   {result.frames} frames decode, timestamps rise, {m['duration_s']:.2f} s",
        f"memory:    {result.path}",
        "the gateway and the stack keep running; `just down` stops them",
    ]
    return "\n".join(lines)
