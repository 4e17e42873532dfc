"""Graphs written from weights are kept once and read back; new weights or a changed builder write them anew."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from streams.models import graph_cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVERIE_GRAPH_DIR", str(tmp_path / "graphs"))
    return tmp_path / "graphs"


def test_a_graph_is_written_once_and_then_read(folder: Path, tmp_path: Path):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights")
    calls = []

    def build() -> bytes:
        calls.append(1)
        return b"graph-%d" % len(calls)

    this = sys.modules[__name__]
    assert graph_cache.graph("m", [weights], build, (this,)) == b"graph-1"
    assert graph_cache.graph("m", [weights], build, (this,)) == b"graph-1"
    assert len(calls) == 1 and len(list(folder.glob("m-*.onnx"))) == 1
    os.utime(weights, ns=(1, 1))  # other weights (here: a new modification time)
    assert graph_cache.graph("m", [weights], build, (this,)) == b"graph-2"
    assert graph_cache.graph("m", [weights], build, (graph_cache,)) == b"graph-3"  # other builder code
    assert not list(folder.glob("*.part"))
    assert [p.read_bytes() for p in folder.glob("m-*.onnx")] == [b"graph-3"]  # the stale ones are gone


def test_an_unwritable_cache_still_gives_the_graph(folder: Path, tmp_path: Path):
    if os.geteuid() == 0:
        folder.parent.mkdir(exist_ok=True)
        folder.write_text("a file where the folder should be")  # root writes anywhere, but not into a file
    else:
        folder.mkdir()
        folder.chmod(stat.S_IREAD | stat.S_IEXEC)
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights")
    assert graph_cache.graph("m", [weights], lambda: b"graph", (graph_cache,)) == b"graph"
