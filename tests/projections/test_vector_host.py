"""qdrant-edge in the vector host process: the same behaviour as in this process, answers to the right caller, a
host that dies started again with what was written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from projections.vector_host import RESTARTS, HostedVectors, VectorHost, VectorHostError, host, opener
from projections.vectors import EdgeVectors, open_vectors
from tests.projections.test_vectors import exercise


def test_a_hosted_collection_behaves_as_one_in_this_process(tmp_path: Path):
    store = open_vectors(f"edge://{tmp_path}", "toy-model/1", 4, edge=HostedVectors)
    assert isinstance(store, HostedVectors)
    assert store.host.process.pid != os.getpid()
    exercise(store)
    store.close()  # the host flushes and closes the shard: this process can open it now
    reopened = EdgeVectors(tmp_path / "toy_model_1", "toy-model/1", 4)
    try:
        assert len(reopened.points()) == 3
    finally:
        reopened.close()


def test_the_setting_chooses_where_shards_live():
    assert opener(Settings()) is HostedVectors
    assert opener(Settings(vector_process=False)) is EdgeVectors


def test_many_threads_each_get_their_own_answers(tmp_path: Path):
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(64, 16))
    store = HostedVectors(tmp_path / "many", "toy-model/1", 16)
    try:
        store.upsert_points([("alice", f"c{i}", list(vectors[i]), {"capture_id": f"c{i}"}) for i in range(64)])
        wrong: list[tuple[int, str]] = []

        def ask(first: int) -> None:
            for i in range(first, 64, 8):
                nearest = store.search("alice", list(vectors[i]), limit=1)[0][2]["capture_id"]
                if nearest != f"c{i}":
                    wrong.append((i, nearest))

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wrong == []
    finally:
        store.close()


def test_an_error_in_the_host_is_raised_here_and_the_host_goes_on(tmp_path: Path):
    store = HostedVectors(tmp_path / "errors", "toy-model/1", 4)
    try:
        with pytest.raises(VectorHostError, match="search"):
            store.search("alice", [1.0, 0.0], limit=1)  # two numbers for a four-number collection
        store.upsert("alice", "c1", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})
        assert [h[2]["capture_id"] for h in store.search("alice", [1.0, 0.0, 0.0, 0.0], limit=1)] == ["c1"]
    finally:
        store.close()


def test_a_host_that_dies_is_started_again_with_its_shards(tmp_path: Path):
    store = HostedVectors(tmp_path / "killed", "toy-model/1", 4)
    try:
        store.upsert("alice", "c1", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})
        dead = host().process
        os.kill(dead.pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while host().process is dead and time.monotonic() < deadline:
            time.sleep(0.05)
        assert host().process is not dead and host().process.poll() is None
        # the shard was opened again in the new host, with what was written before the kill
        assert [h[2]["capture_id"] for h in store.search("alice", [1.0, 0.0, 0.0, 0.0], limit=1)] == ["c1"]
    finally:
        store.close()


def test_a_host_that_keeps_dying_is_left_dead_and_says_so(tmp_path: Path):
    own = VectorHost()  # not this process's host: it stays broken
    folder = str(tmp_path / "dying")
    try:
        own.call(folder, "open", "toy-model/1", 4)
        for _ in range(RESTARTS):
            dead = own.process
            os.kill(dead.pid, signal.SIGKILL)
            deadline = time.monotonic() + 60
            while own.process is dead and own._broken is None and time.monotonic() < deadline:
                time.sleep(0.05)
        with pytest.raises(VectorHostError, match=f"died {RESTARTS} times within a minute"):
            own.call(folder, "points", None)
    finally:
        own.stop()


def test_a_script_without_a_main_guard_can_use_the_host(tmp_path: Path):
    """multiprocessing's spawn would run such a script again in the child (and fail there); the host does not."""
    script = tmp_path / "script.py"
    script.write_text(
        "from pathlib import Path\n"
        "from projections.vector_host import HostedVectors\n"
        f"store = HostedVectors(Path({str(tmp_path / 'scripted')!r}), 'toy-model/1', 4)\n"
        "store.upsert('alice', 'c1', [1.0, 0.0, 0.0, 0.0], {'capture_id': 'c1'})\n"
        "print(store.search('alice', [1.0, 0.0, 0.0, 0.0], limit=1)[0][2]['capture_id'])\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "c1"), done.stderr
