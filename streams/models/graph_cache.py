"""Where the ONNX graphs written from shipped weights are kept, so that they are written once (at install) and
read at every start; and the ONNX Runtime session that runs one.

Writing MiniLM's graph takes ~1.3 s and MobileNetV2's ~0.8 s; reading a written one takes milliseconds. The cache is
a folder of the virtualenv (``<prefix>/share/reverie/graphs``), filled by ``reverie models build`` during the
install; a graph is named for what it was written from (the code of the modules that write it, and each weight file's
name, size and modification time), so new weights or a changed builder never read an old graph. Where the folder
cannot be written (a read-only image), the graph is written in memory at each load instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from streams.models import onnx_graph

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    return Path(os.environ.get("REVERIE_GRAPH_DIR") or Path(sys.prefix) / "share" / "reverie" / "graphs")


def graph(name: str, sources: list[Path], build: Callable[[], bytes], builders: tuple[ModuleType, ...]) -> bytes:
    """The serialised graph ``build`` writes from ``sources`` with the code of ``builders``: read from the cache, else
    written and kept there."""
    key = hashlib.sha256(name.encode())
    for module in (onnx_graph, *builders):
        key.update(Path(str(module.__file__)).read_bytes())
    for source in sources:
        stat = source.stat()
        key.update(f"|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    path = cache_dir() / f"{name}-{key.hexdigest()[:16]}.onnx"
    if path.exists():
        return path.read_bytes()
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: two processes starting together never read half a graph.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as part:
            part.write(data)
        Path(part.name).chmod(0o644)  # readable by whoever runs the server, as the rest of the virtualenv is
        Path(part.name).replace(path)
        for old in path.parent.glob(f"{name}-*.onnx"):
            if old != path:
                old.unlink(missing_ok=True)  # written from other weights or code: never read again
        log.info("wrote the %s graph to %s", name, path)
    except OSError as error:
        log.warning(
            "could not keep the %s graph in %s (%s): it will be written again at the next start",
            name,
            path.parent,
            error,
        )
    return data


def session(graph: bytes) -> Any:
    """An ONNX Runtime session on the CPU, all optimisations on."""
    import onnxruntime  # noqa: PLC0415

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep rather than spin: they share two cores with ClickHouse, the renders and the broker.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
