from pathlib import Path

import av
import numpy as np
import pytest

from streams.video import montage
from streams.video.montage import Cut, MontageError, join
from tests.media_helpers import decoded_pts, small_clip


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("clips")
    return [small_clip(folder / f"c{i}.mp4", seconds=4, image=img) for i, img in enumerate(["astronaut", "coffee"])]


def test_join_copies_segments_in_order_with_rising_timestamps(clips, tmp_path: Path):
    out = tmp_path / "m.mp4"
    duration = join([Cut(clips[0], 1.0, 3.0), Cut(clips[1], 0.0, 4.0), Cut(clips[0], 3.0, 4.0)], out)
    assert duration == pytest.approx(7.0)
    pts = decoded_pts(out)
    assert len(pts) == 7 * 30
    assert all(b > a for a, b in zip(pts, pts[1:], strict=False))
    with av.open(str(out)) as container:
        samples = sum(f.samples for f in container.decode(container.streams.audio[0]))
        assert samples / 44100 == pytest.approx(7.0, abs=0.1)
    assert not list(tmp_path.glob(".*part"))


def test_join_refuses_clips_with_other_codec_parameters(clips, tmp_path: Path):
    other = small_clip(tmp_path / "big.mp4", seconds=2, width=640, height=360)
    with pytest.raises(MontageError, match="other parameters"):
        join([Cut(clips[0], 0.0, 2.0), Cut(other, 0.0, 2.0)], tmp_path / "m.mp4")
    assert not (tmp_path / "m.mp4").exists()
    assert not list(tmp_path.glob(".*part"))


def test_join_needs_cuts(tmp_path: Path):
    with pytest.raises(MontageError):
        join([], tmp_path / "m.mp4")


def _grey_at(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as clip:
        return next(f for f in clip.decode(video=0) if f.time >= t - 1e-3).to_ndarray(format="gray").astype(float)


def test_crossfades_blend_one_gop_each_side_and_the_playlist_holds_the_same_video(tmp_path: Path):
    from infra.demo import verify_mp4  # noqa: PLC0415
    from streams.video import mezzanine  # noqa: PLC0415

    images = ["astronaut", "coffee", "rocket"]
    prepared = [
        mezzanine.prepare(
            small_clip(tmp_path / f"{i}.mp4", seconds=4, width=640, height=360, image=img), tmp_path / f"p{i}", 360
        )
        for i, img in enumerate(images)
    ]
    (tmp_path / "hls").mkdir()
    seen: list[float] = []
    cuts = [montage.Cut(p.mezzanine, 0.5, 3.5) for p in prepared]
    out = tmp_path / "faded.mp4"
    duration = montage.join(cuts, out, 0.5, tmp_path / "hls" / "index.m3u8", progress=seen.append)
    assert duration == 3 * 3.0 - 2 * 0.5
    assert verify_mp4(out) == round(30 * duration)
    assert seen[-1] == duration and seen == sorted(seen)
    with av.open(str(out)) as clip:
        grey = [f.to_ndarray(format="gray").astype(float) for f in clip.decode(video=0)]
    # frames 75..89 are the first crossfade: frame 82 is half the tail of clip 0 (3.0 s + 7 frames) and half the
    # head of clip 1 (0.5 s + 7 frames); the bodies around it are the sources' own frames
    tail, head = _grey_at(prepared[0].mezzanine, 3.0 + 7 / 30), _grey_at(prepared[1].mezzanine, 0.5 + 7 / 30)
    blend_error = np.abs(grey[82] - (tail + head) / 2).mean()
    assert blend_error < 4 and blend_error * 5 < min(np.abs(grey[82] - tail).mean(), np.abs(grey[82] - head).mean())
    assert np.abs(grey[74] - _grey_at(prepared[0].mezzanine, 3.0 - 1 / 30)).mean() < 1e-9  # copied bit for bit
    playlist = (tmp_path / "hls" / "index.m3u8").read_text()
    assert "#EXT-X-ENDLIST" in playlist and "#EXT-X-MAP" in playlist
    assert verify_mp4(tmp_path / "hls" / "index.m3u8") == len(grey)
