from pathlib import Path

import pytest

from infra.demo import verify_mp4
from streams.video import hls, mezzanine, montage
from streams.video.crossfade import Transition
from streams.video.fragments import Fragment, layout
from tests.media_helpers import playlist_frames, small_clip


def _run(start: int, count: int, seconds: float = 0.5) -> list[Fragment]:
    return [Fragment(start + 100 * n, 100, n * seconds, seconds) for n in range(count)]


def test_fragments_are_grouped_into_segments_of_up_to_two_seconds_and_a_gap_starts_a_new_one():
    piece = hls.Piece("processed/u/c/mezzanine-1080p.mp4", 40, _run(40, 9) + _run(5000, 2))
    assert piece.segments() == [(40, 400, 2.0), (440, 400, 2.0), (840, 100, 0.5), (5000, 200, 1.0)]
    assert piece.seconds == 5.5


def test_the_playlist_names_each_piece_with_its_init_after_a_discontinuity_and_ends_only_when_told():
    pieces = [hls.Piece("processed/u/a/m.mp4", 40, _run(40, 4)), hls.Piece("x-000.mp4", 30, _run(30, 1))]
    growing = hls.text(pieces, ended=False).splitlines()
    assert growing[:6] == [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        "#EXT-X-TARGETDURATION:2",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:EVENT",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    assert growing[6:] == [
        '#EXT-X-MAP:URI="processed/u/a/m.mp4",BYTERANGE="40@0"',
        "#EXTINF:2.000000,",
        "#EXT-X-BYTERANGE:400@40",
        "processed/u/a/m.mp4",
        "#EXT-X-DISCONTINUITY",
        '#EXT-X-MAP:URI="x-000.mp4",BYTERANGE="30@0"',
        "#EXTINF:0.500000,",
        "#EXT-X-BYTERANGE:100@30",
        "x-000.mp4",
    ]
    assert hls.text(pieces, ended=True).splitlines() == [*growing, "#EXT-X-ENDLIST"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> list[mezzanine.Prepared]:
    folder = tmp_path_factory.mktemp("mezzanines")
    return [
        mezzanine.prepare(small_clip(folder / f"{i}.mp4", 4, 640, 360, image=img), folder / img, 360)
        for i, img in enumerate(["astronaut", "coffee", "rocket"])
    ]


def test_mezzanine_ranges_and_stored_crossfades_play_the_frames_of_the_mp4(prepared, tmp_path: Path):
    cuts = [montage.Cut(p.mezzanine, 0.5, 3.5) for p in prepared]
    keys = [f"processed/u/{n}/mezzanine-360p.mp4" for n in range(len(cuts))]
    bodies = hls.body_pieces(keys, montage.bodies(cuts, 0.5))
    assert bodies is not None
    assert [(b.fragments[0].start_s, b.seconds) for b in bodies] == [(0.5, 2.5), (1.0, 2.0), (1.0, 2.5)]
    files = dict(zip(keys, [p.mezzanine for p in prepared], strict=True))
    pieces = [bodies[0]]
    writer = montage.TransitionWriter(prepared[0].mezzanine)

    def placed(index: int, transition: Transition, seconds: float) -> None:
        path = tmp_path / f"x-{index:03d}.mp4"
        writer.write(transition, seconds, path)
        found = layout(path)
        files[path.name] = path
        pieces.extend([hls.Piece(path.name, found.init_size, found.fragments), bodies[index + 1]])

    out = tmp_path / "m.mp4"
    duration = montage.join(cuts, out, 0.5, transitions=placed)
    writer.close()
    playlist = hls.text(pieces, ended=True)

    def fetch(name: str, offset: int, size: int) -> bytes:
        with files[name].open("rb") as file:
            file.seek(offset)
            return file.read(size)

    assert sum(p.seconds for p in pieces) == pytest.approx(duration)
    assert playlist_frames(playlist, fetch, tmp_path) == verify_mp4(out) == round(30 * duration)


def test_a_source_that_is_not_fragmented_gets_no_ranges(tmp_path: Path):
    plain = small_clip(tmp_path / "plain.mp4", seconds=2)
    assert hls.body_pieces(["raw/u/plain.mp4"], [montage.Cut(plain, 0.0, 2.0)]) is None
