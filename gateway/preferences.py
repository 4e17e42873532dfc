"""A user's own choices. For now one: whether their faces are recognised (off until they turn it on)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services


async def get_preferences(request: Request) -> JSONResponse:
    """Your settings.
    ---
    summary: Your settings (face_recognition is off until you turn it on)
    security: [{bearer: []}]
    responses:
      200:
        description: Your settings.
        json: {type: object, required: [face_recognition], properties: {face_recognition: {type: boolean}}}
    """
    services: Services = request.app.state.services
    enabled = await asyncio.to_thread(services.store.face_recognition, request.state.user_id)
    return JSONResponse({"face_recognition": enabled})


async def set_face_recognition(request: Request) -> JSONResponse:
    """Turn face recognition on or off.
    ---
    summary: Turn face recognition on or off; off deletes your face vectors and face rows
    security: [{bearer: []}]
    jsonBody: {type: object, required: [enabled], properties: {enabled: {type: boolean}}}
    responses:
      202:
        description: FaceRecognitionToggled was emitted; the answer is the new setting.
        json: {type: object, required: [face_recognition], properties: {face_recognition: {type: boolean}}}
      422: {description: The body is not valid.}
    """
    services: Services = request.app.state.services
    body = await json_object(request, '{"enabled": true}')
    if not isinstance(body.get("enabled"), bool):
        raise ApiError(422, 'the body must be JSON: {"enabled": true} or {"enabled": false}')
    await services.emit_new("FaceRecognitionToggled", request.state.user_id, enabled=body["enabled"])
    return JSONResponse({"face_recognition": body["enabled"]}, 202)
