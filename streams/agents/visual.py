"""The visual enricher: MediaProbed → FramesDescribed: tags, a caption and an image–text vector per sampled frame."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import vision
from streams.runtime.services import Services
from streams.video import media

FRAME_WIDTH = 320  # the models look at 224 px or less


def describe(services: Services, event: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    path = services.blobs.fetch(event["object_key"])
    if event["kind"] == "photo":
        frames = [(0.0, media.photo_frame(path, max_width=FRAME_WIDTH))]
    else:
        frames = media.sample_frames(path, max_width=FRAME_WIDTH)
    pictures = [bgr for _, bgr in frames]
    tags = vision.tagger().tags(pictures)
    model = vision.visual_model(services.settings.clip_model, services.settings.clip_checkpoint)
    vectors = model.embed_frames(pictures, tags)
    sharpness, motion = vision.sharpness_and_motion(pictures)
    described = [
        {
            "t": t,
            "caption": vision.caption(frame_tags),
            "sharpness": sharp,
            "motion": moved,
            "tags": [{"label": tag.label, "score": tag.score, "kind": tag.kind} for tag in frame_tags],
            "embedding": vector,
        }
        for (t, _), frame_tags, vector, sharp, moved in zip(frames, tags, vectors, sharpness, motion, strict=True)
    ]
    return model.name, described


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    model, frames = await asyncio.to_thread(describe, services, event)
    await services.emit_derived(
        "FramesDescribed", event, capture_id=event["capture_id"], model=model, tagger=vision.TAGGER, frames=frames
    )
