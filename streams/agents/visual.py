"""The visual enricher: MediaProbed → FramesDescribed: tags, a caption, an image–text vector and an image embedding
(from the tagger's own pass, for "more like this") per sampled frame."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import factory, tags, vision
from streams.runtime.services import Services
from streams.video import media

FRAME_WIDTH = 320  # the models look at 224 px or less


def describe(services: Services, event: dict[str, Any]) -> tuple[str, str, str, list[dict[str, Any]]]:
    """(the visual model's id, the tagger's, the image embeddings', the frames described)"""
    path = services.blobs.fetch(event["object_key"])
    if event["kind"] == "photo":
        frames = [(0.0, media.photo_frame(path, max_width=FRAME_WIDTH))]
    else:
        frames = media.sample_frames(path, max_width=FRAME_WIDTH)
    pictures = [bgr for _, bgr in frames]
    tagger = factory.tags()
    seen = tagger.predict(pictures)
    found = [s.tags for s in seen]
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
            "image_embedding": looked.features,
        }
        for (t, _), frame_tags, looked, vector, sharp, moved in zip(
            frames, found, seen, vectors, sharpness, motion, strict=True
        )
    ]
    return model.model_id, tagger.model_id, tagger.image_model, described


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    model, tagger, image_model, frames = await asyncio.to_thread(describe, services, event)
    await services.emit_derived(
        "FramesDescribed",
        event,
        capture_id=event["capture_id"],
        model=model,
        tagger=tagger,
        image_model=image_model,
        frames=frames,
    )
