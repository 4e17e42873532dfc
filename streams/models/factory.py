"""The one place models are chosen and made: every service asks here, and gets the same instance for the same
settings, so each model's weights load once per process. Making a model reads no weights (``predict`` or ``load``
does); it finds them, and says which package or setting is missing when they are not there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.shipped import ModelMissing
from streams.models import vision
from streams.models.faces import FaceModel, FaceRecognition, InsightFaceModel, default_model_dir, is_insightface_pack
from streams.models.minilm import MiniLM
from streams.models.speech import SpeechModel
from streams.models.tags import Tagger
from streams.models.vision import CaptionImages, CaptionText, ClipImages, ClipText, Images, Words


def faces(folder: str | None = None) -> FaceRecognition:
    """The face model of a folder (None or "": the shipped YuNet + SFace): an insightface pack, or YuNet + SFace."""
    return _faces(folder or None)


@lru_cache(maxsize=1)
def tags() -> Tagger:
    return Tagger()


@lru_cache(maxsize=1)
def text() -> MiniLM:
    return MiniLM()


def speech(folder: str | None = None) -> SpeechModel:
    """Whisper from a folder (None or "": the shipped tiny.en)."""
    return _speech(folder or None)


def visual_images(architecture: str = "", checkpoint: str = "") -> Images:
    """The image side of the visual model these settings choose: open_clip when both are given, else captions."""
    return _visual_images(*_clip(architecture, checkpoint))


def visual_text(architecture: str = "", checkpoint: str = "") -> Words:
    """The text side of the same model: words in the space of ``visual_images``' vectors, under the same id."""
    return _visual_text(*_clip(architecture, checkpoint))


def visual_spec(architecture: str = "", checkpoint: str = "") -> tuple[str, int]:
    """(model id, vector size) of the visual model these settings choose, without loading its weights."""
    model = visual_images(architecture, checkpoint)
    return model.model_id, model.size


# The functions above spell one choice one way (None, "" and no argument alike) before the cache sees it: one
# choice, one instance, one load.


def _clip(architecture: str, checkpoint: str) -> tuple[str, str]:
    if architecture.startswith(vision.HUB):
        return architecture, ""
    return (architecture, checkpoint) if architecture and checkpoint else ("", "")


@lru_cache(maxsize=4)
def clip_choice(clip_model: str, clip_checkpoint: str, hub_model: str) -> tuple[str, str]:
    """The image–text model the settings choose: theirs if they name one; else the hub model when the hub's cache
    holds it (a machine that fetched it once), else the shipped caption model. Decided from files alone."""
    if clip_model:
        return clip_model, clip_checkpoint
    if hub_model:
        try:
            vision.hub_config(hub_model)
        except ModelMissing:
            return "", ""
        return hub_model, ""
    return "", ""


@lru_cache(maxsize=4)
def _faces(folder: str | None) -> FaceRecognition:
    path = Path(folder) if folder else default_model_dir()
    return InsightFaceModel(path) if is_insightface_pack(path) else FaceModel(path)


@lru_cache(maxsize=2)
def _speech(folder: str | None) -> SpeechModel:
    return SpeechModel(Path(folder) if folder else None)


@lru_cache(maxsize=4)
def _visual_images(architecture: str, checkpoint: str) -> Images:
    return ClipImages(architecture, checkpoint) if architecture else CaptionImages(text())


@lru_cache(maxsize=4)
def _visual_text(architecture: str, checkpoint: str) -> Words:
    return ClipText(architecture, checkpoint) if architecture else CaptionText(text())
