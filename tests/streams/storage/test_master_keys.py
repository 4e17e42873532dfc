"""Master keys: parsed strictly, made once per data folder, and a wrapped key opens only under its own name."""

from __future__ import annotations

import base64
import stat
import threading
from pathlib import Path

import pytest

from core.settings import Settings
from streams.storage.master_keys import KEY_BYTES, MasterKeyError, MasterKeys, is_wrapped, new_key_line


def test_a_fresh_data_folder_gets_one_private_master_key(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    made: list[MasterKeys] = []
    threads = [threading.Thread(target=lambda: made.append(MasterKeys.of(settings))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({m.current for m in made}) == 1 and len({m.keys[m.current] for m in made}) == 1
    path = tmp_path / "master.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["master.key"]  # no half-written leftovers


def test_settings_keys_win_over_the_file_and_a_named_file_must_exist(tmp_path: Path):
    line = new_key_line("ops-1")
    assert MasterKeys.of(Settings(data_dir=tmp_path, master_keys=line)).current == "ops-1"
    assert not (tmp_path / "master.key").exists()
    with pytest.raises(MasterKeyError, match="cannot read"):
        MasterKeys.of(Settings(data_dir=tmp_path, master_key_file=str(tmp_path / "missing.key")))


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "no master key"),
        ("just-base64", "expected id:base64"),
        ("k:" + base64.b64encode(b"x" * 16).decode(), "16 bytes"),
        ("k:!!!", "bytes"),
        (":" + base64.b64encode(b"x" * KEY_BYTES).decode(), "id"),
    ],
)
def test_malformed_master_keys_are_refused_with_the_reason(spec: str, reason: str):
    with pytest.raises(MasterKeyError, match=reason):
        MasterKeys.parse(spec)


def test_a_wrapped_key_opens_only_for_its_user_and_key_id():
    masters = MasterKeys.parse(new_key_line("a") + "," + new_key_line("b"))
    assert masters.current == "a"
    user_key, kid = bytes(range(32)), bytes(16)
    blob = masters.wrap("alice", kid, user_key)
    assert is_wrapped(blob) and user_key not in blob
    assert masters.unwrap("alice", kid, blob) == user_key
    with pytest.raises(MasterKeyError, match="damaged or moved"):
        masters.unwrap("bob", kid, blob)  # moved to another user
    with pytest.raises(MasterKeyError, match="damaged or moved"):
        masters.unwrap("alice", b"\x01" * 16, blob)
    # the second key unwraps what it wrapped, and only the first wraps
    second_only = MasterKeys([("b", masters.keys["b"])])
    assert second_only.unwrap("alice", kid, second_only.wrap("alice", kid, user_key)) == user_key
    assert masters.unwrap("alice", kid, second_only.wrap("alice", kid, user_key)) == user_key
    assert not masters.wrapped_by_current(second_only.wrap("alice", kid, user_key))
    with pytest.raises(MasterKeyError, match="neither wrapped nor a key"):
        masters.unwrap("alice", kid, b"short")
