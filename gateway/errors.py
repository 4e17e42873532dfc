"""Errors as JSON: every refusal says why, with the right status."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from streams.runtime.consume import disk_full


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)


log = logging.getLogger("reverie.gateway")


async def os_error(request: Request, exc: Exception) -> Response:
    """A full data disk is the operator's to fix, not the device's fault: 507 and a time to come back."""
    if not disk_full(exc):
        raise exc
    log.error("%s %s refused: the data disk is full (%s)", request.method, request.url.path, exc)
    return JSONResponse(
        {"error": "the server's data disk is full; nothing was stored: retry later"}, 507, headers={"Retry-After": "60"}
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)
