"""Many devices at once: concurrent clients searching through the gateway over loopback.

50 clients, each sending its searches one after another (a new one as soon as the last is answered), against one
client alone in the same run (the baseline): requests per second, p50 and p95 latency, and errors.

The clients run on the machine the server runs on, so what they spend is taken from the server: they use aiohttp,
which spends about a third of what httpx did per request (with httpx clients the same server answered 210 searches
a second of the 10,000-clip album, with these 320).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench import memories
from bench.measure import summary
from core.settings import Settings
from gateway import auth
from infra import server

QUERIES = ("Paris", "the rocket", "our trip in June 2025", "coffee in Paris", "a cat", "motorcycle")


async def _client(base: str, token: str, requests: int, offset: int, times: list[float], errors: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(base, headers=headers, timeout=aiohttp.ClientTimeout(total=60)) as http:
        for i in range(requests):
            started = time.perf_counter()
            params: dict[str, str | int] = {"q": QUERIES[(offset + i) % len(QUERIES)], "limit": 10}
            async with http.get("/v1/search", params=params) as response:
                await response.read()
                status = response.status
            times.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)


async def _load(base: str, token: str, clients: int, requests: int) -> dict[str, Any]:
    times: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    await asyncio.gather(*(_client(base, token, requests, c, times, errors) for c in range(clients)))
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(times),
        "requests_per_s": round(len(times) / wall, 1),
        "errors": len(errors),
        **summary(times),
    }


def bench_gateway_search(base: str, token: str, clients: int = 50, requests: int = 20) -> dict[str, Any]:
    """``token``'s user should have an album; the gateway should not rate-limit (the bench turns limits off)."""
    asyncio.run(_load(base, token, 1, 5))  # warm the models and caches
    alone = asyncio.run(_load(base, token, 1, requests * 2))
    crowd = asyncio.run(_load(base, token, clients, requests))
    return {
        "one_client": alone,
        "concurrent": crowd,
        "throughput_ratio": round(crowd["requests_per_s"] / alone["requests_per_s"], 2),
        "p95_ratio": round(crowd["p95_s"] / alone["p95_s"], 2),
        "note": "GET /v1/search over loopback on the 16-clip trip album; one gateway process (uvicorn in the "
        "worker), rate limits off for the run; the ratio compares 50 clients with one client in the same run",
    }


def bench_served_album(settings: Settings, work: Path, clips: int = 10_000, clients: int = 50) -> dict[str, Any]:
    """The same load on a 10,000-clip album: a second `reverie serve` whose stores hold the synthetic album of the
    search section (bench/memories.py), on topics of its own so that it shares the broker and nothing else."""
    user = memories.SEARCH_USER
    served = settings.with_(
        data_dir=work / "served-10k", http_port=settings.http_port + 17, topic_prefix="bench10k", app_id="bench10k"
    )
    server.stop(served)
    store, vectors = memories.synthetic_album(served.data_dir, user, clips, 4)
    store.close()
    vectors.close()
    server.start(served, timeout=180)
    try:
        measured = bench_gateway_search(server.base_url(served), auth.issue(served, user), clients, requests=20)
    finally:
        server.stop(served)
    measured["clips"] = clips
    measured["note"] = (
        f"GET /v1/search over loopback on a synthetic album of {clips:,} clips (4 frames each, metadata in chDB, "
        "vectors in qdrant-edge); one `reverie serve` process; rate limits off"
    )
    return measured
