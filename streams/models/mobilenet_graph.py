"""MobileNetV2 as an ONNX graph, written from torchvision's state dict with onnx's helpers: no torch, no torchvision.

The layers are torchvision's ``mobilenet_v2`` (width 1.0): a 3×3 stem, seventeen inverted residual blocks, a 1×1 head
to 1280 channels, global average pooling and the ImageNet classifier. Each batch norm is folded into the convolution
before it, as an inference graph may. Two outputs: ``pooled`` (the 1280 features before the classifier, the image
embedding) and ``logits``. A test compares both with torchvision's module.
"""

from __future__ import annotations

import numpy as np

from streams.models.onnx_graph import Graph

# torchvision's inverted residual setting: expansion t, output channels c, repeats n, first stride s.
BLOCKS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
BN_EPS = 1e-5  # torch's BatchNorm2d default, which torchvision's MobileNetV2 keeps
FEATURES = 1280
CLASSES = 1000


def mobilenet_v2_graph(state: dict[str, np.ndarray]) -> bytes:
    """The serialised model: float32 ``image`` (batch, 3, height, width), normalised as torchvision's ImageNet
    weights expect, in; ``pooled`` (batch, 1280) and ``logits`` (batch, 1000) out."""
    from onnx import TensorProto, helper  # noqa: PLC0415

    g = Graph("mobilenet_v2")

    def conv(x: str, conv_key: str, bn_key: str, stride: int, relu6: bool) -> str:
        kernel = state[f"{conv_key}.weight"].astype(np.float32)
        out_channels, per_group, size = kernel.shape[0], kernel.shape[1], kernel.shape[2]
        groups = out_channels if per_group == 1 and size == 3 else 1  # depthwise: one filter per channel
        scale = state[f"{bn_key}.weight"] / np.sqrt(state[f"{bn_key}.running_var"] + BN_EPS)
        weight = g.const((kernel * scale[:, None, None, None]).astype(np.float32))
        bias = g.const((state[f"{bn_key}.bias"] - state[f"{bn_key}.running_mean"] * scale).astype(np.float32))
        pad = size // 2
        y = g.op("Conv", x, weight, bias, strides=[stride, stride], pads=[pad] * 4, group=groups)
        return g.op("Clip", y, zero, six) if relu6 else y

    zero, six = g.const(np.array(0.0, np.float32)), g.const(np.array(6.0, np.float32))
    x = conv("image", "features.0.0", "features.0.1", stride=2, relu6=True)
    index, channels = 1, int(state["features.0.0.weight"].shape[0])
    for expansion, out_channels, repeats, first_stride in BLOCKS:
        for repeat in range(repeats):
            stride = first_stride if repeat == 0 else 1
            p = f"features.{index}.conv"
            y = x
            if expansion != 1:
                y = conv(y, f"{p}.0.0", f"{p}.0.1", stride=1, relu6=True)
            depthwise = 0 if expansion == 1 else 1
            y = conv(y, f"{p}.{depthwise}.0", f"{p}.{depthwise}.1", stride=stride, relu6=True)
            y = conv(y, f"{p}.{depthwise + 1}", f"{p}.{depthwise + 2}", stride=1, relu6=False)
            x = g.op("Add", x, y) if stride == 1 and channels == out_channels else y
            index, channels = index + 1, out_channels
    x = conv(x, f"features.{index}.0", f"features.{index}.1", stride=1, relu6=True)
    pooled = g.op("Flatten", g.op("GlobalAveragePool", x), axis=1)
    classifier = (g.const(state[f"classifier.1.{part}"].astype(np.float32)) for part in ("weight", "bias"))
    logits = g.op("Gemm", pooled, *classifier, transB=1)
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, "height", "width"])
    return g.serialise([image], {"pooled": (pooled, ["batch", FEATURES]), "logits": (logits, ["batch", CLASSES])})
