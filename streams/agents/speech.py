"""The speech enricher: MediaProbed (a video with sound) → TranscriptExtracted, with word times."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import factory
from streams.models.speech import Speech, SpeechModel, Transcript
from streams.runtime.services import Services


def transcribe(services: Services, event: dict[str, Any], model: SpeechModel) -> Transcript:
    return model.predict(Speech(services.blobs.fetch(event["object_key"])))


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if event["kind"] != "video" or event["audio_codec"] is None:
        return  # no sound, nothing said
    model = factory.speech(services.settings.speech_model_dir or None)
    transcript = await asyncio.to_thread(transcribe, services, event, model)
    # Embedded here rather than by the projector, so that a replay rebuilds the vectors without any model.
    text = factory.text()
    embedding = await asyncio.to_thread(text.predict, [transcript.text]) if transcript.text else None
    await services.emit_derived(
        "TranscriptExtracted",
        event,
        capture_id=event["capture_id"],
        model=model.model_id,
        language=transcript.language,
        text=transcript.text,
        words=[{"word": w, "start_s": s, "end_s": e} for w, s, e in transcript.words],
        embedding_model=text.model_id if embedding else None,
        embedding=embedding[0] if embedding else None,
    )
