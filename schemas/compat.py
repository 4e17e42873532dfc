"""The rules that keep every message in the log readable while schemas change, checked in CI:

1. A published schema file never changes: messages name their writer schema by fingerprint, so an edited file
   would orphan every message written with it. ``fingerprints.json`` pins each file's fingerprint.
2. Each newer version of an event reads what every older version wrote (backward compatibility): new fields need
   defaults, types may only be promoted as Avro allows, and an array of floats may become a packed vector
   (schemas/packed_vectors.py).

``python -m schemas.compat`` prints the problems (exit 1); ``--pin`` adds new files to the pins.
"""

from __future__ import annotations

import io
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import fastavro

from schemas import packed_vectors
from schemas.codec import SCHEMA_DIR, Registry, SchemaVersion, reader_for

PINS = SCHEMA_DIR.parent / "fingerprints.json"


def example(schema: Any) -> Any:
    """A value of the schema with every field present: what an old writer could have written."""
    if isinstance(schema, list):  # a union: a value of its first branch that is not null, which says more
        return example(next((branch for branch in schema if branch != "null"), "null"))
    if isinstance(schema, str):
        return {"null": None, "boolean": True, "int": 1, "long": 1, "float": 1.0, "double": 1.0,
                "string": "x", "bytes": b"x"}[schema]  # fmt: skip
    kind = schema["type"]
    if schema.get("logicalType") == packed_vectors.LOGICAL:
        return [1.0]
    if schema.get("logicalType") in ("timestamp-millis", "timestamp-micros"):
        return 1_700_000_000_000
    if schema.get("logicalType") == "uuid":
        return "00000000-0000-4000-8000-000000000001"
    if kind == "record":
        return {f["name"]: example(f["type"]) for f in schema["fields"]}
    if kind == "array":
        return [example(schema["items"])]
    if kind == "map":
        return {"k": example(schema["values"])}
    if kind == "enum":
        return schema["symbols"][0]
    if kind == "fixed":
        return b"\0" * schema["size"]
    return example(kind)


def _reads(writer: SchemaVersion, reader: SchemaVersion) -> str | None:
    out = io.BytesIO()
    try:
        fastavro.schemaless_writer(out, writer.parsed, example(writer.parsed))
        out.seek(0)
        fastavro.schemaless_reader(out, writer.reading, reader_for(writer, reader))
    except Exception as exc:  # noqa: BLE001 - fastavro reports an incompatibility with several error types
        return f"{type(exc).__name__}: {exc}"
    return None


def problems(folder: Path = SCHEMA_DIR, pins: Path = PINS) -> list[str]:
    registry = Registry(folder)
    pinned: dict[str, str] = json.loads(pins.read_text()) if pins.exists() else {}
    found = []
    for name, schema in sorted(registry.files.items()):
        if name not in pinned:
            found.append(f"{name}: not pinned (python -m schemas.compat --pin, once it is final)")
        elif pinned[name] != schema.fingerprint.hex():
            found.append(f"{name}: a published schema changed; add a new version instead of editing this one")
    found += [f"{name}: pinned but missing: messages written with it cannot be read" for name in pinned
              if name not in registry.files]  # fmt: skip
    versions: dict[str, list[SchemaVersion]] = defaultdict(list)
    for schema in registry.files.values():
        versions[schema.short_name].append(schema)
    for event, history in sorted(versions.items()):
        history.sort(key=lambda s: s.version)
        for i, older in enumerate(history):
            for newer in history[i + 1 :]:
                why = _reads(older, newer)
                if why:
                    found.append(f"{event} v{newer.version} cannot read v{older.version}: {why}")
    return found


def pin(folder: Path = SCHEMA_DIR, pins: Path = PINS) -> None:
    """Add files that are not pinned yet; never re-pins a changed one."""
    pinned: dict[str, str] = json.loads(pins.read_text()) if pins.exists() else {}
    for name, schema in Registry(folder).files.items():
        pinned.setdefault(name, schema.fingerprint.hex())
    pins.write_text(json.dumps(dict(sorted(pinned.items())), indent=1) + "\n")


def main() -> int:
    if "--pin" in sys.argv[1:]:
        pin()
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
