"""Buffered vector writes (projections/buffered.py), as a replay makes them: held, handed to the vector host to be
written meanwhile, and waited for at the flush that precedes each checkpoint; rows written to ClickHouse in the
background while new ones are held."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from projections.buffered import BufferedStore, BufferedVectors
from projections.vector_host import HostedVectors, VectorHostError
from projections.vectors import EdgeVectors
from tests.projections.test_clickhouse import T0, probed


def points(n: int, size: int = 4) -> list[tuple[str, str, array[float], dict[str, str]]]:
    return [("alice", f"c{i}", array("f", [1.0, float(i), 0.5, 0.0][:size]), {"capture_id": f"c{i}"}) for i in range(n)]


@pytest.fixture
def on_host(tmp_path: Path) -> Iterator[Callable[[int], BufferedVectors]]:
    """Buffered collections of the vector host, each closed after the test (its sending thread ends with it)."""
    made: list[BufferedVectors] = []

    def make(chunk: int = 2048) -> BufferedVectors:
        made.append(BufferedVectors(HostedVectors(tmp_path / f"hosted-{len(made)}", "toy-model/1", 4), chunk))
        return made[-1]

    yield make
    for buffered in made:
        buffered.close()


def test_points_sent_to_the_host_are_written_meanwhile_and_counted_at_the_flush(on_host):
    buffered = on_host(2)
    buffered.upsert_points(points(5))
    buffered.send()
    assert buffered._held == []  # noqa: SLF001 - handed on, in chunks of 2
    assert len(buffered._sent) == 3  # noqa: SLF001
    buffered.upsert_points(points(7)[5:])
    assert buffered.flush() == 7
    hosted = buffered.inner
    assert sorted(key for key, _ in hosted.points("alice")) == sorted(
        hosted.point_id("alice", f"c{i}") for i in range(7)
    )
    assert buffered.flush() == 0


def test_a_point_the_host_refuses_fails_the_flush(on_host):
    buffered = on_host()
    buffered.upsert_points(points(2, size=3))  # three floats in a collection of four
    buffered.send()
    with pytest.raises(VectorHostError, match="upsert_points"):
        buffered.flush()
    buffered.upsert_points(points(1))  # and the host goes on
    assert buffered.flush() == 1


def test_points_held_after_a_send_are_written_after_it(on_host):
    """A flush while the sending thread still holds an earlier chunk: the later upsert of the same point wins."""
    buffered = on_host()
    buffered.send()  # starts the sending thread (nothing held yet)
    go = threading.Event()
    assert buffered._sending is not None  # noqa: SLF001
    buffered._sending.submit(go.wait)  # noqa: SLF001 - the thread is busy until go
    buffered.upsert("alice", "k", [1.0, 0.0, 0.0, 0.0], {"capture_id": "c1"})
    buffered.send()  # queued behind the busy thread
    buffered.upsert("alice", "k", [0.0, 1.0, 0.0, 0.0], {"capture_id": "c1"})
    threading.Timer(0.3, go.set).start()
    assert buffered.flush() == 2
    [(_, vector)] = buffered.vectors_of("alice", "c1")
    assert [round(v, 3) for v in vector] == [0.0, 1.0, 0.0, 0.0]


def test_a_store_in_this_process_keeps_what_is_held_until_the_flush(tmp_path: Path):
    edge = EdgeVectors(tmp_path / "here", "toy-model/1", 4)
    buffered = BufferedVectors(edge)
    try:
        buffered.upsert_points(points(3))
        buffered.send()
        assert edge.points("alice") == []
        assert buffered.flush() == 3 and len(edge.points("alice")) == 3
    finally:
        edge.close()


def test_rows_written_in_the_background_are_read_and_those_held_after_are_not_lost(tmp_path: Path):
    store = BufferedStore(f"chdb://{tmp_path / 'ch'}")
    try:
        store.upsert_clip(probed("alice", "c1", 48.85, 2.35, T0))
        writing = store.flush_later()
        store.upsert_clip(probed("alice", "c2", 48.85, 2.35, T0))  # held while the first is written
        assert store.held == 1
        # a read waits for the write in flight, then writes what is held, so it sees both
        assert {row["capture_id"] for row in store._rows("SELECT capture_id FROM clips")} == {"c1", "c2"}  # noqa: SLF001
        assert writing.done() and writing.result() == 1
        assert store.held == 0 and store.flush() == 0
    finally:
        store.close()


def test_a_background_write_that_failed_fails_the_next_flush(tmp_path: Path):
    store = BufferedStore(f"chdb://{tmp_path / 'ch'}")
    try:
        store._insert("no_such_table", {"a": 1})  # noqa: SLF001 - what a projection would hold, for a table not there
        store.flush_later()
        with pytest.raises(Exception, match="no_such_table"):
            store.flush()
        store.upsert_clip(probed("alice", "c1", 48.85, 2.35, T0))
        assert store.flush() == 1
    finally:
        store.close()
