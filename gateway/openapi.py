"""The API description: operations described in their handlers' docstrings (YAML after ``---``), served as
``/openapi.json``.

A JSON body is said once, as ``jsonBody: <schema>``; this generator expands it into OpenAPI's ``requestBody``
(required, ``application/json``) and the 422 every JSON body may answer, so no handler repeats that stanza. An
answer's body is said as briefly, inside the answer: ``json: <schema>``, or ``text: <media type>`` /
``binary: <media type>`` for a body that is not JSON; the shapes several answers share are the ``SCHEMAS`` below.
Every refusal (4xx, 5xx) that says no body of its own has the one error body, ``{"error": "<what to do>"}``: the
generator gives each its schema, ``Error``. schemathesis checks every answer of the running gateway against this
description (tests/gateway/test_openapi.py), so a shape said here is a promise kept.
People read the same description rendered by Redoc at ``/docs``.
"""

from __future__ import annotations

from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.schemas import SchemaGenerator

BAD_BODY = {"description": "The body is not a JSON object of this shape; the answer says what was expected."}


ERROR = {"$ref": "#/components/schemas/Error"}

BODIES = {
    "json": lambda schema: {"application/json": {"schema": schema}},
    "text": lambda media_type: {media_type: {"schema": {"type": "string"}}},
    "binary": lambda media_type: {media_type: {"schema": {"type": "string", "format": "binary"}}},
}

