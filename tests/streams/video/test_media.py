from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from streams.video.media import SIGNATURE_SIZE, MediaError, parse_time, probe
from tests.media_helpers import audio_only, small_clip


def test_probe_reads_streams_keyframes_time_and_place(tmp_path: Path):
    path = small_clip(tmp_path / "c.mp4", seconds=3, lat=48.8584, lon=2.2945, when="2025-06-12T09:15:00.000000Z")
    facts = probe(path)
    assert (facts.width, facts.height, facts.fps, facts.video_codec, facts.audio_codec) == (
        320,
        180,
        30.0,
        "h264",
        "aac",
    )
    assert facts.duration_s == pytest.approx(3.0, abs=0.05)
    assert facts.keyframes == [0.0, 1.0, 2.0]
    assert facts.captured_at == datetime(2025, 6, 12, 9, 15, tzinfo=UTC)
    assert facts.location == (48.8584, 2.2945)
    assert len(facts.signature) == SIGNATURE_SIZE
    assert sum(x * x for x in facts.signature) == pytest.approx(1.0)


def test_probe_without_metadata_leaves_time_and_place_empty(tmp_path: Path):
    facts = probe(small_clip(tmp_path / "c.mp4", seconds=1))
    assert facts.captured_at is None and facts.location is None


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "not a readable media file"),
        (b"hello world" * 100, "not a readable media file"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500, "not a readable"),
    ],
)
def test_not_a_video(tmp_path: Path, content: bytes, reason: str):
    path = tmp_path / "x.mp4"
    path.write_bytes(content)
    with pytest.raises(MediaError, match=reason):
        probe(path)


def test_audio_only_file_has_no_video(tmp_path: Path):
    with pytest.raises(MediaError, match="no video stream"):
        probe(audio_only(tmp_path / "a.mp4"))


def test_truncated_clip_is_refused(tmp_path: Path):
    data = small_clip(tmp_path / "c.mp4", seconds=3).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="truncated"):
        probe(cut)


def test_parse_time():
    assert parse_time("2025-06-12T09:15:00.000000Z") == datetime(2025, 6, 12, 9, 15, tzinfo=UTC)
    assert parse_time("2025-06-12T11:15:00+02:00") == datetime(2025, 6, 12, 9, 15, tzinfo=UTC)
    assert parse_time("1970-01-01T00:00:00Z") is None  # an unset camera clock
    assert parse_time("yesterday") is None


def test_photo_exif_time_place_and_orientation(tmp_path: Path):
    from streams.video.media import probe_photo
    from tests.media_helpers import photo_with_exif

    facts = probe_photo(
        photo_with_exif(tmp_path / "p.jpg", lat=48.8584, lon=2.2945, when="2025:06:12 11:15:00", orientation=6)
    )
    assert facts.kind == "photo" and facts.video_codec == "jpeg" and facts.duration_s == 0.0
    assert (facts.width, facts.height) == (600, 400)
    assert facts.captured_at == datetime(2025, 6, 12, 9, 15, tzinfo=UTC)  # 11:15 at +02:00
    assert facts.location == pytest.approx((48.8584, 2.2945), abs=1e-4)
    assert facts.rotation == 270
    bare = probe_photo(photo_with_exif(tmp_path / "bare.jpg"))
    assert bare.captured_at is None and bare.location is None and bare.rotation == 0


def test_not_a_photo(tmp_path: Path):
    from PIL import Image

    from streams.video.media import probe_photo

    (tmp_path / "x.jpg").write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    with pytest.raises(MediaError, match="photo"):
        probe_photo(tmp_path / "x.jpg")
    Image.new("RGB", (10, 10)).save(tmp_path / "x.png")
    with pytest.raises(MediaError, match="JPEG"):
        probe_photo(tmp_path / "x.png")


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_display_rotation_is_read(tmp_path: Path, degrees: int):
    from tests.media_helpers import rotated_clip

    assert probe(rotated_clip(tmp_path / "r.mp4", degrees)).rotation == degrees


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_sampled_frames_are_turned_upright_by_the_display_matrix(tmp_path: Path, degrees: int):
    from infra.album import photo  # noqa: PLC0415
    from streams.video.media import sample_frames  # noqa: PLC0415
    from tests.media_helpers import rotated_clip  # noqa: PLC0415

    upright = np.ascontiguousarray(photo("astronaut")[::2, ::2])  # 256×256, not symmetric under any turn
    upright = np.ascontiguousarray(upright[:, :192])  # 256 high, 192 wide: a portrait
    frames = sample_frames(rotated_clip(tmp_path / "r.mp4", degrees, upright))
    rgb = frames[0][1][:, :, ::-1].astype(float)
    assert rgb.shape[:2] == upright.shape[:2]
    error = np.abs(rgb - upright).mean()
    assert error < 12, error  # the picture itself, up to compression
    assert np.abs(rgb - np.rot90(np.rot90(upright))).mean() > 3 * error  # and not turned the wrong way
