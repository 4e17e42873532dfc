"""Tensors out of a file that ``torch.save`` wrote, read into numpy arrays without torch.

The runtime has no torch (a 5 GB install for one 14 MB network), but the shipped MobileNetV2 weights are torch's own
format: the legacy one (pickles followed by raw storages) that torchvision's 2018 files use, and the zip one that
torch writes since 1.6. Both are read here. Like ``torch.load(weights_only=True)``, the unpickler builds only
containers, tensors and storages: any other class in the file is refused, so a file cannot run code.
"""

from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch/serialization.py's MAGIC_NUMBER


class NotATorchFile(ValueError):
    """The file is not a state dict of tensors in either of torch's formats, or holds something besides tensors."""


@dataclass(frozen=True)
class _Storage:
    key: str
    dtype: Any


@dataclass(frozen=True)
class _Tensor:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor(storage: _Storage, offset: int, shape: Any, stride: Any, *_: Any) -> _Tensor:
    return _Tensor(storage, int(offset), tuple(shape), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) in {("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor")}:
            return _rebuild_tensor
        if module == "torch" and name in DTYPES:
            return DTYPES[name]
        raise NotATorchFile(f"{module}.{name} is not a tensor, a storage or a container")

    def persistent_load(self, pid: Any) -> _Storage:
        kind = pid[0].decode() if isinstance(pid[0], bytes) else pid[0]
        if kind != "storage":
            raise NotATorchFile(f"unexpected persistent object {kind!r}")
        # legacy: ('storage', dtype, key, location, numel, view); zip: ('storage', dtype, key, location, numel)
        return _Storage(str(pid[2]), pid[1])


def read_tensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a saved state dict by its name, as a numpy array (a copy: nothing points into the file)."""
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    with path.open("rb") as f:
        return _read_legacy(f)


def _read_legacy(f: IO[bytes]) -> dict[str, np.ndarray]:
    # The magic number, the protocol version and the system's description come first, one pickle each.
    try:
        magic = _Unpickler(f).load()
        for _ in range(2):
            _Unpickler(f).load()
    except (pickle.UnpicklingError, EOFError) as error:
        raise NotATorchFile(f"not a file torch.save wrote: {error}") from error
    if magic != LEGACY_MAGIC:
        raise NotATorchFile("not a file torch.save wrote (no magic number)")
    state = _Unpickler(f).load()
    keys = _Unpickler(f).load()
    storages: dict[str, np.ndarray] = {}
    kinds = {t.storage.key: t.storage.dtype for t in _tensors(state).values()}
    for key in keys:
        dtype = np.dtype(kinds[str(key)])
        count = int(np.frombuffer(f.read(8), "<i8")[0])
        storages[str(key)] = np.frombuffer(f.read(count * dtype.itemsize), dtype.newbyteorder("<"))
    return _arrays(state, storages)


def _read_zip(path: Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickled = next((n for n in names if n.endswith("/data.pkl") or n == "data.pkl"), None)
        if pickled is None:
            raise NotATorchFile(f"{path} is a zip without data.pkl")
        root = pickled.removesuffix("data.pkl")
        state = _Unpickler(archive.open(pickled)).load()
        storages = {}
        for tensor in _tensors(state).values():
            key = tensor.storage.key
            if key not in storages:
                raw = archive.read(f"{root}data/{key}")
                storages[key] = np.frombuffer(raw, np.dtype(tensor.storage.dtype).newbyteorder("<"))
    return _arrays(state, storages)


def _tensors(state: Any) -> dict[str, _Tensor]:
    if not isinstance(state, dict) or not all(isinstance(v, _Tensor) for v in state.values()):
        raise NotATorchFile("not a flat state dict of tensors")
    return {str(k): v for k, v in state.items()}


def _arrays(state: Any, storages: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    arrays = {}
    for name, t in _tensors(state).items():
        flat = storages[t.storage.key]
        item = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[t.offset :], shape=t.shape, strides=tuple(s * item for s in t.stride), writeable=False
        )
        arrays[name] = np.array(view, dtype=flat.dtype.newbyteorder("="))
    return arrays
