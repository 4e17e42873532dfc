import numpy as np

from infra.album import photo
from streams.video.shots import shots


def frames_of(*images: str) -> list:
    out = []
    for i, name in enumerate(images):
        rgb = photo(name)[:180, :320]
        out.append((float(i), np.ascontiguousarray(rgb[:, :, ::-1])))
    return out


def test_one_scene_is_one_shot():
    assert shots(frames_of("astronaut", "astronaut", "astronaut"), 3.0) == [(0.0, 3.0)]


def test_a_new_picture_starts_a_new_shot():
    assert shots(frames_of("astronaut", "astronaut", "coffee", "coffee"), 4.0) == [(0.0, 2.0), (2.0, 4.0)]


def test_no_frames():
    assert shots([], 5.0) == [(0.0, 5.0)]
    assert shots([], 0.0) == []
