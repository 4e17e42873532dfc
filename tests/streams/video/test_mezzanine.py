"""The mezzanine copy and thumbnails, made with real PyAV encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from streams.video.media import probe
from streams.video.mezzanine import GOP, STRIP_COUNT, STRIP_FRAME, output_size, prepare
from tests.media_helpers import small_clip


def test_output_size_keeps_aspect_never_upscales_and_stays_even():
    assert output_size(1920, 1080, 1080) == (1920, 1080)
    assert output_size(3840, 2160, 1080) == (1920, 1080)
    assert output_size(1080, 1920, 720) == (404, 720)
    assert output_size(321, 181, 1080) == (320, 180)


def test_prepare_normalises_and_thumbnails(tmp_path: Path):
    source = small_clip(tmp_path / "src.mp4", seconds=3, width=640, height=360, gop=90)
    assert len(probe(source).keyframes) <= 2  # the source has sparse keyframes
    prepared = prepare(source, tmp_path / "out", target_height=360)
    facts = probe(prepared.mezzanine)
    assert (facts.width, facts.height, facts.video_codec, facts.audio_codec) == (640, 360, "h264", "aac")
    assert facts.duration_s == pytest.approx(3.0, abs=0.1)
    assert prepared.keyframes == pytest.approx([i * GOP / 30 for i in range(6)], abs=1e-3)  # every half second
    assert Image.open(prepared.poster).size == (320, 180)
    strip = Image.open(prepared.strip)
    assert strip.size == (STRIP_FRAME[0] * STRIP_COUNT, STRIP_FRAME[1])
    assert len(prepared.strip_times) == STRIP_COUNT
    assert prepared.strip_times == sorted(prepared.strip_times)
    assert not list((tmp_path / "out").glob(".*part"))


def test_mezzanines_of_different_sources_share_codec_parameters(tmp_path: Path):
    from streams.video.montage import Cut, join

    a = prepare(small_clip(tmp_path / "a.mp4", seconds=2, width=640, height=360), tmp_path / "a", 360)
    b = prepare(small_clip(tmp_path / "b.mp4", seconds=2, width=1280, height=720, image="coffee"), tmp_path / "b", 360)
    duration = join(
        [Cut(a.mezzanine, 0.0, a.keyframes[2]), Cut(b.mezzanine, b.keyframes[1], b.keyframes[3])],
        tmp_path / "joined.mp4",
    )
    assert duration == pytest.approx(2.0, abs=0.1)
