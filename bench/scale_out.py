"""Scale-out on one machine: the same album enriched by one worker process, then by two sharing the topics'
partitions as one consumer group, in the same run; the ratio of the times.

The first worker is a whole `reverie serve` (the gateway takes the uploads), the second `reverie serve
--no-gateway`. Embedded chDB and qdrant-edge serve one process per data folder, so each worker has its own and
the projections are split between them: the figure is how soon every event has been processed (the consumer
group's lag back at 0), which is what sharing the partitions speeds up. Models are warmed by a first round of
small clips before the clock starts. Faces are off (their switch is a per-user setting read from the store),
preparation too (it is measured on its own).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench import load
from core.settings import REPO_ROOT, Settings
from gateway import auth
from gateway.client import Client
from infra import album, server
from infra.process import start_daemon, stop_pid
from streams.storage.blobs import BlobStore
from streams.storage.master_keys import new_key_line

USERS = 8  # their clips spread over the partitions by user id, as devices' do
PARTITIONS = 4


def _worker(settings: Settings, n: int) -> Settings:
    return settings.with_(data_dir=settings.data_dir / f"worker-{n}", http_port=settings.http_port + n)


def _start(settings: Settings, workers: int) -> list[Settings]:
    first = _worker(settings, 0)
    server.start(first)
    started = [first]
    for n in range(1, workers):
        other = _worker(settings, n)
        other.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **other.to_env(), "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "infra.cli", "serve", "--no-gateway"]
        start_daemon(command, server.pidfile(other), server.logfile(other), env=env, cwd=REPO_ROOT)
        started.append(other)
    for worker in started:  # every member has joined the group before any work is timed
        _wait_until(lambda w=worker: "Ready" in server.logfile(w).read_text(errors="replace"), 180)
    return started


def _wait_until(done: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("a scale-out worker did not get there in time")
        time.sleep(0.2)


def _upload(settings: Settings, files: list[Path]) -> None:
    clients = [Client(server.base_url(settings), auth.issue(settings, f"scale-{u}")) for u in range(USERS)]
    try:
        for i, path in enumerate(files):
            clients[i % USERS].upload(path)
    finally:
        for client in clients:
            client.close()


def _timed_run(settings: Settings, workers: int, clips: list[Path], warm: list[Path]) -> float:
    tag = f"bench-scale-{workers}-{int(time.time())}"
    run = settings.with_(
        data_dir=settings.data_dir / tag,
        topic_prefix=tag,
        app_id=tag,
        s3_bucket=tag,
        master_keys=new_key_line(),  # every worker unwraps the user keys the others made: one master key for all
        kafka_partitions=PARTITIONS,
        prepare_media=False,
        enrich_faces=False,
    )
    BlobStore(run).ensure_bucket()
    started = _start(run, workers)
    try:
        _upload(started[0], warm)
        asyncio.run(load.settled(run))
        began = time.perf_counter()
        _upload(started[0], clips)
        asyncio.run(load.settled(run))
        return time.perf_counter() - began
    finally:
        for worker in reversed(started):
            stop_pid(server.pidfile(worker), timeout=30.0)


def bench_scale(settings: Settings, clips: list[tuple[album.SampleClip, Path]], work: Path) -> dict[str, Any]:
    """One worker, then two, on the same album (fresh topics each); their times and the speedup."""
    files = [path for _, path in clips]
    warm = load.make_clips(work / "scale-warm", USERS)
    one = _timed_run(settings.with_(data_dir=work), 1, files, warm)
    two = _timed_run(settings.with_(data_dir=work), 2, files, warm)
    return {
        "clips": len(files),
        "users": USERS,
        "partitions": PARTITIONS,
        "one_worker_s": round(one, 2),
        "two_workers_s": round(two, 2),
        "two_vs_one_speedup": round(one / two, 2),
        "note": "time from the first upload of the sample album until the consumer group has no lag (probe, "
        "places, shots, speech, visual, projection); two `reverie serve` processes in one consumer group share "
        "the partitions, each with its own embedded stores; models warmed first; faces and preparation off",
    }
