from pathlib import Path

import av
import pytest

from streams.video import fragments, mezzanine
from streams.video.boxes import BoxError
from tests.media_helpers import small_clip


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> mezzanine.Prepared:
    folder = tmp_path_factory.mktemp("mezzanine")
    return mezzanine.prepare(small_clip(folder / "c.mp4", seconds=4, width=640, height=360), folder / "p", 360)


def test_a_mezzanine_is_its_init_then_one_fragment_per_keyframe(prepared: mezzanine.Prepared):
    layout = fragments.layout(prepared.mezzanine)
    with av.open(str(prepared.mezzanine)) as clip:
        keyframes = [float(p.pts * p.time_base) for p in clip.demux(video=0) if p.is_keyframe and p.pts is not None]
    assert [f.start_s for f in layout.fragments] == pytest.approx(keyframes) == [0.5 * n for n in range(8)]
    assert all(f.duration_s == pytest.approx(0.5) for f in layout.fragments)
    assert layout.fragments[0].offset == layout.init_size
    # back to back, each up to where the next begins
    assert all(a.offset + a.size == b.offset for a, b in zip(layout.fragments, layout.fragments[1:], strict=False))
    assert layout.fragments[-1].offset + layout.fragments[-1].size <= prepared.mezzanine.stat().st_size


def test_the_init_and_a_run_of_fragments_are_a_file_holding_just_those_frames(prepared, tmp_path: Path):
    layout = fragments.layout(prepared.mezzanine)
    run = layout.between(1.0, 2.5)
    assert [f.start_s for f in run] == [1.0, 1.5, 2.0]
    data = prepared.mezzanine.read_bytes()
    piece = tmp_path / "piece.mp4"
    piece.write_bytes(data[: layout.init_size] + data[run[0].offset : run[-1].offset + run[-1].size])
    with av.open(str(piece)) as clip:
        times = [round(float(f.time), 3) for f in clip.decode(video=0)]
    assert times == [round(1.0 + n / 30, 3) for n in range(45)]


def test_a_file_without_fragments_has_none_and_one_that_is_no_mp4_is_refused(tmp_path: Path):
    plain = small_clip(tmp_path / "plain.mp4", seconds=2)
    assert fragments.layout(plain).fragments == []
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00" + b"not a box at all")
    with pytest.raises(BoxError):
        fragments.layout(junk)
