"""The projector writes each frame's image embedding (FramesDescribed v2) into the image model's own collection,
idempotently; a replay's buffered writes leave the same points; v1 events (no embeddings) leave none; deleting the
capture removes them. Real chDB and qdrant-edge; no broker needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.settings import load_settings
from schemas.envelope import new_event
from streams.agents import projector
from streams.replay import ReplayServices

IMAGE_MODEL, CAPTIONS = "toy-pooled/1", "toy-captions/1"


def frame(t: float, look: list[float] | None) -> dict:
    return {
        "t": t,
        "caption": "a photo of tabby",
        "sharpness": 1.0,
        "motion": 0.0,
        "tags": [{"label": "tabby", "score": 0.9, "kind": "object"}],
        "embedding": [1.0, 0.0, 0.0],
        "image_embedding": look,
    }


def described(capture: str, looks: list[list[float]] | None) -> dict:
    frames = [frame(float(i), look) for i, look in enumerate(looks or [None, None])]
    image_model = IMAGE_MODEL if looks else None
    return new_event("ann", capture_id=capture, model=CAPTIONS, tagger="toy/1", image_model=image_model, frames=frames)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReplayServices, ReplayServices]]:
    config = load_settings().with_(data_dir=tmp_path_factory.mktemp("projector"))
    live = ReplayServices.for_version(config, 1, buffered=False)
    replayed = ReplayServices.for_version(config, 2, buffered=True)
    yield live, replayed
    live.close()  # chDB serves one path per process: later tests open their own
    replayed.close()


def test_image_embeddings_get_a_collection_of_their_own_live_and_replayed(versions):
    live, replayed = versions
    cat = described("c1", [[1.0, 0.0, 0.0, 0.0], [0.6, 0.8, 0.0, 0.0]])
    old = described("c2", None)  # a v1 event read as v2: no image model, no embeddings
    for event in (cat, cat, old):  # the first one redelivered
        projector.project(live, "FramesDescribed", event)
    for event in (cat, old):
        projector.project(replayed, "FramesDescribed", event)
    replayed.flush()

    images = [services.collection(IMAGE_MODEL, 4) for services in (live, replayed)]
    assert images[0].name == "toy_pooled_1"
    points = [store.points("ann") for store in images]
    assert points[0] == points[1]  # same ids (stable: user, capture, t, model) and payloads
    found = sorted((p["capture_id"], p["t"], p["key"], p["model"]) for _, p in points[0])
    assert found == [("c1", 0.0, "c1@0.000", IMAGE_MODEL), ("c1", 1.0, "c1@1.000", IMAGE_MODEL)]
    looks = sorted((p["t"], v) for p, v in images[0].vectors_of("ann", "c1"))
    assert [(t, [round(x, 6) for x in v]) for t, v in looks] == [
        (0.0, [1.0, 0.0, 0.0, 0.0]),
        (1.0, [0.6, 0.8, 0.0, 0.0]),
    ]
    assert images[0].vectors_of("ann", "c2") == []
    # the caption vectors are where they were, for both captures
    assert len(live.collection(CAPTIONS, 3).points("ann")) == 4

    deleted = new_event("ann", capture_id="c1", object_key="raw/ann/c1.mp4", memory_ids=[])
    projector.project(live, "CaptureDeleted", deleted)
    assert images[0].points("ann") == []
