"""The erase agents: what a deletion removes outside the read model — blobs in S3 and files in local caches.

Rows and vectors go in the projector (streams/agents/projector.py); tombstones keep late events from coming back
(Services.erased). Removing what is already gone is not an error, so a redelivered deletion is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from typing import Any

from streams.agents import projector
from streams.runtime.services import Services
from streams.storage.blobs import memory_key, processed_key
from streams.video.hls import playlist_prefix

log = logging.getLogger("reverie.erase")
CACHES = ("prepare", "memories")  # folders under cache_dir with a sub-folder per user


def _erase_capture(services: Services, event: dict[str, Any]) -> int:
    user, capture = event["user_id"], event["capture_id"]
    services.blobs.discard(event["object_key"])
    removed = 1 + services.blobs.remove_prefix(processed_key(user, capture, ""))
    shutil.rmtree(services.settings.cache_dir / "prepare" / user / capture, ignore_errors=True)
    for memory_id in event["memory_ids"]:
        removed += _erase_memory(services, user, memory_id)
    return removed


def _erase_memory(services: Services, user_id: str, memory_id: str) -> int:
    key = memory_key(user_id, memory_id)
    for name in (key, key.removesuffix(".mp4") + ".jpg"):
        services.blobs.discard(name)
    shutil.rmtree(services.settings.cache_dir / "memories" / user_id / memory_id, ignore_errors=True)
    return 2 + services.blobs.remove_prefix(playlist_prefix(user_id, memory_id))


def _erase_user(services: Services, event: dict[str, Any]) -> int:
    user_id = event["user_id"]
    # Tombstones before keys: an agent still busy with one of the user's captures must not seal its result under
    # a fresh key (Services.emit drops events about erased things). Then the keys: from that moment every event
    # ever written about the user is unreadable (crypto-shredding).
    projector.forget(services, event)
    services.keys.destroy(user_id)
    removed = sum(services.blobs.remove_prefix(f"{kind}/{user_id}/") for kind in ("raw", "processed", "memories"))
    for cache in CACHES:
        shutil.rmtree(services.settings.cache_dir / cache / user_id, ignore_errors=True)
    return removed


async def on_capture_deleted(services: Services, event: dict[str, Any]) -> None:
    removed = await asyncio.to_thread(_erase_capture, services, event)
    log.info("capture %s of %s deleted: %d objects removed", event["capture_id"], event["user_id"], removed)


async def on_user_forgotten(services: Services, event: dict[str, Any]) -> None:
    removed = await asyncio.to_thread(_erase_user, services, event)
    log.info("user %s forgotten: %d objects removed", event["user_id"], removed)
