"""Avro single-object encoding of events, resolved against the schemas in this folder.

Wire format (Avro specification, "Single-object encoding"): ``C3 01`` + the writer schema's 8-byte CRC-64-AVRO
fingerprint (little-endian) + the Avro binary body. Any reader holding the repo's schemas can tell which schema
wrote a message; the reader decodes with the newest version of that event (schema resolution), so old messages
stay readable after a schema gains a field with a default, and after it packs its vectors (schemas/packed_vectors.py).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

from schemas import packed_vectors

MARKER = b"\xc3\x01"
HEADER_LEN = len(MARKER) + 8
SCHEMA_DIR = Path(__file__).resolve().parent / "events"
_FILE = re.compile(r"^(?P<stem>[a-z0-9_]+)\.v(?P<version>\d+)\.avsc$")


class DecodeError(ValueError):
    """The bytes are not an event this registry can read; the message says why."""


@dataclass(frozen=True)
class SchemaVersion:
    name: str  # the record's full name, e.g. reverie.events.CaptureUploaded
    version: int
    parsed: dict[str, Any]
    fingerprint: bytes
    reading: dict[str, Any]  # what decoding reads with: parsed once for all (see _for_reading)
    source: dict[str, Any]  # the file's JSON

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def _load(path: Path, version: int) -> SchemaVersion:
    raw = json.loads(path.read_text())
    parsed: dict[str, Any] = parse_schema(raw, _write_hint=False, _force=True)  # type: ignore[assignment]
    canonical = to_parsing_canonical_form(raw)
    fp = bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO"))
    name = f"{raw.get('namespace', '')}.{raw['name']}".lstrip(".")
    reading: dict[str, Any] = parse_schema(_for_reading(raw), _force=True)  # type: ignore[assignment]
    return SchemaVersion(name=name, version=version, parsed=parsed, fingerprint=fp, reading=reading, source=raw)


def _for_reading(node: Any) -> Any:
    """The schema as decoding reads with it: ids stay the strings they are on the wire (the uuid logical type only
    documents them; fastavro made each a uuid.UUID, and we a string again: 6 µs an event); arrays of floats are
    vectors (schemas/packed_vectors.py). Parsed with fastavro's mark of a parsed schema, which it would otherwise
    parse again on every message (5 µs)."""
    return packed_vectors.mark(_without_uuids(node))


def _without_uuids(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_uuids(v) for k, v in node.items() if not (k == "logicalType" and v == "uuid")}
    if isinstance(node, list):
        return [_without_uuids(v) for v in node]
    return node


def reader_for(writer: SchemaVersion, reader: SchemaVersion) -> dict[str, Any] | None:
    """The schema a message of ``writer`` is read into ``reader`` with (None: the writer's own)."""
    if reader is writer:
        return None
    bridged = packed_vectors.bridge(_for_reading(writer.source), reader.source)
    if bridged == reader.source:
        return reader.reading
    return parse_schema(_for_reading(bridged), _force=True)  # type: ignore[return-value]


class Registry:
    """Every schema version found in a folder, by fingerprint and by event name."""

    def __init__(self, folder: Path = SCHEMA_DIR) -> None:
        self.by_fingerprint: dict[bytes, SchemaVersion] = {}
        self.latest: dict[str, SchemaVersion] = {}
        self.files: dict[str, SchemaVersion] = {}  # by file name
        for path in sorted(folder.glob("*.avsc")):
            match = _FILE.match(path.name)
            if match is None:
                raise ValueError(f"{path.name}: schema files are named <event>.v<N>.avsc")
            schema = _load(path, int(match["version"]))
            self.by_fingerprint[schema.fingerprint] = schema
            self.files[path.name] = schema
            current = self.latest.get(schema.short_name)
            if current is None or schema.version > current.version:
                self.latest[schema.short_name] = schema
        self._readers = {
            fp: reader_for(schema, self.latest[schema.short_name]) for fp, schema in self.by_fingerprint.items()
        }

    def encode(self, event_name: str, record: dict[str, Any]) -> bytes:
        schema = self.latest.get(event_name)
        if schema is None:
            raise KeyError(f"no schema for event {event_name!r}")
        out = io.BytesIO()
        out.write(MARKER)
        out.write(schema.fingerprint)
        fastavro.schemaless_writer(out, schema.parsed, record)
        return out.getvalue()

    def writer_of(self, data: bytes) -> SchemaVersion:
        if len(data) < HEADER_LEN or data[:2] != MARKER:
            raise DecodeError("not an Avro single-object message (missing C3 01 marker)")
        schema = self.by_fingerprint.get(bytes(data[2:HEADER_LEN]))
        if schema is None:
            raise DecodeError(f"unknown schema fingerprint {bytes(data[2:HEADER_LEN]).hex()}")
        return schema

    def decode(self, data: bytes) -> tuple[str, dict[str, Any]]:
        """Return (event name, record), read with the newest version of the writer's event."""
        writer = self.writer_of(data)
        try:
            record = fastavro.schemaless_reader(
                io.BytesIO(data[HEADER_LEN:]), writer.reading, self._readers[writer.fingerprint]
            )
        except Exception as exc:  # fastavro raises several types for a damaged body
            raise DecodeError(f"{writer.short_name} body does not decode: {exc.__class__.__name__}: {exc}") from exc
        if not isinstance(record, dict):
            raise DecodeError(f"{writer.short_name} body is not a record")
        return writer.short_name, record


_default: Registry | None = None


def registry() -> Registry:
    global _default
    if _default is None:
        _default = Registry()
    return _default
