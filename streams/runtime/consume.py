"""The loop every agent runs: decode, handle, retry what may pass, dead-letter what never will, go on.

A message that does not decode, or whose content the handler rejects, goes to the dead-letter topic with its
original bytes, its source position and the reason; the stream continues with the next message. When a service
the handler needs is away (S3, the broker, a full disk) the message is retried with backoff until it is back,
however long that takes: dead-lettering it would lose an event that is fine. Its partition waits meanwhile (the
order of a user's events matters) and the consumer lag in /metrics shows it. Any other error is retried a few
times, then dead-lettered. Handlers are idempotent, so a retry is safe.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import urllib3.exceptions
from aiokafka.errors import KafkaError
from minio.error import ServerError

from core import logs, metrics
from core.clock import utcnow
from schemas.codec import DecodeError
from streams.runtime.services import Services
from streams.storage.sealing import KeyDestroyed, SealError
from streams.video.media import MediaError

log = logging.getLogger("reverie.agents")

Handler = Callable[[str, dict[str, Any]], Awaitable[None]]

# Errors that say the message itself is bad: retrying cannot help.
POISON: tuple[type[BaseException], ...] = (DecodeError, SealError, MediaError, KeyError, ValueError, TypeError)
# Errors that say a service is away, not that the message is bad.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    urllib3.exceptions.HTTPError,
    KafkaError,
    ServerError,
)
RETRIES = 4
BACKOFF_S = 0.5
MAX_BACKOFF_S = 10.0


def disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def unavailable(exc: BaseException) -> bool:
    """Whether retrying later can help however often it failed: a service away, or no space left on disk."""
    return disk_full(exc) or isinstance(exc, UNAVAILABLE)


async def consume(services: Services, agent: str, events: AsyncIterator[Any], handle: Handler) -> None:
    async for event in events:
        message = event.message
        try:
            opened = await asyncio.to_thread(_open, services, event.value)
            if opened is None:
                log.info("%s: %s[%d]@%d belongs to a forgotten user: dropped", agent, *_position(message))
                continue
            name, record = opened
            ids = {k: record.get(k) for k in ("event_id", "causation_id", "user_id")}
            with logs.bound(**ids):
                if await asyncio.to_thread(services.erased, name, record):
                    log.info("%s: %s %s is about something deleted: dropped", agent, name, record.get("event_id"))
                    continue
                await _with_retries(agent, name, record, handle)
        except Exception as exc:  # noqa: BLE001 - every failure of one message must leave the stream running
            reason = f"{exc.__class__.__name__}: {exc}"
            log.warning("%s: dead-lettering %s[%d]@%d: %s", agent, *_position(message), reason)
            await dead_letter(services, agent, message, reason)


def _open(services: Services, value: bytes) -> tuple[str, dict[str, Any]] | None:
    """The decoded event, or None when its key was destroyed (crypto-shredded: nothing to do, nothing wrong)."""
    try:
        return services.decode(value)
    except KeyDestroyed:
        return None


def _position(message: Any) -> tuple[str, int, int]:
    return message.topic, message.partition, message.offset


async def _with_retries(agent: str, name: str, record: dict[str, Any], handle: Handler) -> None:
    attempt = 0
    while True:
        attempt += 1
        try:
            await handle(name, record)
            return
        except POISON:
            raise
        except Exception as exc:
            waiting = unavailable(exc)
            if attempt >= RETRIES and not waiting:
                raise
            delay = min(BACKOFF_S * 2 ** (attempt - 1), MAX_BACKOFF_S)
            why = "failed"
            if waiting:
                why = "found the data disk full" if disk_full(exc) else "needs a service that is away"
            log.warning(
                "%s: %s %s %s (%s: %s), retry %d in %.1fs",
                agent, name, record.get("event_id"), why, exc.__class__.__name__, exc, attempt, delay,
            )  # fmt: skip
            await asyncio.sleep(delay)


async def dead_letter(services: Services, agent: str, message: Any, reason: str) -> None:
    key = message.key if isinstance(message.key, bytes) else None
    user = key.decode("utf-8", "replace") if key else None
    value = message.value if isinstance(message.value, bytes) else b""
    record = {
        "event_id": str(uuid.uuid4()),
        "user_id": user,
        "occurred_at": utcnow(),
        "agent": agent,
        "reason": reason[:2000],
        "source_topic": message.topic,
        "source_partition": message.partition,
        "source_offset": message.offset,
        "key": key,
        "value": value,
    }
    await services.send("dead-letter", key, services.registry.encode("DeadLettered", record))
    metrics.DEAD_LETTERS.labels(agent).inc()
