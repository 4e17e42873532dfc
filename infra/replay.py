"""`reverie replay`: rebuild the projections from the event log (streams/replay.py) with a progress bar.

With the embedded server running, its process owns the stores: the replay runs there (live processing goes on)
and this command follows its progress. Otherwise the replay runs here, and the next `reverie serve` reads the
version it made live.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tqdm import tqdm

from core.settings import Settings
from infra import operations

POLL_S = 0.5


def run(settings: Settings, source: str = "beginning", fresh: bool = False, show: bool = True) -> dict[str, Any]:
    """Replay to the end and switch; returns the final progress (events, events/s, skipped, version)."""
    bar = tqdm(unit=" events", unit_scale=True, dynamic_ncols=True, disable=not show, desc="replay")
    try:
        if operations.server_running(settings):
            return _through_server(settings, source, fresh, bar)
        return _here(settings, source, fresh, bar)
    finally:
        bar.close()


def _show(bar: tqdm, progress: dict[str, Any]) -> None:  # type: ignore[type-arg]
    bar.desc = f"replay into v{progress['version']}"
    bar.total = progress["total"]
    bar.n = progress["done"]
    bar.set_postfix(skipped=progress["skipped"], refresh=False)
    bar.refresh()


def _through_server(settings: Settings, source: str, fresh: bool, bar: tqdm) -> dict[str, Any]:  # type: ignore[type-arg]
    progress = operations.call(settings, "POST", "/v1/admin/replay", {"from": source, "fresh": fresh})
    while progress["state"] == "running":
        _show(bar, progress)
        time.sleep(POLL_S)
        progress = operations.call(settings, "GET", "/v1/admin/replay")
    _show(bar, progress)
    if progress["state"] == "failed":
        raise RuntimeError(f"the replay failed: {progress['error']} (run it again to resume)")
    return progress


def _here(settings: Settings, source: str, fresh: bool, bar: tqdm) -> dict[str, Any]:  # type: ignore[type-arg]
    from streams.replay import Replay  # noqa: PLC0415 - opening the stores is costly; only when needed

    replay = Replay.start(settings, source, fresh)
    try:
        progress = asyncio.run(replay.run(on_progress=lambda p: _show(bar, p.as_json())))
    finally:
        replay.services.close()
    return progress.as_json()
