import io
import json
import shutil
import uuid
from array import array
from datetime import UTC, datetime
from pathlib import Path

import fastavro
import numpy as np
import pytest

from schemas import packed_vectors
from schemas.codec import HEADER_LEN, MARKER, SCHEMA_DIR, DecodeError, Registry, registry
from schemas.compat import problems

NOW = datetime(2025, 6, 12, 9, 15, tzinfo=UTC)
VECTOR = [0.25, -1.5, 3.0, 0.125]


def transcript(embedding):
    return {"event_id": str(uuid.uuid4()), "user_id": "alice", "occurred_at": NOW, "causation_id": None,
            "capture_id": "c1", "model": "tiny.en", "language": "en", "text": "look", "words": [],
            "embedding_model": "minilm/1", "embedding": embedding}  # fmt: skip


def written_with(schema_file: str, event_name: str, event: dict) -> bytes:
    """A message as a writer of that older schema file made it."""
    schema = registry().files[schema_file]
    out = io.BytesIO()
    out.write(MARKER + schema.fingerprint)
    fastavro.schemaless_writer(out, schema.parsed, event)
    return out.getvalue()


def test_a_packed_vector_is_its_floats_little_endian_on_the_wire():
    data = registry().encode("TranscriptExtracted", transcript(VECTOR))
    assert np.asarray(VECTOR, "<f4").tobytes() in data[HEADER_LEN:]
    _, record = registry().decode(data)
    assert isinstance(record["embedding"], array) and record["embedding"].typecode == "f"
    assert record["embedding"].tolist() == VECTOR


@pytest.mark.parametrize("given", [VECTOR, array("f", VECTOR), np.asarray(VECTOR), np.asarray(VECTOR, np.float32)])
def test_writers_may_give_any_sequence_of_floats(given):
    _, record = registry().decode(registry().encode("TranscriptExtracted", transcript(given)))
    assert record["embedding"].tolist() == VECTOR


def test_a_null_vector_stays_null():
    _, record = registry().decode(registry().encode("TranscriptExtracted", transcript(None)))
    assert record["embedding"] is None


def test_events_written_before_packing_read_into_the_same_type():
    old = written_with("transcript_extracted.v2.avsc", "TranscriptExtracted", transcript(VECTOR))
    new = registry().encode("TranscriptExtracted", transcript(VECTOR))
    assert registry().writer_of(old).version == 2 and registry().writer_of(new).version == 3
    (_, before), (_, after) = registry().decode(old), registry().decode(new)
    assert type(before["embedding"]) is type(after["embedding"]) is array
    assert before["embedding"] == after["embedding"]


def test_a_vector_cut_short_is_a_decode_error():
    data = registry().encode("TranscriptExtracted", transcript(VECTOR))
    packed = np.asarray(VECTOR, "<f4").tobytes()
    at = data.index(packed)
    # the length prefix still says 16 bytes, the body ends after 15: the message is damaged
    with pytest.raises(DecodeError):
        registry().decode(data[: at + 15])
    # a length that is not whole floats (the prefix says 15 and the bytes are there)
    length = data[at - 1]
    assert length == 2 * 16  # Avro's zigzag varint of 16
    damaged = data[: at - 1] + bytes([2 * 15]) + data[at : at + 15] + data[at + 16 :]
    with pytest.raises(DecodeError, match="TranscriptExtracted"):
        registry().decode(damaged)


def test_the_compatibility_rule_allows_packing_but_not_unpacking(tmp_path: Path):
    folder = tmp_path / "events"
    shutil.copytree(SCHEMA_DIR, folder)
    pins = tmp_path / "pins.json"
    pins.write_text(json.dumps({name: s.fingerprint.hex() for name, s in Registry(folder).files.items()}))
    assert problems(folder, pins) == []
    # a v4 that goes back to an array of floats cannot read v3's bytes
    v3 = json.loads((folder / "transcript_extracted.v3.avsc").read_text())
    for field in v3["fields"]:
        if field["name"] == "embedding":
            field["type"] = ["null", {"type": "array", "items": "float"}]
    (folder / "transcript_extracted.v4.avsc").write_text(json.dumps(v3))
    found = [p for p in problems(folder, pins) if "pinned" not in p]
    assert found and all("TranscriptExtracted v4 cannot read v3" in p for p in found)


def float_arrays(node, where: str = "") -> list[str]:
    if packed_vectors.is_float_array(node):
        return [where]
    if isinstance(node, dict):
        return [a for value in node.values() for a in float_arrays(value, f"{where}.{node.get('name', '')}")]
    if isinstance(node, list):
        return [a for value in node for a in float_arrays(value, where)]
    return []


def packs(node) -> bool:
    if packed_vectors.is_packed(node):
        return True
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return any(packs(value) for value in values)


def test_every_array_of_floats_in_the_schemas_is_a_vector_and_the_newest_versions_pack_them():
    """The decoding rule (an array of 32-bit floats is a vector) holds only while no schema uses one for anything
    else; and what the agents write now is packed."""
    reg = registry()
    holding = {name for name, schema in reg.files.items() if float_arrays(schema.source)}
    assert holding == {
        "faces_detected.v1.avsc", "frames_described.v1.avsc", "frames_described.v2.avsc", "media_probed.v1.avsc",
        "media_probed.v2.avsc", "transcript_extracted.v2.avsc",
    }  # fmt: skip
    assert not [a for schema in reg.latest.values() for a in float_arrays(schema.source, schema.short_name)]
    assert {s.short_name for s in reg.latest.values() if packs(s.source)} == {
        "FacesDetected", "FramesDescribed", "MediaProbed", "TranscriptExtracted",
    }  # fmt: skip


def test_a_record_of_the_old_writer_is_packed_after_reading():
    packed = {"type": "bytes", "logicalType": "float32-vector"}
    reader = packed_vectors.bridge(
        {"type": "record", "name": "X", "fields": [{"name": "v", "type": {"type": "array", "items": "float"}}]},
        {"type": "record", "name": "X", "fields": [{"name": "v", "type": packed}]},
    )
    assert reader["fields"][0]["type"] == {"type": "array", "items": "float"}
