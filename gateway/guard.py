"""What every request passes before a handler sees it: a valid bearer token, a device that is still bound, the
user's and the device's rate limits, and a body no larger than the route allows.

Pure ASGI (not BaseHTTPMiddleware) so that streamed request bodies and client disconnects pass through untouched.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings
from gateway import auth
from gateway.ratelimit import RateLimiter

PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/"}
PUBLIC_PREFIXES = ("/app/",)
# Routes that stream large bodies and enforce their own limits (uploads, enrolment photos, voice audio).
STREAMED = re.compile(r"^/v1/(captures|uploads(/[^/]+)?|enrolments|voice)$")
DEVICE_PATH = re.compile(r"^/v1/devices/([^/]+)(/|$)")
BEARER = {"WWW-Authenticate": "Bearer"}
DEVICE_CACHE_S = 5.0  # a revoked device's tokens stop working within this (plus the projection's lag)


class BodyTooLarge(Exception):
    pass


class DeviceRegistrations:
    """The current registration of each (user, device), read from the projection and kept for a few seconds; the
    gateway that registers or revokes a device knows at once."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], tuple[float, str | None]] = {}

    def remember(self, user_id: str, device_id: str, registration: str | None) -> None:
        if len(self.seen) > 100_000:
            self.seen.clear()
        self.seen[(user_id, device_id)] = (time.monotonic(), registration)

    async def current(self, store: Any, user_id: str, device_id: str) -> str | None:
        cached = self.seen.get((user_id, device_id))
        if cached is not None and time.monotonic() - cached[0] < DEVICE_CACHE_S:
            return cached[1]
        registration = await asyncio.to_thread(store.device_registration, user_id, device_id)
        self.remember(user_id, device_id, registration)
        return registration


class Guard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.limits: tuple[RateLimiter, RateLimiter] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_public(scope):
            await self.app(scope, receive, send)
            return
        services = scope["app"].state.services
        settings: Settings = services.settings
        headers = Headers(scope=scope)
        principal = auth.bearer(settings, headers.get("authorization"))
        if principal is None:
            await _refuse(scope, receive, send, 401, "missing, expired or invalid bearer token", BEARER)
            return
        if principal.device_id is not None:
            registrations: DeviceRegistrations = scope["app"].state.devices
            current = await registrations.current(services.store, principal.user_id, principal.device_id)
            if current is None or current != principal.registration:
                await _refuse(scope, receive, send, 401, f"device {principal.device_id} is not registered (or revoked)")
                return
            named = DEVICE_PATH.match(scope["path"])
            if named and named.group(1) != principal.device_id:
                await _refuse(scope, receive, send, 403, "a device's token acts only for that device")
                return
        wait = self._rate(settings, principal)
        if wait > 0:
            retry = str(math.ceil(wait))
            await _refuse(
                scope, receive, send, 429, f"too many requests: retry after {retry} s", {"Retry-After": retry}
            )
            return
        state = scope.setdefault("state", {})
        state["user_id"], state["device_id"] = principal.user_id, principal.device_id
        state["operator"] = principal.operator
        if STREAMED.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        await self._limited(scope, receive, send, settings.max_body_bytes, headers)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int, headers: Headers) -> None:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, 413, f"the body is larger than {limit} bytes")
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BodyTooLarge:
            if not started:
                await _refuse(scope, receive, send, 413, f"the body is larger than {limit} bytes")

    def _rate(self, settings: Settings, principal: auth.Principal) -> float:
        if self.limits is None:
            self.limits = (
                RateLimiter(settings.rate_per_user, settings.burst_per_user),
                RateLimiter(settings.rate_per_device, settings.burst_per_device),
            )
        users, devices = self.limits
        wait = users.take(principal.user_id)
        if principal.device_id is not None:
            wait = max(wait, devices.take(f"{principal.user_id}/{principal.device_id}"))
        return wait


def _is_public(scope: Scope) -> bool:
    path = scope["path"]
    # tus clients discover the server's capabilities with an unauthenticated OPTIONS.
    return (
        path in PUBLIC or path.startswith(PUBLIC_PREFIXES) or (scope["method"] == "OPTIONS" and path == "/v1/uploads")
    )


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, message: str, headers: dict[str, str] | None = None
) -> None:
    await JSONResponse({"error": message}, status, headers=headers)(scope, receive, send)
