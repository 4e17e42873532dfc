"""The pool that answers the CPU-bound reads (search, more like this): as many threads as the machine has cores.

Uploads, S3 and Kafka calls wait on the network and share the event loop's default pool, which is larger. The
reads spend their time in Python and in stores that hold the GIL, so more threads than cores only queue for it:
with a pool of two on two cores, fifty clients got more searches a second than through the default six.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.requests import Request

from core.settings import Settings

T = TypeVar("T")


def read_pool(settings: Settings) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=settings.read_threads or os.cpu_count() or 2, thread_name_prefix="reads")


async def answer(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on the app's read pool."""
    return await asyncio.get_running_loop().run_in_executor(request.app.state.reads, fn, *args)
