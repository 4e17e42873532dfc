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


def test_the_onnx_tagger_sees_what_torchvision_saw():
    """The runtime's graph and resize against the torch pipeline the tags and vectors were first made with."""
    import torch
    from torchvision.models import mobilenet_v2

    tagger = factory.tags()
    frames = [bgr(name) for name in ("coffee", "chelsea", "astronaut", "rocket")]
    net = mobilenet_v2(weights=None)
    net.load_state_dict(torch.load(tagger.source, map_location="cpu", weights_only=True))
    net.eval()
    batch = []
    for frame in frames:
        x = torch.from_numpy(frame[:, :, ::-1].copy()).permute(2, 0, 1).float() / 255.0
        batch.append(torch.nn.functional.interpolate(x[None], size=(224, 224), mode="bilinear", antialias=True)[0])
    mean, std = torch.tensor([0.485, 0.456, 0.406])[:, None, None], torch.tensor([0.229, 0.224, 0.225])[:, None, None]
    with torch.inference_mode():
        pooled = torch.nn.functional.adaptive_avg_pool2d(net.features((torch.stack(batch) - mean) / std), (1, 1))
        expected = torch.nn.functional.normalize(pooled.flatten(1), dim=-1).numpy()
    got = np.asarray([seen.features for seen in tagger.predict(frames)])
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * expected).sum(axis=1).min() > 0.9999  # the same vectors, within float and resize rounding
    # the resize on its own: Pillow's float bilinear against torch's antialiased one
    ours = tags.rgb_batch(frames[:1], 224, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
    assert np.abs(ours[0] - batch[0].numpy()).max() < 2e-3


def test_the_graph_matches_torchvisions_module_layer_for_layer():
    import torch
    from torchvision.models import mobilenet_v2

    from streams.models.graph_cache import session
    from streams.models.mobilenet_graph import mobilenet_v2_graph
    from streams.models.torch_file import read_tensors

    state = torch.load(factory.tags().source, map_location="cpu", weights_only=True)
    net = mobilenet_v2(weights=None)
    net.load_state_dict(state)
    net.eval()
    images = np.random.default_rng(7).normal(size=(3, 3, 224, 160)).astype(np.float32)  # not square: any size
    pooled, logits = session(mobilenet_v2_graph(read_tensors(factory.tags().source))).run(None, {"image": images})
    with torch.inference_mode():
        want_pooled = torch.nn.functional.adaptive_avg_pool2d(net.features(torch.from_numpy(images)), (1, 1)).flatten(1)
        want_logits = net.classifier(want_pooled)
    assert np.abs(pooled - want_pooled.numpy()).max() < 1e-4
    assert np.abs(logits - want_logits.numpy()).max() < 1e-3
