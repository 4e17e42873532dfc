"""Image tags with the shipped MobileNetV2 weights, the scenes place-like objects imply, and their captions."""

from __future__ import annotations

import numpy as np

from infra.album import photo
from streams.models import factory, tags


def bgr(name: str) -> np.ndarray:
    return photo(name)[:, :, ::-1]


def test_tags_name_what_a_photo_shows_with_scores():
    tagger = factory.tags()
    assert tagger.model_id == "mobilenet_v2-imagenet1k-v1/1"
    coffee, chelsea = tagger.predict([bgr("coffee"), bgr("chelsea")])
    assert coffee[0].label == "espresso" and coffee[0].score > 0.9 and coffee[0].kind == "object"
    assert "cat" in chelsea[0].label  # an ImageNet cat class: tabby, tiger cat, Egyptian cat
    assert all(0 < t.score <= 1 for t in coffee + chelsea)
    assert tagger.predict([]) == []


def test_place_like_classes_give_scene_tags():
    objects = [tags.Tag("seashore", 0.7, "object"), tags.Tag("sandbar", 0.2, "object")]
    found = objects + tags.scenes_of(objects)
    assert found[-1] == tags.Tag("beach", 0.7, "scene")
    assert tags.caption(found) == "a photo of seashore, sandbar; a beach scene"
    assert tags.caption([]) == "a photo"
