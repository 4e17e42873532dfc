"""People: who the faces in a user's album belong to, and what the user calls them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import cv2
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.runtime.services import Services
from streams.video import media

MAX_NAME = 80
FACE_SIZE = 160  # pixels on the longer side of a face picture


def _person_json(row: dict[str, Any]) -> dict[str, Any]:
    capture_id, t, x, y, w, h = row["sample"]
    return {
        "person_id": row["person_id"],
        "name": row["name"] or None,
        "relationship": row["relationship"],
        "faces": row["faces"],
        "captures": row["captures"],
        "sample": {"capture_id": capture_id, "t": t, "box": [x, y, w, h]},
        "face_url": f"/v1/people/{row['person_id']}/face.jpg",
    }


async def list_people(request: Request) -> JSONResponse:
    """Your people.
    ---
    summary: People found in your album, most seen first, with a sample face
    security: [{bearer: []}]
    responses:
      200:
        description: The people.
        json:
          type: object
          required: [people]
          properties: {people: {type: array, items: {$ref: '#/components/schemas/Person'}}}
    """
    services: Services = request.app.state.services
    rows = await asyncio.to_thread(services.store.people, request.state.user_id)
    return JSONResponse({"people": [_person_json(r) for r in rows]})


async def merge_person(request: Request) -> JSONResponse:
    """Say two of your people are one.
    ---
    summary: Merge a person into another (all their faces move; future faces join the merged person)
    security: [{bearer: []}]
    parameters:
      - {name: person_id, in: path, required: true, schema: {type: string}}
    jsonBody: {type: object, required: [into], properties: {into: {type: string}}}
    responses:
      202:
        description: PersonMerged was emitted.
        json:
          type: object
          required: [person_id, merged]
          properties:
            person_id: {type: string, description: the person who remains}
            merged: {type: string, description: the person merged into them}
      404: {description: Either person is not in your album.}
      422: {description: The body is not valid.}
    """
    services: Services = request.app.state.services
    user_id, person_id = request.state.user_id, str(request.path_params["person_id"])
    body = await json_object(request, '{"into": "<person id>"}')
    into = body.get("into")
    if not isinstance(into, str) or into == person_id:
        raise ApiError(422, "the body must be JSON with 'into': the id of another of your people")
    known = await asyncio.to_thread(services.store.known_people, user_id, [person_id, into])
    if person_id not in known or into not in known:
        raise ApiError(404, "no such person in your album")
    await services.emit_new("PersonMerged", user_id, person_id=person_id, into_person_id=into)
    return JSONResponse({"person_id": into, "merged": person_id}, 202)


async def name_person(request: Request) -> JSONResponse:
    """Name one of your people.
    ---
    summary: Name a person and say who they are to you ("Anna", "wife"; "me" for the wearer)
    security: [{bearer: []}]
    parameters:
      - {name: person_id, in: path, required: true, schema: {type: string}}
    jsonBody:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 80}
        relationship: {type: string, maxLength: 80}
    responses:
      202:
        description: PersonNamed was emitted.
        json:
          type: object
          required: [person_id, name, relationship]
          properties:
            person_id: {type: string}
            name: {type: string}
            relationship: {type: string, nullable: true, description: as sent}
      404: {description: No such person in your album.}
      422: {description: The body is not valid.}
    """
    services: Services = request.app.state.services
    user_id, person_id = request.state.user_id, str(request.path_params["person_id"])
    body = await json_object(request, '{"name": "Anna", "relationship": "wife"}')
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ApiError(422, "the body must be JSON with a non-empty string 'name'")
    relationship = body.get("relationship")
    if relationship is not None and (not isinstance(relationship, str) or len(relationship) > MAX_NAME):
        raise ApiError(422, f"relationship must be a string of at most {MAX_NAME} characters")
    name = body["name"].strip()[:MAX_NAME]
    if not await asyncio.to_thread(services.store.known_people, user_id, [person_id]):
        raise ApiError(404, "no such person in your album")
    await services.emit_new(
        "PersonNamed",
        user_id,
        person_id=person_id,
        name=name,
        relationship=relationship.strip().lower() if relationship else None,
    )
    return JSONResponse({"person_id": person_id, "name": name, "relationship": relationship}, 202)


async def person_faces(request: Request) -> JSONResponse:
    """One person's faces.
    ---
    summary: Every face of one of your people, biggest first (to choose faces to split off)
    security: [{bearer: []}]
    parameters:
      - {name: person_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: The faces.
        json:
          type: object
          required: [faces]
          properties: {faces: {type: array, items: {$ref: '#/components/schemas/Face'}}}
      404: {description: No such person in your album.}
    """
    services: Services = request.app.state.services
    person_id = str(request.path_params["person_id"])
    rows = await asyncio.to_thread(services.store.faces_of, request.state.user_id, person_id)
    if not rows:
        raise ApiError(404, "no such person in your album")
    return JSONResponse({"faces": rows})


async def split_person(request: Request) -> JSONResponse:
    """Say some faces of a person are somebody else.
    ---
    summary: Split faces off a person into a new person
    security: [{bearer: []}]
    parameters:
      - {name: person_id, in: path, required: true, schema: {type: string}}
    jsonBody: {type: object, required: [face_ids], properties: {face_ids: {type: array, items: {type: string}}}}
    responses:
      202:
        description: PersonSplit was emitted; new_person_id names the new person.
        json:
          type: object
          required: [person_id, new_person_id]
          properties:
            person_id: {type: string}
            new_person_id: {type: string}
      404: {description: No such person in your album.}
      422: {description: The face ids are not some (not all) of this person's faces.}
    """
    services: Services = request.app.state.services
    user_id, person_id = request.state.user_id, str(request.path_params["person_id"])
    body = await json_object(request, '{"face_ids": ["<face id>", ...]}')
    face_ids = body.get("face_ids")
    if not isinstance(face_ids, list) or not face_ids or not all(isinstance(f, str) for f in face_ids):
        raise ApiError(422, "face_ids must be a non-empty list of face ids")
    own = {row["face_id"] for row in await asyncio.to_thread(services.store.faces_of, user_id, person_id)}
    if not own:
        raise ApiError(404, "no such person in your album")
    if not set(face_ids) <= own:
        raise ApiError(422, "some of these faces are not this person's")
    if set(face_ids) == own:
        raise ApiError(422, "a split leaves some faces behind: to rename the person, name them instead")
    new_person_id = str(uuid.uuid4())
    await services.emit_new(
        "PersonSplit", user_id, person_id=person_id, face_ids=sorted(set(face_ids)), new_person_id=new_person_id
    )
    return JSONResponse({"person_id": person_id, "new_person_id": new_person_id}, 202)


def _face_jpeg(services: Services, user_id: str, person_id: str, sample: dict[str, Any]) -> Path | None:
    """The person's sample face, cut from the frame the face was found in (cached: it never changes)."""
    capture_id, t, box = sample["capture_id"], sample["t"], sample["box"]
    cached = services.settings.cache_dir / "faces" / user_id / f"{person_id}-{capture_id}-{t:.3f}.jpg"
    if cached.exists():
        return cached
    capture = services.store.capture(user_id, capture_id)
    if capture is None:
        return None
    path = services.blobs.fetch(capture["object_key"])
    frames = media.face_frames(path, capture["kind"], services.settings.face_frames_per_second)
    if not frames:
        return None
    _, bgr = min(frames, key=lambda f: abs(f[0] - t))
    x, y, w, h = box
    pad = max(w, h) // 4  # a little hair and chin around the box
    crop = bgr[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
    if crop.size == 0:
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    side = FACE_SIZE / max(crop.shape[:2])
    cv2.imwrite(str(cached), cv2.resize(crop, None, fx=side, fy=side, interpolation=cv2.INTER_AREA))
    return cached


async def person_face(request: Request) -> Response:
    """One of your people's faces.
    ---
    summary: A JPEG of the person's sample face (the largest one seen)
    security: [{bearer: []}]
    parameters:
      - {name: person_id, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: The face., binary: image/jpeg}
      404: {description: No such person, or the capture the face came from is gone.}
    """
    services: Services = request.app.state.services
    user_id, person_id = request.state.user_id, str(request.path_params["person_id"])
    people = await asyncio.to_thread(services.store.people, user_id)
    person = next((_person_json(p) for p in people if p["person_id"] == person_id), None)
    if person is None:
        raise ApiError(404, "no such person in your album")
    face = await asyncio.to_thread(_face_jpeg, services, user_id, person_id, person["sample"])
    if face is None:
        raise ApiError(404, "the capture this face came from is gone")
    return FileResponse(face, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})
