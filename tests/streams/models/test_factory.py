"""The factory: one instance per choice of settings, the right model for each folder and setting, and one id for
both sides of a visual model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.shipped import ModelMissing
from streams.models import faces, factory, minilm, speech, tags, vision
from streams.models.base import InferenceModel
from tests.streams.models.test_faces import write_detector, write_recognizer
from tests.streams.models.test_vision import tiny_open_clip


def test_the_same_options_give_the_same_instance():
    assert factory.faces() is factory.faces(None) is factory.faces("")
    assert factory.tags() is factory.tags()
    assert factory.text() is factory.text()
    assert factory.speech() is factory.speech(None) is factory.speech("")
    assert factory.visual_images() is factory.visual_images("", "") is factory.visual_images("ViT-B-32", "")
    assert factory.visual_text() is factory.visual_text("", "")


def test_each_task_gets_its_model_with_the_ids_stored_today():
    chosen: list[InferenceModel[Any, Any]] = [
        factory.faces(),
        factory.tags(),
        factory.text(),
        factory.speech(),
        factory.visual_images(),
    ]
    assert [type(m) for m in chosen] == [
        faces.FaceModel,
        tags.Tagger,
        minilm.MiniLM,
        speech.SpeechModel,
        vision.CaptionImages,
    ]
    assert [(m.task, m.model_id) for m in chosen] == [
        ("faces", "sface-2021dec-int8/1"),
        ("tags", "mobilenet_v2-imagenet1k-v1/2"),
        ("text", "all-minilm-l6-v2/1"),
        ("speech", "whisper-tiny.en-ct2-int8/1"),
        ("visual", "captions-mobilenet_v2+all-minilm-l6-v2/1"),
    ]
    assert [m.serialised for m in chosen] == [True, True, False, True, False]


def test_a_folder_of_onnx_models_without_sface_is_an_insightface_pack(tmp_path: Path):
    pack = tmp_path / "toy_pack"
    pack.mkdir()
    write_detector(pack / "det_toy.onnx")
    write_recognizer(pack / "w600k_toy.onnx")
    sface = tmp_path / "sface"
    sface.mkdir()
    for name in (faces.DETECTOR_FILE, faces.RECOGNIZER_FILE):
        (sface / name).symlink_to(faces.default_model_dir() / name)

    chosen = factory.faces(str(pack))
    assert isinstance(chosen, faces.InsightFaceModel) and chosen.model_id == "insightface-toy_pack/1"
    assert not chosen.loaded  # picking the kind of model reads only the folder's file names
    assert factory.faces(str(pack)) is chosen
    assert type(factory.faces(str(sface))) is faces.FaceModel
    assert factory.faces(str(sface)).model_id == faces.MODEL


def test_open_clip_when_both_settings_are_given_else_captions(tmp_path: Path):
    architecture, checkpoint = tiny_open_clip(tmp_path)
    assert isinstance(factory.visual_images(architecture, checkpoint), vision.ClipImages)
    assert isinstance(factory.visual_text(architecture, checkpoint), vision.ClipText)
    assert isinstance(factory.visual_images(architecture, ""), vision.CaptionImages)
    assert isinstance(factory.visual_text("", checkpoint), vision.CaptionText)
    assert (
        factory.visual_images(architecture, checkpoint).model_id
        == factory.visual_text(architecture, checkpoint).model_id
    )


def test_both_sides_of_the_caption_model_report_one_id_and_share_minilm():
    images, words = factory.visual_images(), factory.visual_text()
    assert (images.model_id, images.size) == (words.model_id, words.size) == (vision.CAPTION_MODEL, minilm.SIZE)
    assert isinstance(images, vision.CaptionImages) and isinstance(words, vision.CaptionText)
    assert images.text is words.text is factory.text()


def hub_cache_with_tiny_model(cache: Path, repo: str) -> None:
    """A model hub's cache as huggingface_hub lays it out, holding an open_clip repo with random weights."""
    import open_clip
    import torch

    model_cfg = {
        "embed_dim": 16,
        "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 8},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
    }
    folder = cache / f"models--{repo.replace('/', '--')}"
    snapshot = folder / "snapshots" / "0123456789abcdef"
    snapshot.mkdir(parents=True)
    (folder / "refs").mkdir()
    (folder / "refs" / "main").write_text("0123456789abcdef")
    (snapshot / "open_clip_config.json").write_text(json.dumps({"model_cfg": model_cfg, "preprocess_cfg": {}}))
    torch.manual_seed(0)
    weights = open_clip.model.CLIP(**model_cfg).state_dict()
    torch.save(weights, snapshot / "open_clip_pytorch_model.bin")


def test_a_hub_model_in_the_local_hub_cache_loads_offline_and_becomes_the_default(tmp_path: Path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    repo = "hf-hub:reverie/tiny-random-clip"
    factory.clip_choice.cache_clear()
    assert factory.clip_choice("", "", repo) == ("", "")  # not fetched: the shipped caption model
    hub_cache_with_tiny_model(tmp_path / "hub", repo.removeprefix("hf-hub:"))
    factory.clip_choice.cache_clear()
    assert factory.clip_choice("", "", repo) == (repo, "")  # fetched once: the default
    images, words = factory.visual_images(repo, ""), factory.visual_text(repo, "")
    assert images.model_id == words.model_id == "open_clip-reverie-tiny-random-clip/1" and images.size == 16
    frames = images.predict(vision.Frames([np.zeros((40, 60, 3), np.uint8)], [[]]))
    text = words.predict("a dog on a beach")
    assert len(frames[0]) == len(text) == 16
    assert abs(np.linalg.norm(frames[0]) - 1) < 1e-5 and abs(np.linalg.norm(text) - 1) < 1e-5
    factory.clip_choice.cache_clear()


def test_a_named_hub_model_missing_from_the_cache_says_how_to_fetch_it(tmp_path: Path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "empty"))
    with pytest.raises(ModelMissing, match="reverie models fetch"):
        factory.visual_images("hf-hub:reverie/not-fetched", "")
