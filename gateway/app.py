"""The Starlette gateway: thin HTTP in front of the event log and the read models.

It writes only events (and blobs), reads only projections, and scopes every read by the token's user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from gateway import auth
from gateway.captures import create_capture, get_capture
from gateway.errors import ApiError, api_error, http_error
from gateway.memories import create_memory, get_memory
from streams.services import Services

PUBLIC = {"/healthz", "/openapi.json"}

schemas = SchemaGenerator(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "Reverie gateway",
            "version": "0.1.0",
            "description": "Upload clips from smart glasses and ask for memory videos in plain words.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Capture": {
                    "type": "object",
                    "properties": {
                        "capture_id": {"type": "string"},
                        "object_key": {"type": "string"},
                        "sha256": {"type": "string"},
                        "size_bytes": {"type": "integer"},
                        "status_url": {"type": "string"},
                    },
                }
            },
        },
    }
)


class BearerAuth(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path in PUBLIC:
            return await call_next(request)
        secret = request.app.state.services.settings.token_secret
        user_id = auth.bearer_user(secret, request.headers.get("authorization"))
        if user_id is None:
            return JSONResponse(
                {"error": "missing or invalid bearer token"}, 401, headers={"WWW-Authenticate": "Bearer"}
            )
        request.state.user_id = user_id
        return await call_next(request)


async def healthz(request: Request) -> JSONResponse:
    """Liveness.
    ---
    summary: The gateway process is up
    responses:
      200: {description: OK}
    """
    return JSONResponse({"status": "ok"})


async def openapi(request: Request) -> Response:
    return JSONResponse(schemas.get_schema(routes=request.app.routes))


def create_app(services: Services) -> Starlette:
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
            Route("/v1/captures", create_capture, methods=["POST"]),
            Route("/v1/captures/{capture_id}", get_capture, methods=["GET"]),
            Route("/v1/memories", create_memory, methods=["POST"]),
            Route("/v1/memories/{memory_id}", get_memory, methods=["GET"]),
        ],
        middleware=[Middleware(BearerAuth)],
        exception_handlers={ApiError: api_error, HTTPException: http_error},
    )
    app.state.services = services
    return app
