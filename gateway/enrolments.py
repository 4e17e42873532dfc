"""Enrolment: the wearer sends one photo of their own face, so that their face is "me" in every capture."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.bodies import body_to_file
from gateway.errors import ApiError
from streams.runtime.services import Services
from streams.storage.blobs import enrolment_key
from streams.video import media

MAX_PHOTO_BYTES = 20 * 1024 * 1024


async def _photo(request: Request, folder: Path) -> Path:
    """The body, checked to be one readable JPEG no bigger than MAX_PHOTO_BYTES, on local disk."""
    path = folder / "enrolment.jpg"
    too_big = f"an enrolment photo may have at most {MAX_PHOTO_BYTES} bytes"
    await body_to_file(request, path, MAX_PHOTO_BYTES, too_big, "the body must be a JPEG photo of your face")
    try:
        await asyncio.to_thread(media.probe_photo, path)
    except media.MediaError as exc:
        raise ApiError(422, f"not a usable JPEG photo: {exc}") from None
    return path


async def create_enrolment(request: Request) -> JSONResponse:
    """Enrol your face.
    ---
    summary: Send a JPEG photo showing only your face; that face becomes "me" (face recognition must be on)
    security: [{bearer: []}]
    requestBody:
      required: true
      content:
        image/jpeg:
          schema: {type: string, format: binary}
    responses:
      202:
        description: EnrolmentSubmitted was emitted; follow status_url.
        json:
          type: object
          required: [enrolment_id, status, status_url]
          properties:
            enrolment_id: {type: string}
            status: {type: string, enum: [pending]}
            status_url: {type: string}
      409: {description: Face recognition is off.}
      413: {description: The photo is too big.}
      422: {description: The body is not a JPEG photo.}
    """
    services: Services = request.app.state.services
    user_id = request.state.user_id
    if not await asyncio.to_thread(services.store.face_recognition, user_id):
        raise ApiError(409, "face recognition is off: turn it on (PUT /v1/settings/face-recognition) to enrol")
    enrolment_id = str(uuid.uuid4())
    key = enrolment_key(user_id, enrolment_id)
    with tempfile.TemporaryDirectory() as folder:
        path = await _photo(request, Path(folder))
        await asyncio.to_thread(services.blobs.put_file, key, path, "image/jpeg")
    await services.emit_new("EnrolmentSubmitted", user_id, enrolment_id=enrolment_id, object_key=key)
    return JSONResponse(
        {"enrolment_id": enrolment_id, "status": "pending", "status_url": f"/v1/enrolments/{enrolment_id}"}, 202
    )


async def get_enrolment(request: Request) -> JSONResponse:
    """One of your enrolments.
    ---
    summary: Whether an enrolment photo made a person "me" (pending, done with person_id, or rejected with reason)
    security: [{bearer: []}]
    parameters:
      - {name: enrolment_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The enrolment., json: {$ref: '#/components/schemas/Enrolment'}}
      404: {description: No such enrolment of yours.}
    """
    services: Services = request.app.state.services
    row = await asyncio.to_thread(
        services.store.enrolment, request.state.user_id, str(request.path_params["enrolment_id"])
    )
    if row is None:
        raise ApiError(404, "no such enrolment")
    return JSONResponse(row)
