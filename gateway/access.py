"""Every request gets an id, one access line, and its latency observed by endpoint.

The id is the client's ``X-Request-Id`` when it sends a sensible one (a device retrying can keep its own), else a
fresh one; it is returned in the response's ``X-Request-Id`` and put on every line logged while the request runs
(core/logs.py), the events it emits included. The access line comes last: method, path, status, milliseconds, user.
The latency histogram is labelled by the route's function, not the path, so its label set stays small.
"""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import logs, metrics

log = logging.getLogger("reverie.access")
SENSIBLE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            sent = value.decode("latin-1")
            if SENSIBLE.fullmatch(sent):
                return sent
    return os.urandom(16).hex()  # uuid4().hex without the UUID object: a twentieth of a search's CPU under load


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope.get("headers", []))
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        with logs.bound(request_id=rid):
            try:
                await self.app(scope, receive, sending)
            finally:
                seconds = time.perf_counter() - started
                ms = round(seconds * 1000, 1)
                endpoint = getattr(scope.get("endpoint"), "__name__", "unmatched")
                metrics.REQUEST_SECONDS.labels(scope["method"], endpoint, str(status)).observe(seconds)
                user = scope.get("state", {}).get("user_id")
                method, path = scope["method"], scope["path"]
                log.info(
                    "%s %s %d %.1f ms",
                    method,
                    path,
                    status,
                    ms,
                    extra={"method": method, "path": path, "status": status, "duration_ms": ms, "user_id": user},
                )
