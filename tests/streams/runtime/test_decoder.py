"""The replay's decoder (streams/runtime/decoder.py): every message of a batch gets an answer in
order, and what is not an event says why rather than stopping the batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.settings import Settings
from schemas.envelope import new_event
from streams.runtime import decoder
from streams.storage.blobs import BlobStore
from tests.conftest import sealed

pytestmark = pytest.mark.integration


def test_a_batch_decodes_in_order_and_names_what_is_not_an_event(settings: Settings):
    BlobStore(settings).ensure_bucket()  # the users' wrapped keys live there
    decoder._start(settings)  # noqa: SLF001 - what the decoder process runs first
    event = new_event("alice", memory_id="m1", text="Paris", target_seconds=None)
    event["occurred_at"] = datetime(2026, 1, 1, tzinfo=UTC)
    [(_, value)] = sealed(settings, "MemoryRequested", [event])
    decoded = decoder.decode_batch([value, None, b"not an event", value])
    assert [kind for kind, _ in decoded] == ["event", "unreadable", "unreadable", "event"]
    assert decoded[0][1][0] == "MemoryRequested" and decoded[0][1][1]["text"] == "Paris"
    assert "tombstone" in decoded[1][1]


@pytest.mark.parametrize("in_process", [False, True], ids=["in a thread here", "in a process of its own"])
def test_the_decoder_answers_the_same_here_and_in_its_process(settings: Settings, in_process: bool):
    BlobStore(settings).ensure_bucket()
    event = new_event("alice", memory_id="m1", text="Rome", target_seconds=None)
    event["occurred_at"] = datetime(2026, 1, 1, tzinfo=UTC)
    [(_, value)] = sealed(settings, "MemoryRequested", [event])
    made = decoder.Decoder(settings.with_(replay_decoder_process=in_process))
    assert (made.pool is not None) is in_process

    try:
        first, second = made.decode([value, b"not an event"]).result(), made.decode([None]).result()
    finally:
        made.close()
    assert [kind for kind, _ in first] == ["event", "unreadable"] and first[0][1][1]["text"] == "Rome"
    assert second == [("unreadable", "an empty message (a tombstone)")]
