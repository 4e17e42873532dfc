"""Speech on the real stack: what is said in a clip becomes a transcript with word times, and joins its shot."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.album import spoken_clip
from tests.conftest import Served, decode_all, read_topic, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def transcripts(served: Served) -> dict[str, dict]:
    return {
        e["capture_id"]: e
        for n, e in decode_all(served.settings, read_topic(served.settings, "enrichments", timeout=3))
        if n == "TranscriptExtracted"
    }


def test_spoken_words_are_transcribed_with_times_and_a_tone_is_not_speech(served: Served, tmp_path: Path):
    client = served.client("alice")
    spoken = client.upload(spoken_clip(tmp_path / "s.mp4", "We had dinner at the Eiffel Tower"))["capture_id"]
    tone = client.upload(small_clip(tmp_path / "t.mp4", seconds=2))["capture_id"]
    found = wait_for(lambda: transcripts(served), lambda t: spoken in t and tone in t)
    words = found[spoken]["words"]
    assert {"dinner", "Eiffel", "Tower"} <= {w["word"].strip(".,") for w in words}
    assert all(0 <= w["start_s"] <= w["end_s"] <= 4.0 for w in words)
    assert [w["start_s"] for w in words] == sorted(w["start_s"] for w in words)
    assert found[tone]["words"] == [] and found[tone]["text"] == ""
