"""Vectors on real qdrant-edge, and the server adapter against qdrant-client's own local engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qdrant_client import QdrantClient

from projections.vectors import EdgeVectors, ServerVectors, collection_name, open_vectors


def exercise(store) -> None:
    store.upsert("alice", "c1", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})
    store.upsert("alice", "c1", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})  # replayed: same point
    store.upsert("alice", "c2", [0.0, 1.0, 0.0, 0.0], {"capture_id": "c2"})
    store.upsert("bob", "c1", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})
    assert len(store.points()) == 3
    assert sorted(p["capture_id"] for _, p in store.points("alice")) == ["c1", "c2"]
    assert {p["user_id"] for _, p in store.points("alice")} == {"alice"}
    hits = store.search("alice", [0.9, 0.1, 0.0, 0.0], limit=5)
    assert [h[2]["capture_id"] for h in hits] == ["c1", "c2"]
    assert all(h[2]["user_id"] == "alice" for h in hits)
    assert hits[0][1] > hits[1][1]
    # a floor: only what scores at least that (cosine 0.99 for c1, 0.11 for c2), and a floor nothing reaches
    assert [h[2]["capture_id"] for h in store.search("alice", [0.9, 0.1, 0.0, 0.0], limit=5, least=0.5)] == ["c1"]
    assert store.search("alice", [0.0, 0.0, 1.0, 0.0], limit=5, least=0.1) == []
    # "more like this": one capture's own vectors, and a search that leaves that capture out
    assert [(p["capture_id"], v) for p, v in store.vectors_of("alice", "c2")] == [("c2", [0.0, 1.0, 0.0, 0.0])]
    assert store.vectors_of("alice", "c3") == []
    others = store.search("alice", [0.9, 0.1, 0.0, 0.0], limit=5, exclude=["c1"])
    assert [h[2]["capture_id"] for h in others] == ["c2"]


def test_edge_store(tmp_path: Path):
    store = open_vectors(f"edge://{tmp_path}", "toy-model/1", 4)
    assert isinstance(store, EdgeVectors)
    exercise(store)
    store.close()
    reopened = open_vectors(f"edge://{tmp_path}", "toy-model/1", 4)
    try:
        assert len(reopened.points()) == 3
    finally:
        reopened.close()


def test_server_adapter_speaks_the_qdrant_client_api(tmp_path: Path):
    store = ServerVectors(QdrantClient(path=str(tmp_path / "local")), "toy-model/1", 4)
    try:
        exercise(store)
    finally:
        store.close()


def test_one_collection_per_model():
    assert collection_name("rgb-histogram-4x4x4/1") == "rgb_histogram_4x4x4_1"
    with pytest.raises(ValueError, match="DSN"):
        open_vectors("redis://x", "m", 4)


def test_optimizing_indexes_new_points_and_finds_the_same_nearest(tmp_path: Path):
    rng = np.random.default_rng(3)
    store = open_vectors(f"edge://{tmp_path}", "toy-model/1", 384)
    assert isinstance(store, EdgeVectors)
    try:
        vectors = rng.normal(size=(8000, 384))
        for at in range(0, len(vectors), 2000):
            store.upsert_points(
                [("alice", f"c{i}", list(vectors[i]), {"capture_id": f"c{i}"}) for i in range(at, at + 2000)]
            )
        asked = [list(vectors[i] + rng.normal(scale=0.05, size=384)) for i in (7, 4321, 7999)]
        before = [[h[2]["capture_id"] for h in store.search("alice", q, limit=3)] for q in asked]
        assert store.shard.info().indexed_vectors_count == 0  # qdrant-edge indexes only when asked
        assert store.optimize() is True
        assert store.shard.info().indexed_vectors_count >= 8000
        after = [[h[2]["capture_id"] for h in store.search("alice", q, limit=3)] for q in asked]
        assert [b[0] for b in before] == [a[0] for a in after] == ["c7", "c4321", "c7999"]
        assert store.optimize() is False  # nothing new
    finally:
        store.close()
