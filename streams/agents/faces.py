"""The faces enricher: MediaProbed → FacesDetected, from keyframes (about one a second) or the photo itself.

Only for users who turned face recognition on (FaceRecognitionToggled); for the others nothing is looked at.
Turning it on later does not rescan older captures: a replay of the media topic does.
"""

from __future__ import annotations

import asyncio
from typing import Any

from streams.models import factory
from streams.runtime.services import Services
from streams.video import media


def detect(services: Services, event: dict[str, Any]) -> tuple[str, int, list[dict[str, Any]]]:
    path = services.blobs.fetch(event["object_key"])
    model = factory.faces(services.settings.face_model_dir or None)
    frames = media.face_frames(path, event["kind"], services.settings.face_frames_per_second)
    found = []
    for t, bgr in frames:
        for face in model.predict(bgr):
            x, y, w, h = face.box
            found.append(
                {
                    "t": t,
                    "x": x,
                    "y": y,
                    "w": w,
                    "h": h,
                    "frame_width": int(bgr.shape[1]),
                    "score": face.score,
                    "embedding": face.embedding,
                }
            )
    return model.model_id, len(frames), found


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if not await asyncio.to_thread(services.store.face_recognition, event["user_id"]):
        return
    model, frames, found = await asyncio.to_thread(detect, services, event)
    await services.emit_derived(
        "FacesDetected", event, capture_id=event["capture_id"], model=model, frames=frames, faces=found
    )
