"""Which memories changed, for whoever waits on them in this process. The gateway's live status (Server-Sent
Events) wakes when the projector here has written a memory's new stage, instead of asking ClickHouse ten times a
second while a memory renders: those queries held the interpreter beside the render, ~0.3 s of a 3 s render.
A process that projects nothing (a gateway of the distributed topology) never hears of a change, so its waiters
go on asking at their own pace."""

from __future__ import annotations

import asyncio
import contextlib
import weakref


class Changes:
    """Calls come from the event loop's own thread (the projector's agents and the gateway share it)."""

    def __init__(self) -> None:
        # held by the waiters alone: a key nobody waits on any more takes no room
        self.next: weakref.WeakValueDictionary[str, asyncio.Event] = weakref.WeakValueDictionary()
        self.local = False  # a projector in this process has reported a change

    def mark(self, key: str) -> asyncio.Event:
        """Set at the next change of ``key``. Taken before reading, so a change during the read is not missed."""
        woken = self.next.get(key)
        if woken is None:
            woken = self.next[key] = asyncio.Event()
        return woken

    def changed(self, key: str) -> None:
        self.local = True
        woken = self.next.pop(key, None)
        if woken is not None:
            woken.set()

    @staticmethod
    async def wait(woken: asyncio.Event, timeout: float) -> None:
        """Until the change ``woken`` marks, or ``timeout`` passes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), timeout)
