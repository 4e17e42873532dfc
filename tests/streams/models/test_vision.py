"""Visual meaning with the shipped weights (MobileNetV2 tags, MiniLM) and the open_clip code path on a tiny model
config with random weights (shapes, normalisation and naming only: no CLIP weights can be had here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.shipped import ModelMissing
from infra.album import photo
from streams.models import vision


def bgr(name: str) -> np.ndarray:
    return photo(name)[:, :, ::-1]


def test_tags_name_what_a_photo_shows_with_scores():
    coffee, chelsea = vision.tagger().tags([bgr("coffee"), bgr("chelsea")])
    assert coffee[0].label == "espresso" and coffee[0].score > 0.9 and coffee[0].kind == "object"
    assert "cat" in chelsea[0].label  # an ImageNet cat class: tabby, tiger cat, Egyptian cat
    assert all(0 < t.score <= 1 for t in coffee + chelsea)
    assert vision.tagger().tags([]) == []


def test_place_like_classes_give_scene_tags():
    objects = [vision.Tag("seashore", 0.7, "object"), vision.Tag("sandbar", 0.2, "object")]
    tags = objects + vision.scenes_of(objects)
    assert tags[-1] == vision.Tag("beach", 0.7, "scene")
    assert vision.caption(tags) == "a photo of seashore, sandbar; a beach scene"
    assert vision.caption([]) == "a photo"


def test_text_finds_the_frame_whose_caption_means_it():
    model = vision.visual_model()
    assert (model.name, model.size) == (vision.CAPTION_MODEL, 384) == vision.visual_spec()
    pictures = [bgr("coffee"), bgr("chelsea"), bgr("rocket")]
    vectors = np.asarray(model.embed_frames(pictures, vision.tagger().tags(pictures)))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for query, expected in [("morning coffee", 0), ("a cat", 1), ("a space launch", 2)]:
        scores = vectors @ np.asarray(model.embed_text(query))
        assert int(np.argmax(scores)) == expected, (query, scores)


def test_open_clip_loads_a_local_checkpoint_and_embeds_frames_and_text(tmp_path: Path):
    import open_clip  # noqa: PLC0415
    import torch  # noqa: PLC0415

    config = {
        "embed_dim": 32,
        "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
    }
    (tmp_path / "reverie-tiny.json").write_text(json.dumps(config))
    open_clip.add_model_config(tmp_path / "reverie-tiny.json")
    torch.manual_seed(0)
    torch.save(open_clip.create_model("reverie-tiny").state_dict(), tmp_path / "tiny-random.pt")

    model = vision.visual_model("reverie-tiny", str(tmp_path / "tiny-random.pt"))
    assert (model.name, model.size) == ("open_clip-reverie-tiny-tiny-random/1", 32)
    assert vision.visual_spec("reverie-tiny", str(tmp_path / "tiny-random.pt")) == (model.name, 32)
    frames = model.embed_frames([bgr("coffee"), bgr("chelsea"), bgr("coffee")], [[], [], []])
    assert np.asarray(frames).shape == (3, 32)
    assert np.allclose(np.linalg.norm(frames, axis=1), 1.0, atol=1e-5)
    assert np.allclose(frames[0], frames[2], atol=1e-5) and not np.allclose(frames[0], frames[1])
    text = model.embed_text("a cup of coffee")
    assert len(text) == 32 and abs(np.linalg.norm(text) - 1) < 1e-5


def test_a_missing_checkpoint_says_which_setting(tmp_path: Path):
    with pytest.raises(ModelMissing, match="REVERIE_CLIP_CHECKPOINT"):
        vision.ClipVisual("ViT-B-32", str(tmp_path / "nope.pt"))
