"""A BERT encoder as an ONNX graph, written from its safetensors weights with onnx's helpers: no torch, no transformers.

The runtime runs MiniLM in ONNX Runtime. Exporting the graph through torch meant a 5 GB install for one 90 MB model;
BERT is a dozen operator kinds, so the graph is spelled out here, operator for operator as transformers' BertModel
computes it (absolute positions, erf GELU, post-layer norms), and a test compares the vectors it makes with
sentence-transformers'.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from streams.models.onnx_graph import Graph

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# What transformers adds to masked scores: the most negative float32, so padding weighs exactly nothing after softmax.
MASKED = float(np.finfo(np.float32).min)


def bert_graph(weights: dict[str, np.ndarray], config: dict[str, Any]) -> bytes:
    """The serialised ONNX model: int64 input_ids, attention_mask, token_type_ids (batch, tokens) in, the last hidden
    state (batch, tokens, hidden) out, batch and length left open."""
    from onnx import TensorProto, helper  # noqa: PLC0415

    g = Graph("bert")
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])

    def w(key: str) -> str:
        return g.const(weights[key].astype(np.float32), key)

    def dense(x: str, prefix: str) -> str:
        # torch's Linear keeps (out, in); MatMul wants (in, out).
        kernel = g.const(weights[f"{prefix}.weight"].T.astype(np.float32), f"{prefix}.kernel")
        return g.op("Add", g.op("MatMul", x, kernel), w(f"{prefix}.bias"))

    def norm(x: str, prefix: str) -> str:
        return g.op("LayerNormalization", x, w(f"{prefix}.weight"), w(f"{prefix}.bias"), axis=-1, epsilon=eps)

    # Embeddings: words + positions 0..T-1 + token types, then a layer norm.
    length = g.op("Shape", "input_ids", start=1, end=2)
    zero = g.const(np.array([0], np.int64))
    positions = g.op("Slice", w("embeddings.position_embeddings.weight"), zero, length, zero)
    x = g.op("Gather", w("embeddings.word_embeddings.weight"), "input_ids")
    x = g.op("Add", x, positions)
    x = g.op("Add", x, g.op("Gather", w("embeddings.token_type_embeddings.weight"), "token_type_ids"))
    x = norm(x, "embeddings.LayerNorm")

    # (1 - mask) · most-negative, shaped (batch, 1, 1, tokens) to add to every head's scores.
    unit = g.const(np.array(1.0, np.float32))
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    mask = g.op("Mul", g.op("Sub", unit, mask), g.const(np.array(MASKED, np.float32)))
    mask = g.op("Unsqueeze", mask, g.const(np.array([1, 2], np.int64)))

    split = g.const(np.array([0, 0, heads, hidden // heads], np.int64))
    merge = g.const(np.array([0, 0, hidden], np.int64))
    scale = g.const(np.array(1.0 / math.sqrt(hidden // heads), np.float32))
    half, root2 = g.const(np.array(0.5, np.float32)), g.const(np.array(math.sqrt(2.0), np.float32))
    for layer in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{layer}"

        def heads_of(y: str) -> str:
            return g.op("Transpose", g.op("Reshape", y, split), perm=[0, 2, 1, 3])

        q = heads_of(dense(x, f"{p}.attention.self.query"))
        k = g.op("Transpose", g.op("Reshape", dense(x, f"{p}.attention.self.key"), split), perm=[0, 2, 3, 1])
        v = heads_of(dense(x, f"{p}.attention.self.value"))
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), mask)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
        x = norm(g.op("Add", dense(context, f"{p}.attention.output.dense"), x), f"{p}.attention.output.LayerNorm")
        inner = dense(x, f"{p}.intermediate.dense")
        # GELU as BERT has it: x/2 · (1 + erf(x/√2)).
        inner = g.op("Mul", g.op("Mul", inner, half), g.op("Add", unit, g.op("Erf", g.op("Div", inner, root2))))
        x = norm(g.op("Add", dense(inner, f"{p}.output.dense"), x), f"{p}.output.LayerNorm")
    ints = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS]
    return g.serialise(ints, {"hidden": (x, ["batch", "tokens", hidden])})
