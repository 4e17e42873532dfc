"""Image tags with the shipped MobileNetV2 weights, the scenes place-like objects imply, and their captions."""

from __future__ import annotations

import numpy as np

from infra.album import photo
from streams.models import factory, tags


def bgr(name: str) -> np.ndarray:
    return photo(name)[:, :, ::-1]


def test_tags_name_what_a_photo_shows_with_scores():
    tagger = factory.tags()
    assert tagger.model_id == "mobilenet_v2-imagenet1k-v1/2"
    coffee, chelsea = (seen.tags for seen in tagger.predict([bgr("coffee"), bgr("chelsea")]))
    assert coffee[0].label == "espresso" and coffee[0].score > 0.9 and coffee[0].kind == "object"
    assert "cat" in chelsea[0].label  # an ImageNet cat class: tabby, tiger cat, Egyptian cat
    assert all(0 < t.score <= 1 for t in coffee + chelsea)
    assert tagger.predict([]) == []


def test_the_same_pass_gives_image_embeddings_that_find_crops_of_one_photo():
    tagger = factory.tags()
    assert tagger.image_model == tags.IMAGE_MODEL == "mobilenet_v2-imagenet1k-v1-pooled/1"
    names = ["chelsea", "coffee", "astronaut", "rocket"]
    crops = []  # two overlapping crops of each photo: its left and its right two thirds
    for name in names:
        picture = bgr(name)
        third = picture.shape[1] // 3
        crops += [np.ascontiguousarray(picture[:, : 2 * third]), np.ascontiguousarray(picture[:, third:])]
    seen = tagger.predict(crops)
    vectors = np.asarray([s.features for s in seen])
    assert vectors.shape == (len(crops), tags.IMAGE_SIZE)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    for i in range(len(names)):
        twin = similarity[2 * i, 2 * i + 1]
        others = [similarity[2 * i + a, 2 * j + b] for j in range(len(names)) if j != i for a in (0, 1) for b in (0, 1)]
        assert twin > max(others), (names[i], twin, max(others))
    # the same weights, the same tags: the embedding is a by-product of the tagging pass
    assert [s.tags for s in seen[:2]] == [s.tags for s in tagger.predict(crops[:2])]


def test_place_like_classes_give_scene_tags():
    objects = [tags.Tag("seashore", 0.7, "object"), tags.Tag("sandbar", 0.2, "object")]
    found = objects + tags.scenes_of(objects)
    assert found[-1] == tags.Tag("beach", 0.7, "scene")
    assert tags.caption(found) == "a photo of seashore, sandbar; a beach scene"
    assert tags.caption([]) == "a photo"
