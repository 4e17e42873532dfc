"""CI fails when a schema change would make messages already in the log unreadable."""

import json
import shutil
from pathlib import Path

from schemas.codec import SCHEMA_DIR
from schemas.compat import PINS, pin, problems


def test_the_committed_schemas_are_pinned_and_every_version_reads_the_older_ones():
    assert problems() == []


def copy(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "events"
    shutil.copytree(SCHEMA_DIR, folder)
    pins = tmp_path / "fingerprints.json"
    shutil.copy(PINS, pins)
    return folder, pins


def test_a_new_field_without_a_default_breaks_backward_compatibility(tmp_path: Path):
    folder, pins = copy(tmp_path)
    v1 = json.loads((folder / "place_named.v1.avsc").read_text())
    breaking = {**v1, "fields": [*v1["fields"], {"name": "label", "type": "string"}]}
    (folder / "place_named.v2.avsc").write_text(json.dumps(breaking))
    pin(folder, pins)
    assert [p for p in problems(folder, pins) if "PlaceNamed v2 cannot read v1" in p]


def test_a_new_optional_field_with_a_default_is_fine(tmp_path: Path):
    folder, pins = copy(tmp_path)
    v1 = json.loads((folder / "place_named.v1.avsc").read_text())
    optional = {**v1, "fields": [*v1["fields"], {"name": "label", "type": ["null", "string"], "default": None}]}
    (folder / "place_named.v2.avsc").write_text(json.dumps(optional))
    assert problems(folder, pins) == [
        "place_named.v2.avsc: not pinned (python -m schemas.compat --pin, once it is final)"
    ]
    pin(folder, pins)
    assert problems(folder, pins) == []


def test_editing_or_removing_a_published_schema_is_refused(tmp_path: Path):
    folder, pins = copy(tmp_path)
    v1 = json.loads((folder / "place_named.v1.avsc").read_text())
    v1["fields"][-1]["type"] = "float"  # radius_m narrowed in place
    (folder / "place_named.v1.avsc").write_text(json.dumps(v1))
    (folder / "device_revoked.v1.avsc").unlink()
    pin(folder, pins)  # pinning never blesses an edited file
    found = problems(folder, pins)
    assert any("place_named.v1.avsc: a published schema changed" in p for p in found)
    assert any("device_revoked.v1.avsc: pinned but missing" in p for p in found)
