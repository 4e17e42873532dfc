import json
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.codec import HEADER_LEN, MARKER, SCHEMA_DIR, DecodeError, Registry, registry

NOW = datetime(2025, 6, 12, 9, 15, tzinfo=UTC)


def envelope(**fields):
    return {"event_id": str(uuid.uuid4()), "user_id": "alice", "occurred_at": NOW, "causation_id": None, **fields}


def test_every_schema_file_is_loaded_with_its_version():
    reg = registry()
    assert set(reg.latest) >= {
        "CaptureUploaded",
        "MediaProbed",
        "MemoryRequested",
        "MemoryPlanned",
        "MemoryRendered",
        "MemoryFailed",
        "DeadLettered",
    }


@pytest.mark.parametrize(
    "name", ["CaptureUploaded", "MediaProbed", "MemoryRequested", "MemoryPlanned", "MemoryRendered", "MemoryFailed"]
)
def test_path_events_carry_event_id_user_and_time(name):
    fields = {f["name"] for f in registry().latest[name].parsed["fields"]}
    assert {"event_id", "user_id", "occurred_at", "causation_id"} <= fields


def test_round_trip_and_single_object_header():
    reg = registry()
    event = envelope(memory_id="m1", text="Paris", target_seconds=30.0)
    data = reg.encode("MemoryRequested", event)
    assert data[:2] == MARKER
    assert data[2:HEADER_LEN] == reg.latest["MemoryRequested"].fingerprint
    # fields the newest version added (query, cache_key, said_at) come back with their defaults
    assert reg.decode(data) == ("MemoryRequested", {**event, "query": None, "cache_key": None, "said_at": None})


def test_nested_records_round_trip():
    reg = registry()
    segment = {"capture_id": "c", "object_key": "raw/a/c.mp4", "start_s": 1.0, "end_s": 7.0, "captured_at": NOW}
    event = envelope(
        memory_id="m", text="t", target_seconds=30.0, planned_seconds=6.0, place="Paris, FR", segments=[segment]
    )
    decoded = reg.decode(reg.encode("MemoryPlanned", event))[1]["segments"]
    assert decoded == [{**segment, "why": "", "mezzanine": False}]


def test_unknown_fingerprint_is_a_decode_error():
    data = bytearray(registry().encode("MemoryFailed", envelope(memory_id="m", stage="plan", reason="r")))
    data[3] ^= 0xFF
    with pytest.raises(DecodeError, match="unknown schema fingerprint"):
        registry().decode(bytes(data))


def test_truncated_body_is_a_decode_error():
    data = registry().encode("MemoryRequested", envelope(memory_id="m1", text="Paris", target_seconds=None))
    with pytest.raises(DecodeError):
        registry().decode(data[:-3])


@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_decode_error(data):
    # Without one of the registry's 8-byte fingerprints after the marker nothing decodes; random bytes never
    # carry one (the chance is about 2^-64 per try).
    with pytest.raises(DecodeError):
        registry().decode(data)


def _valid_messages() -> list[bytes]:
    return [
        registry().encode("MemoryRequested", envelope(memory_id="m1", text="Paris in June", target_seconds=90.0)),
        registry().encode("MemoryFailed", envelope(memory_id="m", stage="plan", reason="no clips")),
        registry().encode("PersonMerged", envelope(person_id="p1", into_person_id="p2")),
    ]


@given(
    st.sampled_from(range(3)),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=4),
    st.integers(0, 10_000),
)
def test_a_damaged_message_raises_decode_error_or_decodes_to_a_whole_valid_event(which, flips, keep):
    """Damage within a real message (flipped bytes, a cut): either a DecodeError that says what is wrong, or an
    event of a known kind that encodes again as it decoded (a flip inside a string can yield another valid event);
    never another exception, never half a record."""
    damaged = bytearray(_valid_messages()[which])
    for at, mask in flips:
        damaged[at % len(damaged)] ^= mask
    damaged = damaged[: max(1, keep % (len(damaged) + 1))]
    try:
        name, record = registry().decode(bytes(damaged))
    except DecodeError as error:
        assert str(error)
        return
    assert registry().decode(registry().encode(name, record)) == (name, record)


def test_reader_on_newer_schema_reads_messages_written_with_older(tmp_path: Path):
    """The evolution rule: v2 adds an optional field with a default; v1 messages still decode, with the default."""
    old = tmp_path / "old"
    new = tmp_path / "new"
    shutil.copytree(SCHEMA_DIR, old)
    shutil.copytree(SCHEMA_DIR, new)
    v1 = json.loads((SCHEMA_DIR / "person_merged.v1.avsc").read_text())
    v2 = {**v1, "fields": [*v1["fields"], {"name": "language", "type": ["null", "string"], "default": None}]}
    (new / "person_merged.v2.avsc").write_text(json.dumps(v2))
    writer, reader = Registry(old), Registry(new)
    event = envelope(person_id="p1", into_person_id="p2")
    data = writer.encode("PersonMerged", event)
    name, record = reader.decode(data)
    assert name == "PersonMerged"
    assert record == {**event, "language": None}
    # and the new writer's messages name the v2 schema, which the old registry does not know
    newer = reader.encode("PersonMerged", {**event, "language": "en"})
    assert reader.writer_of(newer).version == 2
    with pytest.raises(DecodeError, match="unknown schema fingerprint"):
        writer.decode(newer)


def test_schema_files_must_follow_the_naming_rule(tmp_path: Path):
    (tmp_path / "Bad Name.avsc").write_text('"int"')
    with pytest.raises(ValueError, match="named"):
        Registry(tmp_path)


def test_frames_described_v2_carries_image_embeddings_and_reads_v1_without_them(tmp_path: Path):
    old = tmp_path / "old"
    shutil.copytree(SCHEMA_DIR, old)
    for later in old.glob("frames_described.v[!1].avsc"):
        later.unlink()
    writer, reader = Registry(old), registry()
    assert (writer.latest["FramesDescribed"].version, reader.latest["FramesDescribed"].version) == (1, 3)
    frame = {"t": 1.5, "caption": "a photo of tabby", "sharpness": 10.0, "motion": 1.0,
             "tags": [{"label": "tabby", "score": 0.5, "kind": "object"}], "embedding": [0.75, 0.5]}  # fmt: skip
    event = envelope(capture_id="c1", model="captions/1", tagger="mobilenet/1", frames=[frame])
    _, record = reader.decode(writer.encode("FramesDescribed", event))
    assert record["image_model"] is None and plain(record["frames"]) == [{**frame, "image_embedding": None}]
    newer = {**event, "image_model": "mobilenet-pooled/1", "frames": [{**frame, "image_embedding": [0.0, 1.0]}]}
    data = reader.encode("FramesDescribed", newer)
    assert reader.writer_of(data).version == 3 and plain(reader.decode(data)[1]) == newer


def plain(value):
    """Decoded vectors (array('f')) as lists, to compare with what was encoded."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.tolist() if hasattr(value, "typecode") else value
