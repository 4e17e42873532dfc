"""The visual enricher: MediaProbed → FramesDescribed: tags, a caption and an image–text vector per sampled frame."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import factory, tags, vision
from streams.runtime.services import Services
from streams.video import media

FRAME_WIDTH = 320  # the models look at 224 px or less


def describe(services: Services, event: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    """(the visual model's id, the tagger's, the frames described)"""
    path = services.blobs.fetch(event["object_key"])
    if event["kind"] == "photo":
        frames = [(0.0, media.photo_frame(path, max_width=FRAME_WIDTH))]
    else:
        frames = media.sample_frames(path, max_width=FRAME_WIDTH)
    pictures = [bgr for _, bgr in frames]
    tagger = factory.tags()
    found = tagger.predict(pictures)
    settings = services.settings
    model = factory.visual_images(
        *factory.clip_choice(settings.clip_model, settings.clip_checkpoint, settings.clip_hub_model)
    )
    vectors = model.predict(vision.Frames(pictures, found))
    sharpness, motion = vision.sharpness_and_motion(pictures)
    described = [
        {
            "t": t,
            "caption": tags.caption(frame_tags),
            "sharpness": sharp,
            "motion": moved,
            "tags": [{"label": tag.label, "score": tag.score, "kind": tag.kind} for tag in frame_tags],
            "embedding": vector,
        }
        for (t, _), frame_tags, vector, sharp, moved in zip(frames, found, vectors, sharpness, motion, strict=True)
    ]
    return model.model_id, tagger.model_id, described


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    model, tagger, frames = await asyncio.to_thread(describe, services, event)
    await services.emit_derived(
        "FramesDescribed", event, capture_id=event["capture_id"], model=model, tagger=tagger, frames=frames
    )
