"""Writing an ONNX graph by hand: initialisers and nodes as they are added, then one serialised model.

The runtime's networks (MiniLM, MobileNetV2) are spelled out with this from their shipped weights
(streams/models/bert_graph.py, streams/models/mobilenet_graph.py) rather than exported through torch, which the
runtime does not install.
"""

from __future__ import annotations

from typing import Any

import numpy as np

OPSET = 17  # LayerNormalization is an operator from 17 on


class Graph:
    """Nodes and initialisers in the order they are added; names are made unique by a counter."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.nodes: list[Any] = []
        self.weights: list[Any] = []
        self.count = 0

    def const(self, value: np.ndarray, name: str = "") -> str:
        from onnx import numpy_helper  # noqa: PLC0415

        name = name or self._name("const")
        self.weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, *inputs: str, **attributes: Any) -> str:
        """One node of ``kind`` on ``inputs``; its one output's name."""
        from onnx import helper  # noqa: PLC0415

        out = self._name(kind.lower())
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attributes))
        return out

    def serialise(self, inputs: list[Any], outputs: dict[str, tuple[str, list[Any]]]) -> bytes:
        """The model: ``inputs`` are value infos; ``outputs`` maps an output's name to (the node output it is,
        its shape), all float32."""
        from onnx import TensorProto, helper  # noqa: PLC0415

        nodes = list(self.nodes)
        infos = []
        for name, (source, shape) in outputs.items():
            nodes.append(helper.make_node("Identity", [source], [name]))
            infos.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        model = helper.make_model(
            helper.make_graph(nodes, self.name, inputs, infos, self.weights),
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="reverie",
        )
        return bytes(model.SerializeToString())

    def _name(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"
