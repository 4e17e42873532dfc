"""The faces enricher: MediaProbed → FacesDetected, from keyframes (about one a second) or the photo itself.

Only for users who turned face recognition on (FaceRecognitionToggled); for the others nothing is looked at.
Turning it on later does not rescan older captures: a replay of the media topic does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np

from streams import faces, media
from streams.services import Services


def looked_at(services: Services, path: Path, kind: str) -> list[tuple[float, np.ndarray]]:
    """The frames faces are looked for in, and their boxes refer to: the photo itself, or keyframes."""
    if kind == "photo":
        return [(0.0, media.photo_frame(path))]
    return media.sample_frames(path, per_second=services.settings.face_frames_per_second)


def detect(services: Services, event: dict[str, Any]) -> tuple[str, int, list[dict[str, Any]]]:
    path = services.blobs.fetch(event["object_key"])
    model = faces.load(services.settings.face_model_dir or None)
    frames = looked_at(services, path, event["kind"])
    found = []
    for t, bgr in frames:
        for face in model.faces(bgr):
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
    return model.name, len(frames), found


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if not await asyncio.to_thread(services.store.face_recognition, event["user_id"]):
        return
    model, frames, found = await asyncio.to_thread(detect, services, event)
    await services.emit_derived(
        "FacesDetected", event, capture_id=event["capture_id"], model=model, frames=frames, faces=found
    )
