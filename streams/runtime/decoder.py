"""Decoding events in a second process, for a replay.

Opening a sealed event and reading its Avro body costs about as much CPU as projecting it, and Python runs one
of them at a time. A replay therefore hands each fetched batch to one decoder process (the machine's other core)
while it projects the batch before, so decoding and projecting overlap instead of adding up.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from core import heap
from core.settings import Settings
from schemas.codec import DecodeError, registry
from streams.storage.sealing import KeyDestroyed, Keyring, SealError, decode, keyring

# What became of one message: ("event", (name, record)), ("destroyed", None) or ("unreadable", why).
Decoded = tuple[str, Any]

_keys: Keyring | None = None


def _start(settings: Settings) -> None:
    global _keys
    _keys = keyring(settings)
    registry()  # load the schemas before the first batch arrives
    # What a batch makes (records, lists of floats) dies with the batch: the collector's passes over it every 700
    # allocations were a tenth of this process's time.
    heap.for_batches()


def decode_batch(values: list[bytes | None]) -> list[Decoded]:
    """Runs in the decoder process: every message of a batch, in order."""
    assert _keys is not None, "the decoder process was not started by Decoder"
    decoded: list[Decoded] = []
    for value in values:
        if value is None:
            decoded.append(("unreadable", "an empty message (a tombstone)"))
            continue
        try:
            decoded.append(("event", decode(registry(), _keys, value)))
        except KeyDestroyed:
            decoded.append(("destroyed", None))
        except (DecodeError, SealError) as exc:
            decoded.append(("unreadable", str(exc)))
    return decoded


class Decoder:
    """One decoder process, started fresh (spawned, so it shares no threads or chDB state with this one)."""

    def __init__(self, settings: Settings) -> None:
        self.pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(settings,)
        )

    def decode(self, values: list[bytes | None]) -> asyncio.Future[list[Decoded]]:
        """Start decoding a batch; await the result when it is needed."""
        return asyncio.wrap_future(self.pool.submit(decode_batch, values))

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
