"""The garbage collector in a long-lived process that holds the models: a full collection walks every object the
models and their libraries made (~0.5 M objects, ~0.3-1 s holding the interpreter), and one came now and then in
the middle of a memory's render. What is alive once the models are loaded stays alive, so it is moved out of the
collector's sight (``gc.freeze``); collections that still take long are logged."""

from __future__ import annotations

import functools
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger("reverie.heap")
SLOW_S = 0.1
_started: dict[int, float] = {}


def settle() -> None:
    """Collect once, then keep everything alive now (loaded models, imported modules) out of later collections."""
    gc.collect()
    gc.freeze()
    log.info("%d objects kept out of garbage collection", gc.get_freeze_count())


def settles(load: Callable[P, T]) -> Callable[P, T]:
    """For a loader of something kept for the life of the process (a model, a gazetteer): ``settle`` after it."""

    @functools.wraps(load)
    def loaded(*args: P.args, **kwargs: P.kwargs) -> T:
        found = load(*args, **kwargs)
        settle()
        return found

    return loaded


YOUNG = 50_000  # allocations between young collections in bulk work (Python's default: 700)


def for_batches() -> None:
    """In a helper process that does nothing but batch work (a replay's decoder, the vector host), whose objects die
    with each batch: what is loaded now stays out of the collector's sight, and young objects are looked at every
    YOUNG allocations."""
    settle()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])


@contextmanager
def bulk(young: int = YOUNG) -> Iterator[None]:
    """For bulk work that makes many short-lived containers (a replay's records and rows): a young collection every
    ``young`` allocations rather than every 700, whose passes over what the work holds were a tenth of its time.
    Restored after; cycles are still collected, later."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def watch() -> None:
    """Log each collection of the oldest generation that holds the process for longer than ``SLOW_S``."""
    if _timed not in gc.callbacks:
        gc.callbacks.append(_timed)


def _timed(phase: str, info: dict[str, Any]) -> None:
    if info.get("generation") != 2:
        return
    key = threading.get_ident()
    if phase == "start":
        _started[key] = time.perf_counter()
        return
    took = time.perf_counter() - _started.pop(key, time.perf_counter())
    if took > SLOW_S:
        log.warning("a full garbage collection held the process for %.2f s (%d collected)", took, info["collected"])