# Objects stay open (no additionalProperties: false): an answer may gain a field without breaking a client.
# Times are ISO 8601 strings without `format: date-time`: those read from chDB carry no UTC offset.
SCHEMAS: dict[str, Any] = yaml.safe_load(
    """
Error:
  type: object
  required: [error]
  properties:
    error: {type: string, description: "what went wrong, and what to do"}

Capture:
  description: A stored upload.
  type: object
  required: [capture_id, object_key, sha256, size_bytes, status_url]
  properties:
    capture_id: {type: string}
    object_key: {type: string}
    sha256: {type: string}
    size_bytes: {type: integer}
    status_url: {type: string}

CaptureView:
  oneOf:
    - $ref: '#/components/schemas/StoredCapture'
    - $ref: '#/components/schemas/RejectedCapture'

StoredCapture:
  description: "A capture as far as it got: uploaded, then probed (time, place, duration), with what the
    enrichers found so far."
  type: object
  required: [capture_id, status, prepared, people, shots, transcript, tags, place, poster_url, media_url, sha256,
    size_bytes, captured_at, lat, lon, duration_s]
  properties:
    capture_id: {type: string}
    status: {type: string, enum: [uploaded, probed]}
    prepared: {type: boolean, description: "Its prepared copy (the mezzanine) exists."}
    people: {type: array, items: {type: string}, description: "The person ids of the faces seen in it."}
    shots: {type: integer}
    transcript: {type: string, nullable: true, description: "null until the speech agent has run"}
    tags:
      type: array
      description: "What it shows, best first (at most 10)."
      items:
        type: object
        required: [label, score]
        properties:
          label: {type: string}
          score: {type: number}
    place:
      type: object
      nullable: true
      required: [city, region, country_code, country]
      properties:
        city: {type: string}
        region: {type: string}
        country_code: {type: string}
        country: {type: string}
    poster_url: {type: string, nullable: true, description: "An expiring URL, once the poster is made."}
    media_url: {type: string, description: "An expiring URL of the file itself."}
    sha256: {type: string}
    size_bytes: {type: integer}
    captured_at: {type: string, nullable: true, description: "null until probed"}
    lat: {type: number, nullable: true}
    lon: {type: number, nullable: true}
    duration_s: {type: number, nullable: true, description: "null until probed"}

RejectedCapture:
  description: The upload was refused after it was stored; nothing of it is kept but why.
  type: object
  required: [capture_id, status, reason, stage]
  properties:
    capture_id: {type: string}
    status: {type: string, enum: [rejected]}
    reason: {type: string}
    stage: {type: string}

AlbumItem:
  type: object
  required: [capture_id, kind, captured_at, duration_s, place, people, poster_url, status_url]
  properties:
    capture_id: {type: string}
    kind: {type: string, enum: [video, photo]}
    captured_at: {type: string}
    duration_s: {type: number}
    place:
      type: object
      nullable: true
      required: [city, country]
      properties:
        city: {type: string}
        country: {type: string}
    people: {type: array, items: {type: string}}
    poster_url: {type: string, nullable: true}
    status_url: {type: string}

Device:
  type: object
  required: [device_id, name, revoked, since]
  properties:
    device_id: {type: string}
    name: {type: string}
    revoked: {type: boolean}
    since: {type: string, description: "When it was registered, or revoked."}

Recording:
  type: object
  required: [recording_id, kind, state, started_at, capture_id]
  properties:
    recording_id: {type: string}
    kind: {type: string, enum: [video, photo]}
    state: {type: string, enum: [recording, stopped, uploaded]}
    started_at: {type: string}
    capture_id: {type: string, nullable: true, description: "The capture the upload made, once uploaded."}

DeviceCommand:
  type: object
  required: [command, recording_id, state]
  properties:
    command: {type: string, enum: [take_picture, record_video, stop_recording]}
    recording_id: {type: string}
    state: {type: string, enum: [started, stopped]}
    kind: {type: string, enum: [video, photo], description: "What was started (not said for a stop)."}

Person:
  type: object
  required: [person_id, name, relationship, faces, captures, sample, face_url]
  properties:
    person_id: {type: string}
    name: {type: string, nullable: true}
    relationship: {type: string, nullable: true}
    faces: {type: integer}
    captures: {type: integer}
    sample:
      type: object
      description: "The largest face seen: the capture, the moment and the box (x, y, w, h in pixels)."
      required: [capture_id, t, box]
      properties:
        capture_id: {type: string}
        t: {type: number}
        box: {type: array, items: {type: integer}, minItems: 4, maxItems: 4}
    face_url: {type: string}

Face:
  type: object
  required: [face_id, capture_id, t, x, y, w, h, similarity]
  properties:
    face_id: {type: string}
    capture_id: {type: string}
    t: {type: number}
    x: {type: integer}
    y: {type: integer}
    w: {type: integer}
    h: {type: integer}
    similarity: {type: number}

Enrolment:
  type: object
  required: [enrolment_id, status, person_id, reason]
  properties:
    enrolment_id: {type: string}
    status: {type: string, enum: [pending, done, rejected]}
    person_id: {type: string, nullable: true, description: 'Who is "me" now, once done.'}
    reason: {type: string, nullable: true, description: "Why the photo was rejected."}

Place:
  type: object
  required: [name, lat, lon, radius_m]
  properties:
    name: {type: string}
    lat: {type: number}
    lon: {type: number}
    radius_m: {type: number}

Query:
  description: What was understood of the words, all of it said back.
  type: object
  required: [intent, target_seconds, people, place, time, search_text, unknown, explanation]
  properties:
    intent: {type: string}
    target_seconds: {type: number}
    people:
      type: array
      items:
        type: object
        required: [said, person_id, name, relationship]
        properties:
          said: {type: string}
          person_id: {type: string}
          name: {type: string, nullable: true}
          relationship: {type: string, nullable: true}
    place:
      type: object
      nullable: true
      required: [said, kind, name, country_code, lat, lon, radius_km]
      properties:
        said: {type: string}
        kind: {type: string, enum: [own, city, region, country]}
        name: {type: string}
        country_code: {type: string, nullable: true}
        lat: {type: number, nullable: true}
        lon: {type: number, nullable: true}
        radius_km: {type: number, nullable: true}
    time:
      type: object
      nullable: true
      required: [said, start, end, year_chosen]
      properties:
        said: {type: string}
        start: {type: string}
        end: {type: string}
        year_chosen: {type: integer, nullable: true, description: "The year chosen when the words said none."}
    search_text: {type: string}
    unknown: {type: array, items: {type: string}, description: "Who was named that nobody in the album is."}
    explanation: {type: string}

Moment:
  type: object
  required: [capture_id, t, score, captured_at, place, why, status_url]
  properties:
    capture_id: {type: string}
    t: {type: number, description: "Seconds into the capture of its best moment."}
    score: {type: number}
    captured_at: {type: string}
    place: {type: string, nullable: true}
    why: {type: string, nullable: true}
    status_url: {type: string}

Readiness:
  type: object
  required: [ready, checks]
  properties:
    ready: {type: boolean}
    checks:
      type: object
      description: '"ok", or why the dependency did not answer'
      required: [kafka, clickhouse, qdrant, s3]
      properties:
        kafka: {type: string}
        clickhouse: {type: string}
        qdrant: {type: string}
        s3: {type: string}

ReplayProgress:
  type: object
  required: [version, source, done, total, projected, skipped, unreadable, state, error, events_per_s, eta_s]
  properties:
    version: {type: integer}
    source: {type: string}
    done: {type: integer}
    total: {type: integer}
    projected: {type: integer}
    skipped: {type: integer}
    unreadable: {type: integer}
    state: {type: string, enum: [running, switched, failed]}
    error: {type: string, nullable: true}
    events_per_s: {type: number}
    eta_s: {type: number, nullable: true}

MemoryRequest:
  type: object
  required: [memory_id, status, query, status_url, events_url, playlist_url]
  properties:
    memory_id: {type: string}
    status: {type: string, enum: [requested, rendered]}
    cached: {type: boolean, description: "Said (true) when the memory was already made."}
    query: {$ref: '#/components/schemas/Query'}
    status_url: {type: string}
    events_url: {type: string}
    playlist_url: {type: string}

Memory:
  type: object
  required: [memory_id, status, text, query, place, target_seconds, planned_seconds, segments, duration_s,
    size_bytes, render_seconds, reason, requested_at, playable_at, finished_at]
  properties:
    memory_id: {type: string}
    status: {type: string, enum: [requested, planned, playable, rendered, failed]}
    text: {type: string}
    query:
      type: object
      nullable: true
      allOf: [{$ref: '#/components/schemas/Query'}]
    place: {type: string, nullable: true}
    target_seconds: {type: number, nullable: true}
    planned_seconds: {type: number, nullable: true}
    segments: {type: array, items: {$ref: '#/components/schemas/Segment'}}
    duration_s: {type: number, nullable: true}
    size_bytes: {type: integer, nullable: true}
    render_seconds: {type: number, nullable: true}
    reason: {type: string, nullable: true, description: "Why it failed."}
    requested_at: {type: string, nullable: true}
    playable_at: {type: string, nullable: true}
    finished_at: {type: string, nullable: true}
    playlist_url: {type: string, description: "Once playable."}
    video_url: {type: string, description: "Once rendered: an expiring URL of the MP4."}
    poster_url: {type: string, description: "Once rendered, if it has a poster: an expiring URL."}

Segment:
  type: object
  required: [capture_id, start_s, end_s]
  properties:
    capture_id: {type: string}
    object_key: {type: string}
    start_s: {type: number}
    end_s: {type: number}
    captured_at: {type: string}
    why: {type: string}
    mezzanine: {type: boolean}

MemorySummary:
  type: object
  required: [memory_id, status, text, place, target_seconds, duration_s, reason, requested_at, finished_at,
    segments, status_url, events_url, playlist_url]
  properties:
    memory_id: {type: string}
    status: {type: string, enum: [requested, planned, playable, rendered, failed]}
    text: {type: string}
    place: {type: string, nullable: true}
    target_seconds: {type: number, nullable: true}
    duration_s: {type: number, nullable: true}
    reason: {type: string, nullable: true}
    requested_at: {type: string, nullable: true}
    finished_at: {type: string, nullable: true}
    segments: {type: integer, description: "How many segments were chosen."}
    status_url: {type: string}
    events_url: {type: string}
    playlist_url: {type: string}

MemoryStatusEvent:
  description: "One Server-Sent Event per stage reached: `event: status`, its data the memory as JSON."
  type: object
  required: [event, data]
  properties:
    event: {type: string, enum: [status]}
    data: {type: string, description: "The memory as GET /v1/memories/{memory_id} answers it (Memory), as JSON."}

VoiceAnswer:
  type: object
  required: [transcript, intent, heard, answer, result]
  properties:
    transcript: {type: string, description: "The words as sent, or as transcribed from the audio."}
    intent:
      type: string
      enum: [take_picture, record_video, stop_recording, create_memory, search, name_person, clarify]
    heard: {type: string, description: "The words as the rules read them (lower case, no wake word)."}
    subject: {type: string, description: "What a memory or a search is about."}
    name: {type: string, description: "name_person: the name said."}
    relationship: {type: string, nullable: true, description: "name_person: the relationship said, if any."}
    question: {type: string, description: "clarify: what to say instead."}
    answer: {type: string, description: "What to tell the user."}
    result:
      type: object
      nullable: true
      description: "What the action gave: the device command's, the memory request's or the search's answer, or
        the person named; null when nothing was done."
"""
)


