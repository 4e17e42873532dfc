"""Vectors on the wire: 32-bit floats, little-endian, packed in Avro ``bytes`` with the logical type
``float32-vector``; in memory, an ``array('f')`` (a sequence of floats to every consumer).

Why packed: fastavro reads an Avro array of floats one item at a time, about 0.12 µs each (45 µs for a 384-float
embedding, half of what decoding a replayed capture cost), and a list of Python floats costs as much again each time
it crosses to another process (the replay's decoder, the vector host). Packed, a vector is read as one string of
bytes and pickled as one. Readers that do not know the logical type see bytes, as the Avro specification asks.

Events written before a schema packed its vectors hold arrays of floats. Every array of 32-bit floats in our schemas
is a vector, so decoding marks those arrays with the same logical type (``mark``) and reads them into ``array('f')``
too; where a newer version packs a field an older one wrote as an array, the older message is read with the older
field's type (``bridge``), since Avro's resolution has no rule from an array to bytes. Every reader therefore gets
the same type, whichever version wrote the event.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

from fastavro.read import LOGICAL_READERS
from fastavro.write import LOGICAL_WRITERS

LOGICAL = "float32-vector"
_SWAP = sys.byteorder == "big"  # the wire is little-endian, as Avro's own floats are


def pack(datum: Any, *_: Any) -> bytes:
    """A vector's bytes on the wire, from a list, a tuple, an ``array('f')`` or a numpy array of floats."""
    if hasattr(datum, "dtype"):  # numpy: one conversion, not one Python float per item
        return bytes(datum.astype("<f4").tobytes())
    vector = datum if isinstance(datum, array) and datum.typecode == "f" and not _SWAP else array("f", datum)
    if _SWAP:
        vector.byteswap()
    return vector.tobytes()


def unpack(data: bytes, *_: Any) -> array[float]:
    """The vector a packed field holds; raises ValueError when the length is not whole floats."""
    vector = array("f")
    vector.frombytes(data)
    if _SWAP:
        vector.byteswap()
    return vector


def _from_floats(items: list[float], *_: Any) -> array[float]:
    return array("f", items)


# fastavro looks logical types up by "<Avro type>-<logical type>" in these module-level tables
LOGICAL_WRITERS[f"bytes-{LOGICAL}"] = pack
LOGICAL_READERS[f"bytes-{LOGICAL}"] = unpack
LOGICAL_READERS[f"array-{LOGICAL}"] = _from_floats


def is_float_array(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "array" and node.get("items") == "float"


def is_packed(node: Any) -> bool:
    """A packed vector, or a union with one."""
    if isinstance(node, list):
        return any(is_packed(branch) for branch in node)
    return isinstance(node, dict) and node.get("type") == "bytes" and node.get("logicalType") == LOGICAL


def mark(node: Any) -> Any:
    """The schema with every array of 32-bit floats read as a vector."""
    if is_float_array(node):
        return {**node, "logicalType": LOGICAL}
    if isinstance(node, dict):
        return {k: mark(v) for k, v in node.items()}
    if isinstance(node, list):
        return [mark(v) for v in node]
    return node


def _fields(node: Any, found: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """(record name, field name) → the field's type, for every record defined in a schema."""
    if isinstance(node, dict):
        if node.get("type") == "record":
            for field in node["fields"]:
                found[(node["name"], field["name"])] = field["type"]
        for value in node.values():
            _fields(value, found)
    elif isinstance(node, list):
        for value in node:
            _fields(value, found)
    return found


def bridge(writer: Any, reader: Any) -> Any:
    """The reader schema with each packed vector field that the writer wrote as an array of floats given the
    writer's type: what Avro's resolution can read such a message with (the logical type packs it afterwards)."""
    written = _fields(writer, {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        if node.get("type") == "record":
            fields = []
            for field in node["fields"]:
                before = written.get((node["name"], field["name"]))
                if is_packed(field["type"]) and before is not None and not is_packed(before):
                    fields.append({**field, "type": before})
                else:
                    fields.append(walk(field))
            return {**node, "fields": fields}
        return {k: walk(v) for k, v in node.items()}

    return walk(reader)
