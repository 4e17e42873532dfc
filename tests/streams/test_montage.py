from pathlib import Path

import av
import pytest

from streams.montage import Cut, MontageError, join
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
