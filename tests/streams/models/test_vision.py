"""Visual meaning with the shipped weights (captions of MobileNetV2 tags, embedded by MiniLM) and the open_clip code
path on a tiny model config with random weights (shapes, normalisation and naming only: no CLIP weights can be had
here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.shipped import ModelMissing
from infra.album import photo
from streams.models import factory, vision


def bgr(name: str) -> np.ndarray:
    return photo(name)[:, :, ::-1]


def tiny_open_clip(folder: Path) -> tuple[str, str]:
    """An open_clip config with random weights, saved as a local checkpoint: (architecture, checkpoint)."""
    import open_clip  # noqa: PLC0415
    import torch  # noqa: PLC0415

    config = {
        "embed_dim": 32,
        "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
    }
    (folder / "reverie-tiny.json").write_text(json.dumps(config))
    open_clip.add_model_config(folder / "reverie-tiny.json")
    torch.manual_seed(0)
    torch.save(open_clip.create_model("reverie-tiny").state_dict(), folder / "tiny-random.pt")
    return "reverie-tiny", str(folder / "tiny-random.pt")


def test_text_finds_the_frame_whose_caption_means_it():
    images, words = factory.visual_images(), factory.visual_text()
    assert isinstance(images, vision.CaptionImages) and isinstance(words, vision.CaptionText)
    assert (images.model_id, images.size) == (vision.CAPTION_MODEL, 384) == factory.visual_spec()
    assert (words.model_id, words.size) == (images.model_id, images.size)
    pictures = [bgr("coffee"), bgr("chelsea"), bgr("rocket")]
    vectors = np.asarray(images.predict(vision.Frames(pictures, [s.tags for s in factory.tags().predict(pictures)])))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for query, expected in [("morning coffee", 0), ("a cat", 1), ("a space launch", 2)]:
        scores = vectors @ np.asarray(words.predict(query))
        assert int(np.argmax(scores)) == expected, (query, scores)


def test_open_clip_loads_a_local_checkpoint_and_embeds_frames_and_text(tmp_path: Path):
    architecture, checkpoint = tiny_open_clip(tmp_path)
    images, words = factory.visual_images(architecture, checkpoint), factory.visual_text(architecture, checkpoint)
    assert isinstance(images, vision.ClipImages) and isinstance(words, vision.ClipText)
    assert (images.model_id, images.size) == ("open_clip-reverie-tiny-tiny-random/1", 32)
    assert (words.model_id, words.size) == (images.model_id, 32)
    assert factory.visual_spec(architecture, checkpoint) == (images.model_id, 32)
    assert not images.loaded and not words.loaded  # naming the model reads no weights
    frames = images.predict(vision.Frames([bgr("coffee"), bgr("chelsea"), bgr("coffee")], [[], [], []]))
    assert np.asarray(frames).shape == (3, 32)
    assert np.allclose(np.linalg.norm(frames, axis=1), 1.0, atol=1e-5)
    assert np.allclose(frames[0], frames[2], atol=1e-5) and not np.allclose(frames[0], frames[1])
    assert images.predict(vision.Frames([], [])) == []
    text = words.predict("a cup of coffee")
    assert len(text) == 32 and abs(np.linalg.norm(text) - 1) < 1e-5
    assert words.clip is images.clip  # the weights loaded once, for both encoders


def test_a_missing_checkpoint_says_which_setting(tmp_path: Path):
    with pytest.raises(ModelMissing, match="REVERIE_CLIP_CHECKPOINT"):
        factory.visual_images("ViT-B-32", str(tmp_path / "nope.pt"))
    with pytest.raises(ModelMissing, match="REVERIE_CLIP_CHECKPOINT"):
        vision.ClipText("ViT-B-32", str(tmp_path / "nope.pt"))


def test_sharpness_falls_with_blur_and_motion_rises_with_change():
    import cv2  # noqa: PLC0415

    still = np.ascontiguousarray(bgr("coffee"))
    blurred = cv2.GaussianBlur(still, (9, 9), 0)
    sharpness, motion = vision.sharpness_and_motion([still, still, blurred])
    assert sharpness[0] == sharpness[1] > sharpness[2]
    assert motion[0] == motion[1] == 0.0 < motion[2]
