"""The user's own named places ("home", "our hotel"): a point and a radius that memories can be asked for."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services

MAX_NAME = 80
MAX_RADIUS_M = 50_000.0
DEFAULT_RADIUS_M = 200.0


def place_name(request: Request) -> str:
    name = " ".join(str(request.path_params["name"]).split()).lower()
    if not name or len(name) > MAX_NAME:
        raise ApiError(422, f"a place name has 1 to {MAX_NAME} characters")
    return name


def _number(body: dict[str, Any], field: str, low: float, high: float) -> float:
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ApiError(422, f"{field} must be a number")
    if not low <= value <= high:
        raise ApiError(422, f"{field} must lie between {low:g} and {high:g}")
    return float(value)


async def list_places(request: Request) -> JSONResponse:
    """Your named places.
    ---
    summary: The places you named, with their point and radius
    security: [{bearer: []}]
    responses:
      200:
        description: The places.
        json:
          type: object
          required: [places]
          properties: {places: {type: array, items: {$ref: '#/components/schemas/Place'}}}
    """
    services: Services = request.app.state.services
    return JSONResponse({"places": await asyncio.to_thread(services.store.user_places, request.state.user_id)})


async def name_place(request: Request) -> JSONResponse:
    """Name a place.
    ---
    summary: Name a place of yours ("home", "our hotel") by a point and a radius in metres (default 200)
    security: [{bearer: []}]
    parameters:
      - {name: name, in: path, required: true, schema: {type: string, maxLength: 80}}
    jsonBody:
      type: object
      required: [lat, lon]
      properties:
        lat: {type: number, minimum: -90, maximum: 90}
        lon: {type: number, minimum: -180, maximum: 180}
        radius_m: {type: number, minimum: 1, maximum: 50000}
    responses:
      202: {description: PlaceNamed was emitted., json: {$ref: '#/components/schemas/Place'}}
      422: {description: The body is not valid.}
    """
    services: Services = request.app.state.services
    name = place_name(request)
    body = await json_object(request, '{"lat": 48.85, "lon": 2.35, "radius_m": 200}')
    lat, lon = _number(body, "lat", -90, 90), _number(body, "lon", -180, 180)
    radius = _number(body, "radius_m", 1, MAX_RADIUS_M) if "radius_m" in body else DEFAULT_RADIUS_M
    await services.emit_new("PlaceNamed", request.state.user_id, name=name, lat=lat, lon=lon, radius_m=radius)
    return JSONResponse({"name": name, "lat": lat, "lon": lon, "radius_m": radius}, 202)


async def forget_place(request: Request) -> JSONResponse:
    """Forget a named place.
    ---
    summary: Forget one of your named places
    security: [{bearer: []}]
    parameters:
      - {name: name, in: path, required: true, schema: {type: string, maxLength: 80}}
    responses:
      202:
        description: PlaceNamed with radius 0 was emitted.
        json:
          type: object
          required: [name, forgotten]
          properties:
            name: {type: string}
            forgotten: {type: boolean, enum: [true]}
      404: {description: You have no place of that name.}
    """
    services: Services = request.app.state.services
    name, user_id = place_name(request), request.state.user_id
    places = await asyncio.to_thread(services.store.user_places, user_id)
    if not any(p["name"] == name for p in places):
        raise ApiError(404, f"you have no place called {name!r}")
    await services.emit_new("PlaceNamed", user_id, name=name, lat=0.0, lon=0.0, radius_m=0.0)
    return JSONResponse({"name": name, "forgotten": True}, 202)
