"""Decoding a replay's events: in a thread of the replay's process (the default), or in a process of its own.

By default the thread that projects a batch decodes it first. In a process of its own
(REVERIE_REPLAY_DECODER_PROCESS) a batch decodes on another core while the one before is projected, but what it
decodes must be pickled there and unpickled here: about 19 µs an event of a capture's events, more than the 13 µs
decoding them costs since vectors travel packed (schemas/packed_vectors.py). On 2 cores the replay ran 13.0-14.4
thousand events/s decoding in its own process, 10.7-12.1 with the decoder process; the process is there for
machines with cores to spare.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol

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
    return decode_all(_keys, values)


def decode_all(keys: Keyring, values: list[bytes | None]) -> list[Decoded]:
    """Every message of a batch, in order; what is not an event says why rather than stopping the batch."""
    decoded: list[Decoded] = []
    for value in values:
        if value is None:
            decoded.append(("unreadable", "an empty message (a tombstone)"))
            continue
        try:
            decoded.append(("event", decode(registry(), keys, value)))
        except KeyDestroyed:
            decoded.append(("destroyed", None))
        except (DecodeError, SealError) as exc:
            decoded.append(("unreadable", str(exc)))
    return decoded


class Pending(Protocol):
    def result(self, timeout: float | None = None) -> list[Decoded]: ...


class _Later:
    def __init__(self, keys: Keyring, values: list[bytes | None]) -> None:
        self.keys, self.values = keys, values

    def result(self, timeout: float | None = None) -> list[Decoded]:
        return decode_all(self.keys, self.values)


class Decoder:
    """Decodes a replay's batches ahead of their projection: in a thread here, or in one process started fresh
    (spawned, so it shares no threads or chDB state with this one)."""

    def __init__(self, settings: Settings) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.keys: Keyring | None = None
        if settings.replay_decoder_process:
            self.pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(settings,)
            )
        else:
            self.keys = keyring(settings)

    def decode(self, values: list[bytes | None]) -> Pending:
        """Start decoding a batch (in the process), or hold it to be decoded when its ``result()`` is asked (here,
        in the thread that projects it next: a thread of its own beside that one only made them take turns at the
        interpreter lock, and made the replay slower: 12.3 against 13.0-14.4 thousand events/s)."""
        if self.pool is None:
            assert self.keys is not None
            return _Later(self.keys, values)
        return self.pool.submit(decode_batch, values)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
