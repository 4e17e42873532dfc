"""torch's saved tensors read without torch: both file formats, and nothing but tensors."""

from __future__ import annotations

import pickle
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import torch

from streams.models import factory
from streams.models.torch_file import NotATorchFile, read_tensors


def test_the_shipped_legacy_file_reads_as_torch_reads_it():
    source = factory.tags().source
    expected = torch.load(source, map_location="cpu", weights_only=True)
    got = read_tensors(source)
    assert list(got) == list(expected)
    for name, tensor in expected.items():
        assert got[name].dtype == tensor.numpy().dtype and np.array_equal(got[name], tensor.numpy()), name


@pytest.mark.parametrize("legacy", [False, True])
def test_both_formats_views_and_dtypes(tmp_path: Path, legacy: bool):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    state = OrderedDict(
        whole=base,
        transposed=base.t(),  # strides, not a copy
        sliced=base[1:, 2:4],  # an offset into the same storage
        counts=torch.tensor([3, 1], dtype=torch.int64),
        half=torch.ones(2, dtype=torch.float16),
        scalar=torch.tensor(5),
    )
    path = tmp_path / "state.pth"
    torch.save(state, path, _use_new_zipfile_serialization=not legacy)
    got = read_tensors(path)
    for name, tensor in state.items():
        assert got[name].shape == tuple(tensor.shape) and np.array_equal(got[name], tensor.numpy()), name


def test_a_file_with_other_objects_is_refused_without_running_them(tmp_path: Path):
    path = tmp_path / "evil.pth"
    torch.save({"weight": torch.zeros(2), "payload": Path("/etc")}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(NotATorchFile, match="pathlib"):
        read_tensors(path)
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(NotATorchFile, match="torch.save"):
        read_tensors(path)
