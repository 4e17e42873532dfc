"""The model interface on its own, with a tiny model: one load however many threads ask, serialised calls never
overlap, a failed load is tried again, and the id stored with vectors is name/version."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from core import heap
from streams.models.base import InferenceModel

THREADS = 8


class Doubler(InferenceModel[int, int]):
    task: ClassVar[str] = "tags"
    name = "doubler"

    def __init__(self, source: Path | None = None, fail_loads: int = 0) -> None:
        super().__init__(source)
        self.loads = 0
        self.fail_loads = fail_loads
        self.running = 0
        self.most_at_once = 0
        self._count = threading.Lock()

    def _load(self) -> None:
        self.loads += 1
        time.sleep(0.05)  # slow enough that every thread arrives while the first is loading
        if self.loads <= self.fail_loads:
            raise RuntimeError("the weights could not be read")

    def _predict(self, inputs: int) -> int:
        with self._count:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0.02)
        with self._count:
            self.running -= 1
        return 2 * inputs


class SerialDoubler(Doubler):
    serialised: ClassVar[bool] = True


@pytest.fixture(autouse=True)
def no_settling(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """``load`` settles the heap once per model; freezing the test process's objects would outlive the test."""
    settled: list[None] = []
    monkeypatch.setattr(heap, "settle", lambda: settled.append(None))
    return settled


def all_at_once(model: Doubler) -> list[int]:
    start = threading.Barrier(THREADS)
    results: list[int] = [0] * THREADS

    def run(i: int) -> None:
        start.wait()
        results[i] = model.predict(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_model_loads_once_when_eight_threads_predict_at_once(no_settling: list[None]):
    model = Doubler()
    assert not model.loaded and model.loads == 0  # making a model reads nothing
    assert all_at_once(model) == [2 * i for i in range(THREADS)]
    assert model.loaded and model.loads == 1
    assert len(no_settling) == 1  # the heap settles after the load, not after every call
    model.load()
    assert model.loads == 1


def test_a_serialised_model_never_runs_two_predictions_at_once():
    model = SerialDoubler()
    assert all_at_once(model) == [2 * i for i in range(THREADS)]
    assert model.most_at_once == 1


def test_a_model_that_is_not_serialised_runs_predictions_side_by_side():
    model = Doubler()
    all_at_once(model)
    assert model.most_at_once > 1


def test_a_failed_load_raises_and_the_next_call_tries_again(no_settling: list[None]):
    model = Doubler(fail_loads=1)
    with pytest.raises(RuntimeError, match="could not be read"):
        model.predict(1)
    assert not model.loaded and no_settling == []
    assert model.predict(3) == 6
    assert model.loads == 2 and model.loaded


def test_the_model_id_is_name_slash_version():
    model = Doubler(Path("/weights"))
    assert model.model_id == "doubler/1"
    assert model.source == Path("/weights")

    class Retrained(Doubler):
        name, version = "doubler-retrained", 3

    assert Retrained().model_id == "doubler-retrained/3"
