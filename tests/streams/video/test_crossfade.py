"""Crossfades encoded from two real mezzanines: the frame count, the blend, and the sound's length."""

from pathlib import Path

import av
import numpy as np
import pytest

from streams.video.crossfade import Crossfader, fade_seconds
from streams.video.mezzanine import AUDIO_RATE, FPS, prepare
from tests.media_helpers import small_clip


@pytest.mark.parametrize(
    ("asked", "real"),
    [
        (0.5, 0.5),
        (1.0, 1.0),
        (0.52, 16 / 30),  # rounded to whole frames
        (0.01, 1 / 30),  # at least one frame
        (1e-9, 1 / 30),
        (0.0, 0.0),  # none at all
        (-0.5, 0.0),
    ],
)
def test_fade_seconds_is_a_whole_number_of_frames(asked: float, real: float):
    assert fade_seconds(asked) == pytest.approx(real)
    assert round(fade_seconds(asked) * FPS, 9) == int(round(fade_seconds(asked) * FPS))


@pytest.fixture(scope="module")
def mezzanines(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("mezz")
    return [
        prepare(small_clip(folder / f"{img}.mp4", seconds=2, image=img), folder / img, 180).mezzanine
        for img in ("astronaut", "coffee")
    ]


def template(path: Path):  # type: ignore[no-untyped-def]
    with av.open(str(path)) as clip:
        return clip.streams.video[0].codec_context


def grey(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as clip:
        return next(f for f in clip.decode(video=0) if f.time >= t - 1e-3).to_ndarray(format="gray").astype(float)


def mux(mezzanine: Path, video: list, sound: list, out: Path) -> tuple[list[np.ndarray], int]:
    """The packets in an MP4 with the mezzanine's own parameter sets: the way montage joins them to the bodies.
    Returns the decoded pictures (grey) and audio samples."""
    with av.open(str(mezzanine)) as source, av.open(str(out), "w", format="mp4") as container:
        v = container.add_stream_from_template(source.streams.video[0])
        a = container.add_stream_from_template(source.streams.audio[0])
        for packet in video:
            packet.stream = v
            container.mux(packet)
        for packet in sound:
            packet.stream = a
            container.mux(packet)
    with av.open(str(out)) as clip:
        pictures = [f.to_ndarray(format="gray").astype(float) for f in clip.decode(video=0)]
    with av.open(str(out)) as clip:
        samples = sum(f.samples for f in clip.decode(audio=0)) if sound else 0
    return pictures, samples


def test_a_crossfader_counts_whole_frames(mezzanines: list[Path]):
    cc = template(mezzanines[0])
    assert (Crossfader(cc, 0.5).seconds, Crossfader(cc, 0.5).count) == (0.5, 15)
    assert Crossfader(cc, 0.01).count == 1
    assert Crossfader(cc, 0.0).count == 0
    assert (Crossfader(cc, 0.5).width, Crossfader(cc, 0.5).height) == (320, 180)


def test_a_half_second_transition_is_fifteen_blended_frames_and_half_a_second_of_sound(
    mezzanines: list[Path], tmp_path: Path
):
    tail, head = mezzanines
    fader = Crossfader(template(tail), 0.5)
    video, sound = fader.transition(tail, 1.0, head, 0.5, audio=True)
    assert len(video) == 15
    assert [p.pts for p in sorted(video, key=lambda p: p.pts)] == list(range(15))
    assert video[0].is_keyframe and video[0].pts == 0
    assert all(bytes(p)[:4] != b"\0\0\0\1" for p in video)  # length-prefixed as in MP4, not Annex B start codes

    pictures, samples = mux(tail, video, sound, tmp_path / "t.mp4")
    assert len(pictures) == 15
    assert abs(samples - 0.5 * AUDIO_RATE) <= 1024  # one AAC frame of padding at most

    a, b = grey(tail, 1.0 + 7 / FPS), grey(head, 0.5 + 7 / FPS)
    middle = pictures[7]  # weight 7.5 / 15: half of each
    assert np.abs(middle - (a + b) / 2).mean() < 4
    assert np.abs(middle - (a + b) / 2).mean() * 4 < min(np.abs(middle - a).mean(), np.abs(middle - b).mean())
    # the fade runs from the tail to the head
    first, last = pictures[0], pictures[-1]
    assert np.abs(first - grey(tail, 1.0)).mean() < np.abs(first - grey(head, 0.5)).mean()
    assert np.abs(last - grey(head, 0.5 + 14 / FPS)).mean() < np.abs(last - grey(tail, 1.0 + 14 / FPS)).mean()


def test_without_audio_only_pictures_are_encoded(mezzanines: list[Path]):
    tail, head = mezzanines
    video, sound = Crossfader(template(tail), 0.2).transition(tail, 0.5, head, 0.0, audio=False)
    assert len(video) == 6
    assert sound == []


def test_a_side_that_ends_early_holds_its_last_picture(mezzanines: list[Path], tmp_path: Path):
    tail, head = mezzanines
    fader = Crossfader(template(tail), 0.5)
    # the tail clip is 2 s long: from 1.8 s it has 6 frames, not 15
    video, sound = fader.transition(tail, 1.8, head, 0.0, audio=True)
    assert len(video) == 15
    pictures, samples = mux(tail, video, sound, tmp_path / "t.mp4")
    assert len(pictures) == 15
    assert abs(samples - 0.5 * AUDIO_RATE) <= 1024  # silence fills the missing sound
    # frame 7 still blends half of the tail's last picture, not the head alone
    held, b = grey(tail, 2.0 - 1 / FPS), grey(head, 7 / FPS)
    assert np.abs(pictures[7] - (held + b) / 2).mean() * 4 < np.abs(pictures[7] - b).mean()


def test_a_one_frame_transition(mezzanines: list[Path], tmp_path: Path):
    tail, head = mezzanines
    video, sound = Crossfader(template(tail), 0.01).transition(tail, 1.0, head, 0.0, audio=True)
    assert len(video) == 1 and video[0].is_keyframe
    pictures, _ = mux(tail, video, sound, tmp_path / "t.mp4")
    assert len(pictures) == 1


def test_two_formats_are_refused_with_a_reason_not_an_opencv_error():
    import av

    from streams.video import crossfade

    a, b = av.VideoFrame(64, 36, "yuv420p"), av.VideoFrame(32, 18, "yuv420p")
    with pytest.raises(ValueError, match="cannot crossfade 64x36 into 32x18"):
        crossfade._blend(a, b, 0.5)
