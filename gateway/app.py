"""The Starlette gateway: thin HTTP in front of the event log and the read models.

It writes only events (and blobs), reads only projections, and scopes every read by the token's user.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gateway import (
    admin,
    album,
    deletion,
    devices,
    enrolments,
    health,
    people,
    places,
    preferences,
    search,
    similar,
    uploads,
    voice,
)
from gateway.access import AccessLog
from gateway.captures import create_capture, get_capture
from gateway.errors import ApiError, api_error, http_error, os_error
from gateway.guard import DeviceRegistrations, Guard
from gateway.memories import create_memory, get_memory, list_memories, memory_events, memory_playlist
from gateway.openapi import openapi
from gateway.reads import read_pool
from gateway.resumable import PartialUploads
from streams.runtime.services import Services

WEB = Path(__file__).parent / "web"


async def webapp(request: Request) -> Response:
    return FileResponse(WEB / "index.html", media_type="text/html")


async def api_page(request: Request) -> Response:
    """The API described for people (Redoc, vendored), from /openapi.json."""
    return FileResponse(WEB / "docs.html", media_type="text/html")


def create_app(services: Services) -> Starlette:
    app = Starlette(
        routes=[
            Route("/healthz", health.healthz, methods=["GET"]),
            Route("/readyz", health.readyz, methods=["GET"]),
            Route("/metrics", health.prometheus, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
            Route("/v1/captures", create_capture, methods=["POST"]),
            Route("/v1/captures", album.list_captures, methods=["GET"]),
            Route("/v1/captures/{capture_id}", get_capture, methods=["GET"]),
            Route("/v1/captures/{capture_id}", deletion.delete_capture, methods=["DELETE"]),
            Route("/v1/captures/{capture_id}/similar", similar.similar, methods=["GET"]),
            Route("/v1/me", deletion.forget_me, methods=["DELETE"]),
            Route("/v1/uploads", uploads.options, methods=["OPTIONS"]),
            Route("/v1/uploads", uploads.create_upload, methods=["POST"]),
            Route("/v1/uploads/{upload_id}", uploads.upload_offset, methods=["HEAD"]),
            Route("/v1/uploads/{upload_id}", uploads.append, methods=["PATCH"]),
            Route("/v1/uploads/{upload_id}", uploads.terminate, methods=["DELETE"]),
            Route("/v1/devices", devices.register, methods=["POST"]),
            Route("/v1/devices", devices.list_devices, methods=["GET"]),
            Route("/v1/devices/{device_id}", devices.revoke, methods=["DELETE"]),
            Route("/v1/devices/{device_id}/commands", devices.command, methods=["POST"]),
            Route("/v1/devices/{device_id}/recordings", devices.recordings, methods=["GET"]),
            Route("/v1/settings", preferences.get_preferences, methods=["GET"]),
            Route("/v1/settings/face-recognition", preferences.set_face_recognition, methods=["PUT"]),
            Route("/v1/people", people.list_people, methods=["GET"]),
            Route("/v1/people/{person_id}", people.name_person, methods=["POST"]),
            Route("/v1/people/{person_id}/merge", people.merge_person, methods=["POST"]),
            Route("/v1/people/{person_id}/faces", people.person_faces, methods=["GET"]),
            Route("/v1/people/{person_id}/face.jpg", people.person_face, methods=["GET"]),
            Route("/", webapp, methods=["GET"], include_in_schema=False),
            Route("/docs", api_page, methods=["GET"], include_in_schema=False),
            Mount("/app", StaticFiles(directory=WEB), name="app"),
            Route("/v1/people/{person_id}/split", people.split_person, methods=["POST"]),
            Route("/v1/enrolments", enrolments.create_enrolment, methods=["POST"]),
            Route("/v1/enrolments/{enrolment_id}", enrolments.get_enrolment, methods=["GET"]),
            Route("/v1/places", places.list_places, methods=["GET"]),
            Route("/v1/places/{name}", places.name_place, methods=["PUT"]),
            Route("/v1/places/{name}", places.forget_place, methods=["DELETE"]),
            Route("/v1/search", search.search, methods=["GET"]),
            Route("/v1/voice", voice.voice, methods=["POST"]),
            Route("/v1/admin/sql", admin.sql, methods=["POST"]),
            Route("/v1/admin/replay", admin.start_replay, methods=["POST"]),
            Route("/v1/admin/replay", admin.replay_progress, methods=["GET"]),
            Route("/v1/memories", create_memory, methods=["POST"]),
            Route("/v1/memories", list_memories, methods=["GET"]),
            Route("/v1/memories/{memory_id}", get_memory, methods=["GET"]),
            Route("/v1/memories/{memory_id}/events", memory_events, methods=["GET"]),
            Route("/v1/memories/{memory_id}/playlist.m3u8", memory_playlist, methods=["GET"]),
        ],
        middleware=[Middleware(AccessLog), Middleware(Guard)],
        exception_handlers={ApiError: api_error, HTTPException: http_error, OSError: os_error},
    )
    app.state.services = services
    app.state.reads = read_pool(services.settings)
    app.state.devices = DeviceRegistrations()
    app.state.uploads = PartialUploads(services.settings.data_dir / "uploads", services.settings.upload_expiry_seconds)
    return app


def metrics_app(services: Services) -> Starlette:
    """What a worker without the gateway serves: its metrics and its liveness, nothing a user could reach."""
    app = Starlette(
        routes=[
            Route("/healthz", health.healthz, methods=["GET"]),
            Route("/metrics", health.prometheus, methods=["GET"]),
        ]
    )
    app.state.services = services
    return app
