"""The speech enricher: MediaProbed (a video with sound) → TranscriptExtracted, with word times."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import speech, vision
from streams.runtime.services import Services


def transcribe(services: Services, event: dict[str, Any]) -> speech.Transcript:
    model = speech.load(services.settings.speech_model_dir or None)
    return model.transcribe(services.blobs.fetch(event["object_key"]))


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if event["kind"] != "video" or event["audio_codec"] is None:
        return  # no sound, nothing said
    transcript = await asyncio.to_thread(transcribe, services, event)
    # Embedded here rather than by the projector, so that a replay rebuilds the vectors without any model.
    embedding = await asyncio.to_thread(vision.text_embedder().embed, [transcript.text]) if transcript.text else None
    await services.emit_derived(
        "TranscriptExtracted",
        event,
        capture_id=event["capture_id"],
        model=speech.MODEL,
        language=transcript.language,
        text=transcript.text,
        words=[{"word": w, "start_s": s, "end_s": e} for w, s, e in transcript.words],
        embedding_model=vision.TEXT_MODEL if embedding else None,
        embedding=embedding[0] if embedding else None,
    )
