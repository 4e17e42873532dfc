"""Face models: the shipped YuNet + SFace on real photos, and the insightface code path on a model pack built here
(a toy SCRFD-shaped detector that fires on bright squares and a random ArcFace-shaped recognizer: no insightface
pack can be had offline, so this checks the loading and plumbing, not recognition quality)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

from core.shipped import shipped
from streams.models import faces, factory

SIZE = 640


def t1() -> np.ndarray:
    path = shipped("insightface", "data", "images", "t1.jpg", hint="pip install --no-deps insightface")
    return np.asarray(Image.open(path).convert("RGB"))[:, :, ::-1].copy()


def test_sface_finds_the_six_faces_of_the_group_photo_and_tells_them_apart():
    found = factory.faces().predict(t1())
    assert len(found) == 6
    vectors = np.asarray([f.embedding for f in found])
    similarity = vectors @ vectors.T
    assert np.allclose(np.diag(similarity), 1.0, atol=1e-6)
    assert (similarity[~np.eye(6, dtype=bool)] < faces.SAME_PERSON).all()  # six different people


def _conv(name: str, x: str, stride: int, out: int, weight: float, bias: list[float]) -> tuple[list, list]:
    w = numpy_helper.from_array(np.full((out, 3, stride, stride), weight, np.float32), f"{name}_w")
    b = numpy_helper.from_array(np.asarray(bias, np.float32), f"{name}_b")
    shape = numpy_helper.from_array(np.asarray([1, -1, out // 2], np.int64), f"{name}_shape")
    nodes = [
        helper.make_node("Conv", [x, f"{name}_w", f"{name}_b"], [f"{name}_c"], strides=[stride, stride]),
        helper.make_node("Transpose", [f"{name}_c"], [f"{name}_t"], perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", [f"{name}_t", f"{name}_shape"], [f"{name}_r"]),
    ]
    return nodes, [w, b, shape]


def write_detector(path: Path) -> None:
    """SCRFD's interface (9 outputs: scores, boxes, landmarks at strides 8, 16, 32; two anchors each), where only
    stride 32 fires, on bright areas, with 128-px boxes and face-like landmarks."""
    nodes, inits, outputs = [], [], []
    kps = [v / 32 for v in (-20, -15, 20, -15, 0, 5, -15, 25, 15, 25)]
    for kind, out in (("score", 2), ("bbox", 8), ("kps", 20)):
        for stride in (8, 16, 32):
            name = f"{kind}{stride}"
            if kind == "score":
                weight, bias = 20.0 / (3 * stride * stride), [-10.0 if stride == 32 else -100.0] * out
            else:
                weight, bias = 0.0, [2.0] * out if kind == "bbox" else kps * 2
            n, i = _conv(name, "input.1", stride, out, weight, bias)
            nodes += n
            inits += i
            if kind == "score":
                nodes.append(helper.make_node("Sigmoid", [f"{name}_r"], [name]))
            else:
                nodes.append(helper.make_node("Identity", [f"{name}_r"], [name]))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    graph = helper.make_graph(
        nodes, "toy-scrfd", [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, SIZE, SIZE])], outputs
    )
    graph.initializer.extend(inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def write_recognizer(path: Path, size: int = 512) -> None:
    """ArcFace's interface: a 112×112 face in, one embedding out (random weights over a 7×7 thumbnail)."""
    rng = np.random.default_rng(7)
    inits = [
        numpy_helper.from_array(rng.normal(size=(147, size)).astype(np.float32), "w"),
        numpy_helper.from_array(np.zeros(size, np.float32), "b"),
    ]
    nodes = [
        helper.make_node("AveragePool", ["input.1"], ["p"], kernel_shape=[16, 16], strides=[16, 16]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "w", "b"], ["683"]),
    ]
    graph = helper.make_graph(
        nodes,
        "toy-arcface",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, [1, size])],
    )
    graph.initializer.extend(inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def bright_square(x: int, y: int, size: int = 128, pattern: int = 0) -> np.ndarray:
    image = np.zeros((SIZE, SIZE, 3), np.uint8)
    square = np.full((size, size, 3), 255, np.uint8)
    square[::8, :, pattern % 3] = 120  # stripes: what the toy recognizer tells squares apart by
    image[y : y + size, x : x + size] = square
    return image


def test_an_insightface_pack_in_the_configured_folder_is_used(tmp_path: Path):
    pack = tmp_path / "toy_pack"
    pack.mkdir()
    write_detector(pack / "det_toy.onnx")
    write_recognizer(pack / "w600k_toy.onnx")

    model = factory.faces(str(pack))
    assert isinstance(model, faces.InsightFaceModel)
    assert (model.model_id, model.size) == ("insightface-toy_pack/1", 512)
    assert model.same_person == faces.ARCFACE_SAME_PERSON
    found = model.predict(bright_square(256, 256))
    assert found, "the toy detector fires on the bright square"
    for face in found:
        x, y, w, h = face.box
        assert 160 <= x + w / 2 <= 480 and 160 <= y + h / 2 <= 480  # on the square
        assert len(face.embedding) == 512 and abs(np.linalg.norm(face.embedding) - 1) < 1e-6
    again = model.predict(bright_square(256, 256))
    assert [f.embedding for f in again] == [f.embedding for f in found]  # deterministic
    assert model.predict(np.zeros((SIZE, SIZE, 3), np.uint8)) == []
    # in the corner the detector also gives boxes that stick out of the frame: those are not faces to keep
    assert all(f.box[0] >= 2 and f.box[1] >= 2 for f in model.predict(bright_square(0, 0)))


def test_the_default_folder_is_yunet_and_sface():
    model = factory.faces()
    assert isinstance(model, faces.FaceModel)
    assert (model.model_id, model.size) == (faces.MODEL, faces.EMBEDDING_SIZE) == ("sface-2021dec-int8/1", 128)
    assert model.same_person == faces.SAME_PERSON
