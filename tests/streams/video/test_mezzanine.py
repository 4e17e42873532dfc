"""The mezzanine copy and thumbnails, made with real PyAV encoding."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from PIL import Image

from streams.video import mezzanine
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


def test_a_photo_becomes_a_still_that_memories_cut_like_any_clip(tmp_path: Path):
    import numpy as np
    import skimage.data

    photo = tmp_path / "tiny.jpg"
    Image.fromarray(skimage.data.chelsea()).resize((120, 100)).save(photo)  # smaller than the still: drawn larger
    prepared = mezzanine.prepare_still(photo, tmp_path / "out", 360)
    assert (prepared.width, prepared.height) == (640, 360)
    assert prepared.duration_s == pytest.approx(mezzanine.STILL_S, abs=0.05)
    assert prepared.keyframes == pytest.approx([i * 0.5 for i in range(8)], abs=1e-3)
    with av.open(str(prepared.mezzanine)) as clip:
        assert clip.streams.audio[0].codec_context.sample_rate == mezzanine.AUDIO_RATE
        pictures = [f.to_ndarray(format="rgb24").astype(np.int16) for f in clip.decode(video=0)]
    assert len(pictures) == round(mezzanine.STILL_S * mezzanine.FPS)
    assert np.abs(pictures[0] - pictures[-1]).mean() > 2  # it drifts across the photo, it is not a frozen frame
    assert prepared.poster.exists() and prepared.strip.exists() and len(prepared.strip_times) == mezzanine.STRIP_COUNT
