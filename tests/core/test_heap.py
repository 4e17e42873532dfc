import gc
import logging

import pytest

from core import heap


def test_what_a_loader_keeps_alive_is_moved_out_of_later_collections():
    @heap.settles
    def load(size: int) -> list[list[int]]:
        return [[n] for n in range(size)]  # lists stay tracked by the collector (dicts of plain values may not)

    before = gc.get_freeze_count()
    model = load(1000)
    assert model[999] == [999]
    assert gc.get_freeze_count() >= before + 1000


def test_a_slow_full_collection_is_logged(monkeypatch, caplog):
    monkeypatch.setattr(heap, "SLOW_S", 0.0)
    heap.watch()
    heap.watch()  # once is enough
    try:
        assert gc.callbacks.count(heap._timed) == 1
        with caplog.at_level(logging.WARNING, logger="reverie.heap"):
            gc.collect(2)
            gc.collect(1)  # younger generations are not timed
        assert len([r for r in caplog.records if "full garbage collection" in r.message]) == 1
    finally:
        gc.callbacks.remove(heap._timed)


def test_bulk_work_collects_young_objects_less_often_and_restores_the_rule():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), heap.bulk(young=12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        raise RuntimeError("the work failed")
    assert gc.get_threshold() == before


def test_a_batch_process_keeps_what_it_loaded_out_of_sight_and_collects_young_objects_less_often():
    before = gc.get_threshold()
    try:
        heap.for_batches()
        assert gc.get_threshold() == (heap.YOUNG, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