class Generator(SchemaGenerator):
    def parse_docstring(self, func_or_method: Any) -> dict[str, Any]:
        parsed = super().parse_docstring(func_or_method)
        if isinstance(parsed, dict) and "jsonBody" in parsed:
            parsed = expand_json_body(parsed)
        if isinstance(parsed, dict) and "responses" in parsed:
            parsed["responses"] = {code: expand_answer(answer) for code, answer in parsed["responses"].items()}
        return parsed

    def get_schema(self, routes: list[Any]) -> dict[str, Any]:
        schema = super().get_schema(routes)
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                if method != "head":  # a HEAD answer has no body
                    operation["responses"] = with_error_bodies(operation.get("responses", {}))
        return schema


def with_error_bodies(responses: dict[Any, Any]) -> dict[Any, Any]:
    """Each 4xx and 5xx answer, unless it says its own body, has the one error body."""
    return {
        code: {**answer, "content": {"application/json": {"schema": ERROR}}}
        if int(code) >= 400 and isinstance(answer, dict) and "content" not in answer
        else answer
        for code, answer in responses.items()
    }


def expand_json_body(operation: dict[str, Any]) -> dict[str, Any]:
    """``jsonBody: <schema>`` → ``requestBody`` and a 422 response (unless the operation says its own)."""
    operation = dict(operation)
    schema = operation.pop("jsonBody")
    operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    operation["responses"] = {**operation.get("responses", {})}
    operation["responses"].setdefault(422, BAD_BODY)
    return operation


def expand_answer(answer: Any) -> Any:
    """``json: <schema>``, ``text: <media type>`` or ``binary: <media type>`` in an answer → its ``content``."""
    if not isinstance(answer, dict) or not BODIES.keys() & answer.keys():
        return answer
    answer = dict(answer)
    content = dict(answer.get("content", {}))
    for kind, expand in BODIES.items():
        if kind in answer:
            content.update(expand(answer.pop(kind)))
    return {**answer, "content": content}


schemas = Generator(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "Reverie gateway",
            "version": "0.1.0",
            "description": "Upload clips from smart glasses and ask for memory videos in plain words.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
)


async def openapi(request: Request) -> Response:
    return JSONResponse(schemas.get_schema(routes=request.app.routes))
