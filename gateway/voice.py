"""Voice: a spoken command, as words the device recognised or as audio the server transcribes with Whisper.

The answer always says what was heard, what was understood, and what happened (or what to say instead).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.clock import utcnow
from core.shipped import ModelMissing
from gateway import auth
from gateway.bodies import body_to_file, json_object
from gateway.devices import run_command
from gateway.errors import ApiError
from gateway.intents import PROMPT, Intent, parse
from gateway.memories import ask_for_memory
from gateway.search import find_moments
from streams.models import factory
from streams.models.speech import Speech
from streams.runtime.services import Services

AUDIO_TYPES = ("audio/wav", "audio/x-wav", "audio/wave", "audio/ogg", "audio/opus", "audio/webm", "audio/mpeg")
MAX_TRANSCRIPT = 500
SEARCH_RESULTS = 5


async def voice(request: Request) -> JSONResponse:
    """Say a command.
    ---
    summary: A spoken command — as a transcript (JSON) or as audio (WAV or Opus) that the server transcribes
    description: >
      Commands: take a picture, record a video, stop recording, create a memory ("a memory of Paris"), search
      ("find the beach"), name the person in view ("this is my wife Anna"). An unclear command gets a question
      back (intent "clarify"). Capture commands need a device: a device's token, or device_id in the query.
    security: [{bearer: []}]
    parameters:
      - {name: device_id, in: query, required: false, schema: {type: string, maxLength: 128}}
    jsonBody:
      type: object
      required: [transcript]
      properties:
        transcript: {type: string, maxLength: 500}
        audio/wav:
          schema: {type: string, format: binary}
        audio/ogg:
          schema: {type: string, format: binary}
    responses:
      200:
        description: "Done, or a question back: heard, intent, answer, and the result of the action."
        json: {$ref: '#/components/schemas/VoiceAnswer'}
      202:
        description: "The action was accepted (a capture command, a memory request, a person named)."
        json: {$ref: '#/components/schemas/VoiceAnswer'}
      409: {description: "The command makes no sense now (nothing to stop, already recording)."}
      413: {description: The audio is too long.}
      422: {description: "Unusable audio, a bad body, or no device for a capture command."}
    """
    services: Services = request.app.state.services
    heard = await _heard(request, services)
    intent = parse(heard)
    device_id = request.state.device_id or request.query_params.get("device_id") or None
    if device_id is not None and not auth.DEVICE_ID.match(device_id):
        raise ApiError(422, "device_id must be 1-128 characters of letters, digits, '_', '.', ':' and '-'")
    status, answer, result = await _act(services, request.state.user_id, device_id, intent)
    return JSONResponse({"transcript": heard, **intent.as_dict(), "answer": answer, "result": result}, status)


async def _heard(request: Request, services: Services) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in AUDIO_TYPES:
        return await _transcribe(request, services)
    if kind != "application/json":
        raise ApiError(422, f'send JSON {{"transcript": "..."}} or audio ({", ".join(AUDIO_TYPES[:4])}, …)')
    body = await json_object(request, '{"transcript": "take a picture"}')
    said = body.get("transcript")
    if not isinstance(said, str) or len(said) > MAX_TRANSCRIPT:
        raise ApiError(422, f"transcript must be a string of at most {MAX_TRANSCRIPT} characters")
    return said


async def _transcribe(request: Request, services: Services) -> str:
    limit = services.settings.max_voice_bytes
    with tempfile.TemporaryDirectory(dir=_spool(services)) as folder:
        path = Path(folder) / "said"
        too_big = f"voice commands may have at most {limit} bytes of audio"
        await body_to_file(request, path, limit, too_big, "the audio is empty")
        try:
            model = factory.speech(services.settings.speech_model_dir or None)
            transcript = await asyncio.to_thread(model.predict, Speech(path, PROMPT))
        except ModelMissing as exc:
            raise ApiError(503, f"speech recognition is not available here: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - FFmpeg's and CTranslate2's errors for unreadable audio vary
            raise ApiError(422, f"could not read the audio: {type(exc).__name__}") from None
    return transcript.text


def _spool(services: Services) -> Path:
    folder = services.settings.cache_dir / "voice"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _act(services: Services, user: str, device: str | None, intent: Intent) -> tuple[int, str, Any]:
    """(status, what to tell the user, the action's result)."""
    if intent.kind == "clarify":
        return 200, intent.question, None
    if intent.kind in ("take_picture", "record_video", "stop_recording"):
        if device is None:
            raise ApiError(422, "which glasses? Send the device's token, or device_id in the query")
        result = await run_command(services, user, device, intent.kind)
        said = {"take_picture": "Taking a picture.", "record_video": "Recording.", "stop_recording": "Stopped."}
        return 202, said[intent.kind], result
    if intent.kind == "create_memory":
        status, result = await ask_for_memory(services, user, intent.subject, None)
        if status == 422:
            return 200, result["error"], result
        return status, "Here it is." if result.get("cached") else "Making your memory video now.", result
    if intent.kind == "search":
        status, result = await asyncio.to_thread(find_moments, services, user, intent.subject, SEARCH_RESULTS, utcnow())
        if status == 422:
            return 200, result["error"], result
        found = len(result["results"])
        return 200, f"I found {found} moment{'s' * (found != 1)}." if found else "I found nothing like that.", result
    return await _name_person(services, user, device, intent)


async def _name_person(services: Services, user: str, device: str | None, intent: Intent) -> tuple[int, str, Any]:
    seen = await asyncio.to_thread(services.store.people_in_view, user, device)
    who = intent.name + (f" ({intent.relationship})" if intent.relationship else "")
    if seen is None:
        return 200, f"I have not seen anyone yet: take a picture of {who} first.", None
    capture_id, people = seen
    if len(people) > 1:
        question = f"I see {len(people)} people in your last capture: name {who} in the app, where you can pick."
        return 200, question, {"capture_id": capture_id, "people": people}
    person_id = people[0]
    relationship = intent.relationship
    await services.emit_new("PersonNamed", user, person_id=person_id, name=intent.name, relationship=relationship)
    return 202, f"Nice to meet {intent.name}.", {"person_id": person_id, "capture_id": capture_id}
