"""Visual meaning of sampled frames: an image–text embedding, so that words find frames, and how sharp and how still
each frame is.

Two families of image–text model, each in two halves as Immich splits them: an image side (frames → vectors) and a
text side (words → a vector in the same space), reporting one model id, which names their vector collection.
open_clip when an architecture and a local checkpoint are configured (``REVERIE_CLIP_MODEL``,
``REVERIE_CLIP_CHECKPOINT``), else the shipped default: a frame means what the caption of its MobileNetV2 tags says,
embedded with MiniLM. Nothing is downloaded: every weight is a file on disk.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

import numpy as np

from core.shipped import ModelMissing
from streams.models.base import In, InferenceModel, Out
from streams.models.minilm import SIZE as MINILM_SIZE
from streams.models.minilm import MiniLM
from streams.models.tags import Tag, caption, rgb_batch


@dataclass(frozen=True)
class Frames:
    """Sampled BGR frames and the tagger's tags of each: the caption family reads the tags, open_clip the pixels."""

    bgr: list[np.ndarray]
    tags: list[list[Tag]]


class VisualModel(InferenceModel[In, Out]):
    task: ClassVar[str] = "visual"
    size: int  # of a vector


Images: TypeAlias = VisualModel[Frames, list[list[float]]]
Words: TypeAlias = VisualModel[str, list[float]]


class _Captions(VisualModel[In, Out]):
    """The shipped default: MiniLM over captions. It has no weights of its own; MiniLM loads once for both sides."""

    name, version, size = "captions-mobilenet_v2+all-minilm-l6-v2", 1, MINILM_SIZE

    def __init__(self, text: MiniLM) -> None:
        super().__init__(None)
        self.text = text

    def _load(self) -> None:
        self.text.load()


class CaptionImages(_Captions[Frames, list[list[float]]]):
    def _predict(self, inputs: Frames) -> list[list[float]]:
        return self.text.predict([caption(tags) for tags in inputs.tags])


class CaptionText(_Captions[str, list[float]]):
    def _predict(self, inputs: str) -> list[float]:
        return self.text.predict([caption_query(inputs)])[0]


CAPTION_MODEL = f"{_Captions.name}/{_Captions.version}"


def caption_query(words: str) -> str:
    """Words as a caption would say them, so that they land near the captions of the frames that show them."""
    return f"a photo of {words}"


@dataclass(frozen=True)
class OpenClip:
    """One loaded open_clip model: both encoders of a checkpoint run it."""

    model: Any
    tokenizer: Any
    image_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    # One torch module: its two encoders take turns, as one model did before the split.
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)


class _OpenClipFamily(VisualModel[In, Out]):
    """open_clip with a local checkpoint: frames and text in one embedding space."""

    serialised: ClassVar[bool] = True
    source: Path

    def __init__(self, architecture: str, checkpoint: str) -> None:
        if architecture.startswith(HUB):
            config = hub_config(architecture)
            super().__init__(config.parent)
            self.checkpoint = ""
            self.name = f"open_clip-{architecture.removeprefix(HUB).replace('/', '-')}"
            self.size = int(json.loads(config.read_text())["model_cfg"]["embed_dim"])
        else:
            if not Path(checkpoint).is_file():
                raise ModelMissing(f"open_clip checkpoint not found: {checkpoint!r} (REVERIE_CLIP_CHECKPOINT)")
            super().__init__(Path(checkpoint))
            self.checkpoint = checkpoint
            self.name = f"open_clip-{architecture}-{Path(checkpoint).stem}"
            self.size = clip_size(architecture)
        self.architecture = architecture

    def _load(self) -> None:
        self.clip = open_clip_model(self.architecture, self.checkpoint)
        self._running = self.clip.lock  # the other encoder's calls run the same module

    def _unit(self, x: Any) -> list[list[float]]:
        x = x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return [[float(v) for v in row] for row in x]


