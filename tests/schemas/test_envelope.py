import uuid
from datetime import UTC, datetime, timedelta

from schemas.codec import registry
from schemas.envelope import new_event


def test_envelope_fields_and_the_event_fields():
    before = datetime.now(UTC)
    event = new_event("alice", memory_id="m1", text="Paris in June")
    after = datetime.now(UTC)
    assert event["user_id"] == "alice"
    assert event["causation_id"] is None
    assert event["memory_id"] == "m1" and event["text"] == "Paris in June"
    assert uuid.UUID(event["event_id"]).version == 4
    assert event["occurred_at"].tzinfo is not None
    assert before <= event["occurred_at"] <= after
    assert set(event) == {"event_id", "user_id", "occurred_at", "causation_id", "memory_id", "text"}


def test_causation_is_carried():
    cause = new_event("alice")
    effect = new_event("alice", cause["event_id"], memory_id="m1")
    assert effect["causation_id"] == cause["event_id"]
    assert new_event("alice", causation_id="c")["causation_id"] == "c"


def test_every_event_gets_a_fresh_id():
    ids = {new_event("alice")["event_id"] for _ in range(500)}
    assert len(ids) == 500


def test_an_envelope_encodes_and_decodes_with_a_real_schema():
    reg = registry()
    event = new_event("alice", memory_id="m1", text="Paris", target_seconds=30.0)
    name, decoded = reg.decode(reg.encode("MemoryRequested", event))
    assert name == "MemoryRequested"
    assert decoded["event_id"] == event["event_id"]
    assert decoded["user_id"] == "alice" and decoded["causation_id"] is None
    assert decoded["text"] == "Paris" and decoded["target_seconds"] == 30.0
    # timestamp-millis: the stamp survives to the millisecond, as UTC
    assert abs(decoded["occurred_at"] - event["occurred_at"]) < timedelta(milliseconds=1)
    assert decoded["occurred_at"].utcoffset() == timedelta(0)


def test_an_upload_envelope_encodes_with_its_cause():
    reg = registry()
    cause = new_event("bob", memory_id="m", text="t", target_seconds=None)
    event = new_event(
        "bob",
        cause["event_id"],
        capture_id="c1",
        object_key="raw/bob/2025/06/12/c1.mp4",
        content_type="video/mp4",
        size_bytes=1234,
        sha256="0" * 64,
        filename="c1.mp4",
        device_id=None,
        client_captured_at=datetime(2025, 6, 12, tzinfo=UTC),
        client_lat=None,
        client_lon=None,
    )
    name, decoded = reg.decode(reg.encode("CaptureUploaded", event))
    assert name == "CaptureUploaded"
    assert decoded["causation_id"] == cause["event_id"]
    assert decoded["capture_id"] == "c1" and decoded["size_bytes"] == 1234
