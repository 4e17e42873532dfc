"""The local stack as one unit: `just up` / `just down`."""

from __future__ import annotations

import time

from core.settings import Settings
from infra import kafka, seaweed


def up(settings: Settings) -> dict[str, bool]:
    """Start what is not running yet; harmless when everything already runs."""
    return {"kafka": kafka.start(settings), "seaweedfs": seaweed.start(settings)}


def down(settings: Settings) -> dict[str, bool]:
    return {"seaweedfs": seaweed.stop(settings), "kafka": kafka.stop(settings)}


def status(settings: Settings) -> dict[str, bool]:
    return {"kafka": kafka.is_running(settings), "seaweedfs": seaweed.is_running(settings)}


def wait_ready(settings: Settings, timeout: float = 60.0) -> None:
    """Wait until the broker answers metadata requests, not only accepts connections."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient  # noqa: PLC0415 - keeps `reverie down` light

    async def probe() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=5000)
        await admin.start()
        try:
            await admin.list_topics()
        finally:
            await admin.close()

    deadline = time.monotonic() + timeout
    while True:
        try:
            asyncio.run(probe())
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
