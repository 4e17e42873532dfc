"""The load generator in a process of its own against a running server, and its reconciliation."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.load import _compare
from core.settings import REPO_ROOT
from tests.conftest import Served

pytestmark = pytest.mark.integration


def test_the_comparison_finds_what_is_missing_unexpected_or_doubled():
    found = _compare({"a", "b"}, Counter({"a": 1, "b": 2}), {"a"}, Counter({"a": 1, "b": 1, "z": 1}), {"a", "b"})
    assert found["missing"] == {"projected": ["b"]}
    assert found["unexpected"] == {"processed_in_topic": ["z"]}
    assert found["duplicated"] == {"in_topic": ["b"]}
    clean = _compare({"a"}, Counter({"a": 1}), {"a"}, Counter({"a": 1}), {"a"})
    assert not (clean["missing"] or clean["unexpected"] or clean["duplicated"])


def test_load_from_a_second_process_reconciles_with_nothing_missing_or_doubled(served: Served, tmp_path: Path):
    out = tmp_path / "load.json"
    env = {**os.environ, **served.settings.to_env()}
    command = [sys.executable, "-m", "bench", "load", "--users", "4", "--clips", "2", "--memories", "1"]
    done = subprocess.run([*command, "--out", str(out)], check=False, env=env, cwd=REPO_ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    report = json.loads(out.read_text())
    assert report["failed"] == [] and report["reconciliation"]["ok"] is True
    captures, memories = report["reconciliation"]["captures"], report["reconciliation"]["memories"]
    assert captures["acknowledged"] == 4 * 3 and captures["processed_projected"] == 4 * 3  # 2 clips, then 1 more
    assert memories["acknowledged"] == 4 and memories["processed_in_topic"] == 4
    assert report["events"] > 12 * 5 and report["events_per_s"] > 0
    assert report["memory_requested_to_rendered"]["runs"] == 4
