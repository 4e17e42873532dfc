"""What every model adapter is: a name and a version (the id stored with its vectors), a lazy load that happens once,
and ``predict``. Weights are found when a model is made and read when it is first used, so that choosing a model
(a collection name, a vector size) costs nothing, and a process loads only the models it runs.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from core import heap

# Weights are files on disk: never let the Hugging Face libraries reach for a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

In = TypeVar("In")
Out = TypeVar("Out")


class InferenceModel(ABC, Generic[In, Out]):
    """One model: ``predict`` loads it on first use; ``load`` may be called earlier to warm it."""

    task: ClassVar[str]  # "faces", "tags", "text", "speech" or "visual"
    # One call at a time where two would clash or only contend: OpenCV's detector keeps the last input size; torch
    # and CTranslate2 already spread one call over every core. ONNX Runtime sessions run calls side by side.
    serialised: ClassVar[bool] = False
    name: str
    version: int = 1

    def __init__(self, source: Path | None) -> None:
        self.source = source  # where the weights are (None: the model has none of its own)
        self._loaded = False
        self._loading = threading.Lock()
        # A model sharing one loaded module with another (open_clip's two encoders) takes that module's lock.
        self._running = threading.Lock()

    @property
    def model_id(self) -> str:
        """The id stored with what the model made, e.g. "sface-2021dec-int8/1"; vectors of one id share a collection."""
        return f"{self.name}/{self.version}"

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Read the weights, once, however many threads ask at the same time."""
        if self._loaded:
            return
        with self._loading:
            if self._loaded:
                return
            self._load()
            # What the model allocated lives as long as the process: keep it out of later collections.
            heap.settle()
            self._loaded = True

    def predict(self, inputs: In) -> Out:
        self.load()
        if not self.serialised:
            return self._predict(inputs)
        with self._running:
            return self._predict(inputs)

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def _predict(self, inputs: In) -> Out: ...