class ClipImages(_OpenClipFamily[Frames, list[list[float]]]):
    def _predict(self, inputs: Frames) -> list[list[float]]:
        import torch  # noqa: PLC0415

        if not inputs.bgr:
            return []
        batch = rgb_batch(inputs.bgr, self.clip.image_size, self.clip.mean, self.clip.std)
        with torch.inference_mode():
            return self._unit(self.clip.model.encode_image(torch.from_numpy(batch)))


class ClipText(_OpenClipFamily[str, list[float]]):
    def _predict(self, inputs: str) -> list[float]:
        import torch  # noqa: PLC0415

        with torch.inference_mode():
            return self._unit(self.clip.model.encode_text(self.clip.tokenizer([inputs])))[0]


_opening = threading.Lock()


def open_clip_model(architecture: str, checkpoint: str) -> OpenClip:
    """The checkpoint's model, loaded once for both encoders."""
    with _opening:  # the cache alone would let the two encoders, loading at once, each read the weights
        return _open_clip(architecture, checkpoint)


@lru_cache(maxsize=2)
def _open_clip(architecture: str, checkpoint: str) -> OpenClip:
    import open_clip  # noqa: PLC0415

    # a hub model's weights come with it (from the hub's cache: HF_HUB_OFFLINE holds at run time)
    model, _, _ = open_clip.create_model_and_transforms(architecture, pretrained=checkpoint or None)
    size = model.visual.image_size
    return OpenClip(
        model=model.eval(),
        tokenizer=open_clip.get_tokenizer(architecture),
        image_size=int(size[0] if isinstance(size, tuple) else size),
        mean=tuple(getattr(model.visual, "image_mean", None) or open_clip.OPENAI_DATASET_MEAN),
        std=tuple(getattr(model.visual, "image_std", None) or open_clip.OPENAI_DATASET_STD),
    )


HUB = "hf-hub:"


def hub_config(architecture: str) -> Path:
    """Where the model hub's local cache holds this repo's open_clip config: weights are never fetched at run time
    (``reverie models fetch`` does that once, where a hub is reachable)."""
    from huggingface_hub import try_to_load_from_cache  # noqa: PLC0415

    repo = architecture.removeprefix(HUB)
    found = try_to_load_from_cache(repo, "open_clip_config.json")
    if not isinstance(found, str):
        raise ModelMissing(
            f"{repo} is not in the model hub's cache: run `reverie models fetch {architecture}` where the hub is"
            " reachable, or give a local checkpoint (REVERIE_CLIP_CHECKPOINT)"
        )
    return Path(found)


def fetch(architecture: str) -> Path:
    """Download a hub model's config and weights into the hub's cache, once (needs the network)."""
    from huggingface_hub import snapshot_download  # noqa: PLC0415

    repo = architecture.removeprefix(HUB)
    return Path(snapshot_download(repo, allow_patterns=["open_clip_*", "*.json", "*.txt"]))


def clip_size(architecture: str) -> int:
    """The vector size of an open_clip architecture, from its config: no weights are read."""
    import open_clip  # noqa: PLC0415

    config = open_clip.get_model_config(architecture)
    if config is None:
        raise ModelMissing(f"open_clip has no model config {architecture!r}")
    return int(config["embed_dim"])


def sharpness_and_motion(frames_bgr: list[np.ndarray]) -> tuple[list[float], list[float]]:
    """Per frame: variance of the Laplacian (blur lowers it) and the mean absolute change from the frame before."""
    import cv2  # noqa: PLC0415

    grey = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY).astype(np.float32) for f in frames_bgr]
    sharpness = [round(float(cv2.Laplacian(g, cv2.CV_32F).var()), 2) for g in grey]
    motion = [0.0] + [
        round(float(np.abs(b - a).mean()), 3) if a.shape == b.shape else 0.0
        for a, b in zip(grey, grey[1:], strict=False)
    ]
    return sharpness, motion[: len(grey)]
